/**
 * What a spec set creates in CloudWatch, counted the way CloudWatch bills it.
 * `estimateCost` prices an inventory; `inventoryForSpecs` builds one from
 * SLOs and alarm policies using the same plans the CDK renderer uses
 * (planSloAlarms, resolveAlarms), so the estimate cannot drift from what is
 * deployed.
 */
import { catalogueMetrics, resolveAlarms } from '../catalogue';
import { planSloAlarms } from '../math/slo-alarms';
import type { AlarmPolicy } from '../model/alarms';
import type { Dashboard } from '../model/dashboard';
import type { CloudWatchMetricStat, Slo } from '../model/slo';
import { S3_REQUEST_METRICS_PER_FILTER } from './prices';
import { type ViewingProfile, dashboardViewing } from './viewing';

/** Who a cost belongs to: an SLO, an alarm family, or the spec set as a whole. */
export interface CostOwner {
  readonly slo?: string;
  /** A catalogue family, built in or registered from code (`sqs`). */
  readonly family?: string;
  /** What it is: a catalogue id, `burn-rate window alarm`, `dashboard`, ... Lines group by owner + item. */
  readonly item: string;
}

export interface AlarmInventoryItem extends CostOwner {
  readonly name: string;
  readonly kind: 'metric' | 'composite' | 'anomaly';
  /** Metrics the alarm retrieves (alarmMetricCount: metric math counts each MetricStat). Ignored for composites. */
  readonly metrics: number;
  readonly highResolution: boolean;
}

export interface CountInventoryItem extends CostOwner {
  readonly name: string;
  readonly count: number;
}

export interface CostInventory {
  readonly alarms: readonly AlarmInventoryItem[];
  readonly dashboards: readonly { readonly name: string }[];
  readonly customMetrics: readonly CountInventoryItem[];
  /** GetMetricData metrics requested per month (count = metrics per month). */
  readonly getMetricData: readonly CountInventoryItem[];
  /** GetMetricData metrics open dashboards request per month, with how that was figured. */
  readonly dashboardViewing?: readonly (CountInventoryItem & { readonly note: string })[];
}

export interface InventoryInput {
  readonly slos: readonly Slo[];
  readonly alarmPolicies: readonly AlarmPolicy[];
  /** Dashboards deployed to CloudWatch (the models, or just how many). */
  readonly dashboards?: readonly Pick<Dashboard, 'name'>[] | number;
  /**
   * How the dashboard models are looked at (Grafana on CloudWatch): priced as GetMetricData per
   * board. Only full models can be priced; a count or names alone cannot.
   */
  readonly viewing?: ViewingProfile;
  /**
   * How often `sre review` runs against CloudWatch; each run requests every SLO metric once (a 30 d period at
   * 1-minute resolution is 43,200 datapoints, inside one GetMetricData call's 100,800). @default 30
   */
  readonly reviewsPerMonth?: number;
}

/** Namespaces outside AWS/ that AWS publishes with its own pricing (not billed as custom metrics here). */
const VENDED_NAMESPACES = new Set(['ECS/ContainerInsights']);

function isCustom(m: Pick<CloudWatchMetricStat, 'namespace'>): boolean {
  return !m.namespace.startsWith('AWS/') && !VENDED_NAMESPACES.has(m.namespace);
}

function customMetricKey(m: CloudWatchMetricStat): string {
  // A custom metric is one namespace + name + dimension set, whatever statistic reads it.
  const dims = Object.entries(m.dimensions).sort(([a], [b]) => a.localeCompare(b));
  return JSON.stringify([m.namespace, m.metricName, dims]);
}

/** The cost line of the "faster tiers firing" composites (planTierSuppression), in core's and the kit's inventory. */
export const SUPPRESSOR_ITEM = 'burn-rate suppressor composite';

export function inventoryForSpecs(input: InventoryInput): CostInventory {
  const reviews = input.reviewsPerMonth ?? 30;
  const alarms: AlarmInventoryItem[] = [];
  const customMetrics: CountInventoryItem[] = [];
  const getMetricData: CountInventoryItem[] = [];
  const seenCustom = new Set<string>();

  for (const slo of input.slos) {
    const plan = planSloAlarms(slo);
    if (plan.kind !== 'cloudwatch') continue;
    for (const w of plan.windowAlarms)
      alarms.push({
        slo: slo.name,
        item: 'burn-rate window alarm',
        name: `${slo.name}-${w.key}`,
        kind: 'metric',
        metrics: plan.metricsPerAlarm,
        highResolution: w.evaluation.highResolution,
      });
    for (const c of plan.composites)
      alarms.push({
        slo: slo.name,
        item: 'burn-rate tier composite',
        name: `${slo.name}-${c.tier.name}`,
        kind: 'composite',
        metrics: 0,
        highResolution: false,
      });
    for (const s of plan.suppressors)
      alarms.push({
        slo: slo.name,
        item: SUPPRESSOR_ITEM,
        name: `${slo.name}-${s.key}`,
        kind: 'composite',
        metrics: 0,
        highResolution: false,
      });
    const custom = Object.values(plan.query.metrics).filter((m) => isCustom(m) && !seenCustom.has(customMetricKey(m)));
    custom.forEach((m) => seenCustom.add(customMetricKey(m)));
    if (custom.length > 0)
      customMetrics.push({ slo: slo.name, item: 'custom metric', name: `${slo.name} SLI`, count: custom.length });
    if (reviews > 0)
      getMetricData.push({
        slo: slo.name,
        item: 'review GetMetricData',
        name: `${slo.name} review`,
        // A review reads the deduplicated query (error-ratio-query.ts): each distinct metric once per run.
        count: Object.keys(plan.query.metrics).length * reviews,
      });
  }

  for (const policy of input.alarmPolicies) {
    const resolved = resolveAlarms(policy);
    for (const a of resolved) {
      const metrics = catalogueMetrics(a).length;
      alarms.push({
        family: a.family,
        item: a.catalogueId,
        name: `${a.service}-${a.resourceId}-${a.catalogueId}`,
        kind: 'metric',
        metrics,
        highResolution: a.periodSeconds < 60,
      });
    }
    // S3 request metrics are published (and billed) per bucket filter once any request alarm needs them.
    const buckets = new Set(resolved.filter((a) => a.family === 's3').map((a) => a.resourceId));
    if (buckets.size > 0)
      customMetrics.push({
        family: 's3',
        item: 'S3 request metrics',
        name: `${policy.name} request-metrics filters`,
        count: buckets.size * S3_REQUEST_METRICS_PER_FILTER,
      });
  }

  const dashboards =
    typeof input.dashboards === 'number'
      ? Array.from({ length: input.dashboards }, (_, i) => ({ name: `dashboard-${i + 1}` }))
      : (input.dashboards ?? []).map((d) => ({ name: d.name }));
  const dashboardViewingLines: (CountInventoryItem & { note: string })[] = [];
  if (input.viewing && typeof input.dashboards !== 'number')
    for (const d of input.dashboards ?? []) {
      if (!('sections' in d)) continue;
      const v = dashboardViewing(d as Dashboard, input.viewing);
      if (v.metricsPerMonth === 0) continue;
      const logs = v.logQueries > 0 ? `; ${v.logQueries} Logs Insights widgets billed per GB scanned, not priced` : '';
      dashboardViewingLines.push({
        item: `viewing ${d.name}`,
        name: d.name,
        count: v.metricsPerMonth,
        note: `${v.metricsPerRefresh} metrics per refresh, refresh every ${formatSeconds(v.refreshSeconds)}, open ${v.hoursOpenPerMonth} h a month${logs}`,
      });
    }
  return {
    alarms,
    dashboards,
    customMetrics,
    getMetricData,
    ...(input.viewing ? { dashboardViewing: dashboardViewingLines } : {}),
  };
}

function formatSeconds(s: number): string {
  return s % 3600 === 0 ? `${s / 3600} h` : s % 60 === 0 ? `${s / 60} min` : `${s} s`;
}
