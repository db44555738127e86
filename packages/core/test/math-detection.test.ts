import fc from 'fast-check';
import { budgetSpentAfter, defaultBurnRatePolicy, detectionTime, resetTime, tierThreshold } from '../src/math';

const DAY = 86400;
const P30 = 30 * DAY;
const [page1h, page6h, ticket1d, ticket3d] = defaultBurnRatePolicy(P30).tiers;

describe('detectionTime', () => {
  it('a full outage at 99.9 %/30 d is detected by the 1 h tier in 0.0144 x 3600 = 51.84 s', () => {
    const d = detectionTime(page1h, 0.999, 1, P30);
    expect(d.seconds).toBeCloseTo(51.84, 9);
    expect(d.longWindowSeconds).toBeCloseTo(51.84, 9);
    expect(d.shortWindowSeconds).toBeCloseTo(0.0144 * 300, 9);
    expect(d.budgetSpent).toBeCloseTo(0.02, 9);
  });

  it.each([
    [page6h, 0.006 * 21600],
    [ticket1d, 0.003 * 86400],
    [ticket3d, 0.001 * 259200],
  ])('full outage for %o', (tier, seconds) => {
    expect(detectionTime(tier, 0.999, 1, P30).seconds).toBeCloseTo(seconds, 6);
  });

  it('a 2x-threshold burn on the 1 h tier takes half the long window', () => {
    expect(detectionTime(page1h, 0.999, 2 * 0.0144, P30).seconds).toBeCloseTo(1800, 6);
  });

  it('never fires below the threshold, or for a tier that cannot fire', () => {
    expect(detectionTime(page1h, 0.999, 0.01, P30)).toMatchObject({ seconds: Infinity, budgetSpent: 0 });
    expect(detectionTime(page1h, 0.9, 1, P30).seconds).toBe(Infinity);
    expect(detectionTime(page1h, 0.999, 0, P30).seconds).toBe(Infinity);
  });

  it('no errors never fire a tier, even one whose threshold is 0', () => {
    const zero = { ...page1h, burnRate: 0 };
    expect(detectionTime(zero, 0.999, 0, P30)).toMatchObject({ seconds: Infinity, budgetSpent: 0 });
    expect(detectionTime(zero, 0.999, 0.001, P30).seconds).toBe(0);
  });

  const objective = fc.double({ min: 0.9, max: 0.9999, noNaN: true });
  const tier = fc.constantFrom(page1h, page6h, ticket1d, ticket3d);

  it('detection time decreases as the error ratio increases', () => {
    fc.assert(
      fc.property(
        tier,
        objective,
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (t, o, a, b) => {
          const thr = tierThreshold(t, o);
          fc.pre(thr < 1);
          const [lo, hi] = [thr + (1 - thr) * Math.min(a, b), thr + (1 - thr) * Math.max(a, b)];
          fc.pre(hi - lo > 1e-9 && lo > 0);
          expect(detectionTime(t, o, hi, P30).seconds).toBeLessThan(detectionTime(t, o, lo, P30).seconds);
        },
      ),
    );
  });

  it('budget spent at detection is the tier budget fraction, for any error ratio that fires', () => {
    fc.assert(
      fc.property(tier, objective, fc.double({ min: 0, max: 1, noNaN: true }), (t, o, x) => {
        const thr = tierThreshold(t, o);
        fc.pre(thr < 1);
        const e = thr + (1 - thr) * x;
        expect(detectionTime(t, o, e, P30).budgetSpent).toBeCloseTo(t.budgetFraction, 9);
      }),
    );
  });

  it('the short window never detects later than the long one', () => {
    fc.assert(
      fc.property(tier, objective, fc.double({ min: 0, max: 1, noNaN: true }), (t, o, e) => {
        const d = detectionTime(t, o, e, P30);
        expect(d.shortWindowSeconds).toBeLessThanOrEqual(d.longWindowSeconds);
        expect(d.seconds).toBe(d.longWindowSeconds);
      }),
    );
  });
});

describe('resetTime', () => {
  it('the 1 h tier stops paging once the 5 m window clears: 300 x (1 - 0.0144) s after a full outage', () => {
    const r = resetTime(page1h, 0.999, 1);
    expect(r.shortWindowSeconds).toBeCloseTo(300 * (1 - 0.0144), 9);
    expect(r.longWindowSeconds).toBeCloseTo(3600 * (1 - 0.0144), 9);
    expect(r.seconds).toBe(r.shortWindowSeconds);
  });

  it('is 0 when the incident was too short to fire the tier', () => {
    expect(resetTime(page1h, 0.999, 1, 50).seconds).toBe(0);
    expect(resetTime(page1h, 0.999, 1, 60).seconds).toBeGreaterThan(0);
  });

  it('a short incident clears the long window by the time the window no longer holds enough of it', () => {
    // 120 s of full outage: the 1 h window holds 120 s of errors until 3600 - 120 s... it must drop below 51.84 s.
    const r = resetTime(page1h, 0.999, 1, 120);
    expect(r.longWindowSeconds).toBeCloseTo(3600 - 51.84, 6);
    expect(r.shortWindowSeconds).toBeCloseTo(300 - 4.32, 6);
  });

  it('has nothing to reset below the threshold: the tier never fired', () => {
    expect(resetTime(page1h, 0.999, 0.01)).toEqual({ longWindowSeconds: 0, shortWindowSeconds: 0, seconds: 0 });
  });

  it('after an incident too short to fire, only the windows it pushed above the threshold have anything to clear', () => {
    // 50 s of full outage: the 1 h window holds 50/3600 = 1.39 % < 1.44 %, the 5 m one 16.7 %.
    expect(resetTime(page1h, 0.999, 1, 50)).toEqual({
      longWindowSeconds: 0,
      shortWindowSeconds: expect.closeTo(300 * (1 - 0.0144), 9),
      seconds: 0,
    });
  });

  it('at twice the threshold each window clears after half its length', () => {
    const r = resetTime(page1h, 0.999, 2 * 0.0144);
    expect(r.longWindowSeconds).toBeCloseTo(1800, 6);
    expect(r.shortWindowSeconds).toBeCloseTo(150, 6);
    expect(r.seconds).toBeCloseTo(150, 6);
  });

  it('a window that the incident filled exactly to the threshold, not above it, is already clear', () => {
    // Threshold 50 %: 30 minutes of full outage is exactly half of the 1 h window.
    const half = { burnRate: 1, longWindowSeconds: 3600, shortWindowSeconds: 300 };
    expect(resetTime(half, 0.5, 1, 1800)).toEqual({ longWindowSeconds: 0, shortWindowSeconds: 150, seconds: 0 });
  });

  it('budgetSpentAfter: 43.2 minutes of full outage spend the whole 99.9 %/30 d budget', () => {
    expect(budgetSpentAfter(1, 43.2 * 60, 0.999, P30)).toBeCloseTo(1, 9);
  });
});
