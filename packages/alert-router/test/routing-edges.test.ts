/**
 * Edges of route-tree validation, mute reasons, labels and HH:MM parsing that the broader routing
 * tests pass over: exact problem texts and paths, minute boundaries, malformed times.
 */
import type { MaintenanceWindow } from '@sre-kit/core';
import { eventLabels } from '../src/routing/labels';
import { compileTimeInterval } from '../src/routing/time-intervals';
import { muteDetail, RouteTree, RoutingConfigError } from '../src/routing/tree';
import { fixtureEvent, receiver, route, routing } from './helpers/fixtures';

function configError(build: () => unknown): RoutingConfigError {
  try {
    build();
  } catch (e) {
    if (e instanceof RoutingConfigError) return e;
    throw e;
  }
  throw new Error('expected a RoutingConfigError');
}

const utcDaily = (times: Array<{ start: string; end: string }>) =>
  compileTimeInterval({ name: 'x', weekdays: [], times, location: 'UTC' });
const at = (hhmm: string) => new Date(`2026-12-01T${hhmm}:00Z`);

describe('route tree validation', () => {
  it('names every problem with its full path and lists them all in the message', () => {
    const err = configError(
      () =>
        new RouteTree(
          routing(
            route({
              receiver: 'a',
              routes: [route({ routes: [route(), route({ receiver: 'ghost', muteTimeIntervals: ['weekend'] })] })],
            }),
            [receiver('a')],
            [{ name: 'nights', weekdays: [], times: [], location: 'UTC' }],
          ),
        ),
    );
    expect(err.message).toBe(
      'routing test is invalid:\n' +
        '  route.routes[0].routes[1].receiver: unknown receiver ghost\n' +
        '  route.routes[0].routes[1].muteTimeIntervals: unknown time interval weekend',
    );
  });

  it('reports a time interval or maintenance window that does not compile', () => {
    const broken = {
      name: 'db',
      category: 'maintenance',
      reason: 'CHG-1',
      matchers: { severity: '~[' },
      schedule: { kind: 'once', start: '2026-12-01T00:00:00Z', end: '2026-12-01T01:00:00Z' },
      excludeFromReview: false,
    } as unknown as MaintenanceWindow;
    const err = configError(
      () =>
        new RouteTree({
          ...routing(
            route({ receiver: 'a' }),
            [receiver('a')],
            [{ name: 'mars', weekdays: [], times: [], location: 'Mars/Olympus' }],
          ),
          maintenanceWindows: [broken],
        }),
    );
    expect(err.problems).toEqual([
      'timeIntervals: time interval mars: unknown time zone Mars/Olympus',
      expect.stringMatching(/^maintenanceWindows: maintenance window db: matcher severity: invalid regular expression/),
    ]);
  });

  it('matches the root as "root" even when its own matchers do not match', () => {
    const tree = new RouteTree(routing(route({ receiver: 'a', matchers: { severity: 'never' } }), [receiver('a')]));
    const [only, ...rest] = tree.matchLabels({ severity: 'critical' }, new Date('2026-12-01T12:00:00Z'));
    expect(rest).toEqual([]);
    expect(only.routeId).toBe('root');
    expect(only.receiver.name).toBe('a');
  });
});

describe('mute detail', () => {
  it('lists every reason, comma separated', () => {
    expect(muteDetail({ mutedBy: ['nights', 'weekend'], windows: [] })).toBe('muted by nights, weekend');
  });
});

describe('event labels', () => {
  it('gives absent metadata labels as empty strings', () => {
    const e = fixtureEvent('sns-metric-alarm.json');
    const bare = {
      ...e,
      metadata: { ...e.metadata, severity: undefined, family: undefined, service: undefined, slo: undefined },
    };
    expect(eventLabels(bare)).toMatchObject({ severity: '', family: '', service: '', slo: '' });
  });
});

describe('time interval HH:MM parsing', () => {
  it.each([
    ['00:00', '23:59'],
    ['23:59', '24:00'],
  ])('accepts the range %s-%s', (start, end) => {
    expect(() => utcDaily([{ start, end }])).not.toThrow();
  });

  it.each(['00:60', '24:01', '25:00', 'x09:00', '09:000', '9:00'])('rejects %s', (hhmm) => {
    expect(() => utcDaily([{ start: '00:00', end: hhmm }])).toThrow(`time interval x: "${hhmm}" is not HH:MM`);
  });

  it.each([
    ['10:00', '09:00'],
    ['10:00', '10:00'],
  ])('rejects the range %s-%s, which does not end after it starts', (start, end) => {
    expect(() => utcDaily([{ start, end }])).toThrow(`time interval x: ${start}-${end} ends before it starts`);
  });

  it('treats the start minute as inside and the end minute as outside', () => {
    const morning = utcDaily([{ start: '09:30', end: '10:15' }]);
    expect([at('09:29'), at('09:30'), at('09:45'), at('10:14'), at('10:15')].map(morning)).toEqual([
      false,
      true,
      true,
      true,
      false,
    ]);
  });

  it('evaluates in UTC when no location is given', () => {
    const noon = compileTimeInterval({
      name: 'n',
      weekdays: [],
      times: [{ start: '12:00', end: '13:00' }],
      location: '',
    });
    expect(noon(at('12:30'))).toBe(true);
    expect(noon(at('13:30'))).toBe(false);
  });
});
