import { reviewSlo, budgetVerdict, findIncidents, replayHistorySeconds } from '../../src/review';
import { formatDuration } from '../../src/duration';
import { tierThreshold, type SeriesPoint } from '../../src/math';
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

/**
 * The tier replay sees the history before `from`, as the deployed alarms do, and the verdict
 * judges the SLO period ending at `to`. Tiers come from the SLO's policy (the policy functions),
 * and the incidents are sized from the chosen tier's threshold and windows.
 */
describe('reviews with history before the range', () => {
  const slo = makeSlo();
  const STEP = 300;
  const longest = slo.alerting.policy.tiers.reduce((a, b) => (b.longWindowSeconds > a.longWindowSeconds ? b : a));
  const from = T0 + slo.period.seconds;
  const to = from + 86400;
  const steady = (start: number, end: number, bad: (t: number) => number): SeriesPoint[] =>
    Array.from({ length: (end - start) / STEP }, (_, i) => {
      const t = start + i * STEP;
      return { t, total: 1000, good: 1000 - bad(t) };
    });

  it('a tier fires at the start of the range from an incident just before it, only with that history', () => {
    expect(replayHistorySeconds(slo)).toBe(longest.longWindowSeconds);
    // Half the short window, ending at `from`: inside the short window of the first evaluation in the range,
    // and twice the threshold over the long window.
    const incident = Math.floor(longest.shortWindowSeconds / 2 / STEP) * STEP;
    const ratio = (2 * tierThreshold(longest, slo.objective) * longest.longWindowSeconds) / incident;
    expect(ratio).toBeLessThan(1);
    const series = steady(from - longest.longWindowSeconds, to, (t) =>
      t >= from - incident && t < from ? Math.ceil(1000 * ratio) : 0,
    );

    const withHistory = reviewSlo(slo, series, { from, to, stepSeconds: STEP });
    const fired = withHistory.tiers.find((t) => t.tier === longest.name)!;
    expect(fired.intervals[0]).toMatchObject({ start: from + STEP, sinceBefore: true });
    // Nothing is reported before the range, and the range itself had no bad event.
    for (const t of withHistory.tiers)
      for (const iv of t.intervals) expect(iv.start).toBeGreaterThanOrEqual(from + STEP);
    expect(withHistory.good).toBe(withHistory.total);
    expect(withHistory.history).toEqual({
      neededSeconds: longest.longWindowSeconds,
      availableSeconds: longest.longWindowSeconds,
      complete: true,
    });

    const withoutHistory = reviewSlo(
      slo,
      series.filter((p) => p.t >= from),
      { from, to, stepSeconds: STEP },
    );
    expect(withoutHistory.tiers.find((t) => t.tier === longest.name)!.intervals).toEqual([]);
    expect(withoutHistory.history).toMatchObject({ availableSeconds: 0, complete: false });
  });

  it('without history, a short burst at the start of the range fires the slow tier the deployed alarm would not', () => {
    // The `sre review` example's false ticket: a burst spending a few % of the period's budget right after `from`
    // dominates a long window cut at `from`, while the deployed alarm's window holds its history of clean traffic.
    const burst = Math.floor(longest.shortWindowSeconds / STEP) * STEP;
    const ratio = (2 * tierThreshold(longest, slo.objective) * longest.shortWindowSeconds) / burst;
    const series = steady(from - longest.longWindowSeconds, to, (t) =>
      t >= from && t < from + burst ? Math.ceil(1000 * ratio) : 0,
    );
    const firing = (r: ReturnType<typeof reviewSlo>) => r.tiers.find((t) => t.tier === longest.name)!.intervals;
    expect(firing(reviewSlo(slo, series, { from, to, stepSeconds: STEP }))).toEqual([]);
    expect(
      firing(
        reviewSlo(
          slo,
          series.filter((p) => p.t >= from),
          { from, to, stepSeconds: STEP },
        ),
      ).length,
    ).toBeGreaterThan(0);
  });

  /** `events` bad events from bucket `start` on, at most a whole bucket (1000) each. */
  const spread = (start: number, events: number) => (t: number) =>
    Math.max(0, Math.min(1000, events - ((t - start) / STEP) * 1000)) * (t >= start ? 1 : 0);

  it('judges the verdict on the SLO period ending at `to`, and reports what the range spent of it', () => {
    const periodBudgetEvents = 1000 * (slo.period.seconds / STEP) * (1 - slo.objective);
    // A bad day spending 5 % of the period's budget: far over its own one-day budget, yet the period is healthy.
    const badDay = steady(to - slo.period.seconds, to, spread(from + 3600, Math.round(0.05 * periodBudgetEvents)));
    const day = reviewSlo(slo, badDay, { from, to, stepSeconds: STEP });
    expect(day.budget.spent).toBeGreaterThan(1);
    expect(day.period).toMatchObject({ seconds: slo.period.seconds, from: to - slo.period.seconds, complete: true });
    expect(day.period.spent).toBeCloseTo(Math.round(0.05 * periodBudgetEvents) / periodBudgetEvents, 9);
    expect(day.period.spentInRange).toBeCloseTo(day.period.spent, 9);
    expect(day.incidents[0].budgetSpent).toBeCloseTo(day.period.spent, 9);
    expect(day.verdict.level).toBe('ok');
    expect(day.verdict.message).toContain(`of the ${formatDuration(slo.period.seconds)} budget left`);

    // A clean day after an incident that spent the whole period's budget ten days earlier: freeze.
    const afterOutage = steady(
      to - slo.period.seconds,
      to,
      spread(from - 10 * 86400, Math.round(1.1 * periodBudgetEvents)),
    );
    const clean = reviewSlo(slo, afterOutage, { from, to, stepSeconds: STEP });
    expect(clean.budget.spent).toBe(0);
    expect(clean.period.spentInRange).toBe(0);
    expect(clean.period.remaining).toBeLessThan(0);
    expect(clean.verdict.level).toBe('freeze');

    // With one day of history only, the period is partial and says from when; the budget counts what was seen.
    const recent = afterOutage.filter((p) => p.t >= from - 86400);
    const partial = reviewSlo(slo, recent, { from, to, stepSeconds: STEP });
    expect(partial.period).toMatchObject({ complete: false, dataFrom: from - 86400, total: recent.length * 1000 });
    expect(partial.verdict.level).toBe('ok');
  });
});
