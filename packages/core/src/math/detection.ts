/**
 * Closed-form behaviour of one tier under a step change in the error ratio.
 *
 * Model: uniform traffic; the error ratio is 0 before t = 0 and `errorRatio`
 * from t = 0 (for `incidentSeconds`, then 0 again); each window is a sliding
 * average evaluated continuously. A window of length W then reads
 * errorRatio x min(t, W) / W, so it crosses the threshold thr at
 * t = thr x W / errorRatio. Real CloudWatch adds up to one evaluation interval
 * (60 s) and metric ingestion delay on top; `explain` reports the model figure.
 */
import type { BurnRateTier } from '../model/slo';
import { errorBudget } from './budget';
import { tierThreshold } from './policy';

export interface Detection {
  /** Seconds after the step until the long window exceeds the threshold (Infinity: never). */
  readonly longWindowSeconds: number;
  /** Same for the short window; always <= the long window's time since the short window is shorter. */
  readonly shortWindowSeconds: number;
  /** When the tier fires: both conditions hold, so the later of the two. */
  readonly seconds: number;
  /** Fraction of the period's error budget spent by then (budgetFraction whenever the tier fires at all). */
  readonly budgetSpent: number;
}

function crossing(threshold: number, windowSeconds: number, errorRatio: number): number {
  // Strictly greater than the threshold (CloudWatch GreaterThanThreshold), reached at the boundary in the limit.
  if (errorRatio <= 0 || errorRatio < threshold) return Infinity;
  return (threshold * windowSeconds) / errorRatio;
}

/** Detection time and budget spent at detection for a step to `errorRatio`. */
export function detectionTime(
  tier: Pick<BurnRateTier, 'burnRate' | 'longWindowSeconds' | 'shortWindowSeconds'>,
  objective: number,
  errorRatio: number,
  periodSeconds: number,
): Detection {
  const threshold = tierThreshold(tier, objective);
  const long = crossing(threshold, tier.longWindowSeconds, errorRatio);
  const short = crossing(threshold, tier.shortWindowSeconds, errorRatio);
  const seconds = Math.max(long, short);
  const budgetSpent = Number.isFinite(seconds) ? budgetSpentAfter(errorRatio, seconds, objective, periodSeconds) : 0;
  return { longWindowSeconds: long, shortWindowSeconds: short, seconds, budgetSpent };
}

/** Fraction of a period's budget that `seconds` at `errorRatio` consume: errorRatio x seconds / (budget x period). */
export function budgetSpentAfter(
  errorRatio: number,
  seconds: number,
  objective: number,
  periodSeconds: number,
): number {
  return (errorRatio * seconds) / (errorBudget(objective) * periodSeconds);
}

export interface Reset {
  /** Seconds after the errors stop until each window falls back to the threshold. */
  readonly longWindowSeconds: number;
  readonly shortWindowSeconds: number;
  /** When the tier stops firing: the first window to clear ends the AND, so the earlier one. 0 if it never fired. */
  readonly seconds: number;
}

/**
 * How long the tier keeps firing after an incident at `errorRatio` that lasted
 * `incidentSeconds` (default: long enough to fill every window). A window of
 * length W holds errorRatio x min(D, W - s) / W at s seconds after the stop, so
 * it clears at s = W x (1 - thr / errorRatio). This is why the short window
 * exists: the 1h/5m tier stops paging ~5 minutes after recovery, not ~1 hour.
 */
export function resetTime(
  tier: Pick<BurnRateTier, 'burnRate' | 'longWindowSeconds' | 'shortWindowSeconds'>,
  objective: number,
  errorRatio: number,
  incidentSeconds = Infinity,
): Reset {
  const threshold = tierThreshold(tier, objective);
  const fired = detectionTime(tier, objective, errorRatio, 1).seconds <= incidentSeconds;
  const clear = (w: number): number => {
    if (errorRatio * Math.min(incidentSeconds, w) <= threshold * w) return 0;
    return w * (1 - threshold / errorRatio);
  };
  const long = clear(tier.longWindowSeconds);
  const short = clear(tier.shortWindowSeconds);
  return { longWindowSeconds: long, shortWindowSeconds: short, seconds: fired ? Math.min(long, short) : 0 };
}
