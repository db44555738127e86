/**
 * Backtests: months of recorded (or generated) good/total buckets replayed through two or more policies.
 * A policy here is what a team would change: the burn-rate tiers the alarms implement (replayed by
 * math/evaluate.ts with their low-traffic guard, notifications held back the way the deployed alarms suppress
 * a slower tier while a faster one fires) and the ErrorBudgetPolicy the deploy gate applies (review/gate.ts).
 *
 * The burns themselves are found in the data, not taken from the policies: a burn is a run where the error
 * ratio over `burnWindowSeconds` (1 h) exceeds the budget (burn rate > 1x); it *threatens the budget* when it
 * spent at least `significantBudget` (2 %, the share of a 30 d budget the fastest workbook page is set to) of
 * the SLO period's budget. Every policy is judged on the same burns: which it detected and after how long,
 * which it missed, and which alerts fired on burns that never threatened the budget (false alerts).
 */
import { errorBudget, type SeriesPoint } from '../math/budget';
import { evaluatePolicy, inferStepSeconds, windowErrorRatios } from '../math/evaluate';
import { planTierSuppression } from '../math/slo-alarms';
import type { ErrorBudgetPolicySpec } from '../model/error-budget-policy';
import type { BurnRatePolicy, Slo, TierSeverity } from '../model/slo';
import { DEFAULT_BUDGET_POLICY } from '../review/analyse';
import { levelAt } from '../review/gate';
import { alertCoversIncident } from '../simulate/run';

const HOUR = 3600;
const DAY = 86400;
const WEEK = 7 * DAY;

/**
 * The budget policy a backtest applies when the specs hold no ErrorBudgetPolicy for the SLO: the review's
 * default verdict (`DEFAULT_BUDGET_POLICY`: below 25 % only fixes, exhausted nothing) as levels.
 */
export function defaultErrorBudgetPolicy(): ErrorBudgetPolicySpec {
  const location = { file: '(built-in)', line: 0, col: 0, path: 'DEFAULT_BUDGET_POLICY' };
  return {
    name: 'default',
    changes: ['feature', 'fix'],
    levels: [
      { name: 'exhausted', remainingBelow: DEFAULT_BUDGET_POLICY.freezeBelow, allow: [], location },
      { name: 'low', remainingBelow: DEFAULT_BUDGET_POLICY.cautionBelow, allow: ['fix'], location },
    ],
    location,
  };
}

/** One policy to replay: alert tiers and the budget policy the gate applies. */
export interface BacktestVariant {
  readonly name: string;
  /** Where it came from (the specs, a --compare file), for the report. */
  readonly source: string;
  readonly policy: BurnRatePolicy;
  readonly budgetPolicy: ErrorBudgetPolicySpec;
}

export interface BacktestOptions {
  readonly from: number;
  readonly to: number;
  /** Bucket length; default the smallest gap in the data. */
  readonly stepSeconds?: number;
  /** Window over which a burn is measured; default 1 h. */
  readonly burnWindowSeconds?: number;
  /** Share of the period budget a burn must spend to threaten it; default 0.02. */
  readonly significantBudget?: number;
  /** Burns closer than this are one; default 1 h. */
  readonly mergeGapSeconds?: number;
  /** How often the budget and the gate are sampled; default 1 h. */
  readonly sampleSeconds?: number;
}

export interface BacktestBurn {
  /** `B1`, `B2`, ... in time order. */
  readonly id: string;
  readonly start: number;
  readonly end: number;
  readonly badEvents: number;
  /** Fraction of the SLO period's budget (the period ending at `end`, see fullPeriodBudget) this burn spent. */
  readonly budgetSpent: number;
  /** Highest burn rate of the burn window inside it. */
  readonly peakBurnRate: number;
  readonly significant: boolean;
}

export interface BacktestAlert {
  readonly tier: string;
  readonly severity: TierSeverity;
  readonly start: number;
  /** Undefined: still firing at the end of the data. */
  readonly end?: number;
  /** False when a faster tier was firing as it started: the deployed alarms hold its notification back. */
  readonly notified: boolean;
  /** The significant burn it fired for; undefined: a false alert. */
  readonly burn?: string;
  /** For a false alert: the burn under the threshold it fired on, if any. */
  readonly minorBurn?: string;
}

export interface BurnDetection {
  readonly burn: string;
  /** First notified alert covering it; undefined: missed. */
  readonly first?: { readonly tier: string; readonly severity: TierSeverity; readonly afterSeconds: number };
  /** First page covering it, seconds after its start. */
  readonly pageAfterSeconds?: number;
  /** Fraction of the period budget the burn had spent when it was first alerted on. */
  readonly budgetSpentAtDetection?: number;
}

export interface GateSpan {
  readonly level: string;
  readonly from: number;
  readonly to: number;
}

export interface VariantResult {
  readonly name: string;
  readonly source: string;
  readonly tiers: readonly {
    readonly tier: string;
    readonly severity: TierSeverity;
    readonly burnRate: number;
    readonly longWindowSeconds: number;
    readonly shortWindowSeconds: number;
    readonly minEvents: number;
  }[];
  /** Alerts that started inside the range. */
  readonly alerts: readonly BacktestAlert[];
  /** Notified alerts by severity. */
  readonly pages: number;
  readonly tickets: number;
  readonly suppressed: number;
  /** Notified alerts on no significant burn. */
  readonly falseAlerts: number;
  readonly detections: readonly BurnDetection[];
  /** Ids of significant burns no notified alert covered. */
  readonly missed: readonly string[];
  readonly weeks: readonly { readonly start: number; readonly pages: number; readonly tickets: number }[];
  readonly budgetPolicy: string;
  /** The budget policy's levels, most severe first. */
  readonly levels: readonly {
    readonly level: string;
    readonly remainingBelow: number;
    readonly allow: readonly string[];
  }[];
  /** UTC days on which each level held at some sample (a day counts under its most severe level). */
  readonly daysAtLevel: Readonly<Record<string, number>>;
  /** Days at a level that allows no change at all. */
  readonly freezeDays: number;
  /** Days at any level. */
  readonly restrictedDays: number;
  readonly gateSpans: readonly GateSpan[];
}

export interface SloBacktest {
  readonly slo: string;
  readonly service: string;
  readonly objective: number;
  readonly periodSeconds: number;
  readonly from: number;
  readonly to: number;
  readonly stepSeconds: number;
  readonly good: number;
  readonly total: number;
  readonly significantBudget: number;
  /** Share of the period budget (at the data's traffic, ending at `to`) one failed request spends. */
  readonly oneEventBudget: number;
  readonly burnWindowSeconds: number;
  /** History before `from` the tier replay had, against its longest window. */
  readonly history: { readonly neededSeconds: number; readonly availableSeconds: number };
  readonly burns: readonly BacktestBurn[];
  /** The period budget left, sampled (it does not depend on the policies). */
  readonly budget: {
    readonly t: readonly number[];
    readonly remaining: readonly number[];
    /** First sample whose whole period is covered by data; undefined: none is. */
    readonly completeFrom?: number;
    /** The lowest sample from `completeFrom` on (over every sample when no period is complete). */
    readonly lowest: { readonly t: number; readonly remaining: number };
  };
  readonly variants: readonly VariantResult[];
}

/** Prefix sums of bad and total events, so any range's counts and budget come in O(log n). */
class Counts {
  private readonly bad: Float64Array;
  private readonly total: Float64Array;

  constructor(private readonly series: readonly SeriesPoint[]) {
    this.bad = new Float64Array(series.length + 1);
    this.total = new Float64Array(series.length + 1);
    series.forEach((p, i) => {
      this.bad[i + 1] = this.bad[i] + Math.max(0, p.total - p.good);
      this.total[i + 1] = this.total[i] + p.total;
    });
  }

  /** Index of the first bucket starting at or after t. */
  index(t: number): number {
    let lo = 0;
    let hi = this.series.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.series[mid].t < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Bad and total events of the buckets starting in [from, to). */
  between(from: number, to: number): { bad: number; total: number } {
    const a = this.index(from);
    const b = this.index(to);
    return { bad: this.bad[b] - this.bad[a], total: this.total[b] - this.total[a] };
  }
}

/** The budget of the SLO period ending at t: events (1 - objective) x the period's traffic, and what is spent. */
function periodBudgetAt(counts: Counts, t: number, periodSeconds: number, budget: number) {
  const { bad, total } = counts.between(t - periodSeconds, t);
  const events = budget * total;
  return { events, remaining: events > 0 ? 1 - bad / events : 1 };
}

/**
 * Budget events of the whole period ending at t at the traffic the data shows: where the data starts later
 * than the period, its traffic is taken as the rate of the part it covers. A burn's share of the budget then
 * does not depend on how far back the data reaches (a blip on day 3 is not a third of a 3-day budget).
 */
function fullPeriodBudget(
  counts: Counts,
  series: readonly SeriesPoint[],
  t: number,
  periodSeconds: number,
  budget: number,
): number {
  const { total } = counts.between(t - periodSeconds, t);
  const covered = Math.min(periodSeconds, t - (series[0]?.t ?? t));
  return covered > 0 && total > 0 ? (budget * total * periodSeconds) / covered : Infinity;
}

/** Burns: runs of the burn window above 1x, placed on the first and last bucket that burned above 1x. */
function findBurns(
  series: readonly SeriesPoint[],
  counts: Counts,
  o: { objective: number; step: number; window: number; mergeGap: number; period: number; significant: number },
): BacktestBurn[] {
  const budget = errorBudget(o.objective);
  const ratios = windowErrorRatios(series, o.window, o.step);
  const hot = (p: SeriesPoint): boolean => p.total > 0 && (p.total - p.good) / p.total > budget;
  const runs: { start: number; end: number; peak: number }[] = [];
  let i = 0;
  while (i < series.length) {
    if (!(ratios[i] > budget)) {
      i++;
      continue;
    }
    const runStart = i;
    let peak = 0;
    while (i < series.length && ratios[i] > budget) peak = Math.max(peak, ratios[i++] / budget);
    // The windows that read above 1x end at buckets runStart..i-1; they cover buckets from one window earlier.
    const lo = series[runStart].t + o.step - o.window;
    const hi = series[i - 1].t + o.step;
    const inside = series.slice(counts.index(lo), counts.index(hi)).filter(hot);
    if (inside.length === 0) continue;
    const start = inside[0].t;
    const end = inside[inside.length - 1].t + o.step;
    const last = runs[runs.length - 1];
    if (last && start - last.end <= o.mergeGap) {
      last.end = Math.max(last.end, end);
      last.peak = Math.max(last.peak, peak);
    } else runs.push({ start, end, peak });
  }
  return runs.map((r, k) => {
    const { bad } = counts.between(r.start, r.end);
    const budgetSpent = bad / fullPeriodBudget(counts, series, r.end, o.period, budget);
    return {
      id: `B${k + 1}`,
      start: r.start,
      end: r.end,
      badEvents: bad,
      budgetSpent,
      peakBurnRate: r.peak,
      significant: budgetSpent >= o.significant,
    };
  });
}

/**
 * A tier's firing is notified unless a faster tier was firing when it started (or had stopped less than the
 * slower tier's short window before): the suppression `planTierSuppression` gives the deployed alarms.
 */
function notifiedFlags(
  policy: BurnRatePolicy,
  firing: ReadonlyMap<string, readonly { start: number; end?: number }[]>,
): (tier: string, start: number) => boolean {
  const plan = planTierSuppression(policy.tiers);
  const names = plan.order.map((t) => t.name);
  return (tier, start) => {
    const faster = names.slice(0, names.indexOf(tier));
    const extension = plan.extensionSeconds.get(tier) ?? 0;
    return !faster.some((f) =>
      (firing.get(f) ?? []).some((iv) => iv.start <= start && (iv.end ?? Infinity) + extension > start),
    );
  };
}

function replayVariant(
  variant: BacktestVariant,
  slo: Slo,
  series: readonly SeriesPoint[],
  counts: Counts,
  burns: readonly BacktestBurn[],
  samples: { t: readonly number[]; remaining: readonly number[] },
  o: { from: number; to: number; step: number },
): VariantResult {
  const evaluation = evaluatePolicy(series, variant.policy, slo.objective, { stepSeconds: o.step });
  const firing = new Map(evaluation.tiers.map((e) => [e.tier.name, e.intervals]));
  const notified = notifiedFlags(variant.policy, firing);
  const significant = burns.filter((b) => b.significant);
  const alerts: BacktestAlert[] = evaluation.tiers
    .flatMap((e) =>
      e.intervals
        .filter((iv) => iv.start > o.from && iv.start <= o.to)
        .map((iv): BacktestAlert => {
          const covers = (b: BacktestBurn) => alertCoversIncident(b, iv, e.tier.longWindowSeconds);
          const burn = significant.find(covers);
          const minor = burn ? undefined : burns.find((b) => !b.significant && covers(b));
          return {
            tier: e.tier.name,
            severity: e.tier.severity,
            start: iv.start,
            ...(iv.end !== undefined ? { end: iv.end } : {}),
            notified: notified(e.tier.name, iv.start),
            ...(burn ? { burn: burn.id } : {}),
            ...(minor ? { minorBurn: minor.id } : {}),
          };
        }),
    )
    .sort((a, b) => a.start - b.start || a.tier.localeCompare(b.tier));
  const sent = alerts.filter((a) => a.notified);
  const budget = errorBudget(slo.objective);
  const detections = significant.map((b): BurnDetection => {
    // An alert still firing from an earlier burn detects this one at its start.
    const covering = evaluation.tiers
      .flatMap((e) =>
        e.intervals
          .filter((iv) => alertCoversIncident(b, iv, e.tier.longWindowSeconds))
          .map((iv) => ({ tier: e.tier, at: Math.max(b.start, iv.start), notified: notified(e.tier.name, iv.start) })),
      )
      .filter((c) => c.notified)
      .sort((x, y) => x.at - y.at);
    const first = covering[0];
    if (!first) return { burn: b.id };
    const page = covering.find((c) => c.tier.severity === 'page');
    const events = fullPeriodBudget(counts, series, b.end, slo.period.seconds, budget);
    return {
      burn: b.id,
      first: { tier: first.tier.name, severity: first.tier.severity, afterSeconds: first.at - b.start },
      ...(page ? { pageAfterSeconds: page.at - b.start } : {}),
      budgetSpentAtDetection: counts.between(b.start, first.at).bad / events,
    };
  });
  const weeks: { start: number; pages: number; tickets: number }[] = [];
  for (let w = o.from; w < o.to; w += WEEK) {
    const inWeek = sent.filter((a) => a.start > w && a.start <= Math.min(o.to, w + WEEK));
    weeks.push({
      start: w,
      pages: inWeek.filter((a) => a.severity === 'page').length,
      tickets: inWeek.filter((a) => a.severity === 'ticket').length,
    });
  }
  return {
    name: variant.name,
    source: variant.source,
    tiers: variant.policy.tiers.map((t) => ({
      tier: t.name,
      severity: t.severity,
      burnRate: t.burnRate,
      longWindowSeconds: t.longWindowSeconds,
      shortWindowSeconds: t.shortWindowSeconds,
      minEvents: t.minEvents ?? 0,
    })),
    alerts,
    pages: sent.filter((a) => a.severity === 'page').length,
    tickets: sent.filter((a) => a.severity === 'ticket').length,
    suppressed: alerts.length - sent.length,
    falseAlerts: sent.filter((a) => a.burn === undefined).length,
    detections,
    missed: detections.filter((d) => d.first === undefined).map((d) => d.burn),
    weeks,
    ...gateDays(variant.budgetPolicy, samples),
  };
}

/** The gate's level at every sample, told as days per level and as spans of consecutive samples. */
function gateDays(
  policy: ErrorBudgetPolicySpec,
  samples: { t: readonly number[]; remaining: readonly number[] },
): Pick<VariantResult, 'budgetPolicy' | 'levels' | 'daysAtLevel' | 'freezeDays' | 'restrictedDays' | 'gateSpans'> {
  const severity = new Map(policy.levels.map((l, i) => [l.name, i]));
  const dayLevel = new Map<number, string>();
  const spans: GateSpan[] = [];
  samples.t.forEach((t, i) => {
    const level = levelAt(policy, samples.remaining[i]);
    const last = spans[spans.length - 1];
    if (level && last && last.level === level.name && last.to === samples.t[i - 1])
      spans[spans.length - 1] = { ...last, to: t };
    else if (level) spans.push({ level: level.name, from: t, to: t });
    if (!level) return;
    // The sample at t judges the hour before it: the day is the one that hour falls in.
    const day = Math.floor((t - 1) / DAY);
    const held = dayLevel.get(day);
    if (held === undefined || (severity.get(level.name) ?? 0) < (severity.get(held) ?? 0))
      dayLevel.set(day, level.name);
  });
  const daysAtLevel: Record<string, number> = Object.fromEntries(policy.levels.map((l) => [l.name, 0]));
  for (const level of dayLevel.values()) daysAtLevel[level]++;
  const frozen = new Set(policy.levels.filter((l) => l.allow.length === 0).map((l) => l.name));
  return {
    budgetPolicy: policy.name,
    levels: policy.levels.map((l) => ({ level: l.name, remainingBelow: l.remainingBelow, allow: l.allow })),
    daysAtLevel,
    freezeDays: [...dayLevel.values()].filter((l) => frozen.has(l)).length,
    restrictedDays: dayLevel.size,
    gateSpans: spans,
  };
}

/**
 * Backtests one SLO: `series` sorted by time, reaching back before `from` as far as the source had it
 * (the tier replay needs the longest window, the budget the SLO period).
 */
export function backtestSlo(
  slo: Slo,
  series: readonly SeriesPoint[],
  variants: readonly BacktestVariant[],
  options: BacktestOptions,
): SloBacktest {
  if (!(options.to > options.from)) throw new RangeError(`the range must end after it starts`);
  if (variants.length === 0) throw new RangeError('a backtest needs at least one policy');
  const step = options.stepSeconds ?? inferStepSeconds(series);
  const inData = series.filter((p) => p.t < options.to);
  const counts = new Counts(inData);
  const period = slo.period.seconds;
  const significant = options.significantBudget ?? 0.02;
  const window = options.burnWindowSeconds ?? HOUR;
  const all = findBurns(inData, counts, {
    objective: slo.objective,
    step,
    window,
    mergeGap: options.mergeGapSeconds ?? HOUR,
    period,
    significant,
  });
  const burns = all.filter((b) => b.end > options.from && b.start < options.to);

  const sample = options.sampleSeconds ?? HOUR;
  const t: number[] = [];
  const remaining: number[] = [];
  const budget = errorBudget(slo.objective);
  for (let s = Math.ceil((options.from + 1) / sample) * sample; s <= options.to; s += sample) {
    t.push(s);
    remaining.push(periodBudgetAt(counts, s, period, budget).remaining);
  }
  const dataFrom = inData[0]?.t;
  const completeFrom = dataFrom === undefined ? undefined : t.find((s) => s - period >= dataFrom - step / 2);
  // The lowest point is taken where a whole period of data backs it, when there is such a point.
  const judged = t.map((s, i) => ({ t: s, remaining: remaining[i] })).filter((x) => x.t >= (completeFrom ?? -Infinity));
  const lowest = judged.reduce((a, x) => (x.remaining < a.remaining ? x : a), {
    t: judged[0]?.t ?? options.to,
    remaining: judged[0]?.remaining ?? 1,
  });

  const range = counts.between(options.from, options.to);
  const neededSeconds = Math.max(0, ...variants.flatMap((v) => v.policy.tiers.map((x) => x.longWindowSeconds)));
  return {
    slo: slo.name,
    service: slo.service,
    objective: slo.objective,
    periodSeconds: period,
    from: options.from,
    to: options.to,
    stepSeconds: step,
    good: range.total - range.bad,
    total: range.total,
    significantBudget: significant,
    oneEventBudget: 1 / fullPeriodBudget(counts, inData, options.to, period, budget),
    burnWindowSeconds: window,
    history: { neededSeconds, availableSeconds: dataFrom === undefined ? 0 : Math.max(0, options.from - dataFrom) },
    burns,
    budget: { t, remaining, ...(completeFrom !== undefined ? { completeFrom } : {}), lowest },
    variants: variants.map((v) =>
      replayVariant(v, slo, inData, counts, burns, { t, remaining }, { from: options.from, to: options.to, step }),
    ),
  };
}
