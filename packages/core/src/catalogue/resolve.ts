import type {
  AlarmFamilyName,
  AlarmOverride,
  AlarmPolicy,
  CatalogueAlarm,
  CatalogueMetric,
  MonitoredResource,
  ResolvedAlarm,
  ThresholdRule,
} from '../model/alarms';
import { catalogueFor } from './data';

/** The metrics an entry reads: its single metric, or every metric of its expression. */
export function catalogueMetrics(entry: Pick<CatalogueAlarm, 'metric' | 'expression'>): readonly CatalogueMetric[] {
  if (entry.metric) return [entry.metric];
  return entry.expression ? Object.values(entry.expression.metrics) : [];
}

/** The entries of a family; the built-in catalogue unless a renderer passes its own (registered families). */
export type CatalogueLookup = (family: string) => readonly CatalogueAlarm[];

const builtIn: CatalogueLookup = (family) => catalogueFor(family as AlarmFamilyName);

/** The resource properties a family's thresholds derive from (`timeoutMs`, `maxConnections`, ...). */
export function catalogueProperties(family: string, entriesOf: CatalogueLookup = builtIn): string[] {
  return [...new Set(entriesOf(family).flatMap((e) => (e.threshold.kind === 'percentOf' ? [e.threshold.of] : [])))];
}

/**
 * The number a threshold rule gives for a resource: fixed as is, userDefined its
 * suggestion, percentOf the percentage of the property (or its fallback).
 * Undefined when the property is unknown and there is no fallback; the
 * renderer must then get the value from the construct or fail at synth.
 */
export function resolveThreshold(
  rule: ThresholdRule,
  properties: Readonly<Record<string, number>>,
): number | undefined {
  switch (rule.kind) {
    case 'fixed':
      return rule.value;
    case 'userDefined':
      return rule.suggested;
    case 'percentOf': {
      const base = properties[rule.of];
      return base === undefined ? rule.fallback : (rule.percent / 100) * base;
    }
  }
}

const CLOUDFRONT_METRICS_REGION = 'us-east-1';

/** CloudFront-scoped web ACLs publish without a Region dimension, in us-east-1. */
function scopeMetrics(
  entry: CatalogueAlarm,
  resource: MonitoredResource,
): Pick<ResolvedAlarm, 'metric' | 'expression' | 'region'> {
  const cloudFront = entry.family === 'waf' && resource.attributes?.scope?.toUpperCase() === 'CLOUDFRONT';
  if (!cloudFront) return { metric: entry.metric, expression: entry.expression };
  const drop = (m: CatalogueMetric): CatalogueMetric => ({
    ...m,
    dimensionNames: m.dimensionNames.filter((d) => d !== 'Region'),
  });
  return {
    metric: entry.metric && drop(entry.metric),
    expression: entry.expression && {
      expression: entry.expression.expression,
      metrics: Object.fromEntries(Object.entries(entry.expression.metrics).map(([id, m]) => [id, drop(m)])),
    },
    region: CLOUDFRONT_METRICS_REGION,
  };
}

/** Dimension values for the alarm: fixed ones, then the resource's, restricted to names the metrics use. */
function dimensionsFor(metrics: readonly CatalogueMetric[], resource: MonitoredResource): Record<string, string> {
  const names = new Set(metrics.flatMap((m) => m.dimensionNames));
  const out: Record<string, string> = {};
  for (const m of metrics) Object.assign(out, m.fixedDimensions ?? {});
  for (const [name, value] of Object.entries(resource.dimensions)) if (names.has(name)) out[name] = value;
  return out;
}

/**
 * A base URL names a folder of runbooks (`<base>/<catalogue id>`), or one page with an anchor per alarm when it
 * ends in `#` (`.../alarms.md#` -> `.../alarms.md#lambda.errors`): a single Markdown file on a code host has no
 * paths below it, only fragments.
 */
export function runbookUrlFor(base: string, catalogueId: string): string {
  return base.endsWith('#') ? `${base}${catalogueId}` : `${base.replace(/\/+$/, '')}/${catalogueId}`;
}

function resolveOne(
  entry: CatalogueAlarm,
  resource: MonitoredResource,
  policy: AlarmPolicy,
  override: AlarmOverride,
): ResolvedAlarm {
  const scoped = scopeMetrics(entry, resource);
  const metrics = catalogueMetrics({ metric: scoped.metric, expression: scoped.expression });
  const runbookUrl =
    override.runbookUrl ?? (policy.runbookBaseUrl ? runbookUrlFor(policy.runbookBaseUrl, entry.id) : undefined);
  return {
    catalogueId: entry.id,
    family: entry.family,
    resourceId: resource.id,
    service: policy.service,
    title: entry.title,
    ...(scoped.metric ? { metric: scoped.metric } : {}),
    ...(scoped.expression ? { expression: scoped.expression } : {}),
    ...(scoped.region ? { region: scoped.region } : {}),
    dimensions: dimensionsFor(metrics, resource),
    threshold: override.threshold ?? resolveThreshold(entry.threshold, resource.properties),
    thresholdRule: entry.threshold,
    comparison: entry.comparison,
    periodSeconds: override.periodSeconds ?? entry.periodSeconds,
    evaluationPeriods: override.evaluationPeriods ?? entry.evaluationPeriods,
    datapointsToAlarm: override.datapointsToAlarm ?? entry.datapointsToAlarm,
    treatMissingData: override.treatMissingData ?? entry.treatMissingData,
    severity: override.severity ?? entry.severity,
    runbook: override.runbook ?? entry.runbook,
    ...(runbookUrl ? { runbookUrl } : {}),
    ...(entry.preconditions?.length ? { preconditions: entry.preconditions } : {}),
  };
}

/**
 * The alarms a policy creates: for each selected family, each resource, each
 * catalogue entry of the family, with the policy's defaults folded first and
 * the resource's overrides on top. `enabled: false` opts an entry out;
 * `enabled: true` opts in to an entry that is off by default (account-level or
 * replica-only alarms). Order is stable: policy family order, resource order,
 * catalogue order, so renderers produce stable templates.
 */
export function resolveAlarms(policy: AlarmPolicy, entriesOf: CatalogueLookup = builtIn): ResolvedAlarm[] {
  const out: ResolvedAlarm[] = [];
  for (const [family, resources] of Object.entries(policy.families)) {
    const entries = entriesOf(family);
    for (const resource of resources ?? []) {
      for (const entry of entries) {
        const override: AlarmOverride = { ...policy.defaults[entry.id], ...resource.overrides[entry.id] };
        if (!(override.enabled ?? entry.enabledByDefault)) continue;
        out.push(resolveOne(entry, resource, policy, override));
      }
    }
  }
  return out;
}
