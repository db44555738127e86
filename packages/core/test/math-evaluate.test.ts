import fc from 'fast-check';
import type { BurnRatePolicy } from '../src/model/slo';
import {
  defaultBurnRatePolicy,
  detectionTime,
  evaluatePolicy,
  inferStepSeconds,
  tierThreshold,
  type SeriesPoint,
} from '../src/math';

const DAY = 86400;
const POLICY = defaultBurnRatePolicy(30 * DAY);

/** The obvious O(n x w) definition the fast version must agree with. */
function naive(series: readonly SeriesPoint[], policy: BurnRatePolicy, objective: number, step: number) {
  const ratio = (i: number, w: number) => {
    let bad = 0;
    let total = 0;
    for (let j = 0; j <= i; j++)
      if (series[j].t >= series[i].t + step - w) {
        bad += Math.max(0, series[j].total - series[j].good);
        total += series[j].total;
      }
    return total > 0 ? bad / total : 0;
  };
  return policy.tiers.map((tier) => {
    const thr = tierThreshold(tier, objective);
    return series.map((_, i) => ratio(i, tier.longWindowSeconds) > thr && ratio(i, tier.shortWindowSeconds) > thr);
  });
}

function firingFlags(
  intervals: readonly { start: number; end?: number }[],
  series: readonly SeriesPoint[],
  step: number,
) {
  return series.map((p) =>
    intervals.some((iv) => p.t + step >= iv.start && (iv.end === undefined || p.t + step < iv.end)),
  );
}

function minuteSeries(from: number, to: number, ratio: (t: number) => number, perMinute = 1000): SeriesPoint[] {
  const out: SeriesPoint[] = [];
  for (let t = from; t < to; t += 60)
    out.push({ t, total: perMinute, good: perMinute - Math.round(perMinute * ratio(t)) });
  return out;
}

describe('evaluatePolicy', () => {
  it('a full outage from t = 0 pages through the 1 h tier at the first evaluation after 51.84 s', () => {
    const series = minuteSeries(-DAY, 3600, (t) => (t >= 0 ? 1 : 0));
    const result = evaluatePolicy(series, POLICY, 0.999);
    expect(result.stepSeconds).toBe(60);
    const page = result.tiers[0];
    expect(page.tier.name).toBe('page-1h');
    expect(page.intervals).toEqual([{ start: 60 }]);
    expect(page.intervals[0].start).toBeGreaterThanOrEqual(detectionTime(page.tier, 0.999, 1, 30 * DAY).seconds);
    // The 6 h tier needs 0.006 x 21600 = 129.6 s: the evaluation at 180 s.
    expect(result.tiers[1].intervals).toEqual([{ start: 180 }]);
  });

  it('resets the 1 h tier about 5 minutes after recovery (the short window clears)', () => {
    const series = minuteSeries(-DAY, 2 * 3600, (t) => (t >= 0 && t < 1800 ? 1 : 0));
    const [page] = evaluatePolicy(series, POLICY, 0.999).tiers;
    expect(page.intervals).toEqual([{ start: 60, end: 1800 + 300 }]);
  });

  it('never fires tiers with burn rate >= 1 while every bucket burns below 1', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 5000 }), fc.double({ min: 0, max: 0.999, noNaN: true })), {
          maxLength: 200,
        }),
        (buckets) => {
          const series = buckets.map(([total, x], i) => ({
            t: i * 300,
            total,
            good: total - Math.floor(total * 0.001 * x),
          }));
          for (const t of evaluatePolicy(series, POLICY, 0.999).tiers)
            if (t.tier.burnRate >= 1) expect(t.intervals).toEqual([]);
        },
      ),
    );
  });

  it('agrees with the naive O(n x w) definition on random series with gaps', () => {
    const policy: BurnRatePolicy = {
      periodSeconds: 7 * DAY,
      tiers: [
        {
          name: 'a',
          severity: 'page',
          longWindowSeconds: 3600,
          shortWindowSeconds: 300,
          burnRate: 10,
          budgetFraction: 0.06,
        },
        {
          name: 'b',
          severity: 'ticket',
          longWindowSeconds: 6 * 3600,
          shortWindowSeconds: 1800,
          burnRate: 2,
          budgetFraction: 0.07,
        },
      ],
    };
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            gap: fc.integer({ min: 1, max: 4 }),
            total: fc.integer({ min: 0, max: 100 }),
            bad: fc.integer({ min: 0, max: 100 }),
          }),
          { maxLength: 150 },
        ),
        fc.constantFrom(0.99, 0.999, 0.95),
        (rows, objective) => {
          let t = 0;
          const series = rows.map((r) => {
            t += r.gap * 300;
            return { t, total: r.total, good: r.total - Math.min(r.bad, r.total) };
          });
          const fast = evaluatePolicy(series, policy, objective, { stepSeconds: 300 });
          const expected = naive(series, policy, objective, 300);
          fast.tiers.forEach((tier, k) => expect(firingFlags(tier.intervals, series, 300)).toEqual(expected[k]));
        },
      ),
    );
  });

  it('rejects a series that repeats a timestamp, naming where', () => {
    expect(() =>
      evaluatePolicy(
        [
          { t: 0, good: 1, total: 1 },
          { t: 0, good: 1, total: 1 },
        ],
        POLICY,
        0.999,
      ),
    ).toThrow(new RangeError('series must be sorted by strictly increasing t (index 1: 0)'));
  });

  it('hourly buckets: a window shorter than a bucket reads the bucket it ends in, so a full-outage hour pages', () => {
    const HOUR = 3600;
    const series = Array.from({ length: 24 }, (_, h) => ({ t: h * HOUR, total: 100, good: h === 10 ? 0 : 100 }));
    const [page1h] = evaluatePolicy(series, POLICY, 0.999).tiers;
    expect(page1h.intervals).toEqual([{ start: 11 * HOUR, end: 12 * HOUR }]);
  });

  describe('a window exactly at the threshold does not fire (strictly above, as GreaterThanThreshold)', () => {
    // Threshold 1 x (1 - 0.5) = 50 %, exact in binary; one-minute buckets of 10 events.
    const policy: BurnRatePolicy = {
      periodSeconds: DAY,
      tiers: [
        {
          name: 'half',
          severity: 'page',
          longWindowSeconds: 600,
          shortWindowSeconds: 60,
          burnRate: 1,
          budgetFraction: 0,
        },
      ],
    };
    const minutes = (bad: number[]) => bad.map((b, i) => ({ t: i * 60, total: 10, good: 10 - b }));

    it('the long window at 50 % keeps the tier quiet while the short one reads 100 %', () => {
      const [half] = evaluatePolicy(minutes([5, 5, 5, 5, 5, 5, 5, 5, 0, 10]), policy, 0.5).tiers;
      expect(half.intervals).toEqual([]);
    });

    it('the short window back at 50 % resets the tier while the long one is still above', () => {
      const [half] = evaluatePolicy(minutes([10, 5]), policy, 0.5).tiers;
      expect(half.intervals).toEqual([{ start: 60, end: 120 }]);
    });
  });

  it('rejects an unsorted series', () => {
    expect(() =>
      evaluatePolicy(
        [
          { t: 60, good: 1, total: 1 },
          { t: 0, good: 1, total: 1 },
        ],
        POLICY,
        0.999,
      ),
    ).toThrow(/sorted/);
  });
});

describe('inferStepSeconds: the bucket length of a series', () => {
  const at = (...ts: number[]): SeriesPoint[] => ts.map((t) => ({ t, good: 1, total: 1 }));

  it('is the smallest gap between consecutive buckets, wherever the series starts', () => {
    expect(inferStepSeconds(at(1000, 1300, 1600))).toBe(300);
    expect(inferStepSeconds(at(0, 300, 1200))).toBe(300);
    expect(inferStepSeconds(at(0, 900, 1200, 1500))).toBe(300);
  });

  it('skips repeated timestamps', () => {
    expect(inferStepSeconds(at(0, 0, 300, 300, 600))).toBe(300);
  });

  it('is a minute for fewer than two buckets', () => {
    expect(inferStepSeconds(at())).toBe(60);
    expect(inferStepSeconds(at(3600))).toBe(60);
  });

  it('is what evaluatePolicy steps by when not told', () => {
    expect(evaluatePolicy(at(0, 300, 600), POLICY, 0.999).stepSeconds).toBe(300);
  });
});
