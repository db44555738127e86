/**
 * sre-kit's per-SLO alerting annotations, read the same way from an OpenSLO SLO's `metadata.annotations` and a
 * Sloth SLO's `alerting.annotations` (both free-form string maps, so the files stay valid for other tools):
 *
 * - `sre-kit/min-events: "200"`          low-traffic guard of every tier ("0": off);
 * - `sre-kit/min-events.<tier>: "500"`   one tier's guard;
 * - `sre-kit/tier.<tier>: disabled | page | ticket`   turn a tier off or change its severity.
 *
 * The tier keeps its name when its severity changes, so its `tier` label (alarms, rules, routes) is stable.
 */
import { applyTierChanges, tierChangeLoss, tierMinEvents, withMinEvents } from '../math';
import type { BurnRatePolicy, Indicator, TierChange } from '../model/slo';
import type { At } from './reader';
import { suggestion } from './suggest';

export const MIN_EVENTS_ANNOTATION = 'sre-kit/min-events';
export const TIER_ANNOTATION_PREFIX = 'sre-kit/tier.';

/** True for the keys this module reads (the caller reports other unknown `sre-kit/` keys). */
export function isTierControlKey(key: string): boolean {
  return (
    key === MIN_EVENTS_ANNOTATION ||
    key.startsWith(`${MIN_EVENTS_ANNOTATION}.`) ||
    key.startsWith(TIER_ANNOTATION_PREFIX)
  );
}

export interface TierControls {
  readonly policy: BurnRatePolicy;
  readonly tierChanges: readonly TierChange[];
}

function minEventsValue(at: At): number | undefined {
  const text = at.string();
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(n)) {
    at.error(
      `min-events must be a whole number of events, got "${text}"`,
      'for example "200"; "0" turns the guard off',
    );
    return undefined;
  }
  return n;
}

/**
 * The policy after the annotations: severities changed, tiers disabled, every tier's guard set. `guardByDefault`
 * is false for Sloth specs, whose rules must stay Sloth's exact output unless the spec asks for the guard.
 * Warnings say what each change loses (computed on the resulting policy) and where the guard cannot apply.
 */
export function applyTierControls(
  annotationsAt: At,
  annotations: Readonly<Record<string, string>>,
  policy: BurnRatePolicy,
  objective: number,
  indicator: Indicator,
  guardByDefault: boolean,
): TierControls {
  const names = policy.tiers.map((t) => t.name);
  const knownTier = (key: string, name: string): boolean => {
    if (names.includes(name)) return true;
    annotationsAt
      .keyAt(key)
      .error(`no tier "${name}" in this SLO's policy`, suggestion(name, names) || `its tiers are ${names.join(', ')}`);
    return false;
  };
  let all: number | undefined;
  const perTier: Record<string, number> = {};
  const changes: TierChange[] = [];
  for (const key of Object.keys(annotations)) {
    if (key === MIN_EVENTS_ANNOTATION) all = minEventsValue(annotationsAt.get(key));
    else if (key.startsWith(`${MIN_EVENTS_ANNOTATION}.`)) {
      const name = key.slice(MIN_EVENTS_ANNOTATION.length + 1);
      const n = minEventsValue(annotationsAt.get(key));
      if (knownTier(key, name) && n !== undefined) perTier[name] = n;
    } else if (key.startsWith(TIER_ANNOTATION_PREFIX)) {
      const name = key.slice(TIER_ANNOTATION_PREFIX.length);
      const value = annotations[key].trim();
      const valueAt = annotationsAt.get(key);
      if (!['disabled', 'page', 'ticket'].includes(value)) {
        valueAt.error(`unknown tier setting "${value}"`, 'write disabled, page or ticket');
        continue;
      }
      if (!knownTier(key, name)) continue;
      const before = policy.tiers.find((t) => t.name === name)!;
      if (value === before.severity) {
        valueAt.warn(`tier ${name} already is a ${value} tier`, 'remove this annotation');
        continue;
      }
      changes.push({ tier: name, before, change: value as TierChange['change'] });
    }
  }
  const guardAsked = all !== undefined || Object.keys(perTier).length > 0;
  let result = applyTierChanges(policy, changes);
  // The default guard is computed on the tiers as changed: a page made a ticket no longer sets it.
  if (guardByDefault || guardAsked)
    result = withMinEvents(result, objective, guardByDefault ? all : (all ?? 0), perTier);
  for (const c of changes) {
    const key = `${TIER_ANNOTATION_PREFIX}${c.tier}`;
    annotationsAt.get(key).warn(tierChangeLoss(c, result, objective), 'keep the tier, or accept the later detection');
  }
  if (result.tiers.length === 0 && policy.tiers.length > 0)
    annotationsAt.warn('every burn-rate tier is disabled: this SLO alerts on nothing', 'keep at least one tier');
  // A raw error ratio has no event count; a threshold SLI counts time slices, whose number per window is fixed
  // by the slice length, not by traffic: neither gets the guard.
  if (indicator.kind !== 'ratio' && result.tiers.some((t) => tierMinEvents(t) > 0)) {
    if (guardAsked && indicator.kind === 'rawErrorRatio')
      annotationsAt
        .keyAt(Object.keys(annotations).find((k) => k.startsWith(MIN_EVENTS_ANNOTATION))!)
        .warn(
          'a raw error-ratio SLI has no event count, so the low-traffic guard cannot apply',
          'use a ratio SLI (good or bad, and total)',
        );
    result = withMinEvents(result, objective, 0);
  }
  return { policy: result, tierChanges: changes };
}
