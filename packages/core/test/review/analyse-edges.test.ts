/**
 * The figures of an SLO review at their edges: no data, no traffic, exactly at the budget, data past `to`,
 * history before the period, firings that straddle `from` or `to`, and maintenance windows outside the range.
 * Every expected number is worked out from the inputs in the comment next to it.
 */
import type { SeriesPoint } from '../../src/math';
import type { BurnRatePolicy } from '../../src/model/slo';
import type { ReviewWindow } from '../../src/review';
import { budgetVerdict, findIncidents, reviewDataStart, reviewSlo } from '../../src/review';
import { makeSlo } from './helpers';

const T0 = 1_764_547_200; // 2025-12-01T00:00:00Z
const DAY = 86400;

/** `n` buckets of `total` requests `step` apart from `start`; `bad(i)` of bucket i fail. */
function buckets(
  start: number,
  n: number,
  bad: (i: number) => number = () => 0,
  step = 60,
  total = 1000,
): SeriesPoint[] {
  return Array.from({ length: n }, (_, i) => ({ t: start + i * step, total, good: total - bad(i) }));
}

/** One maintenance window opening over [start, end). */
function opening(start: number, end: number, name = 'patching'): ReviewWindow {
  return { window: { name, category: 'maintenance', reason: 'CHG-1' }, occurrences: [{ window: name, start, end }] };
}

const sevenDaySlo = () => makeSlo({ period: { seconds: 7 * DAY, rolling: true } });

describe('where the data of a review must start', () => {
  it('reaches back the longest alert window before `from`, or the SLO period before `to`, whichever is earlier', () => {
    const slo = makeSlo(); // 30 d period, longest alert window 3 d
    const to = T0 + 60 * DAY;
    // One-day review: the 30 d period before `to` starts before the 3 d before `from`.
    expect(reviewDataStart(slo, to - DAY, to)).toBe(to - 30 * DAY);
    // Forty-day review: 3 d before `from` (43 d before `to`) is the earlier.
    expect(reviewDataStart(slo, to - 40 * DAY, to)).toBe(to - 43 * DAY);
  });
});

describe('burn rates per window', () => {
  // Two hours of one-minute buckets of 1000 requests from T0 (no history); bad events in minutes 10, 20, 70, 119.
  const bad: Record<number, number> = { 10: 50, 20: 100, 70: 100, 119: 20 };
  const series = () => buckets(T0, 120, (i) => bad[i] ?? 0);

  it('lists every window of the policy, shortest first', () => {
    const r = reviewSlo(makeSlo(), series(), { from: T0, to: T0 + 7200 });
    expect(r.windows.map((w) => w.windowSeconds)).toEqual([300, 1800, 3600, 7200, 21600, 86400, 259200]);
  });

  it('reports the worst burn rate where it was first reached, and the burn rate at `to`', () => {
    const r = reviewSlo(makeSlo(), series(), { from: T0, to: T0 + 7200 });
    const w5m = r.windows.find((w) => w.windowSeconds === 300)!;
    // 100 bad in a 5 min window of 5000 events: 2 % against a 0.1 % budget, 20x. The windows ending at
    // minutes 21..25 hold minute 20, those ending at 71..75 minute 70: the first of them is the one reported.
    expect(w5m.worst).toBeCloseTo(20, 9);
    expect(w5m.worstAt).toBe(T0 + 21 * 60);
    // The window ending at `to` holds minute 119: 20 / 5000 = 0.4 %, 4x.
    expect(w5m.current).toBeCloseTo(4, 9);
  });

  it('charts bucket ends, the SLI and the burn rate of each window', () => {
    const r = reviewSlo(makeSlo(), series(), { from: T0, to: T0 + 7200 });
    expect(r.chart.t).toHaveLength(120);
    expect(r.chart.t[0]).toBe(T0 + 60);
    expect(r.chart.sli[10]).toBeCloseTo(0.95, 12);
    expect(r.chart.burnRates['300'][20]).toBeCloseTo(20, 9);
  });
});

describe('a review without data or without traffic', () => {
  it('with no bucket at all: nothing spent, no burn, the period empty', () => {
    const to = T0 + DAY;
    const r = reviewSlo(makeSlo(), [], { from: T0, to });
    expect(r.stepSeconds).toBe(60);
    expect(r.total).toBe(0);
    expect(r.attainment).toBeUndefined();
    expect(r.met).toBe(true);
    for (const w of r.windows) expect([w.current, w.worst, w.worstAt]).toEqual([0, 0, undefined]);
    expect(r.tiers.every((t) => t.intervals.length === 0)).toBe(true);
    expect(r.history).toEqual({ neededSeconds: 3 * DAY, availableSeconds: 0, complete: false });
    // No first bucket: no `dataFrom`, and the period is not complete.
    expect(r.period).toStrictEqual({
      seconds: 30 * DAY,
      from: to - 30 * DAY,
      complete: false,
      good: 0,
      total: 0,
      spent: 0,
      remaining: 1,
      spentInRange: 0,
      // 0.1 % of 30 d = 43.2 min, all of it left.
      totalMinutes: expect.closeTo(43.2, 9),
      remainingMinutes: expect.closeTo(43.2, 9),
    });
    // Every one-minute bucket of the day is a gap.
    expect(r.emptyBuckets).toBe(1440);
    expect(r.incidents).toEqual([]);
    expect(r.verdict.level).toBe('ok');
  });

  it('with buckets of zero requests: no SLI, no incident, the budget untouched', () => {
    const to = T0 + DAY;
    const r = reviewSlo(
      makeSlo(),
      buckets(T0, 1440, () => 0, 60, 0),
      { from: T0, to },
    );
    expect(r.attainment).toBeUndefined();
    expect(r.budget.spent).toBe(0);
    expect(r.period.total).toBe(0);
    expect(r.period.spentInRange).toBe(0);
    expect(r.incidents).toEqual([]);
    expect(r.emptyBuckets).toBe(1440);
    for (const w of r.windows) expect(w.current).toBe(0);
    expect(r.chart.sli.every((v) => v === null)).toBe(true);
    expect(r.chart.budgetRemaining.every((v) => v === 1)).toBe(true);
  });
});

describe('budget figures', () => {
  it('a day at 99.9 % that spent a quarter of its budget', () => {
    // 1440 minutes x 1000 requests; 360 bad (100 in each of minutes 0..2, 60 in minute 3).
    const bad = [100, 100, 100, 60];
    const to = T0 + DAY;
    const r = reviewSlo(
      makeSlo(),
      buckets(T0, 1440, (i) => bad[i] ?? 0),
      { from: T0, to },
    );
    expect(r.total).toBe(1_440_000);
    expect(r.attainment).toBeCloseTo(1 - 360 / 1_440_000, 12);
    expect(r.met).toBe(true);
    // Budget: 0.1 % of 1 440 000 = 1440 events; 360 of them spent.
    expect(r.budget.spent).toBeCloseTo(0.25, 9);
    expect(r.budget.remaining).toBeCloseTo(0.75, 9);
    // 0.1 % of a day is 1.44 min of full outage; three quarters left.
    expect(r.budget.totalMinutes).toBeCloseTo(1.44, 9);
    expect(r.budget.remainingMinutes).toBeCloseTo(1.08, 9);
    // The data holds this day only: the 30 d period has the same events, so the same fraction spent,
    // of 43.2 min.
    expect(r.period).toMatchObject({ dataFrom: T0, complete: false, total: 1_440_000 });
    expect(r.period.spent).toBeCloseTo(0.25, 9);
    expect(r.period.spentInRange).toBeCloseTo(0.25, 9);
    expect(r.period.totalMinutes).toBeCloseTo(43.2, 9);
    expect(r.period.remainingMinutes).toBeCloseTo(32.4, 9);
    expect(r.verdict.level).toBe('ok');
    expect(r.verdict.message).toContain('75.0 %');
  });

  it('a day that spent more than its budget is not met', () => {
    // 2000 bad of 1 440 000: 2000 / 1440 of the budget.
    const r = reviewSlo(
      makeSlo(),
      buckets(T0, 1440, (i) => (i < 20 ? 100 : 0)),
      { from: T0, to: T0 + DAY },
    );
    expect(r.budget.spent).toBeCloseTo(2000 / 1440, 9);
    expect(r.met).toBe(false);
  });

  it('exactly the budget spent: met, nothing left, no bucket above the budget rate, freeze', () => {
    // At 75 % the budget is exactly 0.25 in floating point: one bad of four requests in every minute
    // spends it to the event.
    const slo = makeSlo({ objective: 0.75 });
    const r = reviewSlo(
      slo,
      buckets(T0, 60, () => 1, 60, 4),
      { from: T0, to: T0 + 3600 },
    );
    expect(r.budget.spent).toBe(1);
    expect(r.budget.remaining).toBe(0);
    expect(r.met).toBe(true);
    expect(r.incidents).toEqual([]);
    expect(r.verdict.level).toBe('freeze');
  });
});

describe('met at exactly the budget, whatever the objective', () => {
  it('at 99.99 %, one bad request in every 10 000 is met, though 1 - 0.9999 is not 0.0001 in floating point', () => {
    // 1 - 0.9999 = 9.9999999999989e-5, so the 1e-4 error ratio computes as 1.0000000000001 of the budget.
    const r = reviewSlo(
      makeSlo({ objective: 0.9999 }),
      buckets(T0, 60, () => 1, 60, 10_000),
      {
        from: T0,
        to: T0 + 3600,
      },
    );
    expect(r.budget.spent).toBeCloseTo(1, 9);
    expect(r.met).toBe(true);
    expect(r.verdict.level).toBe('freeze');
  });
});

describe('the range and the period cut from the data', () => {
  it('data past `to` changes nothing the review reports', () => {
    const from = T0 + 3600;
    const to = T0 + 7200;
    // Three hours of clean minutes but a full outage in the hour after `to`.
    const series = buckets(T0, 180, (i) => (i >= 120 ? 1000 : 0));
    const r = reviewSlo(makeSlo(), series, { from, to });
    expect(r.total).toBe(60_000);
    expect(r.good).toBe(60_000);
    expect(r.incidents).toEqual([]);
    for (const w of r.windows) expect([w.current, w.worst]).toEqual([0, 0]);
    expect(r.tiers.every((t) => t.intervals.length === 0)).toBe(true);
    expect(r.chart.t).toHaveLength(60);
    expect(r.period.total).toBe(120_000);
  });

  it('history before the SLO period feeds the replay but not the period budget', () => {
    const slo = sevenDaySlo();
    const to = T0 + 30 * DAY;
    const from = to - 5 * DAY;
    // The 3 d window reaches back to `from` - 3 d = `to` - 8 d: one day before the 7 d period.
    const start = reviewDataStart(slo, from, to);
    expect(start).toBe(to - 8 * DAY);
    // Five-minute buckets; an outage of one bucket in that first day only.
    const series = buckets(start, 8 * 288, (i) => (i === 100 ? 1000 : 0), 300);
    const r = reviewSlo(slo, series, { from, to, stepSeconds: 300 });
    expect(r.period).toMatchObject({ from: to - 7 * DAY, dataFrom: to - 7 * DAY, complete: true });
    expect(r.period.total).toBe(7 * 288 * 1000);
    expect(r.period.spent).toBe(0);
    expect(r.history).toEqual({ neededSeconds: 3 * DAY, availableSeconds: 3 * DAY, complete: true });
  });

  it('a period whose data starts one bucket late is not complete', () => {
    const slo = sevenDaySlo();
    const to = T0 + 30 * DAY;
    const series = buckets(to - 7 * DAY + 300, 7 * 288 - 1, () => 0, 300);
    const r = reviewSlo(slo, series, { from: to - DAY, to, stepSeconds: 300 });
    expect(r.period).toMatchObject({ dataFrom: to - 7 * DAY + 300, complete: false });
  });

  it('infers the bucket length from the data, and falls back to a minute', () => {
    // Five-minute buckets over one hour with the one at minute 30 missing.
    const series = buckets(T0, 12, () => 0, 300).filter((p) => p.t !== T0 + 1800);
    const r = reviewSlo(makeSlo(), series, { from: T0, to: T0 + 3600 });
    expect(r.stepSeconds).toBe(300);
    expect(r.emptyBuckets).toBe(1);
    const single = reviewSlo(makeSlo(), [{ t: T0, good: 10, total: 10 }], { from: T0, to: T0 + 3600 });
    expect(single.stepSeconds).toBe(60);
  });

  it('a maintenance window leaves the period data read apart, whatever its bucket length', () => {
    const slo = makeSlo();
    const to = T0 + 30 * DAY;
    const from = to - 3600;
    // The range in minutes, all good; the period in hours of 3600 requests, hour 100 failing entirely.
    const series = buckets(from, 60);
    const hours = buckets(to - 30 * DAY, 720, (i) => (i === 100 ? 3600 : 0), 3600, 3600);
    const windows = [opening(to - 30 * DAY + 100 * 3600, to - 30 * DAY + 101 * 3600)];
    const r = reviewSlo(slo, series, { from, to, periodSeries: hours, windows });
    expect(r.period.total).toBe(719 * 3600);
    expect(r.period.spent).toBe(0);
    // A period read in two overlapping parts repeats the bucket where they meet (counted twice): still only
    // the window's hour leaves.
    const twice = [...hours.slice(0, 400), ...hours.slice(399)];
    const r2 = reviewSlo(slo, series, { from, to, periodSeries: twice, windows });
    expect(r2.period.total).toBe(720 * 3600);
    expect(r2.period.spent).toBe(0);
  });
});

describe('the tier replay over the range', () => {
  // One tier over one- and two-minute windows at 10x (error ratio above 1 %): with one-minute buckets of
  // 1000 requests it fires at the end of each bucket with 100 bad, and resets at the end of the next clean one.
  const policy: BurnRatePolicy = {
    periodSeconds: 30 * DAY,
    tiers: [
      {
        name: 'fast',
        severity: 'page',
        longWindowSeconds: 120,
        shortWindowSeconds: 60,
        burnRate: 10,
        budgetFraction: 0.001,
      },
    ],
  };
  const from = T0 + 1200; // bucket 20; its end, T0 + 1260, is the first evaluation in the range
  const replay = (badBuckets: number[], n = 60, to = T0 + 3600, step = 60) => {
    const series = buckets(T0, n, (i) => (badBuckets.includes(i) ? 100 : 0));
    return reviewSlo(makeSlo({ policy }), series, { from, to, stepSeconds: step }).tiers[0];
  };

  it('reports only firings inside the range, one that starts at `to` as still firing', () => {
    // Minutes 5-6 fire 360..480 and minute 19 fires 1200..1260: over before the first evaluation.
    // Minutes 25-26 fire 1560..1680; minute 59 fires at its end, `to`, and is still firing then.
    const tier = replay([5, 6, 19, 25, 26, 59]);
    expect(tier.intervals).toEqual([
      { start: T0 + 1560, end: T0 + 1680, seconds: 120 },
      { start: T0 + 3600, end: undefined, seconds: 0 },
    ]);
    expect(tier.firingSeconds).toBe(120);
  });

  it('a firing from before the range starts at the first evaluation and says so', () => {
    // Minutes 18-21 fire 1140..1380: in the range from 1260.
    expect(replay([18, 19, 20, 21]).intervals).toEqual([
      { start: T0 + 1260, end: T0 + 1380, seconds: 120, sinceBefore: true },
    ]);
  });

  it('a firing that starts at the first evaluation is not from before; one after `to` is not reported', () => {
    // Minute 20 fires 1260..1320. `to` is 30 s into minute 60, whose firing would start at 3660.
    const tier = replay([20, 60], 61, T0 + 3630);
    expect(tier.intervals).toEqual([{ start: T0 + 1260, end: T0 + 1320, seconds: 60 }]);
    expect(tier.firingSeconds).toBe(60);
  });

  it('fires a minute after the failing minute starts though minutes without traffic are missing', () => {
    // CloudWatch returns no datapoint for a minute without requests: here every other minute is missing,
    // yet the buckets stay one minute long.
    const series = buckets(T0, 30, (i) => (i === 15 ? 100 : 0), 120);
    const r = reviewSlo(makeSlo({ policy }), series, { from, to: T0 + 3600, stepSeconds: 60 });
    expect(r.tiers[0].intervals[0].start).toBe(T0 + 1800 + 60);
  });
});

describe('incidents', () => {
  // One-minute buckets at 99.9 %, merge gap 5 min, a budget of 1000 bad events.
  const series = (): SeriesPoint[] => [
    { t: 0, total: 100, good: 50 }, // 50 % bad
    { t: 60, total: 100, good: 90 }, // 10 % bad, adjacent: same incident
    { t: 420, total: 1000, good: 998 }, // 0.2 % bad, exactly the merge gap after the incident's end (120)
    { t: 1200, total: 10_000, good: 9999 }, // 0.01 % bad: below the budget rate
    { t: 1260, total: 0, good: 0 }, // no traffic
    { t: 1800, total: 1000, good: 0 }, // full outage
  ];

  it('merges runs up to the merge gap apart, keeps the peak, and ranks by budget spent', () => {
    const found = findIncidents(series(), 0.999, 60, 1000, 300);
    expect(found).toEqual([
      { start: 1800, end: 1860, badEvents: 1000, budgetSpent: 1, peakErrorRatio: 1 },
      { start: 0, end: 480, badEvents: 62, budgetSpent: 0.062, peakErrorRatio: 0.5 },
    ]);
  });

  it('without a budget to spend, incidents spend nothing of it', () => {
    expect(findIncidents(series(), 0.999, 60, 0, 300).map((i) => i.budgetSpent)).toEqual([0, 0]);
  });

  it('a bucket exactly at the budget rate is no incident', () => {
    // 1 bad of 4 at 75 %: an error ratio of 0.25, exactly 1 - objective.
    expect(findIncidents([{ t: 0, total: 4, good: 3 }], 0.75, 60, 10, 300)).toEqual([]);
  });

  it.each([0.9, 0.9995, 0.9999])(
    'at %p too, where 1 - objective is not the budget rate in floating point',
    (objective) => {
      // 1 - 0.9999 is 0.00009999999999998899: an unrounded comparison made 1 bad of 10,000 an incident here
      // and not at 99.9 %. One bad event more is above the rate, whatever the rounding.
      const total = Math.round(1 / (1 - objective));
      expect(findIncidents([{ t: 0, total, good: total - 1 }], objective, 60, 10, 300)).toEqual([]);
      expect(findIncidents([{ t: 0, total, good: total - 2 }], objective, 60, 10, 300)).toHaveLength(1);
    },
  );

  it('a review lists the five largest by default, or as many as asked', () => {
    // Eight failing minutes 17 min apart (16 min between them, over the 15 min merge gap): 10, 20, ..., 80 bad.
    const r = (top?: number) =>
      reviewSlo(
        makeSlo(),
        buckets(T0, 120, (i) => (i % 17 === 0 ? (i / 17 + 1) * 10 : 0)),
        {
          from: T0,
          to: T0 + 7200,
          topIncidents: top,
        },
      );
    expect(r().incidents.map((i) => i.badEvents)).toEqual([80, 70, 60, 50, 40]);
    expect(r(2).incidents.map((i) => i.badEvents)).toEqual([80, 70]);
  });
});

describe('maintenance windows and gaps', () => {
  it('counts gaps in the range, not buckets a window left out, before, inside or after it', () => {
    const from = T0 + 3600;
    const to = from + 3600;
    // One-minute buckets from an hour before `from` to 10 min after `to`; minutes 10..19 of the range missing.
    const series = buckets(T0, 130).filter((p) => !(p.t >= from + 600 && p.t < from + 1200));
    const windows = [
      opening(T0 + 600, T0 + 1800, 'history'), // 20 buckets before `from`
      opening(from, from + 300, 'start'), // the range's first 5 buckets
      opening(to, to + 180, 'after'), // 3 buckets after `to`
    ];
    const r = reviewSlo(makeSlo(), series, { from, to, windows });
    // 60 buckets in the range: 45 with traffic, 5 left out, 10 missing.
    expect(r.emptyBuckets).toBe(10);
    expect(r.excluded).toMatchObject({ seconds: 300, events: 5000 });
  });

  it('says nothing of a window outside both the range and the period', () => {
    const slo = sevenDaySlo();
    const to = T0 + 30 * DAY;
    const r = reviewSlo(
      slo,
      buckets(to - DAY, 288, () => 0, 300),
      {
        from: to - DAY,
        to,
        windows: [opening(to - 20 * DAY, to - 20 * DAY + 3600)],
      },
    );
    expect(r.excluded).toBeUndefined();
  });

  it('reports a window inside a range longer than the period, though the period does not hold it', () => {
    const slo = sevenDaySlo();
    const to = T0 + 30 * DAY;
    const from = to - 10 * DAY;
    // One day after `from`, two days before the 7 d period starts.
    const start = from + DAY;
    const r = reviewSlo(
      slo,
      buckets(from, 10 * 288, () => 0, 300),
      {
        from,
        to,
        windows: [opening(start, start + 3600)],
      },
    );
    expect(r.excluded).toMatchObject({
      seconds: 3600,
      periodSeconds: 0,
      events: 12 * 1000,
      openings: [{ window: 'patching', start, end: start + 3600, seconds: 3600 }],
    });
  });
});

describe('budget verdict messages', () => {
  it('say how much of the budget is left, in percent', () => {
    expect(budgetVerdict(0.5).message).toBe('budget healthy (50.0 % left): release as usual');
    expect(budgetVerdict(-0.3).message).toContain('(-30.0 % left)');
  });
});
