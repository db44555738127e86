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

const REGION_NAMES: Record<string, string> = {
  'us-east-1': 'US East (N. Virginia)',
  'us-east-2': 'US East (Ohio)',
  'us-west-1': 'US West (N. California)',
  'us-west-2': 'US West (Oregon)',
  'eu-west-1': 'EU (Ireland)',
  'eu-west-2': 'EU (London)',
  'eu-central-1': 'EU (Frankfurt)',
  'ap-southeast-1': 'Asia Pacific (Singapore)',
  'ap-northeast-1': 'Asia Pacific (Tokyo)',
};

/** CloudWatch's StateChangeTime format: 2026-11-29T22:01:12.000+0000. */
const cwTime = (epochSeconds: number) => new Date(epochSeconds * 1000).toISOString().replace('Z', '+0000');

function messageId(...parts: string[]): string {
  const h = createHash('sha1').update(parts.join('|')).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** The JSON CloudWatch publishes to the topic for this notification. */
/** `deployedAt`: the alarm's last configuration update (the simulated run starts after it). */
export function cloudWatchMessage(n: AlarmNotification, a: AssemblyAlarm, deployedAt: number): Record<string, unknown> {
  const alarm = a.alarm;
  const body: Record<string, unknown> = {
    AlarmName: alarm.name,
    AlarmDescription: alarm.description ?? null,
    AWSAccountId: a.account,
    AlarmConfigurationUpdatedTimestamp: cwTime(deployedAt),
    NewStateValue: n.state,
    NewStateReason: n.reason,
    StateChangeTime: cwTime(n.stateChangeAt),
    Region: REGION_NAMES[a.region] ?? a.region,
    AlarmArn: alarm.arn,
    OldStateValue: n.previousState,
    OKActions: alarm.actions.ok,
    AlarmActions: alarm.actions.alarm,
    InsufficientDataActions: alarm.actions.insufficientData,
  };
  if (alarm.kind === 'composite') {
    body.AlarmRule = alarm.rule;
    body.TriggeringChildren = (n.triggeringChildren ?? []).map((c) => ({
      Arn: c.arn,
      State: { Value: c.state, Timestamp: cwTime(c.since) },
    }));
    if (alarm.suppressor) {
      body.ActionsSuppressor = alarm.suppressor.alarm;
      body.ActionsSuppressorWaitPeriod = alarm.suppressor.waitSeconds;
      body.ActionsSuppressorExtensionPeriod = alarm.suppressor.extensionSeconds;
    }
  } else body.Trigger = a.trigger;
  return body;
}

/** The Lambda event SNS delivers for one notification on one topic. */
export function snsEvent(
  n: AlarmNotification,
  a: AssemblyAlarm,
  topic: string,
  id: string,
  deployedAt: number,
): Record<string, unknown> {
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: `${topic}:${messageId('subscription', topic)}`,
        Sns: {
          Type: 'Notification',
          MessageId: id,
          TopicArn: topic,
          Subject: `${n.state}: "${a.alarm.name}" in ${REGION_NAMES[a.region] ?? a.region}`.slice(0, 100),
          Message: JSON.stringify(cloudWatchMessage(n, a, deployedAt)),
          Timestamp: new Date(n.at * 1000).toISOString(),
          SignatureVersion: '1',
          Signature: 'simulated',
          MessageAttributes: {},
        },
      },
    ],
  };
}

export async function deliverNotifications(
  result: AlarmSimulationResult,
  alarms: readonly AssemblyAlarm[],
  options: DeliverOptions,
): Promise<DeliveryResult> {
  const { replaySession } = await import('@sre-kit/alert-router');
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
          outcomes = (await session.invoke(snsEvent(n, a, topic, id, result.from - 60))).outcomes;
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
