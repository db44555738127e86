import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AlertRouting, Receiver, Route } from '@sre-kit/core';
import { parseInbound } from '../../src/events/inbound';
import type { AlarmEvent } from '../../src/events/types';

// The benchmark runs these helpers bundled elsewhere, so it passes the folder in.
export const FIXTURES = process.env.ALERT_ROUTER_FIXTURES ?? join(__dirname, '..', 'fixtures');

export function fixture(name: string): unknown {
  return JSON.parse(readFileSync(join(FIXTURES, name), 'utf8'));
}

export function fixtureEvent(name: string): AlarmEvent {
  const { events } = parseInbound(fixture(name));
  if (events.length !== 1) throw new Error(`${name}: expected one event`);
  return events[0];
}

/** An SNS batch for a CloudWatch message object, with a chosen MessageId. */
export function snsBatch(messages: Array<{ id: string; message: object }>): unknown {
  return {
    Records: messages.map(({ id, message }) => ({
      EventSource: 'aws:sns',
      Sns: {
        Type: 'Notification',
        MessageId: id,
        TopicArn: 'arn:aws:sns:eu-west-1:123456789012:t',
        Message: JSON.stringify(message),
      },
    })),
  };
}

/** An SNS batch with one state change of alarm `name` (the metric fixture's service), at minute `minute` past 22:00. */
export function alarmChange(id: string, name: string, state: 'ALARM' | 'OK', minute: number): unknown {
  return snsBatch([
    {
      id,
      message: {
        ...fixtureMessage('sns-metric-alarm.json'),
        AlarmName: name,
        AlarmArn: `arn:aws:cloudwatch:eu-west-1:123456789012:alarm:${name}`,
        NewStateValue: state,
        OldStateValue: state === 'OK' ? 'ALARM' : 'OK',
        NewStateReason: `${name} is ${state} at minute ${minute}`,
        StateChangeTime: `2026-11-29T22:${String(minute).padStart(2, '0')}:00.000+0000`,
      },
    },
  ]);
}

/** Fire, repeat, a new member, partial resolve, full resolve: one alert group (same service) over five minutes. */
export const THREAD_SEQUENCE: readonly unknown[] = [
  alarmChange('m1', 'api-errors', 'ALARM', 1),
  alarmChange('m2', 'api-errors', 'ALARM', 2),
  alarmChange('m3', 'api-latency', 'ALARM', 3),
  alarmChange('m4', 'api-errors', 'OK', 4),
  alarmChange('m5', 'api-latency', 'OK', 5),
];

/** The CloudWatch message inside a fixture, to derive variants from. */
export function fixtureMessage(name: string): Record<string, unknown> {
  const f = fixture(name) as { Records: Array<{ Sns: { Message: string } }> };
  return JSON.parse(f.Records[0].Sns.Message) as Record<string, unknown>;
}

export function route(partial: Partial<Route> = {}): Route {
  return { matchers: {}, continue: false, muteTimeIntervals: [], routes: [], ...partial };
}

export function receiver(name: string, partial: Partial<Receiver> = {}): Receiver {
  return {
    name,
    slack: [{ channel: `#${name}`, webhookSecret: `secret/${name}` }],
    email: [],
    sendResolved: true,
    ...partial,
  };
}

export function routing(
  root: Route,
  receivers: Receiver[],
  timeIntervals: AlertRouting['timeIntervals'] = [],
): AlertRouting {
  return { name: 'test', receivers, route: root, timeIntervals, location: { file: 'test', line: 1, col: 1, path: '' } };
}
