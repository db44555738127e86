/**
 * `sre simulate` with the low-traffic guard, on pyrra#1925's case: a 99.9 % 30 d SLO at 20 requests an hour.
 * The guarded policy is the default one with the guard math/guard.ts gives it (what the spec parser attaches);
 * the unguarded one is the same policy without it, to show the input really is the case that pages today.
 */
import { defaultBurnRatePolicy, errorsToFire, outageDetectionAtTraffic, withMinEvents } from '../../src/math';
import { parseScenario, simulate } from '../../src/simulate';

const PERIOD = 30 * 86400;
const OBJECTIVE = 0.999;
const PER_HOUR = 20;
const options = { objective: OBJECTIVE, periodSeconds: PERIOD, requestsPerMinute: PER_HOUR / 60 };
const unguarded = defaultBurnRatePolicy(PERIOD);
const guarded = withMinEvents(unguarded, OBJECTIVE, undefined);

const run = (scenario: string) =>
  simulate(
    parseScenario(scenario),
    [
      { name: 'guarded', policy: guarded },
      { name: 'unguarded', policy: unguarded },
    ],
    options,
  );
const pages = (outcome: { tiers: readonly { severity: string; alerts: number }[] }) =>
  outcome.tiers.filter((t) => t.severity === 'page').reduce((n, t) => n + t.alerts, 0);

describe('simulate: the low-traffic guard at 20 requests an hour', () => {
  it('does not page on one failed request, which pages without the guard', () => {
    // 3 minutes of 100 % errors at 20 an hour is exactly one failed request.
    const result = run('outage:100%:3m');
    const [withGuard, without] = result.policies;
    expect(pages(withGuard)).toBe(0);
    expect(pages(without)).toBeGreaterThan(0);
    // Nothing at all fires with the guard: every window is full after the warm-up, tickets included.
    expect(withGuard.tiers.every((t) => t.alerts === 0)).toBe(true);
  });

  it('pages a real outage within the bound the guard math states', () => {
    const pageTiers = guarded.tiers.filter((t) => t.severity === 'page');
    const bound = Math.min(...pageTiers.map((t) => outageDetectionAtTraffic(t, OBJECTIVE, PER_HOUR)));
    // Two failed requests, 3 minutes apart: 6 minutes (the fluid model here spreads them evenly, so it is at most that).
    expect(bound).toBe(errorsToFire(pageTiers[1], OBJECTIVE, (PER_HOUR * pageTiers[1].longWindowSeconds) / 3600) * 180);
    const result = run('outage:100%:1h');
    const withGuard = result.policies[0];
    const detected = withGuard.tiers
      .filter((t) => t.severity === 'page' && t.detectionSeconds !== undefined)
      .map((t) => t.detectionSeconds!);
    expect(detected.length).toBeGreaterThan(0);
    expect(Math.min(...detected)).toBeLessThanOrEqual(bound + result.stepSeconds);
    expect(withGuard.missedIncidents).toBe(0);
  });
});
