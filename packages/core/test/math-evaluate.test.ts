import fc from 'fast-check';
import type { BurnRatePolicy } from '../src/model/slo';
import { defaultBurnRatePolicy, detectionTime, evaluatePolicy, tierThreshold, type SeriesPoint } from '../src/math';

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
