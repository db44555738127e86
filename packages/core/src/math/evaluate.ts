/**
 * Replays a burn-rate policy over a recorded good/total series: which tier
 * would have fired when, and when it would have reset. Used by `sre simulate`
 * and `sre review`, and as the executable definition the CloudWatch and
 * Prometheus renderings are checked against.
 */
import type { BurnRatePolicy, BurnRateTier } from '../model/slo';
import type { SeriesPoint } from './budget';
import { guardedErrorRatio, tierMinEvents } from './guard';
import { tierThreshold } from './policy';

export interface FiringInterval {
  /** Evaluation instant (end of the bucket) at which the tier started firing. */
  readonly start: number;
  /** Evaluation instant at which it stopped; undefined while still firing at the end of the series. */
  readonly end?: number;
}

export interface TierEvaluation {
  readonly tier: BurnRateTier;
  readonly threshold: number;
  readonly intervals: readonly FiringInterval[];
}

export interface PolicyEvaluation {
  readonly stepSeconds: number;
  readonly tiers: readonly TierEvaluation[];
}

export interface EvaluateOptions {
  /** Bucket length; default the smallest gap between consecutive buckets (60 for a single bucket). */
  readonly stepSeconds?: number;
}

/** Smallest positive gap between consecutive timestamps (60 for fewer than two): the bucket length of a series. */
export function inferStepSeconds(series: readonly SeriesPoint[]): number {
  let step = Infinity;
  for (let i = 1; i < series.length; i++) {
    const gap = series[i].t - series[i - 1].t;
    if (gap > 0 && gap < step) step = gap;
  }
  return Number.isFinite(step) ? step : 60;
}

/**
 * Error ratio of the window ending at each bucket's end. Bucket i covers
 * [t_i, t_i + step); the window of length W evaluated at e = t_i + step holds
 * the buckets with t_j >= e - W. Two pointers over prefix sums: O(n) per window,
 * and any timestamps (gaps are simply traffic-free time).
 */
export function windowErrorRatios(
  series: readonly SeriesPoint[],
  windowSeconds: number,
  stepSeconds: number,
  /** Low-traffic guard (math/guard.ts): a window with fewer events counts as this many, the rest good. */
  minEvents = 0,
): number[] {
  const n = series.length;
  const badPrefix = new Float64Array(n + 1);
  const totalPrefix = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) {
    badPrefix[i + 1] = badPrefix[i] + Math.max(0, series[i].total - series[i].good);
    totalPrefix[i + 1] = totalPrefix[i] + series[i].total;
  }
  const ratios = new Array<number>(n);
  let lo = 0;
  for (let i = 0; i < n; i++) {
    const from = series[i].t + stepSeconds - windowSeconds;
    while (lo < i && series[lo].t < from) lo++;
    const total = totalPrefix[i + 1] - totalPrefix[lo];
    // No traffic is not an error: CloudWatch treat-missing notBreaching, Prometheus yields no sample.
    ratios[i] = guardedErrorRatio(badPrefix[i + 1] - badPrefix[lo], total, minEvents);
  }
  return ratios;
}

/**
 * Fire/reset intervals per tier; a tier fires while both windows' error ratios are strictly above its threshold,
 * the long window's guarded by the tier's minEvents.
 */
export function evaluatePolicy(
  series: readonly SeriesPoint[],
  policy: BurnRatePolicy,
  objective: number,
  options: EvaluateOptions = {},
): PolicyEvaluation {
  for (let i = 1; i < series.length; i++)
    if (series[i].t <= series[i - 1].t)
      throw new RangeError(`series must be sorted by strictly increasing t (index ${i}: ${series[i].t})`);
  const stepSeconds = options.stepSeconds ?? inferStepSeconds(series);
  const cache = new Map<string, number[]>();
  const ratiosFor = (w: number, minEvents = 0): number[] => {
    const key = `${w}/${minEvents}`;
    let r = cache.get(key);
    if (!r) cache.set(key, (r = windowErrorRatios(series, w, stepSeconds, minEvents)));
    return r;
  };
  const tiers = policy.tiers.map((tier): TierEvaluation => {
    const threshold = tierThreshold(tier, objective);
    // The guard is on the long window only: the short one decides how fast the tier resets.
    const long = ratiosFor(tier.longWindowSeconds, tierMinEvents(tier));
    const short = ratiosFor(tier.shortWindowSeconds);
    const intervals: FiringInterval[] = [];
    let start: number | undefined;
    for (let i = 0; i < series.length; i++) {
      const at = series[i].t + stepSeconds;
      const firing = long[i] > threshold && short[i] > threshold;
      if (firing && start === undefined) start = at;
      if (!firing && start !== undefined) {
        intervals.push({ start, end: at });
        start = undefined;
      }
    }
    if (start !== undefined) intervals.push({ start });
    return { tier, threshold, intervals };
  });
  return { stepSeconds, tiers };
}
