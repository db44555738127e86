/**
 * Sends a simulation's notifications through the real alert router, as CloudWatch would: one SNS record per
 * topic in the alarm's actions for the new state, the message CloudWatch publishes (name, description and
 * actions as synthesized, NewStateReason, StateChangeTime and the SNS Timestamp on the simulated clock). The
 * router runs on that clock too, and the 1-minute tick rule is replayed every simulated minute, so groupWait,
 * groupInterval and reminders behave as on AWS. Actions that are not SNS topics are listed, not invoked.
 */
import { createHash } from 'node:crypto';
import type { AlertRouting, AlarmNotification, AlarmSimulationResult } from '@sre-kit/core';
import type { Outcome } from '@sre-kit/alert-router';
import type { AssemblyAlarm } from './alarms';

export interface Delivery {
  /** Epoch seconds on the simulated clock. */
  readonly at: number;
  readonly source: 'notification' | 'tick' | 'flush';
  readonly alarm?: string;
  readonly state?: string;
  readonly topic?: string;
  readonly messageId?: string;
  readonly outcomes: readonly Outcome[];
}

export interface DeliveryResult {
  readonly deliveries: readonly Delivery[];
  /** Alarm actions that are not SNS topics (Lambda, Systems Manager, ...): not simulated. */
  readonly skippedActions: readonly { readonly alarm: string; readonly action: string }[];
  readonly messagesSent: number;
  readonly ok: boolean;
}

export interface DeliverOptions {
  readonly routing: AlertRouting;
  readonly slackUrl?: string;
  /** Spacing between Slack messages to one hook (real time). @default 1000 */
  readonly paceMs?: number;
}

function messageId(...parts: string[]): string {
  const h = createHash('sha1').update(parts.join('|')).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

export async function deliverNotifications(
  result: AlarmSimulationResult,
  alarms: readonly AssemblyAlarm[],
  options: DeliverOptions,
): Promise<DeliveryResult> {
  const { replaySession, cloudWatchNotifications } = await import('@sre-kit/alert-router');
  const date = (epochSeconds: number) => new Date(epochSeconds * 1000);
  // The SNS record CloudWatch publishes to `topic`, built by the router's own builder (the contract tests use it).
  const snsEvent = (n: AlarmNotification, a: AssemblyAlarm, topic: string, id: string) =>
    cloudWatchNotifications(a.definition, {
      state: n.state,
      previousState: n.previousState,
      time: date(n.stateChangeAt),
      publishedAt: date(n.at),
      configurationUpdatedAt: date(result.from - 60),
      region: a.region,
      accountId: a.account,
      id,
      topicArn: topic,
      reason: n.reason,
      actions: a.alarm.actions,
      ...(n.datapoints ? { datapoints: n.datapoints.filter((v): v is number => v !== null) } : {}),
      ...(n.triggeringChildren
        ? {
            triggeringChildren: n.triggeringChildren.map((c) => ({
              name: c.alarm,
              state: c.state,
              since: date(c.since),
            })),
          }
        : {}),
    }).sns;
  let nowMs = result.from * 1000;
  const session = replaySession({
    routing: options.routing,
    slackUrl: options.slackUrl,
    noEmail: true,
    paceMs: options.paceMs,
    now: () => nowMs,
  });
  const byName = new Map(alarms.map((a) => [a.alarm.name, a]));
  const deliveries: Delivery[] = [];
  const skippedActions: { alarm: string; action: string }[] = [];
  const failed = (outcomes: readonly Outcome[]) =>
    outcomes.some((o) => o.status === 'failed' || o.status === 'rejected');
  let ok = true;
  const pending = [...result.notifications].sort((x, y) => x.at - y.at);
  if (pending.length === 0) return { deliveries, skippedActions, messagesSent: 0, ok };
  // CloudWatch acts at each evaluation; the router's tick rule fires once a minute after it.
  for (let at = pending[0].at; at <= result.to; at += 60) {
    nowMs = at * 1000;
    while (pending.length > 0 && pending[0].at <= at) {
      const n = pending.shift()!;
      const a = byName.get(n.alarm)!;
      for (const topic of n.actions) {
        if (!topic.startsWith('arn:aws:sns:')) {
          skippedActions.push({ alarm: n.alarm, action: topic });
          continue;
        }
        const id = messageId(n.alarm, n.state, String(n.stateChangeAt), String(n.at), topic);
        let outcomes: readonly Outcome[];
        try {
          outcomes = (await session.invoke(snsEvent(n, a, topic, id))).outcomes;
        } catch (err) {
          const failures = (err as { failures?: readonly Outcome[] }).failures;
          if (!failures) throw err;
          outcomes = failures;
        }
        if (failed(outcomes)) ok = false;
        deliveries.push({ at, source: 'notification', alarm: n.alarm, state: n.state, topic, messageId: id, outcomes });
      }
    }
    nowMs = (at + 60) * 1000 - 1;
    try {
      const tick = await session.invoke({ 'detail-type': 'Scheduled Event', source: 'aws.events', detail: {} });
      if (tick.outcomes.length > 0) deliveries.push({ at: at + 59, source: 'tick', outcomes: tick.outcomes });
    } catch (err) {
      const failures = (err as { failures?: readonly Outcome[] }).failures;
      if (!failures) throw err;
      ok = false;
      deliveries.push({ at: at + 59, source: 'tick', outcomes: failures });
    }
  }
  const flushed = await session.flush();
  if (flushed.length > 0) deliveries.push({ at: result.to, source: 'flush', outcomes: flushed });
  if (failed(flushed)) ok = false;
  return { deliveries, skippedActions, messagesSent: session.router.sender.messagesSent, ok };
}
