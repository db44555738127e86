/**
 * The numbers of an SLO review: attainment, budget, burn rates per alert
 * window, when each tier would have fired (the policy replayed over the data),
 * the incidents that burned the most budget, and the budget-policy verdict.
 * All figures are occurrence-based (every event weighs the same).
 *
 * The data reaches back before the review range: the alert windows are
 * replayed with the history the deployed alarms had (the longest window before
 * `from`), and the budget is that of the SLO's own period ending at `to`, so a
 * one-day review is judged as the alarms and the budget policy would judge it.
 * What happened is still reported only inside the range.
 */
import { budgetRemaining, errorBudget, type SeriesPoint } from '../math/budget';
import { evaluatePolicy, windowErrorRatios } from '../math/evaluate';
import { tierMinEvents } from '../math/guard';
import { formatDuration } from '../duration';
import type { BurnRatePolicy, Slo } from '../model/slo';
import { summariseExclusions, withoutWindows, type ReviewExclusions, type ReviewWindow } from './exclusions';

export interface WindowBurn {
  readonly windowSeconds: number;
  /** Burn rate of the window ending at the end of the review range. */
  readonly current: number;
  readonly worst: number;
  /** End of the window (epoch seconds) where the worst burn rate was measured. */
  readonly worstAt?: number;
}

export interface TierFiring {
  readonly tier: string;
  readonly severity: 'page' | 'ticket';
  readonly burnRate: number;
  readonly threshold: number;
  /** The tier's low-traffic guard (math/guard.ts) the replay applied; 0 for none. */
  readonly minEvents: number;
  /**
   * Firing inside the range. `start` is the first evaluation in the range when the tier was
   * already firing before it (`sinceBefore`); `end` is undefined while still firing at `to`.
   */
  readonly intervals: readonly {
    readonly start: number;
    readonly end?: number;
    readonly seconds: number;
    readonly sinceBefore?: boolean;
  }[];
  readonly firingSeconds: number;
}

/** The error budget of the SLO's own period ending at `to`: what the budget policy judges. */
export interface PeriodBudget {
  readonly seconds: number;
  /** `to - seconds`. */
  readonly from: number;
  /** First bucket with data in the period; later than `from` when the data does not reach back that far. */
  readonly dataFrom?: number;
  /** The data covers the whole period (its first bucket is within one bucket of the period's start). */
  readonly complete: boolean;
  readonly good: number;
  readonly total: number;
  /** Fraction of the period's budget ((1 - objective) x the period's events) spent; above 1: breached. */
  readonly spent: number;
  readonly remaining: number;
  /** Fraction of the period's budget spent inside the review range. */
  readonly spentInRange: number;
  /** Minutes of full outage the period allows (43.2 for 99.9 % over 30 d), and how many are left. */
  readonly totalMinutes: number;
  readonly remainingMinutes: number;
}

/** How much history before `from` the tier replay had, against what its longest window needs. */
export interface ReplayHistory {
  readonly neededSeconds: number;
  readonly availableSeconds: number;
  readonly complete: boolean;
}

export interface Incident {
  readonly start: number;
  readonly end: number;
  readonly badEvents: number;
  /** Fraction of the SLO period's error budget (ending at `to`) this incident spent. */
  readonly budgetSpent: number;
  readonly peakErrorRatio: number;
}

export type VerdictLevel = 'ok' | 'caution' | 'freeze';

export interface BudgetPolicyVerdict {
  readonly level: VerdictLevel;
  readonly message: string;
}

/** Thresholds of the budget policy: the remaining budget below which releases slow down or freeze. */
export interface BudgetPolicy {
  /** Remaining fraction at or below which risky releases freeze; default 0 (budget exhausted). */
  readonly freezeBelow: number;
  /** Remaining fraction below which releases need extra review; default 0.25. */
  readonly cautionBelow: number;
}

export const DEFAULT_BUDGET_POLICY: BudgetPolicy = { freezeBelow: 0, cautionBelow: 0.25 };

export interface ChartSeries {
  /** Bucket ends (epoch seconds), downsampled to at most `maxChartPoints`. */
  readonly t: readonly number[];
  /** Good/total per chart bucket (null: no traffic). */
  readonly sli: readonly (number | null)[];
  /** Budget of the SLO period remaining (fraction) after each chart bucket. */
  readonly budgetRemaining: readonly number[];
  /** Burn rate per window (keyed by seconds) at each chart bucket end. */
  readonly burnRates: Readonly<Record<string, readonly number[]>>;
}

export interface SloReview {
  readonly slo: string;
  readonly service: string;
  readonly objective: number;
  readonly from: number;
  readonly to: number;
  readonly stepSeconds: number;
  readonly good: number;
  readonly total: number;
  /** good / total; undefined without traffic. */
  readonly attainment?: number;
  readonly met: boolean;
  /** The range's own budget: (1 - objective) x the range's events. */
  readonly budget: {
    readonly spent: number;
    readonly remaining: number;
    /** Minutes of full outage the range allowed, and how many are left. */
    readonly totalMinutes: number;
    readonly remainingMinutes: number;
  };
  readonly windows: readonly WindowBurn[];
  readonly tiers: readonly TierFiring[];
  /** Tiers the spec disabled or moved to another severity: the replay follows the spec, not the default policy. */
  readonly tierChanges: readonly { readonly tier: string; readonly change: 'disabled' | 'page' | 'ticket' }[];
  readonly incidents: readonly Incident[];
  readonly period: PeriodBudget;
  readonly history: ReplayHistory;
  /** The budget policy applied to the period's budget. */
  readonly verdict: BudgetPolicyVerdict;
  /** Buckets without any traffic (gaps in the data; buckets left out for maintenance windows are not counted). */
  readonly emptyBuckets: number;
  /** Maintenance windows whose time the review left out (present when one overlaps the data). */
  readonly excluded?: ReviewExclusions;
  readonly chart: ChartSeries;
}

export interface ReviewOptions {
  readonly from: number;
  readonly to: number;
  /** Bucket length; default inferred from the data (60 s when it cannot be). */
  readonly stepSeconds?: number;
  readonly budgetPolicy?: BudgetPolicy;
  readonly topIncidents?: number;
  /** Incidents closer than this merge into one; default 15 minutes. */
  readonly mergeGapSeconds?: number;
  readonly maxChartPoints?: number;
  /** The SLO period's buckets when read apart from `series`; default `series`. */
  readonly periodSeries?: readonly SeriesPoint[];
  /** Maintenance windows (`excludeFromReview`) covering this SLO: their buckets leave every figure. */
  readonly windows?: readonly ReviewWindow[];
}

/** How far before `from` the data must reach for the tier replay to see what the deployed alarms saw. */
export function replayHistorySeconds(slo: Slo): number {
  return Math.max(0, ...slo.alerting.policy.tiers.map((t) => t.longWindowSeconds));
}

/** Where the data of a review must start: the longest alert window before `from`, or the period before `to`. */
export function reviewDataStart(slo: Slo, from: number, to: number): number {
  return Math.min(from - replayHistorySeconds(slo), to - slo.period.seconds);
}

function windowsOf(policy: BurnRatePolicy): number[] {
  const set = new Set<number>();
  for (const t of policy.tiers) set.add(t.shortWindowSeconds).add(t.longWindowSeconds);
  return [...set].sort((a, b) => a - b);
}

function inferStep(series: readonly SeriesPoint[]): number {
  let step = Infinity;
  for (let i = 1; i < series.length; i++) step = Math.min(step, series[i].t - series[i - 1].t);
  return Number.isFinite(step) && step > 0 ? step : 60;
}

/**
 * The remaining fraction as budget policies compare it. 1 - 0.999 is not 0.001 in floating point, so a
 * period that spent exactly its budget computes as 1e-15 left; rounding to a billionth of the budget
 * decides the boundaries (exhausted at 0 %, "below 25 %") as a policy reads them.
 */
export function policyRemaining(remaining: number): number {
  return Math.round(remaining * 1e9) / 1e9;
}

/** The verdict of the budget policy for a remaining fraction (`of`: whose budget, e.g. "the 30d budget"). */
export function budgetVerdict(
  remaining: number,
  policy: BudgetPolicy = DEFAULT_BUDGET_POLICY,
  of?: string,
): BudgetPolicyVerdict {
  const pct = `${(remaining * 100).toFixed(1)} %${of ? ` of ${of}` : ''}`;
  const left = policyRemaining(remaining);
  if (left <= policy.freezeBelow)
    return {
      level: 'freeze',
      message: `budget exhausted (${pct} left): freeze risky releases, prioritise reliability work until it recovers`,
    };
  if (left < policy.cautionBelow)
    return { level: 'caution', message: `budget low (${pct} left): release with extra review and a rollback plan` };
  return { level: 'ok', message: `budget healthy (${pct} left): release as usual` };
}

/**
 * Runs of buckets burning faster than the budget allows (error ratio above
 * 1 - objective), merged when less than `mergeGap` apart, largest spend first.
 */
export function findIncidents(
  series: readonly SeriesPoint[],
  objective: number,
  stepSeconds: number,
  budgetEvents: number,
  mergeGapSeconds: number,
): Incident[] {
  const allowed = errorBudget(objective);
  const incidents: Incident[] = [];
  let cur: { start: number; end: number; bad: number; peak: number } | undefined;
  for (const p of series) {
    const bad = Math.max(0, p.total - p.good);
    const ratio = p.total > 0 ? bad / p.total : 0;
    // A bucket exactly at the budget rate is no incident. 1 - 0.9999 is not 0.0001 in floating point, so the
    // burn rate is rounded as policies round what is left, to a billionth.
    if (policyRemaining(1 - ratio / allowed) >= 0) continue;
    if (cur && p.t - cur.end <= mergeGapSeconds) {
      cur.end = p.t + stepSeconds;
      cur.bad += bad;
      cur.peak = Math.max(cur.peak, ratio);
    } else {
      if (cur) incidents.push(toIncident(cur, budgetEvents));
      cur = { start: p.t, end: p.t + stepSeconds, bad, peak: ratio };
    }
  }
  if (cur) incidents.push(toIncident(cur, budgetEvents));
  return incidents.sort((a, b) => b.budgetSpent - a.budgetSpent);
}

function toIncident(c: { start: number; end: number; bad: number; peak: number }, budgetEvents: number): Incident {
  return {
    start: c.start,
    end: c.end,
    badEvents: c.bad,
    budgetSpent: budgetEvents > 0 ? c.bad / budgetEvents : 0,
    peakErrorRatio: c.peak,
  };
}

function chartOf(
  series: readonly SeriesPoint[],
  ratios: ReadonlyMap<number, number[]>,
  o: {
    /** Events the budget allows (period), and the fraction of it left when the range starts. */
    budgetEvents: number;
    startRemaining: number;
    stepSeconds: number;
    maxPoints: number;
    budget: number;
  },
): ChartSeries {
  const { budgetEvents, stepSeconds, maxPoints, budget } = o;
  const stride = Math.max(1, Math.ceil(series.length / maxPoints));
  const t: number[] = [];
  const sli: (number | null)[] = [];
  const remaining: number[] = [];
  const burn: Record<string, number[]> = {};
  for (const w of ratios.keys()) burn[String(w)] = [];
  let badSoFar = 0;
  for (let i = 0; i < series.length; i += stride) {
    const last = Math.min(series.length, i + stride) - 1;
    let good = 0;
    let total = 0;
    for (let j = i; j <= last; j++) {
      good += series[j].good;
      total += series[j].total;
    }
    badSoFar += Math.max(0, total - good);
    t.push(series[last].t + stepSeconds);
    sli.push(total > 0 ? good / total : null);
    remaining.push(budgetEvents > 0 ? o.startRemaining - badSoFar / budgetEvents : o.startRemaining);
    for (const [w, r] of ratios) burn[String(w)].push(r[last] / budget);
  }
  return { t, sli, budgetRemaining: remaining, burnRates: burn };
}

/** Index of the first point at or after `t` in a series sorted by time. */
function firstAtOrAfter(series: readonly SeriesPoint[], t: number): number {
  let lo = 0;
  let hi = series.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (series[mid].t < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function periodBudget(
  slo: Slo,
  periodSeries: readonly SeriesPoint[],
  rangeBad: number,
  options: ReviewOptions,
  stepSeconds: number,
): PeriodBudget {
  const seconds = slo.period.seconds;
  const from = options.to - seconds;
  const inPeriod = periodSeries.slice(firstAtOrAfter(periodSeries, from), firstAtOrAfter(periodSeries, options.to));
  const status = budgetRemaining(inPeriod, slo.objective);
  const budgetEvents = errorBudget(slo.objective) * status.total;
  const dataFrom = inPeriod[0]?.t;
  const totalMinutes = (errorBudget(slo.objective) * seconds) / 60;
  return {
    seconds,
    from,
    ...(dataFrom !== undefined ? { dataFrom } : {}),
    complete: dataFrom !== undefined && dataFrom < from + stepSeconds,
    good: status.good,
    total: status.total,
    spent: status.spent,
    remaining: status.remaining,
    spentInRange: budgetEvents > 0 ? rangeBad / budgetEvents : 0,
    totalMinutes,
    remainingMinutes: status.remaining * totalMinutes,
  };
}

/**
 * Reviews one SLO over [from, to). `series` holds its good/total buckets sorted by time, reaching
 * back as far as the source had them (ideally `reviewDataStart`): the windows before `from` feed
 * the tier replay and the period budget. `periodSeries` is the period's data when it was read
 * separately (coarser buckets, say); by default the period budget is taken from `series`.
 */
export function reviewSlo(slo: Slo, data: readonly SeriesPoint[], options: ReviewOptions): SloReview {
  const stepSeconds = options.stepSeconds ?? inferStep(data);
  const maintenance = options.windows ?? [];
  // Planned work leaves the data before any figure is computed, so every figure agrees on it.
  const { series, cut } = withoutWindows(data, maintenance, stepSeconds);
  const periodSeries =
    options.periodSeries && maintenance.length > 0
      ? withoutWindows(options.periodSeries, maintenance, inferStep(options.periodSeries)).series
      : options.periodSeries;
  const budget = errorBudget(slo.objective);
  const end = firstAtOrAfter(series, options.to);
  // No copies when the series already is the range (a review without history): months of buckets per SLO.
  const known = end === series.length ? series : series.slice(0, end);
  const first = firstAtOrAfter(known, options.from);
  const range = first === 0 ? known : known.slice(first);
  const status = budgetRemaining(range, slo.objective);
  const rangeSeconds = options.to - options.from;
  const totalMinutes = (budget * rangeSeconds) / 60;
  const policy = slo.alerting.policy;

  const ratios = new Map<number, number[]>();
  const windows: WindowBurn[] = windowsOf(policy).map((w) => {
    // Windows see the history; only their values at evaluations inside the range are reported.
    const all = windowErrorRatios(known, w, stepSeconds);
    const r = first === 0 ? all : all.slice(first);
    ratios.set(w, r);
    let worst = 0;
    let worstAt: number | undefined;
    r.forEach((ratio, i) => {
      if (ratio / budget > worst) {
        worst = ratio / budget;
        worstAt = range[i].t + stepSeconds;
      }
    });
    const current = r.length > 0 ? r[r.length - 1] / budget : 0;
    return { windowSeconds: w, current, worst, worstAt };
  });

  const firstEvaluation = options.from + stepSeconds;
  const evaluation = evaluatePolicy(known, policy, slo.objective, { stepSeconds });
  const tiers: TierFiring[] = evaluation.tiers.map((e) => {
    const intervals = e.intervals
      .filter((iv) => (iv.end === undefined || iv.end > firstEvaluation) && iv.start <= options.to)
      .map((iv) => {
        const sinceBefore = iv.start < firstEvaluation;
        const start = Math.max(iv.start, firstEvaluation);
        return {
          start,
          end: iv.end,
          seconds: (iv.end ?? options.to) - start,
          ...(sinceBefore ? { sinceBefore } : {}),
        };
      });
    return {
      tier: e.tier.name,
      severity: e.tier.severity,
      burnRate: e.tier.burnRate,
      threshold: e.threshold,
      minEvents: tierMinEvents(e.tier),
      intervals,
      firingSeconds: intervals.reduce((s, iv) => s + iv.seconds, 0),
    };
  });

  const neededSeconds = replayHistorySeconds(slo);
  const availableSeconds = known.length > 0 ? Math.max(0, options.from - known[0].t) : 0;
  const period = periodBudget(
    slo,
    periodSeries ?? known,
    Math.max(0, status.total - status.good),
    options,
    stepSeconds,
  );
  // Incidents and the burn-down are told in the budget that matters: the period's.
  const periodBudgetEvents = budget * period.total;
  const incidents = findIncidents(
    range,
    slo.objective,
    stepSeconds,
    periodBudgetEvents,
    options.mergeGapSeconds ?? 900,
  );
  const excluded =
    maintenance.length > 0
      ? summariseExclusions(maintenance, cut, { from: options.from, to: options.to, periodFrom: period.from })
      : undefined;
  const cutInRange = cut.filter((p) => p.t >= options.from && p.t < options.to).length;
  const emptyBuckets = Math.max(
    0,
    Math.round(rangeSeconds / stepSeconds) - range.filter((p) => p.total > 0).length - cutInRange,
  );
  return {
    slo: slo.name,
    service: slo.service,
    objective: slo.objective,
    from: options.from,
    to: options.to,
    stepSeconds,
    good: status.good,
    total: status.total,
    attainment: status.total > 0 ? status.good / status.total : undefined,
    // Rounded as the verdict is: at 99.99 % exactly the budget spent computes as 1.0000000000001 of it.
    met: policyRemaining(status.remaining) >= 0,
    budget: {
      spent: status.spent,
      remaining: status.remaining,
      totalMinutes,
      remainingMinutes: status.remaining * totalMinutes,
    },
    period,
    history: { neededSeconds, availableSeconds, complete: availableSeconds >= neededSeconds },
    windows,
    tiers,
    tierChanges: (slo.alerting.tierChanges ?? []).map((c) => ({ tier: c.tier, change: c.change })),
    incidents: incidents.slice(0, options.topIncidents ?? 5),
    verdict: budgetVerdict(period.remaining, options.budgetPolicy, `the ${formatDuration(period.seconds)} budget`),
    emptyBuckets,
    ...(excluded && (excluded.openings.length > 0 || excluded.periodSeconds > 0) ? { excluded } : {}),
    chart: chartOf(range, ratios, {
      budgetEvents: periodBudgetEvents,
      startRemaining: period.remaining + period.spentInRange,
      stepSeconds,
      maxPoints: options.maxChartPoints ?? 400,
      budget,
    }),
  };
}
