import type { BurnRateTier, Slo } from '../src/model/slo';
import {
  alarmMetricCount,
  cloudWatchPeriodProblem,
  cloudWatchWindow,
  defaultBurnRatePolicy,
  errorRatioQuery,
  planSloAlarms,
  planTierSuppression,
  windowAlarmSources,
  withMinEvents,
} from '../src/math';
import { albMetric as alb, slo } from './fixtures';

const prometheus = (query: string) => ({ type: 'Prometheus' as const, query });

/** The CloudWatch plan of an SLO; fails the test, with the reason, when there is none. */
function cloudWatchPlan(s: Slo) {
  const plan = planSloAlarms(s);
  if (plan.kind !== 'cloudwatch') throw new Error(plan.reason);
  return plan;
}

/** A custom tier, named as the spec names it. */
const tier = (name: string, long: number, short: number, burnRate: number, minEvents?: number): BurnRateTier => ({
  name,
  severity: name.startsWith('page') ? 'page' : 'ticket',
  longWindowSeconds: long,
  shortWindowSeconds: short,
  burnRate,
  budgetFraction: 0.05,
  ...(minEvents === undefined ? {} : { minEvents }),
});

const withTiers = (tiers: BurnRateTier[]): Slo => {
  const base = slo({ kind: 'ratio', bad: alb('HTTPCode_ELB_5XX_Count'), total: alb('RequestCount') });
  return { ...base, alerting: { ...base.alerting, policy: { periodSeconds: 30 * 86400, tiers } } };
};

describe('cloudWatchWindow', () => {
  it.each([300, 1800, 3600, 7200, 21600, 86400, 259200])('window %d s is one period of itself', (w) => {
    expect(cloudWatchWindow(w)).toMatchObject({
      periodSeconds: w,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      highResolution: false,
    });
  });

  it('rejects windows CloudWatch cannot evaluate', () => {
    expect(() => cloudWatchWindow(8 * 86400)).toThrow(/604800/);
    expect(() => cloudWatchWindow(90)).toThrow(/multiple of 60/);
  });

  it('knows the period x evaluation limits', () => {
    expect(cloudWatchPeriodProblem(60, 1440)).toBeUndefined();
    expect(cloudWatchPeriodProblem(60, 1441)).toMatch(/86400/);
    expect(cloudWatchPeriodProblem(3600, 168)).toBeUndefined();
    expect(cloudWatchPeriodProblem(3600, 169)).toMatch(/604800/);
    expect(cloudWatchPeriodProblem(10, 3)).toBeUndefined();
    expect(cloudWatchPeriodProblem(60, 0)).toMatch(/evaluation periods/);
  });

  it('refuses a fractional, zero or negative period', () => {
    expect(cloudWatchPeriodProblem(1.5)).toBe('period 1.5 is not a whole number of seconds');
    expect(cloudWatchPeriodProblem(0)).toBeDefined();
    expect(cloudWatchPeriodProblem(-60)).toBeDefined();
  });

  it('windows under a minute make high-resolution alarms, a minute and more do not', () => {
    expect(cloudWatchWindow(10).highResolution).toBe(true);
    expect(cloudWatchWindow(30).highResolution).toBe(true);
    expect(cloudWatchWindow(60).highResolution).toBe(false);
  });

  it('says how the alarm reads the window', () => {
    expect(cloudWatchWindow(3600).note).toMatch(
      /^one period equal to the window, 1 of 1 datapoints.*bad\/total over the last window$/,
    );
  });
});

describe('errorRatioQuery', () => {
  it('bad over total, FILLing missing error counts', () => {
    const q = errorRatioQuery({ kind: 'ratio', bad: alb('HTTPCode_ELB_5XX_Count'), total: alb('RequestCount') })!;
    expect(Object.keys(q.metrics)).toEqual(['total', 'bad']);
    expect(q.errorRatio.expression).toBe('IF(total > 0, FILL(bad, 0) / total, 0)');
  });

  it('renames expression ids and fetches a shared metric once', () => {
    const q = errorRatioQuery({
      kind: 'ratio',
      bad: {
        type: 'CloudWatch',
        kind: 'expression',
        expression: 'e5 + t5',
        metrics: { e5: alb('HTTPCode_ELB_5XX_Count'), t5: alb('HTTPCode_Target_5XX_Count') },
      },
      total: { type: 'CloudWatch', kind: 'expression', expression: 'm1', metrics: { m1: alb('RequestCount') } },
    })!;
    expect(q.metrics).toEqual({
      total_m1: alb('RequestCount'),
      bad_e5: alb('HTTPCode_ELB_5XX_Count'),
      bad_t5: alb('HTTPCode_Target_5XX_Count'),
    });
    expect(q.steps).toEqual([
      { id: 'total', expression: 'total_m1' },
      { id: 'bad', expression: 'bad_e5 + bad_t5' },
    ]);
    const latency = errorRatioQuery({
      kind: 'ratio',
      good: alb('TargetResponseTime', 'TC(:0.3)'),
      total: alb('TargetResponseTime', 'SampleCount'),
    })!;
    expect(Object.keys(latency.metrics)).toHaveLength(2);
    expect(latency.errorRatio.expression).toBe('IF(total > 0, (total - FILL(good, 0)) / total, 0)');
    const same = errorRatioQuery({ kind: 'ratio', good: alb('RequestCount'), total: alb('RequestCount') })!;
    expect(Object.keys(same.metrics)).toEqual(['total']);
    expect(same.errorRatio.expression).toContain('FILL(total, 0)');
  });

  it('renames ids of any length, not only two-letter ones', () => {
    const q = errorRatioQuery({
      kind: 'ratio',
      bad: {
        type: 'CloudWatch',
        kind: 'expression',
        expression: 'errors + timeouts',
        metrics: { errors: alb('HTTPCode_ELB_5XX_Count'), timeouts: alb('HTTPCode_Target_5XX_Count') },
      },
      total: alb('RequestCount'),
    })!;
    expect(q.steps).toEqual([{ id: 'bad', expression: 'bad_errors + bad_timeouts' }]);
  });

  it('fetches a metric once whatever order its dimensions are written in', () => {
    const metric = (dimensions: Record<string, string>) => ({ ...alb('RequestCount'), dimensions });
    const q = errorRatioQuery({
      kind: 'ratio',
      good: metric({ LoadBalancer: 'app/gg/1', TargetGroup: 'tg/api' }),
      total: metric({ TargetGroup: 'tg/api', LoadBalancer: 'app/gg/1' }),
    })!;
    expect(Object.keys(q.metrics)).toEqual(['total']);
  });

  it('pads the denominator to the low-traffic guard when asked, for bad and good SLIs alike', () => {
    const bad = errorRatioQuery({ kind: 'ratio', bad: alb('a'), total: alb('b') }, { minEvents: 250 })!;
    expect(bad.errorRatio.expression).toBe('IF(total > 0, FILL(bad, 0) / IF(total < 250, 250, total), 0)');
    const good = errorRatioQuery({ kind: 'ratio', good: alb('a'), total: alb('b') }, { minEvents: 250 })!;
    expect(good.errorRatio.expression).toBe('IF(total > 0, (total - FILL(good, 0)) / IF(total < 250, 250, total), 0)');
  });

  it('has no query when any part of a ratio is not CloudWatch', () => {
    expect(errorRatioQuery({ kind: 'ratio', bad: alb('a'), total: prometheus('t') })).toBeUndefined();
    expect(errorRatioQuery({ kind: 'ratio', bad: prometheus('b'), total: alb('t') })).toBeUndefined();
    expect(errorRatioQuery({ kind: 'ratio', good: prometheus('g'), total: alb('t') })).toBeUndefined();
  });

  it('has no CloudWatch query for Prometheus or threshold indicators', () => {
    expect(
      errorRatioQuery({
        kind: 'ratio',
        bad: { type: 'Prometheus', query: 'x' },
        total: { type: 'Prometheus', query: 'y' },
      }),
    ).toBeUndefined();
    expect(
      errorRatioQuery({ kind: 'threshold', metric: alb('TargetResponseTime', 'p99'), operator: 'lt', threshold: 1 }),
    ).toBeUndefined();
  });
});

describe('planSloAlarms', () => {
  it('plans 8 window alarms (6 h twice, at x6 and x1) and 4 composites for the default 30 d policy', () => {
    const plan = cloudWatchPlan(slo({ kind: 'ratio', bad: alb('HTTPCode_ELB_5XX_Count'), total: alb('RequestCount') }));
    expect(plan.windowAlarms.map((a) => a.key)).toEqual([
      '5m-burn14p4',
      '30m-burn6',
      '1h-burn14p4',
      '2h-burn3',
      '6h-burn6',
      '6h-burn1',
      '1d-burn3',
      '3d-burn1',
    ]);
    expect(plan.metricsPerAlarm).toBe(2);
    expect(plan.windowAlarms.find((a) => a.key === '1h-burn14p4')!.threshold).toBeCloseTo(0.0144, 12);
    expect(plan.composites.map((c) => [c.tier.name, c.longAlarmKey, c.shortAlarmKey])).toEqual([
      ['page-1h', '1h-burn14p4', '5m-burn14p4'],
      ['page-6h', '6h-burn6', '30m-burn6'],
      ['ticket-1d', '1d-burn3', '2h-burn3'],
      ['ticket-3d', '3d-burn1', '6h-burn1'],
    ]);
    // The second tier is muted by the first's composite; the third and fourth by "faster firing" composites.
    expect(plan.composites.map((c) => c.suppressedBy)).toEqual([
      undefined,
      { kind: 'tier', tier: 'page-1h' },
      { kind: 'suppressor', key: 'ticket-1d-faster-firing' },
      { kind: 'suppressor', key: 'ticket-3d-faster-firing' },
    ]);
    expect(plan.suppressors).toEqual([
      { key: 'ticket-1d-faster-firing', anyOf: ['page-1h', 'page-6h'], suppresses: 'ticket-1d' },
      { key: 'ticket-3d-faster-firing', anyOf: ['page-1h', 'page-6h', 'ticket-1d'], suppresses: 'ticket-3d' },
    ]);
  });

  it('suppresses from faster to slower tiers whatever order the policy lists them in', () => {
    const tiers = slo({ kind: 'ratio', bad: alb('a'), total: alb('b') }).alerting.policy.tiers;
    const shuffled = planTierSuppression([tiers[3], tiers[1], tiers[0], tiers[2]]);
    expect(shuffled.order.map((t) => t.name)).toEqual(['page-1h', 'page-6h', 'ticket-1d', 'ticket-3d']);
    expect(shuffled.suppressors.map((x) => x.suppresses)).toEqual(['ticket-1d', 'ticket-3d']);
    expect(planTierSuppression(tiers.slice(0, 2)).suppressors).toEqual([]);
    expect(planTierSuppression(tiers.slice(0, 1)).suppressedBy.size).toBe(0);
  });

  it('keeps a slower tier muted until its short window has forgotten the incident (ExtensionPeriod)', () => {
    const tiers = slo({ kind: 'ratio', bad: alb('a'), total: alb('b') }).alerting.policy.tiers;
    const plan = planTierSuppression(tiers);
    expect([...plan.extensionSeconds]).toEqual(plan.order.slice(1).map((t) => [t.name, t.shortWindowSeconds]));
    expect(plan.extensionSeconds.has(plan.order[0].name)).toBe(false);
  });

  it('counts every metric a window alarm retrieves, a metric read under two ids twice', () => {
    const failed = alb('DeliveriesFailed');
    const total = {
      type: 'CloudWatch' as const,
      kind: 'expression' as const,
      expression: 'FILL(sent, 0) + FILL(failed, 0)',
      metrics: { sent: alb('DeliveriesSent'), failed },
    };
    const plan = cloudWatchPlan(slo({ kind: 'ratio', bad: failed, total }));
    expect(plan.metricsPerAlarm).toBe(3);
    // The query a review runs still reads the shared metric once.
    expect(Object.keys(plan.query.metrics)).toHaveLength(2);
    expect(alarmMetricCount([{ kind: 'expression', metrics: { a: { kind: 'metric' }, b: total } }])).toBe(3);
  });

  it('counts a metric once when one id names it in two expressions (the alarm has one query per id)', () => {
    const requests = alb('Requests');
    const ratio = (expression: string, metrics: Record<string, ReturnType<typeof alb>>) => ({
      type: 'CloudWatch' as const,
      kind: 'expression' as const,
      expression,
      metrics,
    });
    // The page SLO's shape: bad and total both read `requests`; total adds `api`.
    const bad = ratio('requests - FILL(api5xx, 0)', { requests, api5xx: alb('Api5xx') });
    const total = ratio('requests - FILL(api, 0)', { requests, api: alb('ApiRequests') });
    const plan = cloudWatchPlan(slo({ kind: 'ratio', bad, total }));
    expect(plan.metricsPerAlarm).toBe(3);
    // Under one id but not the same metric (another statistic): two queries, two metrics.
    const other = ratio('requests - FILL(api, 0)', {
      requests: { ...requests, statistic: 'SampleCount' },
      api: alb('ApiRequests'),
    });
    expect(alarmMetricCount([bad, other])).toBe(4);
    // Under two ids: two queries, counted twice, as before.
    const renamed = ratio('all - FILL(api, 0)', { all: requests, api: alb('ApiRequests') });
    expect(alarmMetricCount([bad, renamed])).toBe(4);
  });

  it('plans nothing, with a reason, when alerting is off or the source is not CloudWatch', () => {
    const off = slo({ kind: 'ratio', bad: alb('a'), total: alb('b') });
    expect(planSloAlarms({ ...off, alerting: { ...off.alerting, enabled: false } })).toEqual({
      kind: 'none',
      slo: 'api-availability',
      reason: 'alerting is disabled',
    });
    expect(
      planSloAlarms(slo({ kind: 'threshold', metric: alb('TargetResponseTime', 'p99'), operator: 'lt', threshold: 1 })),
    ).toMatchObject({ kind: 'none', reason: expect.stringMatching(/threshold indicators need time slices/) });
    expect(planSloAlarms(slo({ kind: 'rawErrorRatio', errorRatio: { type: 'Prometheus', query: 'q' } }))).toMatchObject(
      {
        kind: 'none',
        reason: expect.stringMatching(/Prometheus/),
      },
    );
  });
});

describe('planSloAlarms: which window alarms the tiers share', () => {
  it('guards the long window alarms only, naming the guard in their keys', () => {
    const base = slo({ kind: 'ratio', bad: alb('a'), total: alb('b') });
    const policy = withMinEvents(defaultBurnRatePolicy(30 * 86400), 0.999, undefined);
    const plan = cloudWatchPlan({ ...base, alerting: { ...base.alerting, policy } });
    expect(plan.windowAlarms.map((a) => [a.key, a.minEvents])).toEqual([
      ['5m-burn14p4', 0],
      ['30m-burn6', 0],
      ['1h-burn14p4-min250', 250],
      ['2h-burn3', 0],
      ['6h-burn6-min250', 250],
      ['6h-burn1', 0],
      ['1d-burn3-min250', 250],
      ['3d-burn1-min250', 250],
    ]);
  });

  it('one alarm serves every tier that needs the same window at the same rate', () => {
    const plan = cloudWatchPlan(withTiers([tier('page-1h', 3600, 300, 6), tier('page-6h', 21600, 3600, 6)]));
    expect(plan.windowAlarms.map((a) => [a.key, a.tiers])).toEqual([
      ['5m-burn6', ['page-1h']],
      ['1h-burn6', ['page-1h', 'page-6h']],
      ['6h-burn6', ['page-6h']],
    ]);
  });

  it('a guarded long window and an unguarded short window of the same length and rate are two alarms', () => {
    const plan = cloudWatchPlan(withTiers([tier('page-1h', 3600, 300, 6, 100), tier('page-6h', 21600, 3600, 6, 100)]));
    expect(plan.windowAlarms.map((a) => [a.key, a.minEvents, a.tiers])).toEqual([
      ['5m-burn6', 0, ['page-1h']],
      ['1h-burn6-min100', 100, ['page-1h']],
      ['1h-burn6', 0, ['page-6h']],
      ['6h-burn6-min100', 100, ['page-6h']],
    ]);
  });

  it('lists alarms of one window at several rates highest rate first, whichever tier needed one first', () => {
    const plan = cloudWatchPlan(withTiers([tier('ticket-1h', 3600, 300, 6), tier('page-6h', 21600, 3600, 14.4)]));
    expect(plan.windowAlarms.map((a) => a.key)).toEqual(['5m-burn6', '1h-burn14p4', '1h-burn6', '6h-burn14p4']);
  });

  it('orders tiers over the same long window by burn rate, fastest first, whatever order they are listed in', () => {
    const fast = tier('page-1h', 3600, 300, 14.4);
    const slow = tier('ticket-1h', 3600, 300, 6);
    for (const listed of [
      [slow, fast],
      [fast, slow],
    ]) {
      const plan = planTierSuppression(listed);
      expect(plan.order.map((t) => t.name)).toEqual(['page-1h', 'ticket-1h']);
      expect(plan.suppressedBy.get('ticket-1h')).toEqual({ kind: 'tier', tier: 'page-1h' });
    }
  });

  it('a CloudWatch raw error-ratio SLI retrieves its one metric', () => {
    const indicator = { kind: 'rawErrorRatio' as const, errorRatio: alb('ErrorRatio', 'Average') };
    expect(windowAlarmSources(indicator)).toEqual([{ role: 'errorRatio', source: alb('ErrorRatio', 'Average') }]);
    expect(cloudWatchPlan(slo(indicator)).metricsPerAlarm).toBe(1);
  });
});
