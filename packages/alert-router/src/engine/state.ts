/** Group and firing records kept in the store between invocations. */
import type { AlarmEvent } from '../events/types';
import { eventLabels } from '../routing/labels';
import { isMuted, type RouteMatch } from '../routing/tree';
import type { AlertStore } from '../state/store';

export interface GroupState {
  readonly routeId: string;
  readonly receiver: string;
  /** Epoch ms of the last message for this group; 0 = never. */
  readonly lastSentAt: number;
  /** Events accepted but not yet sent, keyed by their accept key. */
  readonly pending: Readonly<Record<string, AlarmEvent>>;
  /** When the tick should flush `pending`. */
  readonly dueAt?: number;
}

export interface FiringState {
  readonly routeId: string;
  readonly receiver: string;
  readonly event: AlarmEvent;
  /** ISO time the alarm entered ALARM (kept across repeated ALARM notifications). */
  readonly firingSince: string;
  /** Epoch ms of the last message for it; undefined while it was muted (sent once the mute ends). */
  readonly lastNotifiedAt?: number;
}

/** Alertmanager keys groups by route and the groupBy label values. */
export function groupKey(e: AlarmEvent, m: RouteMatch): string {
  const labels = eventLabels(e);
  const values = m.groupBy.map((l) => `${l}=${labels[l] ?? ''}`).join(',');
  return `${m.routeId}|${m.receiver.name}|${values}`;
}

export function firingKey(e: AlarmEvent, m: { routeId: string; receiver: { name: string } }): string {
  return `${m.routeId}|${m.receiver.name}|${e.alarmArn}`;
}

/** Compare-and-set retries: records are small and contention is rare, so a few attempts suffice. */
const CAS_ATTEMPTS = 5;

/** ALARM starts (or refreshes) a firing record; any other state ends it. Older events never overwrite newer ones. */
export async function trackFiring(
  ctx: { store: AlertStore; now: () => number },
  event: AlarmEvent,
  m: RouteMatch,
): Promise<void> {
  // Without reminders a delivered alarm needs no record; a muted one does, so the tick sends it when the mute ends.
  if (m.repeatIntervalSeconds <= 0 && event.state === 'ALARM' && !isMuted(m)) return;
  const key = firingKey(event, m);
  for (let i = 0; i < CAS_ATTEMPTS; i++) {
    const current = await ctx.store.get<FiringState>('firing', key);
    if (current && current.value.event.stateChangeTime > event.stateChangeTime) return;
    if (event.state !== 'ALARM') {
      if (!current || (await ctx.store.delete('firing', key, current.version))) return;
      continue;
    }
    const next: FiringState = {
      routeId: m.routeId,
      receiver: m.receiver.name,
      event,
      firingSince: current?.value.firingSince ?? (event.stateChangeTime || new Date(ctx.now()).toISOString()),
      lastNotifiedAt: isMuted(m) ? current?.value.lastNotifiedAt : ctx.now(),
    };
    if (await ctx.store.put('firing', key, next, current?.version ?? 0)) return;
  }
  throw new Error(`firing state for ${event.alarmName} kept changing; giving up after ${CAS_ATTEMPTS} attempts`);
}

/** After a successful send: record the time and drop the flushed pending events (others may have arrived). */
export async function markSent(
  store: AlertStore,
  key: string,
  seen: GroupState,
  flushed: readonly string[],
  now: number,
  intervalMs: number,
): Promise<void> {
  let state = seen;
  for (let i = 0; i < CAS_ATTEMPTS; i++) {
    const current = await store.get<GroupState>('group', key);
    state = current?.value ?? state;
    const pending = { ...state.pending };
    for (const k of flushed) delete pending[k];
    const dueAt = Object.keys(pending).length > 0 ? now + intervalMs : undefined;
    const next: GroupState = { ...state, lastSentAt: now, pending, dueAt };
    if (await store.put('group', key, next, current?.version ?? 0, groupExpiry(now, intervalMs))) return;
  }
  throw new Error(`group ${key}: state kept changing; giving up after ${CAS_ATTEMPTS} attempts`);
}

/** Group records outlive their interval by a day, then DynamoDB's TTL removes them. */
export function groupExpiry(nowMs: number, intervalMs: number): number {
  return Math.ceil((nowMs + intervalMs) / 1000) + 86400;
}
