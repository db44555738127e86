import fc from 'fast-check';
import {
  burnRate,
  budgetMinutes,
  defaultBurnRatePolicy,
  errorBudget,
  tierCanFire,
  tierThreshold,
  timeToExhaustion,
  budgetRemaining,
} from '../src/math';

const DAY = 86400;

describe('error budget and burn rate', () => {
  it('budget is 1 - objective and a burn rate of 1 spends it exactly', () => {
    expect(errorBudget(0.999)).toBeCloseTo(0.001, 12);
    expect(burnRate(0.001, 0.999)).toBeCloseTo(1, 9);
    expect(burnRate(1, 0.999)).toBeCloseTo(1000, 6);
    expect(budgetMinutes(0.999, 30 * DAY)).toBeCloseTo(43.2, 9);
  });

  it.each([1, 1.5, -0.1, NaN])('rejects objective %p', (objective) => {
    expect(() => errorBudget(objective)).toThrow(RangeError);
  });

  it('rejects an error ratio outside [0, 1]', () => {
    expect(() => burnRate(1.2, 0.99)).toThrow(/error ratio/);
  });

  it('time to exhaustion is remaining x period / burn rate', () => {
    expect(timeToExhaustion(14.4, 30 * DAY)).toBeCloseTo((30 * DAY) / 14.4, 6);
    expect(timeToExhaustion(2, 30 * DAY, 0.5)).toBeCloseTo(7.5 * DAY, 6);
    expect(timeToExhaustion(0, 30 * DAY)).toBe(Infinity);
    expect(timeToExhaustion(3, 30 * DAY, -0.2)).toBe(0);
  });

  it('budget remaining from a good/total series is occurrence-weighted', () => {
    const status = budgetRemaining(
      [
        { t: 0, good: 999, total: 1000 },
        { t: 60, good: 8999, total: 9000 },
      ],
      0.999,
    );
    expect(status.errorRatio).toBeCloseTo(2 / 10000, 12);
    expect(status.spent).toBeCloseTo(0.2, 9);
    expect(status.remaining).toBeCloseTo(0.8, 9);
    expect(budgetRemaining([], 0.99)).toMatchObject({ spent: 0, remaining: 1 });
    expect(budgetRemaining([{ t: 0, good: 0, total: 100 }], 0.99).remaining).toBeCloseTo(-99, 9);
  });
});

describe('defaultBurnRatePolicy: the published tiers', () => {
  const rows = (period: number) =>
    defaultBurnRatePolicy(period).tiers.map((t) => [
      t.name,
      t.severity,
      t.longWindowSeconds,
      t.shortWindowSeconds,
      t.burnRate,
      t.budgetFraction,
    ]);

  it('30 days is exactly the workbook table', () => {
    expect(rows(30 * DAY)).toEqual([
      ['page-1h', 'page', 3600, 300, 14.4, 0.02],
      ['page-6h', 'page', 21600, 1800, 6, 0.05],
      ['ticket-1d', 'ticket', 86400, 7200, 3, 0.1],
      ['ticket-3d', 'ticket', 259200, 21600, 1, 0.1],
    ]);
  });

  it('thresholds at 99.9 % are 0.0144, 0.006, 0.003, 0.001', () => {
    const thresholds = defaultBurnRatePolicy(30 * DAY).tiers.map((t) => tierThreshold(t, 0.999));
    [0.0144, 0.006, 0.003, 0.001].forEach((expected, i) => expect(thresholds[i]).toBeCloseTo(expected, 12));
  });

  it('28 days scales the factors by 672/720', () => {
    expect(defaultBurnRatePolicy(28 * DAY).tiers.map((t) => t.burnRate)).toEqual([13.44, 5.6, 2.8, 0.9333333333]);
  });

  it('7 days scales them by 168/720', () => {
    expect(defaultBurnRatePolicy(7 * DAY).tiers.map((t) => t.burnRate)).toEqual([3.36, 1.4, 0.7, 0.2333333333]);
  });

  it('drops tiers whose long window is longer than the period', () => {
    expect(defaultBurnRatePolicy(2 * DAY).tiers.map((t) => t.name)).toEqual(['page-1h', 'page-6h', 'ticket-1d']);
  });

  it('rejects a non-positive or fractional period', () => {
    expect(() => defaultBurnRatePolicy(0)).toThrow(RangeError);
    expect(() => defaultBurnRatePolicy(1.5)).toThrow(RangeError);
  });

  it('at 90 % the 14.4x tier can never fire; at 99.9 % every tier can', () => {
    const tiers = defaultBurnRatePolicy(30 * DAY).tiers;
    expect(tiers.map((t) => tierCanFire(t, 0.9))).toEqual([false, true, true, true]);
    expect(tiers.every((t) => tierCanFire(t, 0.999))).toBe(true);
  });
});

describe('policy invariants (property-based)', () => {
  const period = fc.integer({ min: 3 * DAY, max: 400 * DAY });
  const objective = fc.double({ min: 0.5, max: 0.99999, noNaN: true });

  it('every tier spends its budget fraction at its burn rate over its long window', () => {
    fc.assert(
      fc.property(period, (p) => {
        for (const t of defaultBurnRatePolicy(p).tiers) {
          expect((t.burnRate * t.longWindowSeconds) / p).toBeCloseTo(t.budgetFraction, 8);
          expect(t.shortWindowSeconds * 12).toBe(t.longWindowSeconds);
        }
      }),
    );
  });

  it('thresholds fall as the objective rises', () => {
    fc.assert(
      fc.property(period, objective, objective, (p, a, b) => {
        fc.pre(a !== b);
        const [lo, hi] = a < b ? [a, b] : [b, a];
        for (const t of defaultBurnRatePolicy(p).tiers) expect(tierThreshold(t, hi)).toBeLessThan(tierThreshold(t, lo));
      }),
    );
  });

  it('burn rates rise with the period and fall with the long window', () => {
    fc.assert(
      fc.property(period, period, (a, b) => {
        fc.pre(a < b);
        const ta = defaultBurnRatePolicy(a).tiers;
        const tb = defaultBurnRatePolicy(b).tiers;
        ta.forEach((t, i) => expect(tb[i].burnRate).toBeGreaterThan(t.burnRate));
        for (let i = 1; i < tb.length; i++) expect(tb[i].burnRate).toBeLessThanOrEqual(tb[i - 1].burnRate);
      }),
    );
  });
});
