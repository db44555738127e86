/**
 * What an SLO's alerting means in numbers: the data behind `sre explain`.
 * JSON-safe: "never" is `null`, not Infinity.
 */
import { formatDuration } from '../duration';
import type { BurnRateTier, Slo } from '../model/slo';
import { budgetMinutes, errorBudget, timeToExhaustion } from './budget';
import { detectionTime, resetTime } from './detection';
import { errorsToFire, guardTrafficPerHour, tierMinEvents } from './guard';
import { tierCanFire, tierThreshold } from './policy';

/** The "2x burn" scenario: errors at twice the budget rate (error ratio 2 x (1 - objective)), which empties the budget in half the period. */
export const SLOW_BURN_RATE = 2;

export interface ScenarioOutcome {
  readonly errorRatio: number;
  /** Seconds from the start of the errors until the tier fires; null when it never does. */
  readonly detectionSeconds: number | null;
  /** Fraction of the period's budget spent by then; null when it never fires. */
  readonly budgetSpent: number | null;
  /** Seconds after the errors stop until the tier resets (the incident assumed long enough to fill the windows). */
  readonly resetSeconds: number | null;
}

export interface TierExplanation {
  readonly name: string;
  readonly severity: 'page' | 'ticket';
  readonly longWindow: string;
  readonly longWindowSeconds: number;
  readonly shortWindow: string;
  readonly shortWindowSeconds: number;
  readonly burnRate: number;
  readonly budgetFraction: number;
  /** Error ratio both windows must exceed. */
  readonly threshold: number;
  /** False when even a full outage stays below the threshold (threshold >= 1). */
  readonly canFire: boolean;
  readonly fullOutage: ScenarioOutcome;
  readonly doubleBurn: ScenarioOutcome;
  /** The low-traffic guard (math/guard.ts); null when the tier has none. */
  readonly lowTraffic: LowTrafficGuard | null;
}

export interface LowTrafficGuard {
  /** The long window counts as at least this many events. */
  readonly minEvents: number;
  /** Requests per hour below which the guard changes the decision (the long window holds fewer than minEvents). */
  readonly mattersBelowPerHour: number;
  /** Failed requests the long window needs to fire below that traffic (so fewer never fire it). */
  readonly errorsToFire: number;
  /** Requests per hour below which even a full outage cannot fire the tier (that many errors never fit the window). */
  readonly neverFiresBelowPerHour: number;
}

export interface SloExplanation {
  readonly name: string;
  readonly service: string;
  readonly objective: number;
  readonly period: string;
  readonly periodSeconds: number;
  readonly rolling: boolean;
  readonly budget: {
    readonly ratio: number;
    /** Minutes of full outage the period allows. */
    readonly minutes: number;
    /** Seconds a full outage takes to spend all of it. */
    readonly fullOutageExhaustionSeconds: number;
    /** Seconds the 2x burn takes to spend all of it. */
    readonly doubleBurnExhaustionSeconds: number;
  };
  readonly alertingEnabled: boolean;
  readonly tiers: readonly TierExplanation[];
  /** Tiers the spec disabled or moved to another severity (`sre-kit/tier.<name>`). */
  readonly tierChanges: readonly { readonly tier: string; readonly change: 'disabled' | 'page' | 'ticket' }[];
}

const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

function lowTraffic(tier: BurnRateTier, objective: number): LowTrafficGuard | null {
  const minEvents = tierMinEvents(tier);
  if (minEvents === 0) return null;
  const errors = errorsToFire(tier, objective, 0);
  return {
    minEvents,
    mattersBelowPerHour: guardTrafficPerHour(tier),
    errorsToFire: errors,
    neverFiresBelowPerHour: (errors * 3600) / tier.longWindowSeconds,
  };
}

export function explainSlo(slo: Slo): SloExplanation {
  const period = slo.period.seconds;
  const budget = errorBudget(slo.objective);
  const scenario = (tier: Slo['alerting']['policy']['tiers'][number], errorRatio: number): ScenarioOutcome => {
    const d = detectionTime(tier, slo.objective, errorRatio, period);
    const fired = Number.isFinite(d.seconds);
    return {
      errorRatio,
      detectionSeconds: finite(d.seconds),
      budgetSpent: fired ? d.budgetSpent : null,
      resetSeconds: fired ? resetTime(tier, slo.objective, errorRatio).seconds : null,
    };
  };
  const doubleRatio = Math.min(1, SLOW_BURN_RATE * budget);
  return {
    name: slo.name,
    service: slo.service,
    objective: slo.objective,
    period: formatDuration(period),
    periodSeconds: period,
    rolling: slo.period.rolling,
    budget: {
      ratio: budget,
      minutes: budgetMinutes(slo.objective, period),
      fullOutageExhaustionSeconds: timeToExhaustion(1 / budget, period),
      doubleBurnExhaustionSeconds: timeToExhaustion(doubleRatio / budget, period),
    },
    alertingEnabled: slo.alerting.enabled,
    tiers: slo.alerting.policy.tiers.map((tier) => ({
      name: tier.name,
      severity: tier.severity,
      longWindow: formatDuration(tier.longWindowSeconds),
      longWindowSeconds: tier.longWindowSeconds,
      shortWindow: formatDuration(tier.shortWindowSeconds),
      shortWindowSeconds: tier.shortWindowSeconds,
      burnRate: tier.burnRate,
      budgetFraction: tier.budgetFraction,
      threshold: tierThreshold(tier, slo.objective),
      canFire: tierCanFire(tier, slo.objective),
      fullOutage: scenario(tier, 1),
      doubleBurn: scenario(tier, doubleRatio),
      lowTraffic: lowTraffic(tier, slo.objective),
    })),
    tierChanges: (slo.alerting.tierChanges ?? []).map((c) => ({ tier: c.tier, change: c.change })),
  };
}
