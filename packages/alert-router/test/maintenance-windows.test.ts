/**
 * Maintenance windows in the router, through the replay path (`sre alerts replay` and the Lambda
 * share the handler): a matching alarm is muted while a window is open and the outcome and the log
 * say which window and why; an alarm still firing when the window closes is delivered by the next
 * tick; a resolve is delivered only when its page was. Slack is a real HTTP server, the clock is fake.
 */
import { loadSpecTexts, type AlertRouting } from '@sre-kit/core';
import { parseRoutingJson } from '../src/config';
import type { Outcome } from '../src/engine/report';
import type { Logger } from '../src/log';
import { replaySession } from '../src/replay';
import { FakeSlack } from './helpers/fake-slack';
import { alarmChange, fixtureMessage, snsBatch } from './helpers/fixtures';

const SPEC = `apiVersion: sre-kit/v1
kind: AlertRouting
metadata:
  name: goodgreets
spec:
  receivers:
    - name: page
      slack:
        - { channel: '#page', webhookSecret: goodgreets/slack/page }
  route:
    receiver: page
    repeatInterval: 4h
  maintenanceWindows:
    - name: db-patching
      category: maintenance
      reason: RDS minor-version patching (CHG-1234)
      matchers: { service: goodgreets, team: cards }
      # 22:00-23:00 UTC on the fixtures' day, written in Berlin time.
      once: { start: '2026-11-29T23:00', end: '2026-11-30T00:00', location: Europe/Berlin }
`;

function routingOf(): AlertRouting {
  const specs = loadSpecTexts([{ file: 'routing.yaml', text: SPEC }]);
  expect(specs.diagnostics).toEqual([]);
  return specs.routings[0];
}

const at = (hhmm: string) => Date.parse(`2026-11-29T${hhmm}:00Z`);
const TICK = { source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} };

let slack: FakeSlack;
let hook: string;
beforeEach(async () => {
  slack = new FakeSlack();
  hook = `${await slack.start()}/hooks/page`;
});
afterEach(() => slack.stop());

function session(routing: AlertRouting) {
  const clock = { now: at('21:00') };
  const logged: { message: string; fields?: Record<string, unknown> }[] = [];
  const log: Logger = (_level, message, fields) => logged.push({ message, fields });
  const s = replaySession({ routing, slackUrl: hook, paceMs: 0, now: () => clock.now, log });
  const run = async (hhmm: string, payload: unknown): Promise<readonly Outcome[]> => {
    clock.now = at(hhmm);
    return (await s.invoke(payload)).outcomes;
  };
  return { run, logged };
}

const statuses = (outcomes: readonly Outcome[]) => outcomes.map((o) => o.status);
const texts = () => slack.delivered().map((r) => String(r.body.text));

describe('maintenance windows in the router', () => {
  it('mutes a matching page while open, says which window and why, and delivers it when the window closes', async () => {
    const { run, logged } = session(routingOf());
    const fired = await run('22:10', alarmChange('m1', 'api-errors', 'ALARM', 10));
    expect(fired).toEqual([
      expect.objectContaining({
        status: 'muted',
        alarmName: 'api-errors',
        detail:
          'muted by maintenance window db-patching (maintenance: RDS minor-version patching (CHG-1234)) ' +
          'until 2026-11-29T23:00:00.000Z',
      }),
    ]);
    expect(logged.find((l) => l.message === 'muted')?.fields).toMatchObject({
      alarmName: 'api-errors',
      windows: [{ name: 'db-patching', category: 'maintenance', until: '2026-11-29T23:00:00.000Z' }],
    });
    expect(statuses(await run('22:59', TICK))).toEqual([]);
    expect(texts()).toEqual([]);
    // Still firing when the window closes: the next tick pages, once.
    expect(statuses(await run('23:00', TICK))).toEqual(['reminded']);
    expect(statuses(await run('23:01', TICK))).toEqual([]);
    expect(texts()).toEqual([expect.stringContaining('FIRING · CRITICAL · api-errors')]);
  });

  it('also without reminders (repeatInterval 0): the muted page is still delivered after the window', async () => {
    // A spec duration is positive; 0 comes from a routing.json or code, and means "never repeat".
    const routing = routingOf();
    const { run } = session({ ...routing, route: { ...routing.route, repeatIntervalSeconds: 0 } });
    await run('22:10', alarmChange('m1', 'api-errors', 'ALARM', 10));
    expect(statuses(await run('23:00', TICK))).toEqual(['reminded']);
  });

  it('an alarm the matchers do not cover pages as usual inside the window', async () => {
    const { run } = session(routingOf());
    const other = snsBatch([
      {
        id: 'x1',
        message: {
          ...fixtureMessage('sns-metric-alarm.json'),
          AlarmName: 'search-errors',
          AlarmDescription: 'Search errors.\nsre-kit:{"severity":"critical","family":"lambda","service":"search"}',
          NewStateValue: 'ALARM',
        },
      },
    ]);
    expect(statuses(await run('22:10', other))).toEqual(['delivered']);
  });

  it('a page muted inside the window resolves silently: nobody was paged', async () => {
    const { run } = session(routingOf());
    await run('22:10', alarmChange('m1', 'api-errors', 'ALARM', 10));
    expect(statuses(await run('22:20', alarmChange('m2', 'api-errors', 'OK', 20)))).toEqual(['muted']);
    expect(statuses(await run('23:00', TICK))).toEqual([]);
    expect(texts()).toEqual([]);
  });

  it('a page delivered before the window gets its resolve inside it; a resolve from INSUFFICIENT_DATA stays muted', async () => {
    const { run, logged } = session(routingOf());
    expect(statuses(await run('21:50', alarmChange('m1', 'api-errors', 'ALARM', 50)))).toEqual(['delivered']);
    expect(statuses(await run('22:10', alarmChange('m2', 'api-errors', 'OK', 10)))).toEqual(['delivered']);
    expect(logged.map((l) => l.message)).toContain(
      'resolve delivered inside a maintenance window: its page went out before',
    );
    const fromMissing = snsBatch([
      {
        id: 'm3',
        message: {
          ...fixtureMessage('sns-metric-alarm.json'),
          NewStateValue: 'OK',
          OldStateValue: 'INSUFFICIENT_DATA',
        },
      },
    ]);
    expect(statuses(await run('22:20', fromMissing))).toEqual(['muted']);
    expect(texts()).toEqual([expect.stringContaining('FIRING'), expect.stringContaining('RESOLVED')]);
  });

  it('windows reach the Lambda in routing.json (as the AlertRouter construct writes it) and mute there alike', async () => {
    const { location: _location, ...portable } = routingOf();
    const fromJson = parseRoutingJson(JSON.stringify(portable), 'routing.json');
    expect(fromJson.maintenanceWindows).toEqual(portable.maintenanceWindows);
    const { run } = session(fromJson);
    expect(statuses(await run('22:10', alarmChange('m1', 'api-errors', 'ALARM', 10)))).toEqual(['muted']);
  });

  it('a hand-edited routing.json with a broken window fails with its place, not at 3 a.m.', () => {
    const { location: _location, ...portable } = routingOf();
    const broken = JSON.parse(JSON.stringify(portable)) as { maintenanceWindows: Record<string, unknown>[] };
    broken.maintenanceWindows[0].schedule = { kind: 'weekly' };
    expect(() => parseRoutingJson(JSON.stringify(broken), 'routing.json')).toThrow(
      'routing.json: maintenanceWindows[0]: schedule.kind: expected once or recurring',
    );
  });
});
