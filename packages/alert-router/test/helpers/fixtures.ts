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
