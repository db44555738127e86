/**
 * The developer dashboard: per monitored resource, the RED and saturation panels of its family
 * with the thresholds of the alarms that watch the same metric drawn on them; alarms no panel
 * shows (metric math, other statistics) get a panel of their own, so every alarm's line is visible.
 */
import type { AlarmPolicy, MonitoredResource, ResolvedAlarm } from '../model/alarms';
import type { DashboardQuery, DashboardSection, Threshold, TimeSeriesWidget, Unit, Widget } from '../model/dashboard';
import type { CloudWatchMetricStat } from '../model/slo';
import { formatDuration } from '../duration';
import { FAMILY_BOARDS, type FamilyBoard, type FamilyPanel } from './families';
import { cw, flattenSource, mathQuery, metricQuery } from './queries';
import { resourceAlarmName } from './names';

export type DimensionResolver = (
  family: string,
  resource: MonitoredResource,
) => Readonly<Record<string, string>> | undefined;

/** Attributes the specs leave out (the CDK facade reads them from the constructs: a web ACL's CAPTCHA and Bot Control). */
export type AttributeResolver = DimensionResolver;

export interface ResourceContext {
  /** A built-in family, or one registered from code (no curated board: alarm panels only). */
  readonly family: string;
  readonly resource: MonitoredResource;
  readonly dimensions: Readonly<Record<string, string>>;
  /** The resource's attributes, the construct's over the spec's. */
  readonly attributes: Readonly<Record<string, string>>;
  readonly alarms: readonly ResolvedAlarm[];
}

const PERIOD = 60;

/** Dimension values for `names`, or the first missing name. */
function pick(
  board: FamilyBoard,
  names: readonly string[],
  known: Readonly<Record<string, string>>,
): { dims: Record<string, string> } | { missing: string } {
  const dims: Record<string, string> = {};
  for (const name of names) {
    const value = known[name];
    if (value === undefined) return { missing: name };
    dims[name] = value;
  }
  for (const name of board.optionalDimensionNames ?? []) if (known[name] !== undefined) dims[name] = known[name];
  return { dims: { ...dims, ...(board.fixedDimensions ?? {}) } };
}

type MetricKey = Pick<CloudWatchMetricStat, 'namespace' | 'metricName' | 'statistic'>;

export function sameMetric(a: MetricKey, b: MetricKey): boolean {
  return a.namespace === b.namespace && a.metricName === b.metricName && a.statistic === b.statistic;
}

export function alarmThreshold(alarm: ResolvedAlarm): Threshold | undefined {
  if (alarm.threshold === undefined) return undefined;
  const below = alarm.comparison.startsWith('Less');
  return {
    value: alarm.threshold,
    label: `${alarm.title} (${alarm.severity})`,
    severity: alarm.severity,
    comparison: below ? 'below' : 'above',
  };
}

export type Link = { readonly title: string; readonly url: string };

/** The runbook links of `alarms`, one per distinct URL, named after the alarm when a panel carries several. */
export function runbookLinks(alarms: readonly ResolvedAlarm[]): Link[] {
  const urls = new Map<string, string>();
  for (const a of alarms) if (a.runbookUrl && !urls.has(a.runbookUrl)) urls.set(a.runbookUrl, a.title);
  return [...urls].map(([url, title]) => ({ title: urls.size === 1 ? 'Runbook' : `Runbook: ${title}`, url }));
}

/**
 * The query of `source` on a panel, and what the alarms evaluating that metric add: their threshold lines
 * and, when an alarm aggregates over another period than the panel, that period for the query, since a
 * 5-minute sum threshold means nothing against 1-minute sums.
 */
export function alarmedMetricQuery(
  id: string,
  source: CloudWatchMetricStat,
  label: string,
  panelPeriodSeconds: number,
  alarms: readonly ResolvedAlarm[],
): { query: DashboardQuery; thresholds: Threshold[]; alarms: ResolvedAlarm[] } {
  const matched = alarms.filter((a) => a.metric !== undefined && sameMetric(a.metric, source));
  const thresholds = matched.map(alarmThreshold).filter((t): t is Threshold => t !== undefined);
  const period = matched.find((a) => a.threshold !== undefined)?.periodSeconds ?? panelPeriodSeconds;
  const query = metricQuery(id, source, {
    label: period === panelPeriodSeconds ? label : `${label} per ${formatDuration(period)}`,
    ...(period === panelPeriodSeconds ? {} : { periodSeconds: period }),
  });
  return { query, thresholds, alarms: matched };
}

function familyPanel(
  ctx: ResourceContext,
  board: FamilyBoard,
  panel: FamilyPanel,
  matched: Set<ResolvedAlarm>,
): TimeSeriesWidget | string {
  const queries: DashboardQuery[] = [];
  const thresholds: Threshold[] = [];
  const drawn: ResolvedAlarm[] = [];
  const visible = panel.metrics.filter((m) => !m.hidden).length;
  for (const [i, metric] of panel.metrics.entries()) {
    const found = pick(board, metric.dimensionNames ?? board.dimensionNames, ctx.dimensions);
    if ('missing' in found) return found.missing;
    const source = cw(metric.namespace ?? board.namespace, metric.metricName, found.dims, metric.statistic);
    // A threshold line belongs to one series: on a panel of several, an alarm's line would read against
    // the others too ("connections" over active and rejected), so its alarm gets a panel of its own.
    if (panel.math || metric.hidden || visible > 1) {
      queries.push(metricQuery(`m${i}`, source, { label: metric.label, hidden: metric.hidden }));
      continue;
    }
    const alarmed = alarmedMetricQuery(`m${i}`, source, metric.label, PERIOD, ctx.alarms);
    queries.push(alarmed.query);
    thresholds.push(...alarmed.thresholds);
    for (const alarm of alarmed.alarms) matched.add(alarm);
    drawn.push(...alarmed.alarms);
  }
  if (panel.math) queries.push(mathQuery('e0', panel.math.expression, { label: panel.math.label }));
  const links = runbookLinks(drawn);
  const region = board.regionWithout && ctx.dimensions[board.regionWithout.dimension] === undefined ? board.regionWithout.region : undefined;
  return {
    ...(region ? { region } : {}),
    type: 'timeSeries',
    title: `${ctx.resource.id}: ${panel.title}`,
    description: `${panel.signal === 'saturation' ? 'Saturation' : 'RED'} signal (${panel.signal}) of ${board.title} ${ctx.resource.id}.`,
    width: 6,
    height: 6,
    queries,
    periodSeconds: PERIOD,
    unit: panel.unit,
    thresholds,
    ...(links.length > 0 ? { links } : {}),
  };
}

/** A built-in family's board; families registered from code have none (their alarms still get panels). */
function boardOf(family: string): FamilyBoard | undefined {
  return (FAMILY_BOARDS as Readonly<Record<string, FamilyBoard | undefined>>)[family];
}

/** The unit a family board shows the alarm's metric in; percentages for "percent" math; else none. */
function unitOf(alarm: ResolvedAlarm): Unit {
  const name = alarm.metric?.metricName;
  const panel = boardOf(alarm.family)?.panels.find((p) => !p.math && p.metrics.some((m) => m.metricName === name));
  if (panel) return panel.unit;
  return /percent|%/i.test(alarm.title) ? 'percent' : 'none';
}

/** A panel that draws exactly what `alarm` evaluates, with its threshold. */
export function alarmPanel(alarm: ResolvedAlarm): TimeSeriesWidget | undefined {
  const line = alarmThreshold(alarm);
  const where = boardOf(alarm.family)?.regionWithout;
  const common = {
    type: 'timeSeries' as const,
    ...(where && alarm.dimensions[where.dimension] === undefined ? { region: where.region } : {}),
    title: `${alarm.resourceId}: ${alarm.title}`,
    description: alarm.runbook,
    width: 6,
    height: 6,
    periodSeconds: alarm.periodSeconds,
    unit: unitOf(alarm),
    thresholds: line ? [line] : [],
    ...(alarm.runbookUrl ? { links: runbookLinks([alarm]) } : {}),
  };
  if (alarm.metric) {
    const dims: Record<string, string> = {};
    for (const name of alarm.metric.dimensionNames) {
      if (alarm.dimensions[name] === undefined) return undefined;
      dims[name] = alarm.dimensions[name];
    }
    const source = cw(alarm.metric.namespace, alarm.metric.metricName, dims, alarm.metric.statistic);
    return { ...common, queries: [metricQuery('m0', source, { label: alarm.title })] };
  }
  if (alarm.expression) {
    const metrics: Record<string, CloudWatchMetricStat> = {};
    for (const [id, metric] of Object.entries(alarm.expression.metrics)) {
      const dims: Record<string, string> = {};
      for (const name of metric.dimensionNames) {
        if (alarm.dimensions[name] === undefined) return undefined;
        dims[name] = alarm.dimensions[name];
      }
      metrics[id] = cw(metric.namespace, metric.metricName, dims, metric.statistic);
    }
    const flat = flattenSource(
      'e',
      { type: 'CloudWatch', kind: 'expression', expression: alarm.expression.expression, metrics },
      {
        label: alarm.title,
      },
    );
    return { ...common, queries: flat.queries };
  }
  return undefined;
}

export function resourceSection(ctx: ResourceContext): DashboardSection {
  // A registered family has no curated panels: its section is the panels of its alarms.
  const board = boardOf(ctx.family) ?? { title: ctx.family, namespace: '', dimensionNames: [], panels: [] };
  const matched = new Set<ResolvedAlarm>();
  const widgets: Widget[] = [];
  const missing = new Set<string>();
  for (const panel of board.panels) {
    const built = familyPanel(ctx, board, panel, matched);
    if (typeof built === 'string') missing.add(built);
    else widgets.push(built);
  }
  for (const alarm of ctx.alarms) {
    if (matched.has(alarm)) continue;
    const panel = alarmPanel(alarm);
    if (panel) widgets.push(panel);
  }
  if (ctx.alarms.length > 0) {
    widgets.push({
      type: 'alarmStatus',
      title: `${ctx.resource.id}: alarms`,
      width: 6,
      height: 6,
      alarmNames: ctx.alarms.map(resourceAlarmName),
    });
  }
  if (missing.size > 0) {
    widgets.push({
      type: 'text',
      title: `${ctx.resource.id}: panels left out`,
      width: 6,
      height: 3,
      markdown:
        `Some ${board.title} panels need the dimension(s) ${[...missing].join(', ')}, which resource ` +
        `\`${ctx.resource.id}\` does not name. Add them under \`dimensions:\` in the alarm policy ` +
        `(${ctx.resource.location.file}).`,
    });
  }
  return { title: `${board.title}: ${ctx.resource.id}`, widgets };
}

/** Every resource of every family the policies name, with its resolved alarms. */
export function resourceContexts(
  policies: readonly AlarmPolicy[],
  resolved: readonly ResolvedAlarm[],
  resolveDimensions?: DimensionResolver,
  resolveAttributes?: AttributeResolver,
): ResourceContext[] {
  const out: ResourceContext[] = [];
  for (const policy of policies) {
    for (const [family, resources] of Object.entries(policy.families) as [string, MonitoredResource[]][]) {
      for (const resource of resources ?? []) {
        const dimensions = { ...resource.dimensions, ...(resolveDimensions?.(family, resource) ?? {}) };
        const alarms = resolved
          .filter((a) => a.family === family && a.resourceId === resource.id && a.service === policy.service)
          .map((a) => ({ ...a, dimensions: { ...a.dimensions, ...dimensions } }));
        const attributes = { ...(resource.attributes ?? {}), ...(resolveAttributes?.(family, resource) ?? {}) };
        out.push({ family, resource, dimensions, attributes, alarms });
      }
    }
  }
  return out;
}
