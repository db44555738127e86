/**
 * The numbers of an SLO review: attainment, budget, burn rates per alert
 * window, when each tier would have fired (the policy replayed over the data),
 * the incidents that burned the most budget, and the budget-policy verdict.
 * All figures are occurrence-based (every event weighs the same).
 */
import { budgetRemaining, errorBudget, type SeriesPoint } from '../math/budget';
import { evaluatePolicy, windowErrorRatios } from '../math/evaluate';
import type { BurnRatePolicy, Slo } from '../model/slo';

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
  readonly intervals: readonly { readonly start: number; readonly end?: number; readonly seconds: number }[];
  readonly firingSeconds: number;
}

export interface Incident {
  readonly start: number;
  readonly end: number;
  readonly badEvents: number;
  /** Fraction of the review range's error budget this incident spent. */
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
  /** Budget remaining (fraction of the range's budget) after each chart bucket. */
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
  readonly budget: {
    readonly spent: number;
    readonly remaining: number;
    /** Minutes of full outage the range allowed, and how many are left. */
    readonly totalMinutes: number;
    readonly remainingMinutes: number;
  };
  readonly windows: readonly WindowBurn[];
  readonly tiers: readonly TierFiring[];
  readonly incidents: readonly Incident[];
  readonly verdict: BudgetPolicyVerdict;
  /** Buckets without any traffic (gaps in the data). */
  readonly emptyBuckets: number;
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

/** The verdict of the budget policy for a remaining fraction. */
export function budgetVerdict(remaining: number, policy: BudgetPolicy = DEFAULT_BUDGET_POLICY): BudgetPolicyVerdict {
  const pct = `${(remaining * 100).toFixed(1)} %`;
  if (remaining <= policy.freezeBelow)
    return {
      level: 'freeze',
      message: `budget exhausted (${pct} left): freeze risky releases, prioritise reliability work until it recovers`,
    };
  if (remaining < policy.cautionBelow)
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
    if (ratio <= allowed) continue;
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
  budgetEvents: number,
  stepSeconds: number,
  maxPoints: number,
  budget: number,
): ChartSeries {
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
    remaining.push(budgetEvents > 0 ? 1 - badSoFar / budgetEvents : 1);
    for (const [w, r] of ratios) burn[String(w)].push(r[last] / budget);
  }
  return { t, sli, budgetRemaining: remaining, burnRates: burn };
}

/** Reviews one SLO over [from, to) from its good/total buckets. */
export function reviewSlo(slo: Slo, series: readonly SeriesPoint[], options: ReviewOptions): SloReview {
  const stepSeconds = options.stepSeconds ?? inferStep(series);
  const budget = errorBudget(slo.objective);
  const status = budgetRemaining(series, slo.objective);
  const rangeSeconds = options.to - options.from;
  // The budget is a share of the range's events: (1 - objective) x total.
  const budgetEvents = budget * status.total;
  const totalMinutes = (budget * rangeSeconds) / 60;
  const policy = slo.alerting.policy;

  const ratios = new Map<number, number[]>();
  const windows: WindowBurn[] = windowsOf(policy).map((w) => {
    const r = windowErrorRatios(series, w, stepSeconds);
    ratios.set(w, r);
    let worst = 0;
    let worstAt: number | undefined;
    r.forEach((ratio, i) => {
      if (ratio / budget > worst) {
        worst = ratio / budget;
        worstAt = series[i].t + stepSeconds;
      }
    });
    const current = r.length > 0 ? r[r.length - 1] / budget : 0;
    return { windowSeconds: w, current, worst, worstAt };
  });

  const evaluation = evaluatePolicy(series, policy, slo.objective, { stepSeconds });
  const tiers: TierFiring[] = evaluation.tiers.map((e) => {
    const intervals = e.intervals.map((iv) => ({
      start: iv.start,
      end: iv.end,
      seconds: (iv.end ?? options.to) - iv.start,
    }));
    return {
      tier: e.tier.name,
      severity: e.tier.severity,
      burnRate: e.tier.burnRate,
      threshold: e.threshold,
      intervals,
      firingSeconds: intervals.reduce((s, iv) => s + iv.seconds, 0),
    };
  });

  const incidents = findIncidents(series, slo.objective, stepSeconds, budgetEvents, options.mergeGapSeconds ?? 900);
  const emptyBuckets = Math.max(0, Math.round(rangeSeconds / stepSeconds) - series.filter((p) => p.total > 0).length);
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
    met: status.spent <= 1,
    budget: {
      spent: status.spent,
      remaining: status.remaining,
      totalMinutes,
      remainingMinutes: status.remaining * totalMinutes,
    },
    windows,
    tiers,
    incidents: incidents.slice(0, options.topIncidents ?? 5),
    verdict: budgetVerdict(status.remaining, options.budgetPolicy),
    emptyBuckets,
    chart: chartOf(series, ratios, budgetEvents, stepSeconds, options.maxChartPoints ?? 400, budget),
  };
}
