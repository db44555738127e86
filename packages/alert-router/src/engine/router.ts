/**
 * The router: routes each event through the tree, groups what goes to the same
 * receiver, delivers with per-target idempotency, and keeps group and firing
 * state for the scheduled tick (see tick.ts). Failures are collected, never
 * swallowed: the caller (handler or CLI) turns them into a throw / exit code.
 */
import type { AlertRouting } from '@sre-kit/core';
import type { AlarmEvent, RejectedPayload } from '../events/types';
import { silentLogger, type Logger } from '../log';
import type { RenderOptions } from '../render/slack';
import { eventLabels } from '../routing/labels';
import { isMuted, muteDetail, RouteTree, type RouteMatch } from '../routing/tree';
import { IDEMPOTENCY_TTL_SECONDS, type AlertStore } from '../state/store';
import { Report } from './report';
import { receiverTargets, Sender, type SenderOptions } from './sender';
import { firingKey, groupExpiry, groupKey, markSent, trackFiring, type FiringState, type GroupState } from './state';

export interface RouterOptions extends SenderOptions {
  readonly routing: AlertRouting;
  readonly store: AlertStore;
  /** Shared email topic for receivers that list addresses (the construct sets EMAIL_TOPIC_ARN). */
  readonly emailTopicArn?: string;
  readonly now?: () => number;
  readonly log?: Logger;
  /** How long an in-flight claim blocks a concurrent duplicate. @default 900000 (Lambda's maximum timeout) */
  readonly leaseMs?: number;
}

export interface GroupWork {
  readonly key: string;
  readonly match: RouteMatch;
  readonly events: AlarmEvent[];
}

/** Idempotency key of one event for one route+receiver: SNS MessageId + alarm state, as the issue asks. */
export const acceptKey = (e: AlarmEvent, m: { routeId: string; receiver: { name: string } }) =>
  `${e.id}#${e.state}#${m.routeId}#${m.receiver.name}`;

export class AlertRouter {
  readonly tree: RouteTree;
  readonly sender: Sender;
  readonly now: () => number;
  readonly log: Logger;

  constructor(readonly options: RouterOptions) {
    this.tree = new RouteTree(options.routing);
    // One clock for deadlines everywhere: the sender measures remaining time against the router's deadline.
    this.sender = new Sender({ ...options, slack: { now: options.now, ...options.slack } });
    this.now = options.now ?? Date.now;
    this.log = options.log ?? silentLogger;
  }

  get store(): AlertStore {
    return this.options.store;
  }

  async process(
    events: readonly AlarmEvent[],
    rejected: readonly RejectedPayload[],
    deadline: number,
  ): Promise<Report> {
    const report = new Report();
    for (const r of rejected) {
      this.log('error', 'payload rejected', { payloadId: r.payloadId, kind: r.kind, reason: r.reason });
      report.add({ status: 'rejected', eventId: r.payloadId, detail: `${r.kind}: ${r.reason}` });
    }
    const groups = new Map<string, GroupWork>();
    for (const event of events) {
      const matches = this.tree.match(event, new Date(this.now()));
      this.log('info', 'routed', {
        eventId: event.id,
        alarmName: event.alarmName,
        state: event.state,
        drill: event.drill,
        labels: eventLabels(event),
        receivers: matches.map((m) => m.receiver.name),
      });
      for (const m of matches) {
        const base = { eventId: event.id, alarmName: event.alarmName, state: event.state, receiver: m.receiver.name };
        // Read before trackFiring: an OK ends the firing record that says whether the page went out.
        const resolvesPage = m.windows.length > 0 && (await this.resolvesDeliveredPage(event, m));
        if (!event.drill) await trackFiring(this, event, m);
        if (isMuted(m) && !(resolvesPage && m.mutedBy.length === 0)) {
          const detail = muteDetail(m);
          this.log('info', 'muted', { ...base, windows: m.windows, mutedBy: m.mutedBy });
          report.add({ ...base, status: 'muted', detail });
          continue;
        }
        if (resolvesPage)
          this.log('info', 'resolve delivered inside a maintenance window: its page went out before', {
            ...base,
            windows: m.windows.map((w) => w.name),
          });
        if (event.state === 'OK' && !m.receiver.sendResolved) {
          report.add({ ...base, status: 'not-sent', detail: 'receiver does not send resolved notifications' });
          continue;
        }
        const key = groupKey(event, m);
        const work = groups.get(key) ?? { key, match: m, events: [] };
        work.events.push(event);
        groups.set(key, work);
      }
    }
    await Promise.all([...groups.values()].map((g) => this.dispatch(g, deadline, report)));
    return report;
  }

  /**
   * A window mutes new trouble, not the end of a page someone is working on: an OK that ends an
   * ALARM whose page was delivered (or that this router never saw muted) still goes out. An OK
   * whose ALARM was muted, or that follows INSUFFICIENT_DATA, stays muted: nobody was paged.
   */
  private async resolvesDeliveredPage(event: AlarmEvent, m: RouteMatch): Promise<boolean> {
    if (event.state !== 'OK' || event.previousState !== 'ALARM') return false;
    const firing = await this.store.get<FiringState>('firing', firingKey(event, m));
    return firing === undefined || firing.value.lastNotifiedAt !== undefined;
  }

  /** Sends now, or holds in the group's pending set for the tick when the group waits. */
  private async dispatch(work: GroupWork, deadline: number, report: Report): Promise<void> {
    const { match } = work;
    if (match.groupIntervalSeconds === 0 && match.groupWaitSeconds === 0) {
      await this.deliver(match, work.events, [], deadline, report);
      return;
    }
    for (let attempt = 0; attempt < 5; attempt++) {
      const now = this.now();
      const current = await this.store.get<GroupState>('group', work.key);
      const state: GroupState = current?.value ?? {
        routeId: match.routeId,
        receiver: match.receiver.name,
        lastSentAt: 0,
        pending: {},
      };
      const inInterval = state.lastSentAt > 0 && now < state.lastSentAt + match.groupIntervalSeconds * 1000;
      const newAndWaiting = !inInterval && match.groupWaitSeconds > 0 && state.lastSentAt === 0;
      if (!inInterval && !newAndWaiting) {
        const pending = Object.values(state.pending);
        const ok = await this.deliver(match, work.events, pending, deadline, report);
        if (ok)
          await markSent(
            this.store,
            work.key,
            state,
            Object.keys(state.pending),
            now,
            match.groupIntervalSeconds * 1000,
          );
        return;
      }
      const dueAt = inInterval
        ? state.lastSentAt + match.groupIntervalSeconds * 1000
        : Math.min(state.dueAt ?? Infinity, now + match.groupWaitSeconds * 1000);
      const held = await this.hold(work, match, state, current?.version ?? 0, dueAt, report);
      if (held) return;
    }
    for (const e of work.events) {
      report.add({
        status: 'failed',
        eventId: e.id,
        alarmName: e.alarmName,
        state: e.state,
        receiver: match.receiver.name,
        detail: 'group state kept changing (contention)',
      });
    }
  }

  private async hold(
    work: GroupWork,
    m: RouteMatch,
    state: GroupState,
    version: number,
    dueAt: number,
    report: Report,
  ): Promise<boolean> {
    const now = this.now();
    const claimed: AlarmEvent[] = [];
    for (const e of work.events) {
      const result = await this.store.claim(acceptKey(e, m), now, this.options.leaseMs ?? 900_000);
      const base = { eventId: e.id, alarmName: e.alarmName, state: e.state, receiver: m.receiver.name };
      if (result === 'done') report.add({ ...base, status: 'duplicate' });
      else if (result === 'busy')
        report.add({ ...base, status: 'failed', detail: 'same event in flight elsewhere; retry' });
      else claimed.push(e);
    }
    if (claimed.length === 0) return true;
    const pending = { ...state.pending };
    for (const e of claimed) pending[acceptKey(e, m)] = e;
    const ok = await this.store.put('group', work.key, { ...state, pending, dueAt }, version, groupExpiry(dueAt, 0));
    for (const e of claimed) {
      if (ok) await this.store.complete(acceptKey(e, m), now, IDEMPOTENCY_TTL_SECONDS);
      else await this.store.release(acceptKey(e, m));
    }
    if (!ok) return false;
    for (const e of claimed) {
      report.add({
        eventId: e.id,
        alarmName: e.alarmName,
        state: e.state,
        receiver: m.receiver.name,
        status: 'pending',
        detail: `grouped; sent by the tick after ${new Date(dueAt).toISOString()}`,
      });
    }
    return true;
  }

  /**
   * Delivers `fresh` events (not yet accepted) and `accepted` ones (from a group's
   * pending set) to every target of the receiver. Per target, each event is
   * claimed before sending and completed after, so a redelivery or a retry after
   * a partial failure never posts twice. Returns true when every target succeeded.
   */
  async deliver(
    m: RouteMatch,
    fresh: readonly AlarmEvent[],
    accepted: readonly AlarmEvent[],
    deadline: number,
    report: Report,
    render: RenderOptions = {},
  ): Promise<boolean> {
    const now = this.now();
    const lease = this.options.leaseMs ?? 900_000;
    const live: AlarmEvent[] = [...accepted];
    let ok = true;
    for (const e of fresh) {
      const result = await this.store.claim(acceptKey(e, m), now, lease);
      const base = { eventId: e.id, alarmName: e.alarmName, state: e.state, receiver: m.receiver.name };
      if (result === 'done') report.add({ ...base, status: 'duplicate' });
      else if (result === 'busy') {
        ok = false;
        report.add({ ...base, status: 'failed', detail: 'same event in flight elsewhere; retry' });
      } else live.push(e);
    }
    if (live.length === 0) return ok;
    let targets;
    try {
      targets = receiverTargets(m.receiver, this.options.emailTopicArn);
    } catch (err) {
      targets = undefined;
      for (const e of live)
        report.add({
          eventId: e.id,
          alarmName: e.alarmName,
          state: e.state,
          receiver: m.receiver.name,
          status: 'failed',
          detail: (err as Error).message,
        });
    }
    const failedEvents = new Set<AlarmEvent>(targets ? [] : live);
    for (const target of targets ?? []) {
      const toSend: AlarmEvent[] = [];
      for (const e of live) {
        const r = await this.store.claim(`${acceptKey(e, m)}#${target.id}`, now, lease);
        const base = {
          eventId: e.id,
          alarmName: e.alarmName,
          state: e.state,
          receiver: m.receiver.name,
          target: target.id,
        };
        if (r === 'claimed') toSend.push(e);
        else if (r === 'done') report.add({ ...base, status: 'duplicate' });
        else {
          failedEvents.add(e);
          report.add({ ...base, status: 'failed', detail: 'same event in flight elsewhere; retry' });
        }
      }
      if (toSend.length === 0) continue;
      try {
        await this.sender.send(target, toSend, render, deadline, groupKey(toSend[0], m));
        for (const e of toSend) {
          await this.store.complete(`${acceptKey(e, m)}#${target.id}`, this.now(), IDEMPOTENCY_TTL_SECONDS);
          report.add({
            eventId: e.id,
            alarmName: e.alarmName,
            state: e.state,
            receiver: m.receiver.name,
            target: target.id,
            status: 'delivered',
          });
        }
        this.log('info', 'delivered', {
          receiver: m.receiver.name,
          target: target.id,
          alarms: toSend.map((e) => e.alarmName),
        });
      } catch (err) {
        const detail = (err as Error).message;
        this.log('error', 'delivery failed', {
          receiver: m.receiver.name,
          target: target.id,
          alarms: toSend.map((e) => e.alarmName),
          error: detail,
        });
        for (const e of toSend) {
          failedEvents.add(e);
          await this.store.release(`${acceptKey(e, m)}#${target.id}`);
          report.add({
            eventId: e.id,
            alarmName: e.alarmName,
            state: e.state,
            receiver: m.receiver.name,
            target: target.id,
            status: 'failed',
            detail,
          });
        }
      }
    }
    for (const e of fresh) {
      if (!live.includes(e)) continue;
      if (failedEvents.has(e)) await this.store.release(acceptKey(e, m));
      else await this.store.complete(acceptKey(e, m), this.now(), IDEMPOTENCY_TTL_SECONDS);
    }
    return ok && failedEvents.size === 0;
  }
}
