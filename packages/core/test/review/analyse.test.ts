import { reviewSlo, budgetVerdict, findIncidents } from '../../src/review';
import type { SeriesPoint } from '../../src/math';
import { makeSlo } from './helpers';

const T0 = 1_764_547_200; // 2025-12-01T00:00:00Z

/** Two hours of one-minute buckets, 1000 requests each; minutes 30..39 fail 10 %. */
function fixture(): SeriesPoint[] {
  return Array.from({ length: 120 }, (_, i) => ({ t: T0 + i * 60, total: 1000, good: i >= 30 && i < 40 ? 900 : 1000 }));
}

describe('reviewSlo against a hand-computed fixture (99.9 %, 30 d policy)', () => {
  const review = reviewSlo(makeSlo(), fixture(), { from: T0, to: T0 + 7200 });

  it('computes attainment and budget in percent and minutes', () => {
    expect(review.total).toBe(120_000);
    expect(review.good).toBe(119_000);
    expect(review.attainment).toBeCloseTo(119 / 120, 12);
    expect(review.met).toBe(false);
    // 1000 bad of a 0.1 % x 120000 = 120 event budget.
    expect(review.budget.spent).toBeCloseTo(1000 / 120, 9);
    expect(review.budget.remaining).toBeCloseTo(1 - 1000 / 120, 9);
    expect(review.budget.totalMinutes).toBeCloseTo(0.12, 12);
    expect(review.budget.remainingMinutes).toBeCloseTo(0.12 * (1 - 1000 / 120), 9);
    expect(review.verdict.level).toBe('freeze');
  });

  it('reports current and worst burn rate per window', () => {
    const w = Object.fromEntries(review.windows.map((x) => [x.windowSeconds, x]));
    expect(Object.keys(w).map(Number)).toEqual([300, 1800, 3600, 7200, 21600, 86400, 259200]);
    expect(w[300].worst).toBeCloseTo(100, 9); // five failing minutes: 10 % / 0.1 %
    expect(w[300].current).toBe(0);
    // The series starts at T0, so the 1 h window ending at minute 40 holds 40 buckets: 1000 / 40000.
    expect(w[3600].worst).toBeCloseTo(1000 / 40_000 / 0.001, 9);
    expect(w[3600].worstAt).toBe(T0 + 40 * 60);
    expect(w[7200].current).toBeCloseTo(1000 / 120_000 / 0.001, 9);
  });

  it('replays each tier: when it would have fired and reset', () => {
    const byName = Object.fromEntries(review.tiers.map((t) => [t.tier, t]));
    // 1h/5m at 14.4x: the partial 1h window crosses 1.44 % after 6 failing minutes (600/36000).
    expect(byName['page-1h'].intervals).toEqual([{ start: T0 + 36 * 60, end: T0 + 45 * 60, seconds: 540 }]);
    // 6h/30m at 6x: 200/32000 > 0.6 % at minute 32; the 30 m window clears when it holds one failing minute.
    expect(byName['page-6h'].intervals).toEqual([{ start: T0 + 32 * 60, end: T0 + 69 * 60, seconds: 37 * 60 }]);
    // Ticket tiers fire on the first failing minute (100/31000 > 0.3 %) and are still firing at the end.
    expect(byName['ticket-1d'].intervals).toEqual([{ start: T0 + 31 * 60, end: undefined, seconds: 89 * 60 }]);
    expect(byName['ticket-3d'].intervals[0].start).toBe(T0 + 31 * 60);
  });

  it('ranks the incident that burned the budget', () => {
    expect(review.incidents).toHaveLength(1);
    expect(review.incidents[0]).toMatchObject({
      start: T0 + 1800,
      end: T0 + 2400,
      badEvents: 1000,
      peakErrorRatio: 0.1,
    });
    expect(review.incidents[0].budgetSpent).toBeCloseTo(1000 / 120, 9);
  });

  it('downsamples chart series without losing the budget end point', () => {
    const small = reviewSlo(makeSlo(), fixture(), { from: T0, to: T0 + 7200, maxChartPoints: 10 });
    expect(small.chart.t).toHaveLength(10);
    expect(small.chart.budgetRemaining[9]).toBeCloseTo(review.budget.remaining, 9);
    expect(small.chart.sli[3]).toBeCloseTo((12 * 1000 - 400) / 12_000, 12);
  });
});

describe('incidents and verdicts', () => {
  it('merges bursts closer than the merge gap and sorts by spend', () => {
    const s: SeriesPoint[] = Array.from({ length: 100 }, (_, i) => ({
      t: i * 60,
      total: 100,
      good: [10, 12, 50].includes(i) ? 50 : i === 80 ? 99 : 100,
    }));
    const found = findIncidents(s, 0.999, 60, 10, 300);
    expect(found.map((x) => [x.start, x.end, x.badEvents])).toEqual([
      [600, 780, 100],
      [3000, 3060, 50],
      [4800, 4860, 1],
    ]);
  });

  it('applies the budget policy thresholds', () => {
    expect(budgetVerdict(0.5).level).toBe('ok');
    expect(budgetVerdict(0.2).level).toBe('caution');
    expect(budgetVerdict(0).level).toBe('freeze');
    expect(budgetVerdict(-0.3).level).toBe('freeze');
    expect(budgetVerdict(0.4, { freezeBelow: 0.1, cautionBelow: 0.5 }).level).toBe('caution');
  });
});
