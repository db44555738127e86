/**
 * Error budget arithmetic. Ratios everywhere (0.999, not 99.9) so that every
 * formula reads the same as in the SRE workbook.
 */

function assertObjective(objective: number): void {
  if (!(objective >= 0 && objective < 1)) throw new RangeError(`objective must be in [0, 1), got ${objective}`);
}

/** The error budget as a ratio of events: 1 - objective (0.001 for 99.9 %). */
export function errorBudget(objective: number): number {
  assertObjective(objective);
  return 1 - objective;
}

/** How many times faster than "exactly the budget over the period" errors arrive: errorRatio / (1 - objective). */
export function burnRate(errorRatio: number, objective: number): number {
  if (!(errorRatio >= 0 && errorRatio <= 1)) throw new RangeError(`error ratio must be in [0, 1], got ${errorRatio}`);
  return errorRatio / errorBudget(objective);
}

/** The budget expressed as time: minutes of full outage the period allows (43.2 for 99.9 % over 30 d). */
export function budgetMinutes(objective: number, periodSeconds: number): number {
  return (errorBudget(objective) * periodSeconds) / 60;
}

/** One bucket of a good/total series; `t` is the bucket's start in seconds (epoch or relative). */
export interface SeriesPoint {
  readonly t: number;
  readonly good: number;
  readonly total: number;
}

export interface BudgetStatus {
  readonly good: number;
  readonly total: number;
  /** bad / total over the series; 0 when there was no traffic. */
  readonly errorRatio: number;
  /** Fraction of the period's budget consumed; above 1 means the SLO is breached. */
  readonly spent: number;
  /** 1 - spent; negative once the budget is exhausted (kept negative so overspend stays visible). */
  readonly remaining: number;
}

/**
 * Budget status for the events of one SLO period. Occurrence-based: every
 * event weighs the same, so a busy hour counts more than a quiet one (unlike
 * Sloth's average of 5-minute ratios).
 */
export function budgetRemaining(series: readonly SeriesPoint[], objective: number): BudgetStatus {
  let good = 0;
  let total = 0;
  for (const point of series) {
    good += point.good;
    total += point.total;
  }
  const errorRatio = total > 0 ? Math.max(0, total - good) / total : 0;
  const spent = errorRatio / errorBudget(objective);
  return { good, total, errorRatio, spent, remaining: 1 - spent };
}

/**
 * Seconds until the remaining budget is gone at a constant burn rate:
 * remaining x period / burnRate. Infinity at burn rate 0; 0 when nothing remains.
 */
export function timeToExhaustion(rate: number, periodSeconds: number, remainingFraction = 1): number {
  if (!(rate >= 0)) throw new RangeError(`burn rate must be >= 0, got ${rate}`);
  if (remainingFraction <= 0) return 0;
  if (rate === 0) return Infinity;
  return (remainingFraction * periodSeconds) / rate;
}
