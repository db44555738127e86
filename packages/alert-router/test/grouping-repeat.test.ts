/**
 * Grouping and repeat across invocations: time is the subject here, so the
 * router runs on a fake clock; Slack is still a real HTTP server.
 */
import type { AlertRouting } from '@sre-kit/core';
import { AlertRouter } from '../src/engine/router';
import { tick } from '../src/engine/tick';
import type { AlarmEvent } from '../src/events/types';
import { MemoryStore } from '../src/state/memory-store';
import { FakeSlack } from './helpers/fake-slack';
import { fixture, fixtureEvent, receiver, route, routing } from './helpers/fixtures';
import { createHandler } from '../src/handler';

let slack: FakeSlack;
let base: string;
beforeEach(async () => {
  slack = new FakeSlack();
  base = await slack.start();
});
afterEach(() => slack.stop());

const T0 = Date.parse('2026-11-29T22:00:00Z');
const FAR = T0 + 24 * 3600_000; // deadline: the fake clock never reaches it

function makeRouter(config: AlertRouting) {
  const clock = { now: T0 };
  const store = new MemoryStore();
  const router = new AlertRouter({
    routing: config,
    store,
    resolveWebhook: async (ref) => `${base}/hooks/${ref.replace('secret/', '')}`,
    paceMs: 0,
    now: () => clock.now,
  });
  return { router, clock, store };
}

const metric = fixtureEvent('sns-metric-alarm.json');
let seq = 0;
const alarmEvent = (name: string, state: AlarmEvent['state'] = 'ALARM', service = 'goodgreets'): AlarmEvent => ({
  ...metric,
  id: `msg-${++seq}`,
  alarmName: name,
  alarmArn: `arn:aws:cloudwatch:eu-west-1:123456789012:alarm:${name}`,
  state,
  stateChangeTime: new Date(T0 + seq * 1000).toISOString(),
  metadata: { ...metric.metadata, service },
});

describe('grouping', () => {
  const grouped = routing(route({ receiver: 'team', groupBy: ['service'], groupIntervalSeconds: 300 }), [
    receiver('team'),
  ]);

  it('sends notifications arriving together for one group as one message', async () => {
    const { router } = makeRouter(grouped);
    const report = await router.process([alarmEvent('a'), alarmEvent('b'), alarmEvent('c', 'ALARM', 'other')], [], FAR);
    expect(report.count('delivered')).toBe(3);
    const texts = slack.delivered().map((r) => r.body.text);
    expect(texts).toHaveLength(2);
    expect(texts).toContain('2 alarms (2 firing): a, b');
  });

  it('holds later alerts of a group until the group interval has passed, then the tick sends them together', async () => {
    const { router, clock } = makeRouter(grouped);
    await router.process([alarmEvent('first')], [], FAR);
    clock.now += 60_000;
    const held = await router.process([alarmEvent('second')], [], FAR);
    clock.now += 60_000;
    await router.process([alarmEvent('third')], [], FAR);
    expect(held.count('pending')).toBe(1);
    expect(slack.delivered()).toHaveLength(1);

    clock.now = T0 + 299_000;
    expect((await tick(router, FAR)).count('delivered')).toBe(0);
    clock.now = T0 + 300_000;
    const flushed = await tick(router, FAR);
    expect(flushed.count('delivered')).toBe(2);
    expect(slack.delivered().map((r) => r.body.text)).toEqual([
      expect.stringContaining('first'),
      '2 alarms (2 firing): second, third',
    ]);
    // Nothing left to flush, and a redelivery of a held alert is a duplicate.
    expect((await tick(router, FAR)).count('delivered')).toBe(0);
  });

  it('keeps held alerts when the flush fails and sends them on the next tick', async () => {
    const { router, clock } = makeRouter(grouped);
    await router.process([alarmEvent('one')], [], FAR);
    clock.now += 10_000;
    await router.process([alarmEvent('two')], [], FAR);
    clock.now = T0 + 301_000;
    slack.script('/hooks/team', { status: 404, body: 'no_active_hooks' });
    expect((await tick(router, FAR)).failed).toHaveLength(1);
    clock.now += 60_000;
    expect((await tick(router, FAR)).count('delivered')).toBe(1);
    expect(slack.delivered().map((r) => r.body.text)).toEqual([
      expect.stringContaining('one'),
      expect.stringContaining('two'),
    ]);
  });

  it('waits groupWait before the first message of a new group', async () => {
    const { router, clock } = makeRouter(
      routing(route({ receiver: 'team', groupBy: ['service'], groupWaitSeconds: 30 }), [receiver('team')]),
    );
    await router.process([alarmEvent('x')], [], FAR);
    clock.now += 10_000;
    await router.process([alarmEvent('y')], [], FAR);
    expect(slack.delivered()).toHaveLength(0);
    clock.now = T0 + 30_000;
    await tick(router, FAR);
    expect(slack.delivered().map((r) => r.body.text)).toEqual(['2 alarms (2 firing): x, y']);
  });
});

describe('repeat and resolved', () => {
  const config = routing(
    route({
      receiver: 'quiet',
      repeatIntervalSeconds: 3600,
      routes: [route({ receiver: 'loud', matchers: { alarmName: 'muted-one' }, muteTimeIntervals: ['until-23'] })],
    }),
    [receiver('quiet', { sendResolved: false }), receiver('loud')],
    [{ name: 'until-23', weekdays: [], times: [{ start: '00:00', end: '23:00' }], location: 'UTC' }],
  );

  it('reminds after repeatInterval while firing and stops once resolved', async () => {
    const { router, clock } = makeRouter(config);
    const firing = alarmEvent('db-down');
    await router.process([firing], [], FAR);
    clock.now += 3599_000;
    expect((await tick(router, FAR)).count('reminded')).toBe(0);
    clock.now += 1000;
    expect((await tick(router, FAR)).count('reminded')).toBe(1);
    expect(slack.delivered().at(-1)?.body.text).toBe('🔴 STILL FIRING · CRITICAL · db-down');
    clock.now += 600_000;
    expect((await tick(router, FAR)).count('reminded')).toBe(0);
    // OK: this receiver does not send resolved, but reminders must stop.
    const ok = await router.process([{ ...alarmEvent('db-down', 'OK'), id: 'ok-1' }], [], FAR);
    expect(ok.count('not-sent')).toBe(1);
    clock.now += 7200_000;
    expect((await tick(router, FAR)).count('reminded')).toBe(0);
    expect(slack.delivered()).toHaveLength(2);
  });

  it('sends resolved notifications to receivers with sendResolved', async () => {
    const { router } = makeRouter(routing(route({ receiver: 'r' }), [receiver('r')]));
    const report = await router.process([alarmEvent('x'), alarmEvent('x', 'OK')], [], FAR);
    // Both transitions are accounted for; the message shows the latest state only.
    expect(report.count('delivered')).toBe(2);
    expect(slack.delivered().map((r) => r.body.text)).toEqual(['✅ RESOLVED · CRITICAL · x']);
  });

  it('delivers a muted alarm that is still firing once its mute interval ends', async () => {
    const { router, clock } = makeRouter(config);
    clock.now = Date.parse('2026-11-29T21:00:00Z');
    const report = await router.process([alarmEvent('muted-one')], [], FAR);
    expect(report.count('muted')).toBe(1);
    await tick(router, FAR);
    expect(slack.delivered()).toHaveLength(0);
    clock.now = Date.parse('2026-11-29T23:00:00Z');
    expect((await tick(router, FAR)).count('reminded')).toBe(1);
    expect(slack.delivered('/hooks/loud')[0].body.text).toBe('🔴 FIRING · CRITICAL · muted-one');
  });

  it('never reminds about drills', async () => {
    const { router, clock } = makeRouter(config);
    await router.process([{ ...alarmEvent('sre-kit-drill-x'), drill: true }], [], FAR);
    clock.now += 10 * 3600_000;
    expect((await tick(router, FAR)).count('reminded')).toBe(0);
  });
});

describe('the scheduled tick through the Lambda handler', () => {
  it('recognises the EventBridge scheduled event and sends due reminders', async () => {
    const { router, clock } = makeRouter(
      routing(route({ receiver: 'r', repeatIntervalSeconds: 600 }), [receiver('r')]),
    );
    const handler = createHandler({ router });
    await router.process([alarmEvent('disk-full')], [], FAR);
    clock.now += 600_000;
    const summary = await handler(fixture('scheduled-tick.json'));
    expect(summary).toMatchObject({ tick: true, counts: { reminded: 1 }, messagesSent: 1 });
    expect(slack.delivered().map((r) => r.body.text)).toEqual([
      '🔴 FIRING · CRITICAL · disk-full',
      '🔴 STILL FIRING · CRITICAL · disk-full',
    ]);
  });
});
