/** When windows open (time zones, daylight saving, weekday ranges) and whom they cover. */
import {
  applicationSignalsExclusions,
  compileWindows,
  instantOf,
  openWindows,
  reviewWindowsFor,
  windowOccurrences,
  type MaintenanceWindow,
} from '../src';
import { makeSlo } from './review/helpers';

const t = (iso: string): number => Date.parse(iso) / 1000;
const iso = (s: number): string => new Date(s * 1000).toISOString();

const weekly = (over: Partial<MaintenanceWindow['schedule']> = {}, rest: Partial<MaintenanceWindow> = {}) =>
  ({
    name: 'db-patching',
    category: 'maintenance',
    reason: 'RDS patching',
    matchers: { service: 'checkout' },
    schedule: {
      kind: 'recurring',
      weekdays: ['sunday'],
      start: '03:00',
      durationSeconds: 3600,
      location: 'Europe/Berlin',
      ...over,
    },
    excludeFromReview: true,
    ...rest,
  }) as MaintenanceWindow;

describe('window openings', () => {
  it('a weekly Berlin window follows the clocks across daylight saving', () => {
    // 2026: summer time from 29 March to 25 October.
    const got = windowOccurrences(weekly(), t('2026-03-20T00:00:00Z'), t('2026-04-06T00:00:00Z'));
    expect(got.map((o) => [iso(o.start), iso(o.end)])).toEqual([
      ['2026-03-22T02:00:00.000Z', '2026-03-22T03:00:00.000Z'], // CET, UTC+1
      ['2026-03-29T01:00:00.000Z', '2026-03-29T02:00:00.000Z'], // the change night: 03:00 CEST exists
      ['2026-04-05T01:00:00.000Z', '2026-04-05T02:00:00.000Z'], // CEST, UTC+2
    ]);
  });

  it('a start the clocks skip opens right after the gap', () => {
    const w = weekly({ start: '02:30' });
    const [o] = windowOccurrences(w, t('2026-03-29T00:00:00Z'), t('2026-03-29T12:00:00Z'));
    // 02:30 does not exist on 29 March in Berlin; the pre-change offset puts it at 03:30 CEST.
    expect(iso(o.start)).toBe('2026-03-29T01:30:00.000Z');
    expect(instantOf({ year: 2026, month: 3, day: 29, hour: 2, minute: 30 }, 'Europe/Berlin').exists).toBe(false);
  });

  it('a repeated local time (clocks going back) opens at its first occurrence', () => {
    expect(instantOf({ year: 2026, month: 10, day: 25, hour: 2, minute: 30 }, 'Europe/Berlin')).toEqual({
      at: Date.parse('2026-10-25T00:30:00Z'),
      exists: true,
    });
  });

  it('weekday ranges wrap, daily windows have no weekdays, and an opening crossing midnight keeps its length', () => {
    const weekend = weekly({
      weekdays: ['saturday:sunday'],
      start: '23:00',
      durationSeconds: 2 * 3600,
      location: 'UTC',
    });
    const got = windowOccurrences(weekend, t('2026-12-04T00:00:00Z'), t('2026-12-08T00:00:00Z'));
    expect(got.map((o) => iso(o.start))).toEqual(['2026-12-05T23:00:00.000Z', '2026-12-06T23:00:00.000Z']);
    expect(got.map((o) => o.end - o.start)).toEqual([7200, 7200]);
    const daily = weekly({ weekdays: [], start: '12:00', location: 'Asia/Kolkata' });
    expect(
      windowOccurrences(daily, t('2026-12-01T00:00:00Z'), t('2026-12-04T00:00:00Z')).map((o) => iso(o.start)),
    ).toEqual(['2026-12-01T06:30:00.000Z', '2026-12-02T06:30:00.000Z', '2026-12-03T06:30:00.000Z']);
  });

  it('an opening that began before the range still counts', () => {
    const got = windowOccurrences(weekly(), t('2026-12-06T02:30:00Z'), t('2026-12-06T02:31:00Z'));
    expect(got.map((o) => iso(o.start))).toEqual(['2026-12-06T02:00:00.000Z']);
  });

  it('a one-off window opens once', () => {
    const once = weekly({}, {});
    const w = {
      ...once,
      schedule: { kind: 'once', start: '2026-12-12T21:00:00.000Z', end: '2026-12-13T00:30:00.000Z' },
    } as MaintenanceWindow;
    expect(windowOccurrences(w, t('2026-12-01T00:00:00Z'), t('2026-12-31T00:00:00Z'))).toEqual([
      { window: 'db-patching', start: t('2026-12-12T21:00:00Z'), end: t('2026-12-13T00:30:00Z') },
    ]);
    expect(windowOccurrences(w, t('2026-12-13T00:30:00Z'), t('2026-12-31T00:00:00Z'))).toEqual([]);
  });
});

describe('whom a window covers', () => {
  const windows = compileWindows([weekly()]);
  const sunday0230 = Date.parse('2026-12-06T02:30:00Z');

  it('matches alarms by the route matchers, only while open', () => {
    expect(
      openWindows(windows, { service: 'checkout', severity: 'critical' }, sunday0230).map((w) => w.window.name),
    ).toEqual(['db-patching']);
    expect(openWindows(windows, { service: 'search' }, sunday0230)).toEqual([]);
    expect(openWindows(windows, { service: 'checkout' }, Date.parse('2026-12-06T03:00:00Z'))).toEqual([]);
  });

  it('reviews take the windows that cover the SLO and are marked excludeFromReview', () => {
    const slo = makeSlo();
    const from = t('2026-12-01T00:00:00Z');
    const to = t('2026-12-15T00:00:00Z');
    const found = reviewWindowsFor(
      [
        weekly(),
        weekly({}, { name: 'counted', excludeFromReview: false }),
        weekly({}, { name: 'other-service', matchers: { service: 'search' } }),
        weekly({}, { name: 'by-slo', matchers: { slo: '~avail.*', family: 'slo' } }),
      ],
      slo,
      from,
      to,
    );
    expect(found.map((w) => [w.window.name, w.occurrences.length])).toEqual([
      ['db-patching', 2],
      ['by-slo', 2],
    ]);
  });
});

describe('as Application Signals exclusion windows', () => {
  const slo = makeSlo();

  it('writes a recurring window as a UTC cron at the zone standard offset, and says what daylight saving shifts', () => {
    const [berlin] = applicationSignalsExclusions([weekly()], slo);
    expect(berlin).toEqual({
      reason: 'db-patching (maintenance): RDS patching',
      durationMinutes: 60,
      recurrence: 'cron(0 2 ? * SUN *)',
      note: expect.stringContaining('opens 60 minutes early during daylight saving'),
    });
    // Monday 00:30 in Tokyo (UTC+9, no daylight saving) is Sunday 15:30 UTC; a daily window has no weekday.
    const tokyo = weekly({ weekdays: ['monday:tuesday'], start: '00:30', location: 'Asia/Tokyo' });
    const daily = weekly({ weekdays: [], start: '23:15', location: 'UTC' });
    expect(applicationSignalsExclusions([tokyo, daily], slo).map((w) => [w.recurrence, w.note])).toEqual([
      ['cron(30 15 ? * SUN,MON *)', undefined],
      ['cron(15 23 * * ? *)', undefined],
    ]);
  });

  it('writes a one-off window with its start, and leaves out windows that do not exclude this SLO', () => {
    const once = {
      ...weekly(),
      name: 'dns',
      schedule: { kind: 'once', start: '2026-12-12T21:00:00.000Z', end: '2026-12-13T00:30:00.000Z' },
    } as MaintenanceWindow;
    const got = applicationSignalsExclusions(
      [once, weekly({}, { name: 'mute-only', excludeFromReview: false }), weekly({}, { matchers: { slo: 'other' } })],
      slo,
    );
    expect(got).toEqual([
      {
        reason: 'dns (maintenance): RDS patching',
        durationMinutes: 210,
        startTime: '2026-12-12T21:00:00.000Z',
      },
    ]);
  });
});
