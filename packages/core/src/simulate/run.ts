/**
 * Replays alert policies over a synthetic scenario: per tier, when it detects
 * each incident, how much budget was gone by then, how long it keeps firing
 * after recovery, and which alerts were false or which incidents were missed,
 * side by side with a plain single-window error-rate alarm.
 *
 * An incident is *significant* when its error ratio (with the baseline) burns
 * the budget faster than the SLO allows (burn rate > 1); alerts outside any
 * significant incident (plus the tier's long window to recover) are false.
 */
import { errorBudget } from '../math/budget';
import { evaluatePolicy } from '../math/evaluate';
import type { BurnRatePolicy, BurnRateTier } from '../model/slo';
import type { Episode, Scenario } from './scenario';
import { scenarioTraffic } from './traffic';

export interface NamedPolicy {
  readonly name: string;
  readonly policy: BurnRatePolicy;
}

export interface SimulationOptions {
  readonly objective: number;
  readonly periodSeconds: number;
  /** Requests per minute; default 1000. */
  readonly requestsPerMinute?: number;
  /** Bucket length; default a sixtieth of the shortest window, at most 60 s (5 s for the 5 m window). */
  readonly stepSeconds?: number;
  /** Length of open-ended parts (flap, baseline); default 1 day. */
  readonly durationSeconds?: number;
  /** Plain alarm: error ratio above this over `plainWindowSeconds`; default 1 - objective over 5 m. */
  readonly plainThreshold?: number;
  readonly plainWindowSeconds?: number;
  /** Draw errors at random (seeded) instead of the expected count: shows what noise does to short windows. */
  readonly noiseSeed?: number;
}

export interface TierOutcome {
  readonly tier: string;
  readonly severity: 'page' | 'ticket';
  readonly burnRate: number;
  /** Seconds from the first significant incident's start to the first firing (undefined: never fired for it). */
  readonly detectionSeconds?: number;
  /** Fraction of the period's budget spent at detection. */
  readonly budgetSpentAtDetection?: number;
  /** Seconds from that incident's end until the tier stopped firing (undefined: never fired or never stopped). */
  readonly resetSeconds?: number;
  readonly alerts: number;
  readonly falseAlerts: number;
  /** Significant incidents this tier did not fire for. */
  readonly missedIncidents: number;
}

export interface PolicyOutcome {
  readonly name: string;
  readonly tiers: readonly TierOutcome[];
  /** Significant incidents no tier of the policy fired for. */
  readonly missedIncidents: number;
  readonly falseAlerts: number;
}

export interface SimulationResult {
  readonly scenario: string;
  readonly objective: number;
  readonly stepSeconds: number;
  readonly incidentStart: number;
  readonly runSeconds: number;
  readonly incidents: readonly Episode[];
  readonly significantIncidents: number;
  readonly policies: readonly PolicyOutcome[];
  readonly plain: PolicyOutcome;
}

/**
 * An alert belongs to an incident when it is firing at any time between the incident's start and its end plus
 * `graceSeconds` (the tier's long window: the time the window needs to forget it). `sre simulate` and
 * `sre backtest` count detections, false alerts and misses by this one rule.
 */
export function alertCoversIncident(
  incident: { readonly start: number; readonly end: number },
  alert: { readonly start: number; readonly end?: number },
  graceSeconds: number,
): boolean {
  return alert.start <= incident.end + graceSeconds && (alert.end ?? Infinity) > incident.start;
}

function allTiers(policies: readonly NamedPolicy[]): BurnRateTier[] {
  return policies.flatMap((p) => [...p.policy.tiers]);
}

/** Simulates the scenario under each policy and the plain alarm. */
export function simulate(
  scenario: Scenario,
  policies: readonly NamedPolicy[],
  options: SimulationOptions,
): SimulationResult {
  const budget = errorBudget(options.objective);
  const plainWindow = options.plainWindowSeconds ?? 300;
  const plainThreshold = options.plainThreshold ?? budget;
  const plainTier: BurnRateTier = {
    name: `plain-${plainWindow / 60}m`,
    severity: 'page',
    longWindowSeconds: plainWindow,
    shortWindowSeconds: plainWindow,
    burnRate: plainThreshold / budget,
    budgetFraction: 0,
  };
  const tiers = [...allTiers(policies), plainTier];
  const shortest = Math.min(...tiers.map((t) => t.shortWindowSeconds));
  const longest = Math.max(...tiers.map((t) => t.longWindowSeconds));
  const step = options.stepSeconds ?? Math.max(1, Math.min(60, Math.floor(shortest / 60)));
  // Warm every window up with healthy traffic first, and leave the longest window after the incidents to reset.
  const traffic = scenarioTraffic(scenario, {
    stepSeconds: step,
    warmupSeconds: longest,
    tailSeconds: longest,
    requestsPerMinute: options.requestsPerMinute,
    durationSeconds: options.durationSeconds,
    noiseSeed: options.noiseSeed,
  });
  const { series, incidentStart, phase, runSeconds, episodes, baseline } = traffic;

  // The baseline alone is an "incident" when it burns faster than allowed.
  const incidents: readonly Episode[] =
    episodes.length > 0
      ? episodes
      : baseline > 0
        ? [{ start: incidentStart, end: incidentStart + phase, errorRatio: 0 }]
        : [];
  const significant = incidents.filter((i) => Math.min(1, i.errorRatio + baseline) > budget);
  const periodEvents = ((options.requestsPerMinute ?? 1000) * options.periodSeconds) / 60;
  const badBetween = (from: number, to: number): number => {
    let bad = 0;
    for (const p of series) if (p.t >= from && p.t + step <= to) bad += p.total - p.good;
    return bad;
  };

  const outcome = (name: string, policy: BurnRatePolicy): PolicyOutcome => {
    const evaluation = evaluatePolicy(series, policy, options.objective, { stepSeconds: step });
    const detectedBy = new Set<number>();
    let falseTotal = 0;
    const tierOutcomes = evaluation.tiers.map((ev): TierOutcome => {
      const covers = (inc: Episode, iv: { start: number; end?: number }): boolean =>
        alertCoversIncident(inc, iv, ev.tier.longWindowSeconds);
      const falseAlerts = ev.intervals.filter((iv) => !significant.some((inc) => covers(inc, iv))).length;
      falseTotal += falseAlerts;
      let missed = 0;
      significant.forEach((inc, i) => {
        if (ev.intervals.some((iv) => covers(inc, iv))) detectedBy.add(i);
        else missed++;
      });
      const first = significant[0];
      const hit = first && ev.intervals.find((iv) => covers(first, iv));
      return {
        tier: ev.tier.name,
        severity: ev.tier.severity,
        burnRate: ev.tier.burnRate,
        detectionSeconds: hit ? Math.max(0, hit.start - first.start) : undefined,
        budgetSpentAtDetection: hit
          ? badBetween(first.start, Math.max(first.start, hit.start)) / (budget * periodEvents)
          : undefined,
        resetSeconds: hit && hit.end !== undefined ? Math.max(0, hit.end - first.end) : undefined,
        alerts: ev.intervals.length,
        falseAlerts,
        missedIncidents: missed,
      };
    });
    return {
      name,
      tiers: tierOutcomes,
      missedIncidents: significant.length - detectedBy.size,
      falseAlerts: falseTotal,
    };
  };

  return {
    scenario: scenario.text,
    objective: options.objective,
    stepSeconds: step,
    incidentStart,
    runSeconds,
    incidents,
    significantIncidents: significant.length,
    policies: policies.map((p) => outcome(p.name, p.policy)),
    plain: outcome('plain error-rate alarm', { periodSeconds: options.periodSeconds, tiers: [plainTier] }),
  };
}
