import { defaultBurnRatePolicy, detectionTime, makeTier } from '../../src/math';
import { parseScenario, ScenarioError, simulate, simulationToText } from '../../src/simulate';

const PERIOD = 30 * 86400;
const policy = defaultBurnRatePolicy(PERIOD);
const base = { objective: 0.999, periodSeconds: PERIOD };

describe('scenario specs', () => {
  it('parses the four kinds and combinations', () => {
    expect(parseScenario('outage:100%:15m').parts).toEqual([{ kind: 'outage', errorRatio: 1, seconds: 900 }]);
    expect(parseScenario('flap:50%:5m/1h').parts).toEqual([
      { kind: 'flap', errorRatio: 0.5, onSeconds: 300, everySeconds: 3600, seconds: undefined },
    ]);
    expect(parseScenario('baseline:0.05%+degradation:2%:6h').parts).toEqual([
      { kind: 'baseline', errorRatio: 0.0005 },
      { kind: 'degradation', errorRatio: 0.02, seconds: 21600 },
    ]);
  });

  it('explains bad specs', () => {
    expect(() => parseScenario('outage:150%:15m')).toThrow(ScenarioError);
    expect(() => parseScenario('outage:100%:soon')).toThrow('"outage:100%:soon": duration "soon" is not a duration');
    expect(() => parseScenario('meteor:1%')).toThrow(/unknown scenario "meteor"/);
    expect(() => parseScenario('flap:50%:1h/5m')).toThrow(/on-time must be shorter/);
  });
});

describe('simulate against the published detection times (99.9 %, 30 d)', () => {
  const result = simulate(parseScenario('outage:100%:15m'), [{ name: 'default', policy }], base);
  const tiers = Object.fromEntries(result.policies[0].tiers.map((t) => [t.tier, t]));

  it('detects a full outage on every tier within one step of the closed form', () => {
    expect(result.stepSeconds).toBe(5);
    // REFERENCE.md: the 1 h tier fires after 2 % of the budget, 0.0144 x 3600 = 51.84 s.
    expect(Math.abs((tiers['page-1h'].detectionSeconds ?? NaN) - 51.84)).toBeLessThanOrEqual(5);
    for (const tier of policy.tiers) {
      const closed = detectionTime(tier, 0.999, 1, PERIOD);
      const got = tiers[tier.name].detectionSeconds ?? NaN;
      expect(got).toBeGreaterThanOrEqual(closed.seconds);
      expect(got - closed.seconds).toBeLessThanOrEqual(result.stepSeconds);
      // Budget spent at detection is the tier's budget fraction (2 %, 5 %, 10 %, 10 %), within one step.
      expect(tiers[tier.name].budgetSpentAtDetection).toBeCloseTo(tier.budgetFraction, 2);
    }
  });

  it('resets the page tier about a short window after recovery, not a long window', () => {
    const reset = tiers['page-1h'].resetSeconds ?? NaN;
    // The 5 m window clears at 5m x (1 - 0.0144): 295.7 s.
    expect(reset).toBeGreaterThan(290);
    expect(reset).toBeLessThanOrEqual(300);
    expect(result.policies[0].missedIncidents).toBe(0);
    expect(result.policies[0].falseAlerts).toBe(0);
  });

  it('stays quiet when the burn rate is below 1, while a noisy plain alarm fires', () => {
    const quiet = simulate(parseScenario('baseline:0.05%'), [{ name: 'default', policy }], {
      ...base,
      requestsPerMinute: 20,
      noiseSeed: 7,
      durationSeconds: 86400,
    });
    expect(quiet.significantIncidents).toBe(0);
    expect(quiet.policies[0].tiers.every((t) => t.alerts === 0)).toBe(true);
    expect(quiet.plain.falseAlerts).toBeGreaterThan(0);
  });

  it('catches a 2 % degradation with the page-6h tier and a flap with the page tiers', () => {
    const degraded = simulate(parseScenario('degradation:2%:6h'), [{ name: 'default', policy }], base);
    const d = Object.fromEntries(degraded.policies[0].tiers.map((t) => [t.tier, t]));
    // 2 % is burn 20: the 1 h tier (14.4) fires at 0.72 h, the 6 h tier (6) at 1.8 h.
    expect(d['page-1h'].detectionSeconds).toBeCloseTo(0.72 * 3600, -1);
    expect(d['page-6h'].detectionSeconds).toBeCloseTo(1.8 * 3600, -1);

    const flap = simulate(parseScenario('flap:50%:5m/1h'), [{ name: 'default', policy }], base);
    expect(flap.significantIncidents).toBe(24);
    expect(flap.policies[0].missedIncidents).toBe(0);
  });

  it('compares two policies side by side', () => {
    const slow = { periodSeconds: PERIOD, tiers: [makeTier('page', 6 * 3600, 0.05, PERIOD)] };
    const both = simulate(
      parseScenario('outage:100%:15m'),
      [
        { name: 'default', policy },
        { name: 'slow', policy: slow },
      ],
      base,
    );
    expect(both.policies.map((p) => p.name)).toEqual(['default', 'slow']);
    expect(both.policies[1].tiers[0].detectionSeconds).toBe(both.policies[0].tiers[1].detectionSeconds);
    const text = simulationToText(both);
    expect(text).toMatch(/^default\s+page-1h\s+page\s+x14\.4\s+55s\s+2\.12 %/m);
    expect(text).toMatch(/^slow\s+page-6h/m);
    expect(text).toContain('plain error-rate alarm: 0 of 1 significant incident(s) missed');
  });
});

describe('simulate: the default policy for 7 d and 90 d', () => {
  const DAY = 86400;
  // What defaultBurnRatePolicy did before the burn-rate rules: the 30 d budget fractions at any period.
  const thirtyDayFractions = (period: number) => ({
    periodSeconds: period,
    tiers: [
      makeTier('page', 3600, 0.02, period),
      makeTier('page', 6 * 3600, 0.05, period),
      makeTier('ticket', DAY, 0.1, period),
      makeTier('ticket', 3 * DAY, 0.1, period),
    ],
  });
  const run = (scenario: string, period: number, durationSeconds?: number) =>
    simulate(
      parseScenario(scenario),
      [
        { name: 'default', policy: defaultBurnRatePolicy(period) },
        { name: 'thirty-day-fractions', policy: thirtyDayFractions(period) },
      ],
      { objective: 0.999, periodSeconds: period, stepSeconds: 60, ...(durationSeconds ? { durationSeconds } : {}) },
    );

  it('7 d: a steady 0.9x burn for 4 days raises no alert (the 30 d fractions raised false ones)', () => {
    const r = run('baseline:0.09%', 7 * DAY, 4 * DAY);
    expect(r.significantIncidents).toBe(0);
    const [fixed, old] = r.policies;
    expect(fixed.falseAlerts).toBe(0);
    expect(fixed.tiers.every((t) => t.alerts === 0)).toBe(true);
    expect(old.falseAlerts).toBeGreaterThan(0);
  });

  it('90 d: a 2.9x burn for 20 days is ticketed (the 30 d fractions missed it)', () => {
    const period = 90 * DAY;
    const r = run('degradation:0.29%:20d', period);
    expect(r.significantIncidents).toBe(1);
    const [fixed, old] = r.policies;
    expect(old.missedIncidents).toBe(1);
    expect(fixed.missedIncidents).toBe(0);
    expect(fixed.falseAlerts).toBe(0);
    const caught = fixed.tiers.filter((t) => t.detectionSeconds !== undefined);
    expect(caught.map((t) => t.severity)).toEqual(['ticket']);
    // The 1x tier over 3 d crosses after 3d / 2.9; within a step of the closed form.
    const closed = detectionTime(defaultBurnRatePolicy(period).tiers[3], 0.999, 0.0029, period).seconds;
    expect(Math.abs((caught[0].detectionSeconds ?? NaN) - closed)).toBeLessThanOrEqual(r.stepSeconds);
  });
});
