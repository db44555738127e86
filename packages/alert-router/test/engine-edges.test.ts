/**
 * Edges of the router and the tick that the scenario tests pass over: what each outcome says,
 * the exact moments a group opens and closes, duplicates and in-flight events while a group
 * waits, stores that keep losing races, routing that changed between invocations, and failed
 * reminders. Slack is a real HTTP server on 127.0.0.1; the clock is fake.
 */
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { AlertRouting, MaintenanceWindow } from '@sre-kit/core';
import { mockClient } from 'aws-sdk-client-mock';
import { acceptKey, AlertRouter, type RouterOptions } from '../src/engine/router';
import { receiverTargets } from '../src/engine/sender';
import { tick } from '../src/engine/tick';
import type { AlarmEvent } from '../src/events/types';
import type { Logger } from '../src/log';
import { MemoryStore } from '../src/state/memory-store';
import type { StateKind } from '../src/state/store';
import { FakeSlack } from './helpers/fake-slack';
import { fixtureEvent, receiver, route, routing } from './helpers/fixtures';

let slack: FakeSlack;
let base: string;
beforeEach(async () => {
  slack = new FakeSlack();
  base = await slack.start();
});
afterEach(() => slack.stop());

const T0 = Date.parse('2026-11-29T22:00:00Z');
const FAR = T0 + 30 * 86400_000;

/** Loses the next `conflicts` versioned writes of one kind, as when another invocation keeps winning. */
class ContendedStore extends MemoryStore {
  conflicts = 0;
  constructor(private readonly contended: StateKind) {
    super();
  }
  override async put<T>(kind: StateKind, key: string, value: T, version: number, exp?: number): Promise<boolean> {
    if (kind === this.contended && this.conflicts > 0) {
      this.conflicts--;
      // A real store answers over the network: yielding lets a test time out a caller that never gives up.
      await new Promise((resolve) => setImmediate(resolve));
      return false;
    }
    return super.put(kind, key, value, version, exp);
  }
}

/** The TTL (epoch seconds) the router asked for on a state record: DynamoDB deletes the record then. */
class TtlStore extends MemoryStore {
  expiresAt(kind: StateKind, key: string): number | undefined {
    return this.data.state[`${kind}/${key}`]?.expiresAt;
  }
}

function makeRouter(config: AlertRouting, options: Partial<RouterOptions> = {}) {
  const clock = { now: T0 };
  const logged: Array<{ level: string; msg: string; fields?: Record<string, unknown> }> = [];
  const log: Logger = (level, msg, fields) => logged.push({ level, msg, fields });
  const store = options.store ?? new MemoryStore();
  const router = new AlertRouter({
    routing: config,
    store,
    resolveWebhook: async (ref) => `${base}/hooks/${ref.replace('secret/', '')}`,
    paceMs: 0,
    slack: { backoffBaseMs: 1, backoffCapMs: 2, maxAttempts: 1 },
    now: () => clock.now,
    log,
    ...options,
  });
  return { router, clock, store, logged };
}

const metric = fixtureEvent('sns-metric-alarm.json');
let seq = 0;
function alarmEvent(
  name: string,
  state: AlarmEvent['state'] = 'ALARM',
  extra: Partial<AlarmEvent> & { service?: string } = {},
): AlarmEvent {
  const { service = 'goodgreets', ...rest } = extra;
  seq++;
  return {
    ...metric,
    id: `msg-${seq}`,
    alarmName: name,
    alarmArn: `arn:aws:cloudwatch:eu-west-1:123456789012:alarm:${name}`,
    state,
    previousState: state === 'OK' ? 'ALARM' : 'OK',
    stateChangeTime: new Date(T0 + seq * 1000).toISOString(),
    metadata: { ...metric.metadata, service },
    ...rest,
  };
}

const texts = (path?: string) => slack.delivered(path).map((r) => String(r.body.text));
const statuses = (report: { outcomes: ReadonlyArray<{ status: string }> }) => report.outcomes.map((o) => o.status);

/** One receiver, "two", with two webhook targets: #a and #b. */
function twoWebhookTargets() {
  return routing(route({ receiver: 'two' }), [
    receiver('two', {
      slack: [
        { channel: '#a', webhookSecret: 'secret/a' },
        { channel: '#b', webhookSecret: 'secret/b' },
      ],
    }),
  ]);
}

describe('outcomes the router reports', () => {
  it('says what was wrong with a rejected payload', async () => {
    const { router } = makeRouter(routing(route({ receiver: 'team' }), [receiver('team')]));
    const report = await router.process([], [{ payloadId: 'raw-1', kind: 'malformed', reason: 'not JSON' }], FAR);
    expect(report.outcomes).toEqual([{ status: 'rejected', eventId: 'raw-1', detail: 'malformed: not JSON' }]);
  });

  it('says why a resolve was not sent to a receiver without sendResolved', async () => {
    const { router } = makeRouter(routing(route({ receiver: 'quiet' }), [receiver('quiet', { sendResolved: false })]));
    const ok = alarmEvent('db', 'OK');
    const report = await router.process([ok], [], FAR);
    expect(report.outcomes).toEqual([
      {
        status: 'not-sent',
        eventId: ok.id,
        alarmName: 'db',
        state: 'OK',
        receiver: 'quiet',
        detail: 'receiver does not send resolved notifications',
      },
    ]);
    expect(texts()).toEqual([]);
  });
});

describe('targets', () => {
  it('names each email target by its topic, and the shared address topic also by receiver', async () => {
    const sns = mockClient(SNSClient);
    sns.on(PublishCommand).resolves({ MessageId: 'x' });
    try {
      const pager = 'arn:aws:sns:eu-west-1:123456789012:pager';
      const shared = 'arn:aws:sns:eu-west-1:123456789012:alerts-email';
      const { router } = makeRouter(
        routing(route({ receiver: 'mail' }), [receiver('mail', { slack: [], email: [pager, 'oncall@example.com'] })]),
        { sns: new SNSClient({ region: 'eu-west-1' }), emailTopicArn: shared },
      );
      const report = await router.process([alarmEvent('db')], [], FAR);
      expect(report.outcomes.map((o) => [o.status, o.target])).toEqual([
        ['delivered', `email:${pager}`],
        ['delivered', `email:${shared}#mail`],
      ]);
    } finally {
      sns.restore();
    }
  });
});

describe('resolves and maintenance windows', () => {
  const window: MaintenanceWindow = {
    name: 'db-patching',
    category: 'maintenance',
    reason: 'CHG-1',
    matchers: { service: 'goodgreets' },
    schedule: { kind: 'once', start: '2026-11-29T22:00:00.000Z', end: '2026-11-29T23:00:00.000Z' },
    excludeFromReview: false,
  };
  const RESOLVE_LOG = 'resolve delivered inside a maintenance window: its page went out before';

  it('a resolve outside any window is delivered without claiming a window let it through', async () => {
    const { router, logged } = makeRouter(routing(route({ receiver: 'team' }), [receiver('team')]));
    await router.process([alarmEvent('db')], [], FAR);
    const report = await router.process([alarmEvent('db', 'OK')], [], FAR);
    expect(statuses(report)).toEqual(['delivered']);
    expect(logged.map((l) => l.msg)).not.toContain(RESOLVE_LOG);
  });

  it('a resolve let through a window logs which windows it passed', async () => {
    const { router, clock, logged } = makeRouter({
      ...routing(route({ receiver: 'team' }), [receiver('team')]),
      maintenanceWindows: [window],
    });
    clock.now = T0 - 600_000;
    await router.process([alarmEvent('db')], [], FAR);
    clock.now = T0 + 600_000;
    const ok = alarmEvent('db', 'OK');
    expect(statuses(await router.process([ok], [], FAR))).toEqual(['delivered']);
    expect(logged.find((l) => l.msg === RESOLVE_LOG)?.fields).toEqual({
      eventId: ok.id,
      alarmName: 'db',
      state: 'OK',
      receiver: 'team',
      windows: ['db-patching'],
    });
    // A new page inside the window is muted: only resolves of delivered pages pass, not any other
    // change away from ALARM.
    expect(statuses(await router.process([alarmEvent('cache')], [], FAR))).toEqual(['muted']);
    clock.now = T0 - 600_000;
    await router.process([alarmEvent('queue')], [], FAR);
    clock.now = T0 + 600_000;
    const missing = alarmEvent('queue', 'INSUFFICIENT_DATA', { previousState: 'ALARM' });
    expect(statuses(await router.process([missing], [], FAR))).toEqual(['muted']);
  });

  it('a mute interval of the route also holds back the resolve a window would let through', async () => {
    const { router, clock } = makeRouter({
      ...routing(
        route({ receiver: 'team', muteTimeIntervals: ['late'] }),
        [receiver('team')],
        [{ name: 'late', weekdays: [], times: [{ start: '22:00', end: '23:00' }], location: 'UTC' }],
      ),
      maintenanceWindows: [window],
    });
    clock.now = T0 - 600_000;
    expect(statuses(await router.process([alarmEvent('db')], [], FAR))).toEqual(['delivered']);
    clock.now = T0 + 600_000;
    expect(statuses(await router.process([alarmEvent('db', 'OK')], [], FAR))).toEqual(['muted']);
    expect(texts()).toHaveLength(1);
  });
});

describe('when a group sends at once and when it waits', () => {
  const interval = (partial = {}) =>
    routing(route({ receiver: 'team', groupBy: ['service'], groupIntervalSeconds: 300, ...partial }), [
      receiver('team'),
    ]);

  it('a route that neither waits nor spaces its groups keeps no group state', async () => {
    const { router, store } = makeRouter(routing(route({ receiver: 'team' }), [receiver('team')]));
    await router.process([alarmEvent('a')], [], FAR);
    expect(await store.list('group')).toEqual([]);
  });

  it('once the group interval has passed, the next alert goes out at once, from the exact moment', async () => {
    const { router, clock } = makeRouter(interval());
    await router.process([alarmEvent('first')], [], FAR);
    clock.now = T0 + 300_000;
    expect(statuses(await router.process([alarmEvent('second')], [], FAR))).toEqual(['delivered']);
    clock.now = T0 + 900_000;
    expect(statuses(await router.process([alarmEvent('third')], [], FAR))).toEqual(['delivered']);
    expect(texts()).toHaveLength(3);
  });

  it('a group never sent is not inside an interval, whatever the clock reads', async () => {
    // lastSentAt 0 means "never": a clock within one interval of the epoch must not read it as a send.
    const { router, clock } = makeRouter(interval());
    clock.now = 60_000;
    expect(statuses(await router.process([alarmEvent('early')], [], FAR))).toEqual(['delivered']);
  });

  it('groupWait delays only a new group: after its interval an existing group sends at once', async () => {
    const { router, clock } = makeRouter(interval({ groupWaitSeconds: 30 }));
    expect(statuses(await router.process([alarmEvent('first')], [], FAR))).toEqual(['pending']);
    clock.now = T0 + 30_000;
    expect((await tick(router, FAR)).count('delivered')).toBe(1);
    clock.now = T0 + 330_000;
    expect(statuses(await router.process([alarmEvent('later')], [], FAR))).toEqual(['delivered']);
  });

  it('a failed send does not open the group interval: the retry goes out at once', async () => {
    const { router, clock } = makeRouter(interval());
    slack.script('/hooks/team', { status: 404, body: 'no_active_hooks' });
    const first = alarmEvent('first');
    expect(statuses(await router.process([first], [], FAR))).toEqual(['failed']);
    clock.now += 5000;
    expect(statuses(await router.process([first], [], FAR))).toEqual(['delivered']);
  });

  it('a held alert says until when, and the tick sends it no earlier', async () => {
    const { router, clock } = makeRouter(interval({ groupIntervalSeconds: 0, groupWaitSeconds: 30 }));
    const x = alarmEvent('x');
    const report = await router.process([x], [], FAR);
    expect(report.outcomes).toEqual([
      {
        status: 'pending',
        eventId: x.id,
        alarmName: 'x',
        state: 'ALARM',
        receiver: 'team',
        detail: 'grouped; sent by the tick after 2026-11-29T22:00:30.000Z',
      },
    ]);
    clock.now = T0 + 29_999;
    expect((await tick(router, FAR)).outcomes).toEqual([]);
    clock.now = T0 + 30_000;
    expect(statuses(await tick(router, FAR))).toEqual(['delivered']);
  });

  it('a redelivered held alert is a duplicate and leaves the group as it was', async () => {
    const { router, clock, store } = makeRouter(interval({ groupWaitSeconds: 30 }));
    const x = alarmEvent('x');
    await router.process([x], [], FAR);
    const [before] = await store.list('group');
    clock.now += 1000;
    const again = await router.process([x], [], FAR);
    expect(statuses(again)).toEqual(['duplicate']);
    expect(await store.list('group')).toEqual([before]);
    clock.now = T0 + 30_000;
    await tick(router, FAR);
    expect(texts()).toEqual([expect.stringContaining('x')]);
  });

  it('an alert another invocation is holding fails for a retry instead of joining the group', async () => {
    const { router, store } = makeRouter(interval({ groupWaitSeconds: 30 }));
    const x = alarmEvent('x');
    await store.claim(acceptKey(x, { routeId: 'root', receiver: { name: 'team' } }), T0, 60_000);
    const report = await router.process([x], [], FAR);
    expect(report.outcomes).toEqual([
      {
        status: 'failed',
        eventId: x.id,
        alarmName: 'x',
        state: 'ALARM',
        receiver: 'team',
        detail: 'same event in flight elsewhere; retry',
      },
    ]);
    expect(await store.list('group')).toEqual([]);
  });

  it('gives up with a failure per alert when the group record keeps changing under it', async () => {
    const store = new ContendedStore('group');
    store.conflicts = Infinity;
    const { router } = makeRouter(interval({ groupWaitSeconds: 30 }), { store });
    const [a, b] = [alarmEvent('a'), alarmEvent('b')];
    const report = await router.process([a, b], [], FAR);
    expect(report.outcomes).toEqual(
      [a, b].map((e) => ({
        status: 'failed',
        eventId: e.id,
        alarmName: e.alarmName,
        state: 'ALARM',
        receiver: 'team',
        detail: 'group state kept changing (contention)',
      })),
    );
    // Nothing was kept: once the store settles, the retry holds both.
    store.conflicts = 0;
    expect(statuses(await router.process([a, b], [], FAR))).toEqual(['pending', 'pending']);
  }, 10_000);

  it('five lost races are the limit, even when a sixth attempt would have won', async () => {
    const store = new ContendedStore('group');
    store.conflicts = 5;
    const { router } = makeRouter(interval({ groupWaitSeconds: 30 }), { store });
    expect(statuses(await router.process([alarmEvent('a')], [], FAR))).toEqual(['failed']);
  });

  it('an alert in flight elsewhere is neither sent nor marked done here, and does not open the interval', async () => {
    const { router, store, clock } = makeRouter(interval());
    const [x, y] = [alarmEvent('x'), alarmEvent('y')];
    const key = acceptKey(x, { routeId: 'root', receiver: { name: 'team' } });
    await store.claim(key, T0, 60_000);
    expect((await router.process([x, y], [], FAR)).outcomes).toEqual([
      {
        status: 'failed',
        eventId: x.id,
        alarmName: 'x',
        state: 'ALARM',
        receiver: 'team',
        detail: 'same event in flight elsewhere; retry',
      },
      { status: 'delivered', eventId: y.id, alarmName: 'y', state: 'ALARM', receiver: 'team', target: 'slack:#team' },
    ]);
    expect(texts()).toEqual([expect.not.stringContaining('x')]);
    // Still in flight there: trying again is told the same, not that the alert was done.
    expect(statuses(await router.process([x], [], FAR))).toEqual(['failed']);
    // The other invocation fails and gives its claim back: the retry delivers, at once.
    await store.release(key);
    clock.now += 1000;
    expect(statuses(await router.process([x], [], FAR))).toEqual(['delivered']);
  });

  it('a target another invocation is posting to fails for a retry; the other target still gets it', async () => {
    const config = twoWebhookTargets();
    const { router, store } = makeRouter(config);
    const x = alarmEvent('x');
    await store.claim(`${acceptKey(x, { routeId: 'root', receiver: { name: 'two' } })}#slack:#a`, T0, 60_000);
    const report = await router.process([x], [], FAR);
    expect(report.outcomes).toEqual([
      {
        status: 'failed',
        eventId: x.id,
        alarmName: 'x',
        state: 'ALARM',
        receiver: 'two',
        target: 'slack:#a',
        detail: 'same event in flight elsewhere; retry',
      },
      { status: 'delivered', eventId: x.id, alarmName: 'x', state: 'ALARM', receiver: 'two', target: 'slack:#b' },
    ]);
    expect(slack.delivered('/hooks/a')).toEqual([]);
  });

  it('logs each delivery and failure with its receiver, target and alarms; a retry skips the target that had it', async () => {
    const config = twoWebhookTargets();
    const { router, logged } = makeRouter(config);
    slack.script('/hooks/b', { status: 404, body: 'no_active_hooks' });
    const x = alarmEvent('x');
    await router.process([x], [], FAR);
    expect(logged.find((l) => l.msg === 'delivered')?.fields).toEqual({
      receiver: 'two',
      target: 'slack:#a',
      alarms: ['x'],
    });
    expect(logged.find((l) => l.msg === 'delivery failed')?.fields).toEqual({
      receiver: 'two',
      target: 'slack:#b',
      alarms: ['x'],
      error: expect.stringContaining('no_active_hooks'),
    });
    logged.length = 0;
    const retry = await router.process([x], [], FAR);
    expect(statuses(retry)).toEqual(['duplicate', 'delivered']);
    expect(logged.filter((l) => l.level === 'error')).toEqual([]);
    expect(slack.delivered('/hooks/a')).toHaveLength(1);
  });

  it('asks for group records to outlive the end of their interval by a day', async () => {
    const store = new TtlStore();
    const { router, clock } = makeRouter(interval({ groupWaitSeconds: 30 }), { store });
    await router.process([alarmEvent('a')], [], FAR);
    const [{ key }] = await store.list('group');
    // Held: until a day after it is due.
    expect(store.expiresAt('group', key)).toBe(T0 / 1000 + 30 + 86400);
    clock.now = T0 + 30_000;
    await tick(router, FAR);
    // Sent: until a day after the interval that the send opened.
    expect(store.expiresAt('group', key)).toBe(T0 / 1000 + 30 + 300 + 86400);
    clock.now = T0 + 400_000;
    expect(statuses(await router.process([alarmEvent('b')], [], FAR))).toEqual(['delivered']);
    expect(store.expiresAt('group', key)).toBe(T0 / 1000 + 400 + 300 + 86400);
  });

  it('alerts that join a group while the tick flushes it wait one more interval', async () => {
    const store = new MemoryStore();
    const { router, clock } = makeRouter(interval(), { store });
    const other = makeRouter(interval(), { store });
    await router.process([alarmEvent('first')], [], FAR);
    clock.now = T0 + 60_000;
    await router.process([alarmEvent('second')], [], FAR);
    // The replay's final flush, at +100 s; another invocation adds `third` while it sends.
    clock.now = other.clock.now = T0 + 100_000;
    const complete = store.complete.bind(store);
    let joined = false;
    jest.spyOn(store, 'complete').mockImplementation(async (...args) => {
      await complete(...args);
      if (joined) return;
      joined = true;
      expect(statuses(await other.router.process([alarmEvent('third')], [], FAR))).toEqual(['pending']);
    });
    await tick(router, FAR, { flushAll: true });
    expect(texts()).toHaveLength(2);
    clock.now = T0 + 399_999;
    expect((await tick(router, FAR)).outcomes).toEqual([]);
    clock.now = T0 + 400_000;
    expect(statuses(await tick(router, FAR))).toEqual(['delivered']);
    expect(texts()[2]).toContain('third');
  });
});

describe('firing records and reminders', () => {
  const reminding = (partial = {}) =>
    routing(route({ receiver: 'team', repeatIntervalSeconds: 3600, ...partial }), [receiver('team')]);

  it('keeps one record per alarm: two alarms firing are both reminded', async () => {
    const { router, clock } = makeRouter(reminding());
    await router.process([alarmEvent('a'), alarmEvent('b')], [], FAR);
    clock.now += 3600_000;
    const report = await tick(router, FAR);
    expect(report.outcomes.map((o) => [o.status, o.alarmName]).sort()).toEqual([
      ['reminded', 'a'],
      ['reminded', 'b'],
    ]);
  });

  it('a route without reminders keeps no record of a delivered alarm', async () => {
    const { router, store } = makeRouter(reminding({ repeatIntervalSeconds: 0 }));
    await router.process([alarmEvent('a')], [], FAR);
    expect(await store.list('firing')).toEqual([]);
  });

  it('without reminders, an alarm muted while firing and resolved after the mute is not sent again', async () => {
    const config = routing(
      route({ receiver: 'team', repeatIntervalSeconds: 0, muteTimeIntervals: ['late'] }),
      [receiver('team')],
      [{ name: 'late', weekdays: [], times: [{ start: '22:00', end: '23:00' }], location: 'UTC' }],
    );
    const { router, clock } = makeRouter(config);
    clock.now = T0 + 600_000;
    expect(statuses(await router.process([alarmEvent('db')], [], FAR))).toEqual(['muted']);
    clock.now = T0 + 3900_000;
    expect(statuses(await router.process([alarmEvent('db', 'OK')], [], FAR))).toEqual(['delivered']);
    clock.now += 60_000;
    expect((await tick(router, FAR)).outcomes).toEqual([]);
    expect(texts()).toEqual([expect.stringContaining('RESOLVED')]);
  });

  it('without reminders, the page sent when a mute ends is the only one', async () => {
    const config = routing(
      route({ receiver: 'team', repeatIntervalSeconds: 0, muteTimeIntervals: ['late'] }),
      [receiver('team')],
      [{ name: 'late', weekdays: [], times: [{ start: '22:00', end: '23:00' }], location: 'UTC' }],
    );
    const { router, clock } = makeRouter(config);
    clock.now = T0 + 600_000;
    await router.process([alarmEvent('db')], [], FAR);
    clock.now = T0 + 3660_000;
    expect(statuses(await tick(router, FAR))).toEqual(['reminded']);
    clock.now += 60_000;
    expect((await tick(router, FAR)).outcomes).toEqual([]);
    clock.now += 86400_000;
    expect((await tick(router, FAR)).outcomes).toEqual([]);
  });

  it('a late, older resolve does not stop reminders; a resolve stamped the same moment does', async () => {
    const { router, clock } = makeRouter(reminding());
    const fired = alarmEvent('a');
    await router.process([fired], [], FAR);
    const older = alarmEvent('a', 'OK', {
      stateChangeTime: new Date(Date.parse(fired.stateChangeTime) - 1000).toISOString(),
    });
    await router.process([older], [], FAR);
    clock.now += 3600_000;
    expect(statuses(await tick(router, FAR))).toEqual(['reminded']);
    await router.process([alarmEvent('a', 'OK', { stateChangeTime: fired.stateChangeTime })], [], FAR);
    clock.now += 3600_000;
    expect((await tick(router, FAR)).outcomes).toEqual([]);
  });

  it('a reminder says since when the alarm fires: its state change, not when the router first heard', async () => {
    const { router, clock } = makeRouter(reminding());
    const fired = alarmEvent('a', 'ALARM', { stateChangeTime: '2026-11-29T21:40:00.000Z' });
    await router.process([fired], [], FAR);
    clock.now += 3600_000;
    await tick(router, FAR);
    expect(JSON.stringify(slack.delivered().at(-1)?.body.blocks)).toContain(
      'still firing since 2026-11-29T21:40:00.000Z',
    );
  });

  it('fails the invocation when the firing record keeps changing, after five lost races', async () => {
    const store = new ContendedStore('firing');
    store.conflicts = 5;
    const { router } = makeRouter(reminding(), { store });
    await expect(router.process([alarmEvent('a')], [], FAR)).rejects.toThrow();
    store.conflicts = Infinity;
    await expect(router.process([alarmEvent('b')], [], FAR)).rejects.toThrow();
  }, 10_000);

  it('fails the invocation when the group record cannot be updated after a send, after five lost races', async () => {
    const store = new ContendedStore('group');
    const { router } = makeRouter(routing(route({ receiver: 'team', groupIntervalSeconds: 300 }), [receiver('team')]), {
      store,
    });
    store.conflicts = 5;
    await expect(router.process([alarmEvent('a')], [], FAR)).rejects.toThrow();
    store.conflicts = Infinity;
    await expect(router.process([alarmEvent('b')], [], FAR)).rejects.toThrow();
  }, 10_000);
});

describe('the tick', () => {
  const grouped = routing(route({ receiver: 'team', groupBy: ['service'], groupWaitSeconds: 30 }), [receiver('team')]);

  it('flushes groups before they are due only when asked to, and sends reminders unless told not to', async () => {
    const config = routing(route({ receiver: 'team', groupWaitSeconds: 30, repeatIntervalSeconds: 60 }), [
      receiver('team'),
    ]);
    const { router, clock } = makeRouter(config);
    await router.process([alarmEvent('a')], [], FAR);
    clock.now += 1000;
    expect((await tick(router, FAR)).outcomes).toEqual([]);
    expect(statuses(await tick(router, FAR, { flushAll: true, groupsOnly: true }))).toEqual(['delivered']);
    clock.now += 3600_000;
    expect((await tick(router, FAR, { groupsOnly: true })).outcomes).toEqual([]);
    expect(statuses(await tick(router, FAR))).toEqual(['reminded']);
  });

  it('a flushed group is done: the next tick sends nothing and a new alert waits out the interval', async () => {
    const config = routing(route({ receiver: 'team', groupWaitSeconds: 30, groupIntervalSeconds: 300 }), [
      receiver('team'),
    ]);
    const { router, clock } = makeRouter(config);
    await router.process([alarmEvent('a')], [], FAR);
    clock.now = T0 + 30_000;
    expect(statuses(await tick(router, FAR))).toEqual(['delivered']);
    clock.now += 60_000;
    expect((await tick(router, FAR)).outcomes).toEqual([]);
    expect(statuses(await router.process([alarmEvent('b')], [], FAR))).toEqual(['pending']);
    expect(texts()).toHaveLength(1);
  });

  it('one receiver reached by two routes is reminded once per route', async () => {
    const config = routing(
      route({
        receiver: 'team',
        repeatIntervalSeconds: 3600,
        routes: [route({ receiver: 'team', continue: true }), route({ receiver: 'team' })],
      }),
      [receiver('team')],
    );
    const { router, clock } = makeRouter(config);
    expect(statuses(await router.process([alarmEvent('a')], [], FAR))).toEqual(['delivered', 'delivered']);
    clock.now += 3600_000;
    expect(statuses(await tick(router, FAR))).toEqual(['reminded', 'reminded']);
  });

  it('a held group whose route is gone goes to the receiver the alarm reaches now, and the log says so', async () => {
    const before = routing(
      route({
        receiver: 'team',
        routes: [route({ receiver: 'page', matchers: { service: 'goodgreets' }, groupWaitSeconds: 30 })],
      }),
      [receiver('team'), receiver('page')],
    );
    const { router, store } = makeRouter(before);
    await router.process([alarmEvent('a')], [], FAR);
    const [{ key }] = await store.list('group');
    const after = makeRouter(routing(route({ receiver: 'team' }), [receiver('team'), receiver('page')]), { store });
    after.clock.now = T0 + 30_000;
    const report = await tick(after.router, FAR);
    expect(report.outcomes).toEqual([expect.objectContaining({ status: 'delivered', receiver: 'team' })]);
    expect(texts('/hooks/team')).toHaveLength(1);
    expect(after.logged.filter((l) => l.level === 'error')).toEqual([
      { level: 'error', msg: 'pending group no longer routed; sending to the root receiver', fields: { group: key } },
    ]);
  });

  it('a held group whose route now names another receiver is reported as no longer routed', async () => {
    const { router, store } = makeRouter(grouped);
    await router.process([alarmEvent('a')], [], FAR);
    const after = makeRouter(
      routing(route({ receiver: 'page', groupBy: ['service'], groupWaitSeconds: 30 }), [receiver('page')]),
      {
        store,
      },
    );
    after.clock.now = T0 + 30_000;
    expect(statuses(await tick(after.router, FAR))).toEqual(['delivered']);
    expect(after.logged.map((l) => l.msg)).toContain('pending group no longer routed; sending to the root receiver');
  });

  it('flushing a group that is still routed logs no error', async () => {
    const { router, clock, logged } = makeRouter(grouped);
    await router.process([alarmEvent('a')], [], FAR);
    clock.now = T0 + 30_000;
    expect(statuses(await tick(router, FAR))).toEqual(['delivered']);
    expect(logged.filter((l) => l.level === 'error')).toEqual([]);
  });

  it('stops reminding an alarm whose route is gone, for good, and logs which', async () => {
    const before = routing(
      route({
        receiver: 'team',
        routes: [route({ receiver: 'page', matchers: { service: 'goodgreets' }, repeatIntervalSeconds: 600 })],
      }),
      [receiver('team'), receiver('page')],
    );
    const { router, store } = makeRouter(before);
    await router.process([alarmEvent('a')], [], FAR);
    const after = makeRouter(
      routing(route({ receiver: 'team', repeatIntervalSeconds: 0 }), [receiver('team'), receiver('page')]),
      {
        store,
      },
    );
    after.clock.now = T0 + 600_000;
    expect((await tick(after.router, FAR)).outcomes).toEqual([]);
    expect(after.logged.find((l) => l.level === 'warn')?.fields).toEqual({ alarmName: 'a', receiver: 'page' });
    // The route comes back: the record was dropped, so there is nothing to remind.
    const back = makeRouter(before, { store });
    back.clock.now = T0 + 1200_000;
    expect((await tick(back.router, FAR)).outcomes).toEqual([]);
  });

  it('a reminder to a receiver that cannot be reached says why, and the next tick tries again', async () => {
    const config = routing(route({ receiver: 'mail', repeatIntervalSeconds: 600 }), [
      receiver('mail', { slack: [], email: ['oncall@example.com'] }),
    ]);
    const { router, clock } = makeRouter(config);
    let why = '';
    try {
      receiverTargets(config.receivers[0], undefined);
    } catch (err) {
      why = (err as Error).message;
    }
    expect(why).not.toBe('');
    const a = alarmEvent('a');
    expect(statuses(await router.process([a], [], FAR))).toEqual(['failed']);
    clock.now += 600_000;
    const base = { eventId: a.id, alarmName: 'a', state: 'ALARM', receiver: 'mail' };
    expect((await tick(router, FAR)).outcomes).toEqual([{ ...base, status: 'failed', detail: `reminder: ${why}` }]);
    clock.now += 60_000;
    expect((await tick(router, FAR)).outcomes).toEqual([{ ...base, status: 'failed', detail: `reminder: ${why}` }]);
  });

  it('a reminder Slack refuses is reported per target and tried again by the next tick', async () => {
    const { router, clock } = makeRouter(
      routing(route({ receiver: 'team', repeatIntervalSeconds: 600 }), [receiver('team')]),
    );
    const a = alarmEvent('a');
    await router.process([a], [], FAR);
    clock.now += 600_000;
    slack.script('/hooks/team', { status: 404, body: 'no_active_hooks' });
    expect((await tick(router, FAR)).outcomes).toEqual([
      {
        eventId: a.id,
        alarmName: 'a',
        state: 'ALARM',
        receiver: 'team',
        target: 'slack:#team',
        status: 'failed',
        detail: expect.stringMatching(/^reminder: .*no_active_hooks/),
      },
    ]);
    clock.now += 60_000;
    expect(statuses(await tick(router, FAR))).toEqual(['reminded']);
    expect(texts()).toEqual([expect.stringContaining('FIRING'), expect.stringContaining('STILL FIRING')]);
  });
});
