import { formatDuration } from '../duration';
import type { BurnRatePolicy, BurnRateTier, TierSeverity } from '../model/slo';
import { errorBudget } from './budget';

const HOUR = 3600;
const DAY = 86400;

/**
 * The four multi-window tiers of the SRE workbook (REFERENCE.md section 3),
 * stated by budget fraction and long window; the burn rate follows from the
 * period, so one table serves 30 d, 28 d, 7 d and custom periods.
 */
const WORKBOOK_TIERS: readonly { severity: TierSeverity; longWindowSeconds: number; budgetFraction: number }[] = [
  { severity: 'page', longWindowSeconds: HOUR, budgetFraction: 0.02 },
  { severity: 'page', longWindowSeconds: 6 * HOUR, budgetFraction: 0.05 },
  { severity: 'ticket', longWindowSeconds: DAY, budgetFraction: 0.1 },
  { severity: 'ticket', longWindowSeconds: 3 * DAY, budgetFraction: 0.1 },
];

/** The short window is a twelfth of the long one (5m for 1h), as in the workbook and Sloth. */
export const SHORT_WINDOW_DIVISOR = 12;

/** burnRate = budgetFraction x period / longWindow; rounded to 10 decimals so 30 d gives exactly 14.4, 6, 3, 1. */
export function tierBurnRate(budgetFraction: number, periodSeconds: number, longWindowSeconds: number): number {
  return Math.round(((budgetFraction * periodSeconds) / longWindowSeconds) * 1e10) / 1e10;
}

/** Builds one tier named `<severity>-<long window>` (`page-1h`). */
export function makeTier(
  severity: TierSeverity,
  longWindowSeconds: number,
  budgetFraction: number,
  periodSeconds: number,
): BurnRateTier {
  return {
    name: `${severity}-${formatDuration(longWindowSeconds)}`,
    severity,
    longWindowSeconds,
    shortWindowSeconds: Math.round(longWindowSeconds / SHORT_WINDOW_DIVISOR),
    burnRate: tierBurnRate(budgetFraction, periodSeconds, longWindowSeconds),
    budgetFraction,
  };
}

/**
 * The default multi-window multi-burn-rate policy for an SLO period. For 30 d
 * it is exactly the published table (14.4, 6, 3, 1); for 28 d the factors are
 * 13.44, 5.6, 2.8, 0.9333; for 7 d 3.36, 1.4, 0.7, 0.2333. Tiers whose long
 * window is longer than the period are dropped (they could never spend their
 * budget fraction inside it). Burn rates below 1 are kept: over a short period
 * the 3-day tier alerts on a slow leak that would still breach the SLO.
 */
export function defaultBurnRatePolicy(periodSeconds: number): BurnRatePolicy {
  if (!(Number.isInteger(periodSeconds) && periodSeconds > 0))
    throw new RangeError(`period must be a positive whole number of seconds, got ${periodSeconds}`);
  const tiers = WORKBOOK_TIERS.filter((t) => t.longWindowSeconds <= periodSeconds).map((t) =>
    makeTier(t.severity, t.longWindowSeconds, t.budgetFraction, periodSeconds),
  );
  return { periodSeconds, tiers };
}

/** The error ratio both windows must exceed for the tier to fire: burnRate x (1 - objective). */
export function tierThreshold(tier: Pick<BurnRateTier, 'burnRate'>, objective: number): number {
  return tier.burnRate * errorBudget(objective);
}

/**
 * True when even a full outage (error ratio 1) cannot reach the threshold: at
 * 90 % the 14.4x tier needs an error ratio of 1.44. Validation warns on these.
 */
export function tierCanFire(tier: Pick<BurnRateTier, 'burnRate'>, objective: number): boolean {
  return tierThreshold(tier, objective) < 1;
}
