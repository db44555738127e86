import type { AlarmEvent } from '../src/events/types';
import { compileMatcher } from '../src/routing/matchers';
import { compileTimeInterval } from '../src/routing/time-intervals';
import { RouteTree, RoutingConfigError } from '../src/routing/tree';
import { fixtureEvent, receiver, route, routing } from './helpers/fixtures';

const critical = fixtureEvent('sns-metric-alarm.json'); // severity critical, service goodgreets, labels team=cards env=prod
const warning = fixtureEvent('sns-anomaly-band-alarm.json'); // severity warning, family lambda
const withMeta = (e: AlarmEvent, meta: Partial<AlarmEvent['metadata']>): AlarmEvent => ({
  ...e,
  metadata: { ...e.metadata, ...meta },
});
const now = new Date('2026-11-29T22:00:00Z');

describe('matchers', () => {
  it.each([
    ['severity', 'critical', { severity: 'critical' }, true],
    ['severity', 'critical', { severity: 'warning' }, false],
    ['severity', '~crit.*', { severity: 'critical' }, true],
    ['severity', '~crit', { severity: 'critical' }, false], // regexes are anchored like Alertmanager's
    ['severity', '!critical', { severity: 'warning' }, true],
    ['severity', '!critical', { severity: 'critical' }, false],
    ['alarmName', '!~.*-drill-.*', { alarmName: 'api-errors' }, true],
    ['alarmName', '!~.*-drill-.*', { alarmName: 'sre-kit-drill-critical-1' }, false],
    ['team', '', {}, true], // an absent label equals the empty string
    ['team', '!', { team: 'cards' }, true],
    // Alternation is anchored as a whole: each branch must match all of the value.
    ['severity', '~crit|warn', { severity: 'crit' }, true],
    ['severity', '~crit|warn', { severity: 'warn' }, true],
    ['severity', '~crit|warn', { severity: 'critical-db' }, false],
    ['severity', '~crit|warn', { severity: 'prewarn' }, false],
    ['severity', '!~crit|warn', { severity: 'critical-db' }, true],
    ['severity', '!~crit|warn', { severity: 'warn' }, false],
  ])('%s=%s on %j -> %s', (label, spec, labels, expected) => {
    expect(compileMatcher(label, spec)(labels as Record<string, string>)).toBe(expected);
  });

  it('names the label of an invalid regex', () => {
    expect(() => compileMatcher('service', '~(')).toThrow(/matcher service: invalid regular expression/);
  });
});

describe('route tree', () => {
  const receivers = ['fallback', 'pager', 'cards', 'lambda', 'everything'].map((n) => receiver(n));
  const tree = new RouteTree(
    routing(
      route({
        receiver: 'fallback',
        repeatIntervalSeconds: 3600,
        routes: [
          route({ receiver: 'pager', matchers: { severity: 'critical' }, continue: true }),
          route({
            matchers: { team: 'cards' },
            receiver: 'cards',
            groupBy: ['service'],
            routes: [route({ receiver: 'lambda', matchers: { family: 'lambda', severity: '!critical' } })],
          }),
          route({ receiver: 'everything', matchers: { region: '~eu-.*' } }),
        ],
      }),
      receivers,
    ),
  );
  const names = (e: AlarmEvent) => tree.match(e, now).map((m) => m.receiver.name);

  it('continues past a matching route when continue is set, and stops at the first plain match', () => {
    expect(names(critical)).toEqual(['pager', 'cards']);
  });

  it('descends into children and falls back to the parent when no child matches', () => {
    expect(names(withMeta(warning, { labels: { team: 'cards' } }))).toEqual(['lambda']);
    expect(names(withMeta(warning, { labels: { team: 'cards' }, family: 'rds' }))).toEqual(['cards']);
  });

  it('matches a bare label set the same way as an event', () => {
    const labelNames = (labels: Record<string, string>) => tree.matchLabels(labels, now).map((m) => m.receiver.name);
    expect(labelNames({ severity: 'critical', team: 'cards' })).toEqual(['pager', 'cards']);
    expect(labelNames({ severity: 'warning', team: 'cards', family: 'lambda' })).toEqual(['lambda']);
    expect(labelNames({ severity: 'info' })).toEqual(['fallback']);
  });

  it('sends what nothing else matches to the root receiver', () => {
    expect(names({ ...warning, region: 'us-east-1' })).toEqual(['fallback']);
  });

  it('inherits groupBy and timings from the parent', () => {
    const [lambda] = tree.match(withMeta(warning, { labels: { team: 'cards' } }), now);
    expect(lambda.groupBy).toEqual(['service']);
    expect(lambda.repeatIntervalSeconds).toBe(3600);
    expect(lambda.routeId).toBe('root.1.0');
  });

  it('reports every configuration problem with its path', () => {
    const bad = routing(
      route({
        routes: [route({ receiver: 'nobody', matchers: { severity: '~[' }, muteTimeIntervals: ['weekend'] })],
      }),
      [receiver('a'), receiver('a')],
    );
    let err: RoutingConfigError | undefined;
    try {
      new RouteTree(bad);
    } catch (e) {
      err = e as RoutingConfigError;
    }
    expect(err?.problems).toEqual([
      'receivers: duplicate receiver a',
      'route: the root route needs a receiver (the fallback for everything)',
      'route.routes[0].receiver: unknown receiver nobody',
      expect.stringMatching(/^route\.routes\[0\]\.matchers: matcher severity: invalid regular expression/),
      'route.routes[0].muteTimeIntervals: unknown time interval weekend',
    ]);
  });
});

describe('mute time intervals', () => {
  const nights = compileTimeInterval({
    name: 'nights',
    weekdays: ['monday:friday'],
    times: [
      { start: '22:00', end: '24:00' },
      { start: '00:00', end: '07:00' },
    ],
    location: 'Europe/Berlin',
  });
  it.each([
    ['2026-11-30T21:30:00Z', true], // Monday 22:30 in Berlin (UTC+1)
    ['2026-11-30T20:30:00Z', false], // Monday 21:30 in Berlin
    ['2026-11-29T22:30:00Z', false], // Sunday 23:30 in Berlin: not a weekday of the interval
    ['2026-12-01T05:59:00Z', true], // Tuesday 06:59 in Berlin
    ['2026-12-01T06:00:00Z', false], // Tuesday 07:00: end is exclusive
  ])('at %s muted=%s', (iso, expected) => {
    expect(nights(new Date(iso))).toBe(expected);
  });

  it('wraps weekday ranges over the week end', () => {
    const weekend = compileTimeInterval({ name: 'w', weekdays: ['saturday:sunday'], times: [], location: 'UTC' });
    expect(weekend(new Date('2026-11-29T12:00:00Z'))).toBe(true); // Sunday
    expect(weekend(new Date('2026-11-30T12:00:00Z'))).toBe(false); // Monday
  });

  it('rejects unknown zones, weekdays and times', () => {
    expect(() => compileTimeInterval({ name: 'x', weekdays: [], times: [], location: 'Mars/Olympus' })).toThrow(
      /unknown time zone Mars\/Olympus/,
    );
    expect(() => compileTimeInterval({ name: 'x', weekdays: ['funday'], times: [], location: 'UTC' })).toThrow(
      /unknown weekday "funday"/,
    );
    expect(() =>
      compileTimeInterval({ name: 'x', weekdays: [], times: [{ start: '9:00', end: '10:00' }], location: 'UTC' }),
    ).toThrow(/"9:00" is not HH:MM/);
  });

  it('mutes a route while the interval is active, without inheriting mutes to children', () => {
    const tree = new RouteTree(
      routing(
        route({
          receiver: 'a',
          muteTimeIntervals: ['always'],
          routes: [route({ receiver: 'b', matchers: { severity: 'warning' } })],
        }),
        [receiver('a'), receiver('b')],
        [{ name: 'always', weekdays: [], times: [], location: 'UTC' }],
      ),
    );
    expect(tree.match(critical, now).map((m) => [m.receiver.name, m.mutedBy])).toEqual([['a', ['always']]]);
    expect(tree.match(warning, now).map((m) => [m.receiver.name, m.mutedBy])).toEqual([['b', []]]);
  });
});
