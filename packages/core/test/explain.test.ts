import { defaultBurnRatePolicy, explainSlo, withMinEvents } from '../src/math';
import { availabilitySlo } from './fixtures';

describe('explainSlo', () => {
  it('99.9 % over 30 d: tiers 14.4/6/3/1, thresholds, and a full outage detected by the 1 h tier in ~52 s', () => {
    const e = explainSlo(availabilitySlo());
    expect(e).toMatchObject({ objective: 0.999, period: '30d', periodSeconds: 2592000, rolling: true });
    expect(e.budget.ratio).toBeCloseTo(0.001, 12);
    expect(e.budget.minutes).toBeCloseTo(43.2, 9);
    expect(e.budget.fullOutageExhaustionSeconds).toBeCloseTo(43.2 * 60, 6);
    expect(e.budget.doubleBurnExhaustionSeconds).toBeCloseTo(15 * 86400, 3);
    expect(e.tiers.map((t) => [t.name, t.longWindow, t.shortWindow, t.burnRate])).toEqual([
      ['page-1h', '1h', '5m', 14.4],
      ['page-6h', '6h', '30m', 6],
      ['ticket-1d', '1d', '2h', 3],
      ['ticket-3d', '3d', '6h', 1],
    ]);
    [0.0144, 0.006, 0.003, 0.001].forEach((thr, i) => expect(e.tiers[i].threshold).toBeCloseTo(thr, 12));
    expect(e.tiers[0].fullOutage.detectionSeconds).toBeCloseTo(51.84, 9);
    expect(e.tiers[0].fullOutage.budgetSpent).toBeCloseTo(0.02, 9);
    expect(e.tiers[0].fullOutage.resetSeconds).toBeCloseTo(295.68, 9);
  });

  it('a 2x burn (error ratio 0.002) is caught only by the x1 tier, after 1.5 days and 10 % of the budget', () => {
    const e = explainSlo(availabilitySlo());
    expect(e.tiers.map((t) => t.doubleBurn.detectionSeconds === null)).toEqual([true, true, true, false]);
    expect(e.tiers[3].doubleBurn.errorRatio).toBeCloseTo(0.002, 12);
    expect(e.tiers[3].doubleBurn.detectionSeconds).toBeCloseTo(1.5 * 86400, 3);
    expect(e.tiers[3].doubleBurn.budgetSpent).toBeCloseTo(0.1, 9);
    // JSON-safe: "never" is null, not Infinity (which JSON turns into null silently elsewhere).
    expect(JSON.parse(JSON.stringify(e))).toEqual(e);
  });

  it('marks tiers that cannot fire at 90 %', () => {
    const slo = { ...availabilitySlo(), objective: 0.9 };
    const e = explainSlo(slo);
    expect(e.tiers[0]).toMatchObject({ canFire: false, fullOutage: { detectionSeconds: null, budgetSpent: null } });
    expect(e.tiers[1].canFire).toBe(true);
  });

  const explainFor = (days: number) => {
    const base = availabilitySlo();
    const period = days * 86400;
    return explainSlo({
      ...base,
      period: { seconds: period, rolling: true },
      alerting: { ...base.alerting, policy: defaultBurnRatePolicy(period) },
    });
  };

  it('derives the tiers of a 7 d SLO from its own policy', () => {
    const e = explainFor(7);
    expect(e.period).toBe('7d');
    expect(e.tiers.map((t) => t.burnRate)).toEqual([3.36, 3, 1, 1]);
  });

  it.each([1, 7, 28, 30, 90])(
    'at %p d only tickets see a 2x burn, and one does before 90 %% of the budget is gone',
    (days) => {
      const e = explainFor(days);
      for (const t of e.tiers) if (t.severity === 'page') expect(t.doubleBurn.detectionSeconds).toBeNull();
      const seen = e.tiers.filter((t) => t.doubleBurn.detectionSeconds !== null);
      expect(seen.length).toBeGreaterThan(0);
      // At 1 d the 1x ticket over the whole period sees a 2x burn only when it has spent the budget: the 6 h page
      // at 3x is what stands between a 1 d SLO and exhaustion, so the bound is checked from 7 d up.
      if (days >= 7) expect(Math.min(...seen.map((t) => t.doubleBurn.budgetSpent ?? 1))).toBeLessThan(0.9);
    },
  );

  it('states the low-traffic guard of each tier in requests per hour, and nothing for an unguarded tier', () => {
    const base = availabilitySlo();
    expect(explainSlo(base).tiers.map((t) => t.lowTraffic)).toEqual([null, null, null, null]);
    const policy = withMinEvents(base.alerting.policy, 0.999, undefined);
    const e = explainSlo({ ...base, alerting: { ...base.alerting, policy } });
    // N = 250 events per long window; a tier needs floor(threshold x 250) + 1 failed requests in it below that.
    const rows = e.tiers.map((t) => [
      t.name,
      t.lowTraffic?.minEvents,
      t.lowTraffic?.mattersBelowPerHour,
      t.lowTraffic?.errorsToFire,
      t.lowTraffic?.neverFiresBelowPerHour,
    ]);
    expect(rows).toEqual([
      ['page-1h', 250, 250, 4, 4],
      ['page-6h', 250, expect.closeTo(250 / 6, 9), 2, expect.closeTo(2 / 6, 9)],
      ['ticket-1d', 250, expect.closeTo(250 / 24, 9), 1, expect.closeTo(1 / 24, 9)],
      ['ticket-3d', 250, expect.closeTo(250 / 72, 9), 1, expect.closeTo(1 / 72, 9)],
    ]);
  });
});
