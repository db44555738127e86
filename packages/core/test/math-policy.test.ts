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
  burnRateRuleViolations,
  cloudWatchPeriodProblem,
  makeTier,
  PAGE_MIN_BURN_RATE,
  roughDuration,
} from '../src/math';

const HOUR = 3600;
const DAY = 24 * HOUR;

describe('error budget and burn rate', () => {
  it('budget is 1 - objective and a burn rate of 1 spends it exactly', () => {
    expect(errorBudget(0.999)).toBeCloseTo(0.001, 12);
    expect(burnRate(0.001, 0.999)).toBeCloseTo(1, 9);
    expect(burnRate(1, 0.999)).toBeCloseTo(1000, 6);
    expect(budgetMinutes(0.999, 30 * DAY)).toBeCloseTo(43.2, 9);
  });

  it.each([1, 1.5, -0.1, NaN])('rejects objective %p', (objective) => {
    expect(() => errorBudget(objective)).toThrow(new RangeError(`objective must be in [0, 1), got ${objective}`));
  });

  it('takes an objective of 0: every event may fail', () => {
    expect(errorBudget(0)).toBe(1);
  });

  it('a burn rate is 0 without errors and refuses a negative error ratio', () => {
    expect(burnRate(0, 0.99)).toBe(0);
    expect(() => burnRate(-0.1, 0.99)).toThrow(new RangeError('error ratio must be in [0, 1], got -0.1'));
  });

  it('time to exhaustion refuses a negative or unknown burn rate, and is 0 once nothing remains, burning or not', () => {
    expect(() => timeToExhaustion(-1, 30 * DAY)).toThrow(new RangeError('burn rate must be >= 0, got -1'));
    expect(() => timeToExhaustion(NaN, 30 * DAY)).toThrow(RangeError);
    expect(timeToExhaustion(0, 30 * DAY, 0)).toBe(0);
    expect(timeToExhaustion(2, 30 * DAY, 0)).toBe(0);
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

  it('28 days keeps the workbook factors scaled by 672/720, with its slowest tier at 1x', () => {
    expect(defaultBurnRatePolicy(28 * DAY).tiers.map((t) => t.burnRate)).toEqual([13.44, 5.6, 2.8, 1]);
  });

  it('7 days pages at 3x or more and tickets at 1x instead of 1.4x, 0.7x and 0.23x', () => {
    expect(rows(7 * DAY)).toEqual([
      ['page-1h', 'page', 3600, 300, 3.36, 0.02],
      ['page-6h', 'page', 21600, 1800, 3, 18 / 168],
      ['ticket-1d', 'ticket', 86400, 7200, 1, 1 / 7],
      ['ticket-3d', 'ticket', 259200, 21600, 1, 3 / 7],
    ]);
  });

  it('90 days lowers the slowest tier from 3x to 1x, so a 2.9x burn is seen', () => {
    expect(defaultBurnRatePolicy(90 * DAY).tiers.map((t) => t.burnRate)).toEqual([43.2, 18, 9, 1]);
  });

  it('drops tiers whose long window is longer than the period', () => {
    expect(defaultBurnRatePolicy(2 * DAY).tiers.map((t) => t.name)).toEqual(['page-1h', 'page-6h', 'ticket-1d']);
  });

  it('keeps a tier whose long window equals the period (<=, not <)', () => {
    expect(rows(DAY)).toEqual([
      ['page-1h', 'page', 3600, 300, 3, 0.125],
      ['page-6h', 'page', 21600, 1800, 3, 0.75],
      ['ticket-1d', 'ticket', 86400, 7200, 1, 1],
    ]);
    expect(defaultBurnRatePolicy(3 * DAY).tiers.map((t) => t.name)).toContain('ticket-3d');
    expect(defaultBurnRatePolicy(3 * DAY - 60).tiers.map((t) => t.name)).not.toContain('ticket-3d');
  });

  it.each([
    ['1h', HOUR],
    ['6h', 6 * HOUR],
    ['1d', DAY],
    ['3d', 3 * DAY],
  ])('a period of exactly %s keeps that window as its slowest tier, a 1x ticket; a second less drops it', (w, p) => {
    const slowest = defaultBurnRatePolicy(p).tiers.at(-1)!;
    expect([slowest.name, slowest.longWindowSeconds, slowest.burnRate, slowest.budgetFraction]).toEqual([
      `ticket-${w}`,
      p,
      1,
      1,
    ]);
    expect(defaultBurnRatePolicy(p - 1).tiers.map((t) => t.longWindowSeconds)).not.toContain(p);
  });

  it('under a day the slowest kept tier becomes the 1x ticket', () => {
    expect(rows(12 * 3600).map((r) => [r[0], r[4]])).toEqual([
      ['page-1h', 3],
      ['ticket-6h', 1],
    ]);
  });

  it('rejects a non-positive or fractional period', () => {
    expect(() => defaultBurnRatePolicy(0)).toThrow(
      new RangeError('period must be a positive whole number of seconds, got 0'),
    );
    expect(() => defaultBurnRatePolicy(1.5)).toThrow(
      new RangeError('period must be a positive whole number of seconds, got 1.5'),
    );
  });

  it('at 90 % the 14.4x tier can never fire; at 99.9 % every tier can', () => {
    const tiers = defaultBurnRatePolicy(30 * DAY).tiers;
    expect(tiers.map((t) => tierCanFire(t, 0.9))).toEqual([false, true, true, true]);
    expect(tiers.every((t) => tierCanFire(t, 0.999))).toBe(true);
  });

  it('a tier whose threshold is exactly 1 cannot fire: the error ratio must exceed it', () => {
    expect(tierCanFire({ burnRate: 2 }, 0.5)).toBe(false);
    expect(tierCanFire({ burnRate: 1.9 }, 0.5)).toBe(true);
  });
});

describe('policy invariants (property-based)', () => {
  const period = fc.integer({ min: 3 * DAY, max: 400 * DAY });
  const anyPeriod = fc.integer({ min: 3600, max: 400 * DAY });
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

  it('keeps the burn-rate rules for any period: pages >= 3x, every tier >= 1x, the slowest exactly 1x', () => {
    fc.assert(
      fc.property(anyPeriod, (p) => {
        const policy = defaultBurnRatePolicy(p);
        for (const t of policy.tiers) {
          expect(t.burnRate).toBeGreaterThanOrEqual(t.severity === 'page' ? PAGE_MIN_BURN_RATE : 1);
        }
        expect(Math.min(...policy.tiers.map((t) => t.burnRate))).toBe(1);
        expect(policy.tiers.at(-1)?.severity).toBe('ticket');
        expect(burnRateRuleViolations(policy)).toEqual([]);
      }),
    );
  });

  it('uses only windows CloudWatch evaluates as one alarm period', () => {
    fc.assert(
      fc.property(anyPeriod, (p) => {
        for (const t of defaultBurnRatePolicy(p).tiers) {
          expect(cloudWatchPeriodProblem(t.longWindowSeconds, 1)).toBeUndefined();
          expect(cloudWatchPeriodProblem(t.shortWindowSeconds, 1)).toBeUndefined();
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

  it('burn rates never fall as the period grows, and fall (or stay) as the long window grows', () => {
    fc.assert(
      fc.property(period, period, (a, b) => {
        fc.pre(a < b);
        const ta = defaultBurnRatePolicy(a).tiers;
        const tb = defaultBurnRatePolicy(b).tiers;
        ta.forEach((t, i) => expect(tb[i].burnRate).toBeGreaterThanOrEqual(t.burnRate));
        for (let i = 1; i < tb.length; i++) expect(tb[i].burnRate).toBeLessThanOrEqual(tb[i - 1].burnRate);
      }),
    );
  });
});

describe('roughDuration: the durations the warnings write', () => {
  it.each([
    [10, '1m'],
    [2700, '45m'],
    [3599, '1h'],
    [3600, '1h'],
    [5400, '2h'],
    [201600, '2d8h'],
  ])('%p s reads %p', (seconds, text) => {
    expect(roughDuration(seconds)).toBe(text);
  });
});

describe('burnRateRuleViolations: custom tiers', () => {
  const tier = (severity: 'page' | 'ticket', long: number, burnRate: number, p = 30 * DAY) => ({
    ...makeTier(severity, long, (burnRate * long) / p, p),
    burnRate,
  });

  it('names the burns a slow page wakes someone for', () => {
    const [v] = burnRateRuleViolations({
      periodSeconds: 7 * DAY,
      tiers: [tier('page', 6 * 3600, 1.4), tier('ticket', 3 * DAY, 1)],
    });
    expect(v).toMatchObject({ tierIndex: 0, tier: 'page-6h', rule: 'page-below-3x', suggestedBurnRate: 3 });
    expect(v.message).toBe(
      'tier page-6h pages at 1.4x: burns from 1.4x to 3x page needlessly, the 7d budget lasts 2d8h or more at them',
    );
  });

  it('names the burns a sub-0.9x tier fires on although they never exhaust the budget, and tolerates 0.93x', () => {
    const v = burnRateRuleViolations({
      periodSeconds: 7 * DAY,
      tiers: [tier('page', 3600, 14.4), tier('ticket', 3 * DAY, 0.2333)],
    });
    expect(v.map((x) => [x.tierIndex, x.rule])).toEqual([[1, 'tier-below-0.9x']]);
    expect(v[0].message).toContain('burns from 0.2333x to 1x alert needlessly, they never exhaust the 7d budget');
    expect(v[0].message).toContain('leaves 76.7 % of it');
    const sloth28 = { periodSeconds: 28 * DAY, tiers: [tier('page', 3600, 13.44), tier('ticket', 3 * DAY, 0.9333)] };
    expect(burnRateRuleViolations(sloth28)).toEqual([]);
  });

  it('names the burns that exhaust the budget unseen when the slowest tier is above 1.5x', () => {
    const p = 90 * DAY;
    const tiers = [
      tier('page', 3600, 43.2, p),
      tier('page', 6 * 3600, 18, p),
      tier('ticket', DAY, 9, p),
      tier('ticket', 3 * DAY, 3, p),
    ];
    const v = burnRateRuleViolations({ periodSeconds: p, tiers });
    expect(v).toHaveLength(1);
    expect(v[0]).toMatchObject({ tierIndex: 3, rule: 'slowest-above-1.5x', suggestedBurnRate: 1 });
    expect(v[0].message).toBe(
      'no tier fires below 3x (the lowest is ticket-3d): burns from 1x to 3x go undetected and exhaust the 90d budget in 30d to 90d unseen',
    );
    // The boundary: 1.5x is allowed, just above is not.
    expect(burnRateRuleViolations({ periodSeconds: p, tiers: [tier('ticket', DAY, 1.5, p)] })).toEqual([]);
    expect(burnRateRuleViolations({ periodSeconds: p, tiers: [tier('ticket', DAY, 1.51, p)] })).toHaveLength(1);
  });
});

describe('burnRateRuleViolations: boundaries and what each warning says', () => {
  const p = 30 * DAY;
  const tier = (severity: 'page' | 'ticket', long: number, burnRate: number) => ({
    ...makeTier(severity, long, (burnRate * long) / p, p),
    burnRate,
  });

  it('tolerates a tier at exactly 0.9x', () => {
    expect(
      burnRateRuleViolations({ periodSeconds: p, tiers: [tier('page', 3600, 14.4), tier('ticket', 3 * DAY, 0.9)] }),
    ).toEqual([]);
  });

  it('a page under 0.9x is told to page at 3x, a ticket to fire at 1x', () => {
    const v = burnRateRuleViolations({
      periodSeconds: p,
      tiers: [tier('page', 3600, 0.5), tier('ticket', 3 * DAY, 0.5)],
    });
    expect(v.map((x) => [x.tier, x.rule, x.suggestedBurnRate, x.hint])).toEqual([
      ['page-1h', 'tier-below-0.9x', 3, 'page at 3x or more; about 0.9x is tolerated'],
      ['ticket-3d', 'tier-below-0.9x', 1, 'fire at 1x or more; about 0.9x is tolerated'],
    ]);
    expect(v[0].message).toBe(
      'tier page-1h pages at 0.5x: burns from 0.5x to 1x alert needlessly, they never exhaust the 30d budget ' +
        '(a steady 0.5x burn leaves 50 % of it)',
    );
    expect(v[1].message).toMatch(/^tier ticket-3d fires at 0\.5x: /);
  });

  it('a policy without tiers breaks no rule', () => {
    expect(burnRateRuleViolations({ periodSeconds: p, tiers: [] })).toEqual([]);
  });

  it('points at the slowest tier wherever it is written, the first of two equally slow ones', () => {
    const slowFirst = burnRateRuleViolations({
      periodSeconds: p,
      tiers: [tier('ticket', 3 * DAY, 3), tier('page', 3600, 14.4)],
    });
    expect(slowFirst.map((x) => [x.tierIndex, x.tier, x.rule])).toEqual([[0, 'ticket-3d', 'slowest-above-1.5x']]);
    const tie = burnRateRuleViolations({
      periodSeconds: p,
      tiers: [tier('ticket', DAY, 2), tier('ticket', 3 * DAY, 2)],
    });
    expect(tie.map((x) => [x.tierIndex, x.tier])).toEqual([[0, 'ticket-1d']]);
  });
});
