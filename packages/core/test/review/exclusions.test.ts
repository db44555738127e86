/**
 * Maintenance windows in the review: a window marked excludeFromReview removes its buckets from
 * every figure (SLI, budgets, burn rates, tier replay, incidents) and the review says what it left out.
 */
import type { MaintenanceWindow } from '../../src/model/alarms';
import { reviewWindowsFor } from '../../src/maintenance';
import { formatReview, reviewSlo, withoutWindows } from '../../src/review';
import type { SeriesPoint } from '../../src/math';
import { makeSlo } from './helpers';

const T0 = Date.parse('2026-12-05T00:00:00Z') / 1000; // a Saturday

/** One day of one-minute buckets, 1000 requests each; the database patch at 03:00-03:40 UTC on Sunday fails half. */
function day(): SeriesPoint[] {
  return Array.from({ length: 2 * 1440 }, (_, i) => {
    const t = T0 + i * 60;
    const sunday0300 = T0 + 86400 + 3 * 3600;
    const failing = t >= sunday0300 && t < sunday0300 + 40 * 60;
    return { t, total: 1000, good: failing ? 500 : 1000 };
  });
}

const patching: MaintenanceWindow = {
  name: 'db-patching',
  category: 'maintenance',
  reason: 'RDS minor-version patching (CHG-1234)',
  matchers: { service: 'checkout' },
  // 04:00 Berlin = 03:00 UTC in December.
  schedule: {
    kind: 'recurring',
    weekdays: ['sunday'],
    start: '04:00',
    durationSeconds: 3600,
    location: 'Europe/Berlin',
  },
  excludeFromReview: true,
};

describe('a review with a maintenance window', () => {
  const slo = makeSlo();
  const from = T0 + 86400; // Sunday
  const to = T0 + 2 * 86400;
  const series = day();
  const windows = reviewWindowsFor([patching], slo, T0, to);
  const plain = reviewSlo(slo, series, { from, to });
  const excluded = reviewSlo(slo, series, { from, to, windows });

  it('without the window the patch burns the budget and pages', () => {
    expect(plain.good).toBe(1440 * 1000 - 40 * 500);
    expect(plain.tiers.filter((t) => t.severity === 'page').some((t) => t.intervals.length > 0)).toBe(true);
    expect(plain.excluded).toBeUndefined();
  });

  it('with it, the window hour leaves the SLI, the budget, the replay and the incidents', () => {
    expect(excluded.total).toBe((1440 - 60) * 1000);
    expect(excluded.good).toBe(excluded.total);
    expect(excluded.attainment).toBe(1);
    expect(excluded.budget.spent).toBe(0);
    expect(excluded.period.spent).toBe(0);
    expect(excluded.tiers.every((t) => t.intervals.length === 0)).toBe(true);
    expect(excluded.incidents).toEqual([]);
    // Left-out buckets are not gaps in the data.
    expect(excluded.emptyBuckets).toBe(plain.emptyBuckets);
  });

  it('says how much it left out, of what, and why', () => {
    expect(excluded.excluded).toEqual({
      seconds: 3600,
      periodSeconds: 3600,
      events: 60 * 1000,
      badEvents: 40 * 500,
      openings: [
        {
          window: 'db-patching',
          category: 'maintenance',
          reason: 'RDS minor-version patching (CHG-1234)',
          start: from + 3 * 3600,
          end: from + 4 * 3600,
          seconds: 3600,
        },
      ],
    });
    const text = formatReview([excluded], 'text');
    expect(text).toContain(
      'note: maintenance windows left out 1h of the range (60000 events, 20000 bad) and 1h of the 30d period (db-patching)',
    );
    expect(text).toMatch(
      /Maintenance windows left out of the figures\n.*\n.*\ndb-patching\s+maintenance\s+2026-12-06T03:00:00Z\s+1h\s+RDS minor-version patching \(CHG-1234\)/,
    );
    expect(formatReview([excluded], 'md')).toContain('### Maintenance windows left out of the figures');
    expect(formatReview([excluded], 'slack')).toContain('*Left out (maintenance)*\\n1h: db-patching');
    expect(formatReview([plain], 'slack')).not.toContain('Left out');
  });

  it('a window over the history before the range still leaves the period budget, not the range', () => {
    const saturday = { ...patching, schedule: { ...patching.schedule, weekdays: ['saturday'] } } as MaintenanceWindow;
    const r = reviewSlo(slo, series, { from, to, windows: reviewWindowsFor([saturday], slo, T0, to) });
    expect(r.excluded).toMatchObject({ seconds: 0, periodSeconds: 3600, events: 0, openings: [] });
    expect(r.total).toBe(plain.total);
    expect(r.period.total).toBe(plain.period.total - 60 * 1000);
  });

  it('a coarse bucket leaves only when at least half of it lies inside a window', () => {
    const hours: SeriesPoint[] = [0, 1, 2].map((h) => ({ t: T0 + h * 3600, good: 10, total: 10 }));
    const opening = (start: number, end: number) => [
      { window: { name: 'w', category: 'maintenance', reason: 'r' }, occurrences: [{ window: 'w', start, end }] },
    ];
    // 30 minutes of the first hour: out. 29 minutes of the second: kept.
    expect(withoutWindows(hours, opening(T0 + 1800, T0 + 3600 + 29 * 60), 3600).cut.map((p) => p.t)).toEqual([T0]);
  });
});
