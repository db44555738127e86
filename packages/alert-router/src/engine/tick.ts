/**
 * The scheduled tick (an EventBridge rate rule, every minute): flushes group
 * pending sets that are due and sends repeat reminders for alarms still firing
 * after their route's repeat interval, or whose mute interval has ended.
 * CloudWatch only notifies on state changes, so reminders must come from here.
 */
import type { AlarmEvent } from '../events/types';
import { isMuted, type RouteMatch } from '../routing/tree';
import { Report } from './report';
import { receiverTargets, type Target } from './sender';
import type { AlertRouter } from './router';
import { firingKey, groupKey, markSent, type FiringState, type GroupState } from './state';

export interface TickOptions {
  /** Flush every pending group now, due or not (the CLI's replay ends with this). */
  readonly flushAll?: boolean;
  /** Skip reminders (replay only flushes). */
  readonly groupsOnly?: boolean;
}

export async function tick(router: AlertRouter, deadline: number, options: TickOptions = {}): Promise<Report> {
  const report = new Report();
  await flushGroups(router, deadline, report, options.flushAll === true);
  if (!options.groupsOnly) await sendReminders(router, deadline, report);
  return report;
}

/** The current route match for a stored (routeId, receiver), or undefined when the config no longer routes there. */
function currentMatch(
  router: AlertRouter,
  event: AlarmEvent,
  routeId: string,
  receiver: string,
): RouteMatch | undefined {
  return router.tree
    .match(event, new Date(router.now()))
    .find((m) => m.routeId === routeId && m.receiver.name === receiver);
}

async function flushGroups(router: AlertRouter, deadline: number, report: Report, all: boolean): Promise<void> {
  const groups = await router.store.list<GroupState>('group');
  for (const { key, record } of groups) {
    const state = record.value;
    const pending = Object.values(state.pending);
    if (pending.length === 0) continue;
    if (!all && (state.dueAt ?? 0) > router.now()) continue;
    const match = currentMatch(router, pending[0], state.routeId, state.receiver);
    if (!match) {
      router.log('error', 'pending group no longer routed; sending to the root receiver', { group: key });
    }
    const target = match ?? router.tree.match(pending[0], new Date(router.now())).at(-1)!;
    const ok = await router.deliver(target, [], pending, deadline, report);
    if (ok) {
      const interval = (match?.groupIntervalSeconds ?? 0) * 1000;
      await markSent(router.store, key, state, Object.keys(state.pending), router.now(), interval);
    }
  }
}

async function sendReminders(router: AlertRouter, deadline: number, report: Report): Promise<void> {
  const firing = await router.store.list<FiringState>('firing');
  for (const { key, record } of firing) {
    const f = record.value;
    const match = currentMatch(router, f.event, f.routeId, f.receiver);
    if (!match || firingKey(f.event, match) !== key) {
      await router.store.delete('firing', key, record.version);
      router.log('warn', 'firing alarm no longer routed to this receiver; reminders stopped', {
        alarmName: f.event.alarmName,
        receiver: f.receiver,
      });
      continue;
    }
    if (isMuted(match)) continue;
    const now = router.now();
    const due =
      f.lastNotifiedAt === undefined ||
      (match.repeatIntervalSeconds > 0 && now - f.lastNotifiedAt >= match.repeatIntervalSeconds * 1000);
    if (!due) continue;
    // Taking the slot first (compare-and-set) is the lock: a concurrent tick loses the race and skips.
    if (!(await router.store.put('firing', key, { ...f, lastNotifiedAt: now }, record.version))) continue;
    const base = { eventId: f.event.id, alarmName: f.event.alarmName, state: f.event.state, receiver: f.receiver };
    const render = f.lastNotifiedAt === undefined ? {} : { reminderSince: f.firingSince };
    const failures: string[] = [];
    let targets: Target[] = [];
    try {
      targets = receiverTargets(match.receiver, router.options.emailTopicArn);
    } catch (err) {
      failures.push((err as Error).message);
      report.add({ ...base, status: 'failed', detail: `reminder: ${(err as Error).message}` });
    }
    for (const target of targets) {
      try {
        await router.sender.send(target, [f.event], render, deadline, groupKey(f.event, match));
        report.add({ ...base, target: target.id, status: 'reminded' });
      } catch (err) {
        failures.push((err as Error).message);
        report.add({ ...base, target: target.id, status: 'failed', detail: `reminder: ${(err as Error).message}` });
      }
    }
    if (failures.length > 0) {
      // Give the slot back so the next tick tries again.
      await router.store.put('firing', key, f, record.version + 1);
    }
  }
}
