/** The low-traffic guard's arithmetic (math/guard.ts), held to its promises over objectives and periods. */
import {
  defaultBurnRatePolicy,
  errorsToFire,
  guardedErrorRatio,
  outageDetectionAtTraffic,
  tierThreshold,
  withMinEvents,
} from '../src/math';

const DAY = 86400;

describe.each([0.9, 0.99, 0.995, 0.999, 0.9995, 0.9999])('default guard at objective %p', (objective) => {
  describe.each([7, 28, 30, 90])('%p-day period', (days) => {
    const policy = withMinEvents(defaultBurnRatePolicy(days * DAY), objective, undefined);
    // Tiers that cannot fire at all at this objective (14.4x at 90 %) are validate's business, not the guard's.
    const pages = policy.tiers.filter((t) => t.severity === 'page' && tierThreshold(t, objective) < 1);
    const slowest = pages.reduce(
      (a, b) => (tierThreshold(b, objective) < tierThreshold(a, objective) ? b : a),
      pages[0],
    );
    if (!slowest) {
      it('has no page that can fire', () => expect(pages).toEqual([]));
      return;
    }

    it('one failed request never pages, at any traffic', () => {
      for (const t of pages)
        for (const events of [1, 2, 10, 100, t.minEvents! - 1, t.minEvents!, 10 * t.minEvents!])
          expect(guardedErrorRatio(1, events, t.minEvents!)).toBeLessThanOrEqual(tierThreshold(t, objective));
    });

    it('two failed requests page through the slowest page below N events', () => {
      expect(errorsToFire(slowest, objective, 0)).toBe(2);
      expect(guardedErrorRatio(2, slowest.minEvents! / 2, slowest.minEvents!)).toBeGreaterThan(
        tierThreshold(slowest, objective),
      );
    });

    it('changes nothing at N events or more', () => {
      for (const t of policy.tiers) {
        const n = t.minEvents!;
        expect(guardedErrorRatio(7, n, n)).toBe(7 / n);
        expect(guardedErrorRatio(7, 3 * n, n)).toBe(7 / (3 * n));
      }
    });

    it('a full outage at 20 requests an hour pages after two failed requests below N, as unguarded above it', () => {
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
