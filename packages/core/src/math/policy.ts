import { formatDuration } from '../duration';
import type { BurnRatePolicy, BurnRateTier, TierSeverity } from '../model/slo';
import { errorBudget } from './budget';

const HOUR = 3600;
const DAY = 86400;

/**
 * The four multi-window tiers of the SRE workbook (REFERENCE.md section 3),
 * stated by budget fraction and long window. For 30 d they give exactly the
 * published 14.4/6/3/1; other periods start from the same fractions and are
 * then held to the burn-rate rules below.
 */
const WORKBOOK_TIERS: readonly { severity: TierSeverity; longWindowSeconds: number; budgetFraction: number }[] = [
  { severity: 'page', longWindowSeconds: HOUR, budgetFraction: 0.02 },
  { severity: 'page', longWindowSeconds: 6 * HOUR, budgetFraction: 0.05 },
  { severity: 'ticket', longWindowSeconds: DAY, budgetFraction: 0.1 },
  { severity: 'ticket', longWindowSeconds: 3 * DAY, budgetFraction: 0.1 },
];

/**
 * The burn-rate rules every policy is held to, default or custom (`sre validate` warns on custom tiers that
 * break them, see burnRateRuleViolations). A burn rate b empties the budget in period / b, whatever the period,
 * so the rules are burn rates, not budget fractions:
 *
 * - PAGE_MIN_BURN_RATE: a page wakes someone; below 3x the budget lasts more than a third of the period, which
 *   a ticket handles in working hours.
 * - TIER_MIN_BURN_RATE: below 1x a burn never exhausts the budget, so a tier under it alerts on healthy
 *   service. The rule tolerates ~0.9x (Sloth's 28 d AlertWindows ticket at 0.93x, 10 % of the budget in 3 d);
 *   the default policy keeps to 1x.
 * - SLOWEST_TIER_MAX_BURN_RATE: the lowest-rate tier decides which slow burns are seen at all; with it above
 *   1.5x, burns between 1x and its rate exhaust the budget within the period and nothing fires.
 */
export const PAGE_MIN_BURN_RATE = 3;
export const TIER_MIN_BURN_RATE = 0.9;
export const SLOWEST_TIER_MAX_BURN_RATE = 1.5;
/** The default ticket floor and the default slowest tier: exactly the burn that spends the budget over the period. */
export const DEFAULT_SLOWEST_BURN_RATE = 1;

/** The short window is a twelfth of the long one (5m for 1h), as in the workbook and Sloth. */
export const SHORT_WINDOW_DIVISOR = 12;

/** burnRate = budgetFraction x period / longWindow; rounded to 10 decimals so 30 d gives exactly 14.4, 6, 3, 1. */
export function tierBurnRate(budgetFraction: number, periodSeconds: number, longWindowSeconds: number): number {
  return round10((budgetFraction * periodSeconds) / longWindowSeconds);
}

function round10(x: number): number {
  return Math.round(x * 1e10) / 1e10;
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

/** A tier at a given burn rate; its budget fraction (burnRate x longWindow / period) follows. */
function tierAtRate(
  severity: TierSeverity,
  longWindowSeconds: number,
  rate: number,
  periodSeconds: number,
): BurnRateTier {
  return {
    ...makeTier(severity, longWindowSeconds, 0, periodSeconds),
    burnRate: rate,
    budgetFraction: (rate * longWindowSeconds) / periodSeconds,
  };
}

/**
 * The default multi-window multi-burn-rate policy for an SLO period, right for
 * any period from 1 d to 90 d (and sane beyond). The rule:
 *
 * 1. The workbook windows (1h/5m, 6h/30m, 1d/2h, 3d/6h) that fit in the period
 *    (`<=`: a 1 d SLO keeps its 1 d tier); the windows never change with the
 *    period, so every one stays a single CloudWatch alarm period (3 d = 259,200 s
 *    is within the 7 d limit, 5 m within the 1 d limit of sub-hour periods, see
 *    cloudwatch-window.ts) and a Prometheus range Sloth also records.
 * 2. Each tier's rate starts from the workbook's budget fraction,
 *    fraction x period / long window, which gives exactly 14.4/6/3/1 at 30 d.
 * 3. Pages are raised to at least 3x and tickets to at least 1x: 7 d keeps its
 *    3.36x 1 h page but its 6 h page goes from 1.4x to 3x and its tickets from
 *    0.7x/0.23x (alerts on burns that can never exhaust the budget) to 1x.
 * 4. The slowest tier is a 1x ticket: 90 d's 3 d tier goes from 3x (a 2.9x
 *    burn empties the budget in 31 d and nothing fires) to 1x, 28 d's from
 *    0.93x to 1x, and every burn that would exhaust the budget within the period
 *    fires it, after at most one long window (3 d / 90 d = 3.3 % of a 90 d budget).
 *
 * Result: 30 d 14.4/6/3/1; 28 d 13.44/5.6/2.8/1; 7 d 3.36/3/1/1; 90 d 43.2/18/9/1;
 * 1 d 3/3/1. Under 1 d the slowest kept tier becomes that 1x ticket (a 12 h SLO
 * pages at 3x over 1 h and tickets at 1x over 6 h).
 */
export function defaultBurnRatePolicy(periodSeconds: number): BurnRatePolicy {
  if (!(Number.isInteger(periodSeconds) && periodSeconds > 0))
    throw new RangeError(`period must be a positive whole number of seconds, got ${periodSeconds}`);
  const kept = WORKBOOK_TIERS.filter((t) => t.longWindowSeconds <= periodSeconds);
  const tiers = kept.map((t, i) => {
    if (i === kept.length - 1)
      return tierAtRate('ticket', t.longWindowSeconds, DEFAULT_SLOWEST_BURN_RATE, periodSeconds);
    const floor = t.severity === 'page' ? PAGE_MIN_BURN_RATE : DEFAULT_SLOWEST_BURN_RATE;
    const workbook = makeTier(t.severity, t.longWindowSeconds, t.budgetFraction, periodSeconds);
    return workbook.burnRate >= floor ? workbook : tierAtRate(t.severity, t.longWindowSeconds, floor, periodSeconds);
  });
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

export type BurnRateRule = 'page-below-3x' | 'tier-below-0.9x' | 'slowest-above-1.5x';

export interface BurnRateRuleViolation {
  /** Index of the offending tier in `policy.tiers`, so callers can point at where it is written. */
  readonly tierIndex: number;
  readonly tier: string;
  readonly rule: BurnRateRule;
  /** A burn rate that keeps the rule (3 for a page, 1 otherwise). */
  readonly suggestedBurnRate: number;
  readonly message: string;
  readonly hint: string;
}

/** A burn rate as the warnings write it: `14.4x`, `0.9333x`. */
export const formatBurnRate = (x: number): string => `${Number(x.toPrecision(4))}x`;
const rate = formatBurnRate;

/** Whole hours from an hour up, whole minutes below: "2d8h", "30d", "45m". */
export function roughDuration(seconds: number): string {
  const unit = seconds >= HOUR ? HOUR : 60;
  return formatDuration(Math.max(unit, Math.round(seconds / unit) * unit));
}

/**
 * Where a policy breaks the burn-rate rules above: which burns page needlessly
 * (a page under 3x), alert needlessly (any tier under ~0.9x: the burn never
 * exhausts the budget) or go unseen (the lowest-rate tier above 1.5x). The
 * default policy never breaks them; custom tiers get these as warnings.
 */
export function burnRateRuleViolations(policy: BurnRatePolicy): BurnRateRuleViolation[] {
  const period = formatDuration(policy.periodSeconds);
  const out: BurnRateRuleViolation[] = [];
  policy.tiers.forEach((t, tierIndex) => {
    const r = t.burnRate;
    if (r < TIER_MIN_BURN_RATE) {
      out.push({
        tierIndex,
        tier: t.name,
        rule: 'tier-below-0.9x',
        suggestedBurnRate: t.severity === 'page' ? PAGE_MIN_BURN_RATE : DEFAULT_SLOWEST_BURN_RATE,
        message:
          `tier ${t.name} ${t.severity === 'page' ? 'pages' : 'fires'} at ${rate(r)}: burns from ${rate(r)} to 1x ` +
          `alert needlessly, they never exhaust the ${period} budget (a steady ${rate(r)} burn leaves ` +
          `${Number(((1 - r) * 100).toPrecision(3))} % of it)`,
        hint: `${t.severity === 'page' ? 'page at 3x or more' : 'fire at 1x or more'}; about 0.9x is tolerated`,
      });
    } else if (t.severity === 'page' && r < PAGE_MIN_BURN_RATE) {
      out.push({
        tierIndex,
        tier: t.name,
        rule: 'page-below-3x',
        suggestedBurnRate: PAGE_MIN_BURN_RATE,
        message:
          `tier ${t.name} pages at ${rate(r)}: burns from ${rate(r)} to 3x page needlessly, the ${period} budget ` +
          `lasts ${roughDuration(policy.periodSeconds / PAGE_MIN_BURN_RATE)} or more at them`,
        hint: 'page at 3x or more and leave slower burns to a ticket tier',
      });
    }
  });
  if (policy.tiers.length > 0) {
    const slowest = policy.tiers.reduce((a, b) => (b.burnRate < a.burnRate ? b : a));
    const r = slowest.burnRate;
    if (r > SLOWEST_TIER_MAX_BURN_RATE) {
      out.push({
        tierIndex: policy.tiers.indexOf(slowest),
        tier: slowest.name,
        rule: 'slowest-above-1.5x',
        suggestedBurnRate: DEFAULT_SLOWEST_BURN_RATE,
        message:
          `no tier fires below ${rate(r)} (the lowest is ${slowest.name}): burns from 1x to ${rate(r)} go undetected ` +
          `and exhaust the ${period} budget in ${roughDuration(policy.periodSeconds / r)} to ${period} unseen`,
        hint: 'lower that tier to 1x, 1.5x at most, or add a 1x ticket tier over a long window such as 3d',
      });
    }
  }
  return out;
}
