/** The low-traffic guard's arithmetic (math/guard.ts), held to its promises over objectives and periods. */
import {
  defaultBurnRatePolicy,
  defaultMinEvents,
  errorsToFire,
  guardedErrorRatio,
  guardTrafficPerHour,
  makeTier,
  outageDetectionAtTraffic,
  tierMinEvents,
  tierThreshold,
  withMinEvents,
} from '../src/math';

const DAY = 86400;

/**
 * The default policy of the period with the default guard, built inside each test: code that runs while jest
 * collects the tests belongs to no test, so Stryker's per-test coverage never ran these tests against the guard.
 */
const guarded = (objective: number, days: number) => {
  const policy = withMinEvents(defaultBurnRatePolicy(days * DAY), objective, undefined);
  // Tiers that cannot fire at all at this objective (14.4x at 90 %) are validate's business, not the guard's.
  const pages = policy.tiers.filter((t) => t.severity === 'page' && tierThreshold(t, objective) < 1);
  const slowest = pages.reduce((a, b) => (tierThreshold(b, objective) < tierThreshold(a, objective) ? b : a), pages[0]);
  return { policy, pages, slowest };
};

describe.each([0.9, 0.99, 0.995, 0.999, 0.9995, 0.9999])('default guard at objective %p', (objective) => {
  describe.each([7, 28, 30, 90])('%p-day period', (days) => {
    if (!guarded(objective, days).slowest) {
      it('has no page that can fire', () => expect(guarded(objective, days).pages).toEqual([]));
      return;
    }

    it('one failed request never pages, at any traffic', () => {
      const { pages } = guarded(objective, days);
      for (const t of pages)
        for (const events of [1, 2, 10, 100, t.minEvents! - 1, t.minEvents!, 10 * t.minEvents!])
          expect(guardedErrorRatio(1, events, t.minEvents!)).toBeLessThanOrEqual(tierThreshold(t, objective));
    });

    it('two failed requests page through the slowest page below N events', () => {
      const { slowest } = guarded(objective, days);
      expect(errorsToFire(slowest, objective, 0)).toBe(2);
      expect(guardedErrorRatio(2, slowest.minEvents! / 2, slowest.minEvents!)).toBeGreaterThan(
        tierThreshold(slowest, objective),
      );
    });

    it('changes nothing at N events or more', () => {
      for (const t of guarded(objective, days).policy.tiers) {
        const n = t.minEvents!;
        expect(guardedErrorRatio(7, n, n)).toBe(7 / n);
        expect(guardedErrorRatio(7, 3 * n, n)).toBe(7 / (3 * n));
      }
    });

    it('a full outage at 20 requests an hour pages after two failed requests below N, as unguarded above it', () => {
      const { slowest } = guarded(objective, days);
      const perHour = 20;
      const eventsInWindow = (perHour * slowest.longWindowSeconds) / 3600;
      const bound = outageDetectionAtTraffic(slowest, objective, perHour);
      const unguarded = outageDetectionAtTraffic({ ...slowest, minEvents: 0 }, objective, perHour);
      if (eventsInWindow < 2) expect(bound).toBe(Infinity);
      else if (eventsInWindow < slowest.minEvents!) expect(bound).toBe((2 * 3600) / perHour);
      else expect(bound).toBe(unguarded);
      // The guard never makes a full outage wait longer than two failed requests or the unguarded tier.
      expect(bound).toBeLessThanOrEqual(Math.max((2 * 3600) / perHour, unguarded));
    });
  });
});

describe('default N: from the slowest page that can fire', () => {
  const tier = (severity: 'page' | 'ticket', burnRate: number) => ({ severity, burnRate });

  it('is 250 at 99.9 % over 30 d: 1.5 / the 6x page threshold of 0.6 %, not the 14.4x one', () => {
    expect(defaultMinEvents(defaultBurnRatePolicy(30 * DAY).tiers, 0.999)).toBe(250);
  });

  it('falls back to the lowest ticket threshold when no tier pages', () => {
    // 1.5 / (1 x 0.1 %) = 1500.
    expect(defaultMinEvents([tier('ticket', 3), tier('ticket', 1)], 0.999)).toBe(1500);
  });

  it('ignores a page that cannot fire at the objective, as if the policy had no page', () => {
    // At 90 % the 14.4x page needs an error ratio of 1.44; the 1x ticket (10 %) sets N = 1.5 / 0.1 = 15.
    expect(defaultMinEvents([tier('page', 14.4), tier('ticket', 1)], 0.9)).toBe(15);
  });

  it('is 0, no guard, when no tier can fire at all', () => {
    expect(defaultMinEvents([tier('page', 14.4), tier('ticket', 12)], 0.9)).toBe(0);
    expect(defaultMinEvents([], 0.999)).toBe(0);
  });
});

describe('guard edges', () => {
  it('a tier without a positive minEvents has no guard', () => {
    expect(tierMinEvents({})).toBe(0);
    expect(tierMinEvents({ minEvents: 0 })).toBe(0);
    expect(tierMinEvents({ minEvents: -5 })).toBe(0);
    expect(tierMinEvents({ minEvents: 40 })).toBe(40);
  });

  it('a window without traffic reads 0, guarded or not (no traffic is not an error)', () => {
    expect(guardedErrorRatio(0, 0, 0)).toBe(0);
    expect(guardedErrorRatio(0, 0, 250)).toBe(0);
  });

  it('the guard matters below N events per long window: 250 an hour for 1 h, 41.7 for 6 h', () => {
    expect(guardTrafficPerHour({ minEvents: 250, longWindowSeconds: 3600 })).toBe(250);
    expect(guardTrafficPerHour({ minEvents: 250, longWindowSeconds: 6 * 3600 })).toBeCloseTo(250 / 6, 12);
    expect(guardTrafficPerHour({ longWindowSeconds: 3600 })).toBe(0);
  });

  const page1h = { ...defaultBurnRatePolicy(30 * DAY).tiers[0], minEvents: 250 };

  it('a full outage never fires without traffic, or when the long window cannot hold the errors it needs', () => {
    for (const perHour of [0, -20, NaN]) expect(outageDetectionAtTraffic(page1h, 0.999, perHour)).toBe(Infinity);
    // 14.4 x 0.1 % x 250 = 3.6: four failed requests, and one an hour never fills the 1 h window with them.
    expect(errorsToFire(page1h, 0.999, 1)).toBe(4);
    expect(outageDetectionAtTraffic(page1h, 0.999, 1)).toBe(Infinity);
    expect(outageDetectionAtTraffic(page1h, 0.999, 4)).toBe(3600);
  });

  it('fires when the long window holds exactly the failed requests it needs', () => {
    // Threshold 50 %: two events in the window, both failed, are above it; they arrive 30 minutes apart.
    const half = { ...makeTier('page', 3600, 0, 30 * DAY), burnRate: 5 };
    expect(errorsToFire(half, 0.9, 2)).toBe(2);
    expect(outageDetectionAtTraffic(half, 0.9, 2)).toBe(3600);
  });
});
