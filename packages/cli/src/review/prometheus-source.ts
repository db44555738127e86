/**
 * Review data from Prometheus's HTTP API: each SLO's own SLI queries (the ones `sre render
 * prometheus` records), evaluated by /api/v1/query_range at one step, rate x step giving the
 * events of each bucket, like the CloudWatch source's sums per period. Prometheus answers at most
 * 11,000 points per series and query, so longer ranges are read in consecutive pages.
 */
import { withWindow, type SeriesPoint, type Slo } from '@sre-kit/core';

/** Prometheus's limit on points per series in one range query. */
export const MAX_POINTS_PER_QUERY = 11_000;

interface Queries {
  readonly total: string;
  readonly bad?: string;
  readonly good?: string;
}

/** Why the SLO cannot be reviewed from Prometheus, or undefined when it can. */
export function prometheusReviewUnsupportedReason(slo: Slo): string | undefined {
  const q = queriesOf(slo);
  return typeof q === 'string' ? q : undefined;
}

function queriesOf(slo: Slo): Queries | string {
  const ind = slo.indicator;
  if (ind.kind !== 'ratio') return 'only ratio SLIs (good or bad events over total) have counts to review';
  const prom = (s: typeof ind.total | undefined) => (s?.type === 'Prometheus' ? s.query : undefined);
  const total = prom(ind.total);
  const bad = prom(ind.bad);
  const good = prom(ind.good);
  if (total === undefined || (bad === undefined && good === undefined)) return 'its SLI has no Prometheus source';
  return { total, ...(bad !== undefined ? { bad } : {}), ...(good !== undefined ? { good } : {}) };
}

export interface PrometheusReadOptions {
  readonly url: string;
  /** Epoch seconds; the data starts at the bucket holding `from`. */
  readonly from: number;
  readonly to: number;
  readonly stepSeconds: number;
  /** Points per series and query; Prometheus's own limit by default. */
  readonly maxPointsPerQuery?: number;
}

export interface PrometheusReadStats {
  queries: number;
}

type Matrix = { metric: Record<string, string>; values: [number, string][] }[];

async function queryRange(url: string, query: string, start: number, end: number, step: number): Promise<Matrix> {
  const params = new URLSearchParams({ query, start: String(start), end: String(end), step: String(step) });
  const res = await fetch(`${url.replace(/\/$/, '')}/api/v1/query_range`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: params,
  });
  const body = (await res.json().catch(() => ({}))) as { status?: string; error?: string; data?: { result: Matrix } };
  if (!res.ok || body.status !== 'success')
    throw new Error(`query_range answered ${res.status}: ${body.error ?? 'no error text'} (query: ${query})`);
  return body.data?.result ?? [];
}

/** Bucket start -> events in the bucket, summed over the result's series. */
async function counts(
  options: PrometheusReadOptions,
  query: string,
  stats: PrometheusReadStats,
): Promise<Map<number, number>> {
  const step = options.stepSeconds;
  // Each point is the rate over the step ending at it: the bucket [t - step, t).
  const expr = `(${withWindow(query, step)}) * ${step}`;
  const first = Math.floor(options.from / step) * step + step;
  const last = Math.ceil(options.to / step) * step;
  const out = new Map<number, number>();
  const page = options.maxPointsPerQuery ?? MAX_POINTS_PER_QUERY;
  for (let start = first; start <= last; start += page * step) {
    const end = Math.min(last, start + (page - 1) * step);
    stats.queries++;
    for (const series of await queryRange(options.url, expr, start, end, step))
      for (const [t, v] of series.values) {
        const value = Number(v);
        if (Number.isFinite(value)) out.set(t - step, (out.get(t - step) ?? 0) + value);
      }
  }
  return out;
}

/** The good/total series of one SLO over [from, to), one point per step with data. */
export async function readPrometheusSeries(
  slo: Slo,
  options: PrometheusReadOptions,
  stats: PrometheusReadStats = { queries: 0 },
): Promise<SeriesPoint[]> {
  const q = queriesOf(slo);
  if (typeof q === 'string') throw new Error(`SLO ${slo.name}: ${q}`);
  const total = await counts(options, q.total, stats);
  const bad = q.bad !== undefined ? await counts(options, q.bad, stats) : undefined;
  const good = q.good !== undefined ? await counts(options, q.good, stats) : undefined;
  const points: SeriesPoint[] = [];
  for (const t of [...total.keys()].sort((a, b) => a - b)) {
    if (t < options.from - options.stepSeconds || t >= options.to) continue;
    const n = total.get(t) ?? 0;
    // A bad series is absent while nothing fails: no point means none failed.
    const g = good ? (good.get(t) ?? 0) : n - (bad?.get(t) ?? 0);
    points.push({ t, good: Math.max(0, Math.min(n, g)), total: n });
  }
  return points;
}
