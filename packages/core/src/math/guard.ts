/**
 * The low-traffic guard and per-tier changes: the policy arithmetic every renderer shares (CloudWatch metric
 * math, Prometheus rules, `sre simulate`, `sre review`) and the words `sre validate` and `sre explain` use.
 *
 * Guard: a tier's long window that saw fewer than N events is judged as if it had seen N, the missing ones
 * good, so its error ratio is errors / max(events, N). Why not a plain gate "fire only when events >= N":
 * at 99.9 % and 20 requests an hour the 6h page's window holds 120 events, and one error is 0.83 % > 0.6 %
 * (6 x 0.1 %); a gate low enough to let a real outage at that traffic page (N <= 120) lets that single error
 * page too, and a gate above it silences every page, outage or not. Padding the denominator tells the two
 * apart: at low traffic a tier needs threshold x N errors in its long window, at N events or more the guard
 * does nothing at all.
 *
 * Default N: GUARD_MARGIN / the lowest page threshold, rounded up (250 at 99.9 % with the 30 d tiers, whose
 * slowest page is 6 x 0.1 % = 0.6 %). At low traffic one failed request then reads 2/3 of that threshold and two
 * read 4/3 of it: one error never pages whatever the traffic, two in the window page, with a third of the
 * threshold to spare either way for Prometheus' rate() extrapolation and scrape jitter. A full outage pages after
 * floor(threshold x N) + 1 failed requests (2 for the slowest page, 4 for the 14.4x one at 99.9 %); above N events
 * in the long window the guard changes nothing. Tickets get the same N (one error can still open a ticket on a
 * quiet day; a ticket wakes nobody).
 */
import { formatDuration } from '../duration';
import type { BurnRatePolicy, BurnRateTier, TierChange } from '../model/slo';
import { detectionTime } from './detection';
import { formatBurnRate, roughDuration, tierCanFire, tierThreshold } from './policy';

const HOUR = 3600;

/** Default N = GUARD_MARGIN / lowest page threshold: one error is 1/GUARD_MARGIN of it, two are 2/GUARD_MARGIN. */
export const GUARD_MARGIN = 1.5;

/** ceil(GUARD_MARGIN / the lowest page threshold) (of any tier when none pages); 0 when no tier can fire. */
export function defaultMinEvents(
  tiers: readonly Pick<BurnRateTier, 'burnRate' | 'severity'>[],
  objective: number,
): number {
  // Tiers that cannot fire at this objective (threshold >= 1; validate warns on them) set nothing.
  const live = tiers.filter((t) => tierCanFire(t, objective));
  const pages = live.filter((t) => t.severity === 'page');
  const from = pages.length > 0 ? pages : live;
  if (from.length === 0) return 0;
  const lowest = Math.min(...from.map((t) => tierThreshold(t, objective)));
  // toPrecision keeps 1.5/0.006 at 250, not 250.00000000000003 -> 251.
  return Math.ceil(Number((GUARD_MARGIN / lowest).toPrecision(12)));
}

/** The guard a tier carries: its own minEvents, 0 when it has none. */
export function tierMinEvents(tier: Pick<BurnRateTier, 'minEvents'>): number {
  return tier.minEvents !== undefined && tier.minEvents > 0 ? tier.minEvents : 0;
}

/** The guarded error ratio of a window: errors / max(events, minEvents); 0 with no traffic. */
export function guardedErrorRatio(bad: number, total: number, minEvents: number): number {
  return total > 0 ? bad / Math.max(total, minEvents) : 0;
}

/** Requests per hour below which the guard changes this tier's decision (its long window holds fewer than N). */
export function guardTrafficPerHour(tier: Pick<BurnRateTier, 'minEvents' | 'longWindowSeconds'>): number {
  return (tierMinEvents(tier) * HOUR) / tier.longWindowSeconds;
}

/**
 * Failed requests the long window must hold before the tier can fire when it saw `events` events:
 * the smallest whole count strictly above threshold x max(events, N).
 */
export function errorsToFire(
  tier: Pick<BurnRateTier, 'burnRate' | 'minEvents'>,
  objective: number,
  events: number,
): number {
  const needed = tierThreshold(tier, objective) * Math.max(events, tierMinEvents(tier));
  return Math.floor(Number(needed.toPrecision(12))) + 1;
}

/**
 * Worst-case time for a full outage at `perHour` steady requests to fire the tier: the failed requests
 * errorsToFire asks for, arriving one every 3600/perHour seconds, counted from the first one (the short
 * window then reads 1, above any threshold below 1). Infinity when the long window can never hold them.
 */
export function outageDetectionAtTraffic(
  tier: Pick<BurnRateTier, 'burnRate' | 'minEvents' | 'longWindowSeconds'>,
  objective: number,
  perHour: number,
): number {
  if (!(perHour > 0)) return Infinity;
  const events = (perHour * tier.longWindowSeconds) / HOUR;
  const errors = errorsToFire(tier, objective, events);
  if (errors > events) return Infinity;
  return (errors * HOUR) / perHour;
}

/** Guarded tiers: every tier gets `override[tier] ?? all ?? defaultMinEvents`; 0 turns the guard off. */
export function withMinEvents(
  policy: BurnRatePolicy,
  objective: number,
  all: number | undefined,
  perTier: Readonly<Record<string, number>> = {},
): BurnRatePolicy {
  const fallback = all ?? defaultMinEvents(policy.tiers, objective);
  return {
    ...policy,
    tiers: policy.tiers.map((t) => {
      const n = perTier[t.name] ?? fallback;
      const { minEvents: _drop, ...rest } = t;
      return n > 0 ? { ...rest, minEvents: n } : rest;
    }),
  };
}

/** Applies `disabled` / severity changes to a policy; tier names stay as they were (stable `tier` labels). */
export function applyTierChanges(policy: BurnRatePolicy, changes: readonly TierChange[]): BurnRatePolicy {
  const byName = new Map(changes.map((c) => [c.tier, c.change]));
  return {
    ...policy,
    tiers: policy.tiers.flatMap((t) => {
      const change = byName.get(t.name);
      if (change === undefined) return [t];
      if (change === 'disabled') return [];
      return [{ ...t, severity: change }];
    }),
  };
}

const rate = formatBurnRate;

/**
 * What a tier change loses, computed on the policy after the change: the changed tier's own burn rate
 * (the fastest burn it alone was there for), how fast that burn empties the budget, and which remaining tier
 * sees it first and when (or nothing does).
 */
export function tierChangeLoss(change: TierChange, after: BurnRatePolicy, objective: number): string {
  const before = change.before;
  const b = before.burnRate;
  const ratio = Math.min(1, b * (1 - objective));
  const exhaustion = after.periodSeconds / b;
  const period = formatDuration(after.periodSeconds);
  const was = detectionTime(before, objective, ratio, after.periodSeconds).seconds;
  if (change.change !== 'disabled') {
    const verb =
      change.change === 'page' ? 'now pages instead of opening a ticket' : 'now opens a ticket instead of paging';
    return (
      `tier ${change.tier} ${verb}: a ${rate(b)} burn exhausts the ${period} budget in ${roughDuration(exhaustion)} ` +
      `and is seen after ${roughDuration(was)}` +
      (change.change === 'ticket' ? ', then waits for working hours' : ', waking someone')
    );
  }
  const others = after.tiers
    .map((t) => ({ t, s: detectionTime(t, objective, ratio, after.periodSeconds).seconds }))
    .filter((x) => Number.isFinite(x.s))
    .sort((x, y) => x.s - y.s);
  const head = `disabling ${change.tier} (${before.severity} at ${rate(b)}) means a ${rate(b)} burn, which exhausts the ${period} budget in ${roughDuration(exhaustion)},`;
  if (others.length === 0) return `${head} fires no tier at all (it did after ${roughDuration(was)})`;
  const first = others[0];
  const firstPage = others.find((x) => x.t.severity === 'page');
  const pageNote =
    before.severity === 'page' && first.t.severity !== 'page'
      ? firstPage
        ? `; the first page (${firstPage.t.name}) comes after ${roughDuration(firstPage.s)}`
        : '; no page fires for it'
      : '';
  return (
    `${head} is first seen by ${first.t.name} (${first.t.severity === 'page' ? 'a page' : 'a ticket'}) after ` +
    `${roughDuration(first.s)} instead of after ${roughDuration(was)} by ${change.tier}, with ` +
    `${Number(((first.s / exhaustion) * 100).toPrecision(2))} % of the budget spent by then${pageNote}`
  );
}
