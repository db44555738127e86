/**
 * Plans the GetMetricData queries a CloudWatch review needs: the good/bad/
 * total series of each SLO as MetricDataQuery-shaped data (no AWS SDK here;
 * the CLI sends them), ids unique per SLO, expressions rewritten to those ids,
 * and a period that respects CloudWatch's retention and datapoint limits.
 * Turning the answers back into good/total buckets is here too, so it is
 * tested without AWS.
 */
import type { SeriesPoint } from '../math/budget';
import type { CloudWatchMetricStat, MetricSource, Slo } from '../model/slo';

/** The subset of the SDK's MetricDataQuery this plan fills in (structurally compatible). */
export interface PlannedQuery {
  readonly Id: string;
  readonly Label?: string;
  readonly ReturnData: boolean;
  readonly Expression?: string;
  readonly Period?: number;
  readonly MetricStat?: {
    readonly Metric: {
      readonly Namespace: string;
      readonly MetricName: string;
      readonly Dimensions: readonly { readonly Name: string; readonly Value: string }[];
    };
    readonly Period: number;
    readonly Stat: string;
    readonly Unit?: string;
  };
  readonly AccountId?: string;
}

export type SeriesRole = 'good' | 'bad' | 'total';

/** The queries of one SLO; they must travel in the same GetMetricData call (expressions refer to each other). */
export interface SloQueryGroup {
  readonly slo: string;
  readonly queries: readonly PlannedQuery[];
  /** Id of the returned query for each role present. */
  readonly ids: Readonly<Partial<Record<SeriesRole, string>>>;
  /** MetricStat queries: what CloudWatch bills per call. */
  readonly metricCount: number;
}

/** GetMetricData limits (CloudWatch API reference). */
export const GET_METRIC_DATA_LIMITS = {
  maxQueriesPerCall: 500,
  maxDatapointsPerCall: 100_800,
  /** Retention: 1-minute data for 15 days, 5-minute data for 63 days, then 1-hour data. */
  oneMinuteRetentionSeconds: 15 * 86400,
  fiveMinuteRetentionSeconds: 63 * 86400,
} as const;

/** Why the SLO cannot be read from CloudWatch, or undefined. */
export function cloudWatchUnsupportedReason(slo: Slo): string | undefined {
  const ind = slo.indicator;
  if (ind.kind !== 'ratio') return `${ind.kind} SLIs cannot be reviewed from CloudWatch counts (use a ratio SLI)`;
  const sources = [ind.good, ind.bad, ind.total].filter((s): s is MetricSource => s !== undefined);
  if (sources.some((s) => s.type !== 'CloudWatch')) return 'its SLI has a non-CloudWatch source';
  return undefined;
}

function metricQuery(id: string, m: CloudWatchMetricStat, period: number, returnData: boolean): PlannedQuery {
  return {
    Id: id,
    ReturnData: returnData,
    MetricStat: {
      Metric: {
        Namespace: m.namespace,
        MetricName: m.metricName,
        Dimensions: Object.entries(m.dimensions).map(([Name, Value]) => ({ Name, Value })),
      },
      Period: period,
      Stat: m.statistic,
      ...(m.unit ? { Unit: m.unit } : {}),
    },
    ...(m.accountId ? { AccountId: m.accountId } : {}),
  };
}

/** The queries for one SLO; `index` makes its ids unique within a call. */
export function planSloQueries(slo: Slo, index: number, period: number): SloQueryGroup {
  const reason = cloudWatchUnsupportedReason(slo);
  if (reason) throw new Error(`SLO ${slo.name}: ${reason}`);
  const ind = slo.indicator as Extract<Slo['indicator'], { kind: 'ratio' }>;
  const queries: PlannedQuery[] = [];
  const ids: Partial<Record<SeriesRole, string>> = {};
  let metricCount = 0;
  for (const role of ['good', 'bad', 'total'] as const) {
    const source = ind[role];
    if (!source || source.type !== 'CloudWatch') continue;
    const id = `s${index}_${role}`;
    ids[role] = id;
    if (source.kind === 'metric') {
      queries.push({ ...metricQuery(id, source, period, true), Label: `${slo.name} ${role}` });
      metricCount++;
      continue;
    }
    let expression = source.expression;
    for (const [name, metric] of Object.entries(source.metrics)) {
      const inner = `${id}_${name}`;
      queries.push(metricQuery(inner, metric, period, false));
      metricCount++;
      expression = expression.replace(new RegExp(`\\b${name}\\b`, 'g'), inner);
    }
    queries.push({ Id: id, Label: `${slo.name} ${role}`, Expression: expression, Period: period, ReturnData: true });
  }
  return { slo: slo.name, queries, ids, metricCount };
}

/**
 * The finest period CloudWatch still holds for `from` (60 s within 15 days,
 * 300 s within 63 days, else 3600 s), raised to a multiple of 60 so one query
 * returns at most `maxDatapointsPerCall` points, or `requested` when given.
 */
export function choosePeriod(from: number, to: number, now: number, requested?: number): number {
  if (requested !== undefined) {
    if (!(requested >= 60 && requested % 60 === 0))
      throw new RangeError(
        `period ${requested} s is not a multiple of 60 s (10/20/30 s high-resolution is not reviewed)`,
      );
    return requested;
  }
  const age = now - from;
  let period = 60;
  if (age > GET_METRIC_DATA_LIMITS.oneMinuteRetentionSeconds) period = 300;
  if (age > GET_METRIC_DATA_LIMITS.fiveMinuteRetentionSeconds) period = 3600;
  const points = (to - from) / period;
  if (points > GET_METRIC_DATA_LIMITS.maxDatapointsPerCall)
    period = Math.ceil((to - from) / GET_METRIC_DATA_LIMITS.maxDatapointsPerCall / 60) * 60;
  return period;
}

/** Packs whole SLO groups into calls of at most `max` queries. */
export function batchGroups(
  groups: readonly SloQueryGroup[],
  max: number = GET_METRIC_DATA_LIMITS.maxQueriesPerCall,
): SloQueryGroup[][] {
  const batches: SloQueryGroup[][] = [];
  let current: SloQueryGroup[] = [];
  let size = 0;
  for (const g of groups) {
    if (g.queries.length > max)
      throw new RangeError(`SLO ${g.slo} needs ${g.queries.length} queries, more than ${max} per call`);
    if (size + g.queries.length > max) {
      batches.push(current);
      current = [];
      size = 0;
    }
    current.push(g);
    size += g.queries.length;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** Datapoints of one returned query, timestamps in epoch seconds. */
export type QueryValues = ReadonlyMap<number, number>;

/**
 * Good/total buckets from the answers. A bucket exists where `total` has a
 * datapoint (no datapoint: no traffic); a missing good or bad datapoint is
 * zero events, which is what a missing Sum means in CloudWatch.
 */
export function seriesFromResults(group: SloQueryGroup, results: ReadonlyMap<string, QueryValues>): SeriesPoint[] {
  const total = results.get(group.ids.total ?? '') ?? new Map<number, number>();
  const good = group.ids.good ? results.get(group.ids.good) : undefined;
  const bad = group.ids.bad ? results.get(group.ids.bad) : undefined;
  const points: SeriesPoint[] = [];
  for (const [t, n] of total) {
    if (!(n > 0)) continue;
    const g = good ? (good.get(t) ?? 0) : n - (bad?.get(t) ?? 0);
    points.push({ t, total: n, good: Math.min(n, Math.max(0, g)) });
  }
  return points.sort((a, b) => a.t - b.t);
}
