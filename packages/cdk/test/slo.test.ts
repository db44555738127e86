/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized CloudFormation is untyped JSON */
import { Duration } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import {
  defaultBurnRatePolicy,
  defaultMinEvents,
  errorsToFire,
  evaluateMetricMath,
  loadSpecTexts,
  parseMetricMath,
  tierThreshold,
} from '@sre-kit/core';
import { AlertTopics, ServiceLevelObjective, SloAlarmMode, SloTierSeverity, SreTagKeys } from '../src';
import { sloPropsFromSpec } from '../src/slo/from-spec';
import { alarmsByName, compositesByName, newSlo, newStack, schemaFindings, tagsOf, type SloProps } from './helpers';

const bad = new cloudwatch.Metric({
  namespace: 'AWS/ApplicationELB',
  metricName: 'HTTPCode_Target_5XX_Count',
  dimensionsMap: { LoadBalancer: 'app/shop/abc' },
  statistic: 'Sum',
});
const total = new cloudwatch.Metric({
  namespace: 'AWS/ApplicationELB',
  metricName: 'RequestCount',
  dimensionsMap: { LoadBalancer: 'app/shop/abc' },
  statistic: 'Sum',
});

// Each test builds what it checks (the builders below are called inside tests, never in a describe body): jest
// runs describe bodies while it collects tests, and StrykerJS's per-test coverage then credits the construction
// to no test, or, with a memo, only to the first test that built it.

const policy = defaultBurnRatePolicy(30 * 86400);

// Both modes share one stack.
const main = () => {
  const { app, stack } = newStack('Slo');
  const topics = new AlertTopics(stack, 'Topics');
  const slo = new ServiceLevelObjective(stack, 'Availability', {
    sloName: 'availability',
    service: 'shop',
    objective: 0.999,
    badMetric: bad,
    totalMetric: total,
    actions: topics,
    runbookUrl: 'https://runbooks.example/slo/availability',
  });
  const native = new ServiceLevelObjective(stack, 'Native', {
    sloName: 'native',
    service: 'shop',
    objective: 0.995,
    goodMetric: new cloudwatch.MathExpression({ expression: 'total - errors', usingMetrics: { total, errors: bad } }),
    totalMetric: total,
    actions: topics,
    mode: SloAlarmMode.APPLICATION_SIGNALS,
  });
  const template = Template.fromStack(stack);
  const ref = (topic: any) => ({ Ref: stack.getLogicalId(topic.node.defaultChild) });
  return {
    app,
    topics,
    slo,
    native,
    template,
    alarms: alarmsByName(template),
    composites: compositesByName(template),
    ref,
  };
};

describe('metric-math mode', () => {
  test.each(policy.tiers.map((t) => [t.name, t] as const))(
    'tier %s: both windows compare the error ratio with burnRate x (1 - objective)',
    (name, tier) => {
      const { alarms } = main();
      for (const [label, seconds] of [
        ['long', tier.longWindowSeconds],
        ['short', tier.shortWindowSeconds],
      ] as const) {
        const alarm = alarms.get(`shop-availability-${name}-${label}`)!.props;
        expect(alarm.Threshold).toBeCloseTo(tier.burnRate * 0.001, 12);
        expect(alarm.Threshold).toBeCloseTo(tierThreshold(tier, 0.999), 12);
        expect(alarm.ComparisonOperator).toBe('GreaterThanThreshold');
        expect([alarm.EvaluationPeriods, alarm.DatapointsToAlarm]).toEqual([1, 1]);
        expect(alarm.TreatMissingData).toBe('notBreaching');
        expect(alarm.AlarmActions).toBeUndefined();
        const queries: any[] = alarm.Metrics;
        const expression = queries.find((q) => q.ReturnData !== false);
        // Core's error-ratio formula (errorRatioQuery), not a copy of it; the long window carries the low-traffic
        // guard (the default N, core's defaultMinEvents), the short one does not.
        const n = defaultMinEvents(policy.tiers, 0.999);
        expect(expression.Expression).toBe(
          label === 'long'
            ? `IF(total > 0, FILL(bad, 0) / IF(total < ${n}, ${n}, total), 0)`
            : 'IF(total > 0, FILL(bad, 0) / total, 0)',
        );
        // Every metric's period is the window: the ratio covers exactly the window (3 d = one 259200 s period).
        for (const q of queries.filter((x) => x.MetricStat)) expect(q.MetricStat.Period).toBe(seconds);
        expect(
          queries
            .filter((x) => x.MetricStat)
            .map((q) => q.MetricStat.Metric.MetricName)
            .sort(),
        ).toEqual(['HTTPCode_Target_5XX_Count', 'RequestCount']);
      }
    },
  );

  test.each(policy.tiers.map((t) => [t.name, t] as const))(
    'tier %s: the long-window alarm math carries the low-traffic guard, and reads no extra metric',
    (name, tier) => {
      const { alarms } = main();
      const alarm = alarms.get(`shop-availability-${name}-long`)!.props;
      const queries: any[] = alarm.Metrics;
      // Still the SLI's two metrics: the guard reuses total (CloudWatch's 10-metric limit is untouched).
      expect(queries.filter((q) => q.MetricStat)).toHaveLength(2);
      const math = parseMetricMath(queries.find((q) => q.ReturnData !== false).Expression);
      const ids = Object.fromEntries(
        queries.filter((q) => q.MetricStat).map((q) => [q.MetricStat.Metric.MetricName, q.Id]),
      );
      // The alarm's own datapoint, as CloudWatch evaluates it, for `errors` failed of `events` requests in the window.
      const datapoint = (errors: number, events: number) =>
        evaluateMetricMath(math, {
          value: (id) => (id === ids.RequestCount ? events : id === ids.HTTPCode_Target_5XX_Count ? errors : undefined),
          periodOf: () => tier.longWindowSeconds,
        })!;
      const breaches = (errors: number, events: number) => datapoint(errors, events) > alarm.Threshold;
      // 20 requests an hour: the window's events, and the failed requests core says it takes to fire.
      const quiet = (20 * tier.longWindowSeconds) / 3600;
      const needed = errorsToFire({ ...tier, minEvents: defaultMinEvents(policy.tiers, 0.999) }, 0.999, quiet);
      expect(needed).toBeGreaterThan(1);
      expect(breaches(1, quiet)).toBe(false);
      expect(breaches(needed - 1, quiet)).toBe(false);
      expect(breaches(needed, quiet)).toBe(true);
      // Above N events the guard changes nothing: the plain error ratio.
      expect(datapoint(7, 100_000)).toBeCloseTo(7 / 100_000, 15);
      // No traffic is still no burn.
      expect(datapoint(0, 0)).toBe(0);
    },
  );

  test('the default 30-day tiers are the workbook table', () => {
    const { slo } = main();
    expect(slo.thresholds.map((t) => Math.round((t / 0.001) * 10) / 10)).toEqual([14.4, 6, 3, 1]);
    expect(policy.tiers.map((t) => [t.longWindowSeconds, t.shortWindowSeconds])).toEqual([
      [3600, 300],
      [21600, 1800],
      [86400, 7200],
      [259200, 21600],
    ]);
  });

  test.each(policy.tiers.map((t) => [t.name, t] as const))(
    'tier %s: composite ALARM(long) AND ALARM(short) notifies the severity topic',
    (name, tier) => {
      const { alarms, composites, ref, topics } = main();
      const c = composites.get(`shop-availability-${name}`)!.props;
      const long = alarms.get(`shop-availability-${name}-long`)!.logicalId;
      const short = alarms.get(`shop-availability-${name}-short`)!.logicalId;
      expect(JSON.stringify(c.AlarmRule)).toContain(long);
      expect(JSON.stringify(c.AlarmRule)).toContain(short);
      expect(JSON.stringify(c.AlarmRule)).toMatch(/\(ALARM\(.*\) AND ALARM\(.*\)\)/);
      const topic = tier.severity === 'page' ? topics.critical : topics.warning;
      expect(c.AlarmActions).toEqual([ref(topic)]);
      expect(c.OKActions).toEqual([ref(topic)]);
      const tags = tagsOf(c);
      expect(tags[SreTagKeys.SEVERITY]).toBe(tier.severity === 'page' ? 'critical' : 'warning');
      expect(tags[SreTagKeys.SLO]).toBe('availability');
      expect(tags[SreTagKeys.OBJECTIVE]).toBe('0.999');
      expect(tags[SreTagKeys.BURN_RATE]).toBe(String(tier.burnRate));
      expect(tags[SreTagKeys.TIER]).toBe(name);
      expect(tags[SreTagKeys.RUNBOOK]).toBe('https://runbooks.example/slo/availability');
    },
  );

  test('slower tiers are suppressed while any faster tier fires', () => {
    const { composites, slo } = main();
    const [t1, t2, t3, t4] = policy.tiers.map((t) => composites.get(`shop-availability-${t.name}`)!);
    expect(t1.props.ActionsSuppressor).toBeUndefined();
    expect(t2.props.ActionsSuppressor).toEqual({ 'Fn::GetAtt': [t1.logicalId, 'Arn'] });
    // Muted until the slower tier's short window has forgotten the incident the faster tier paged for.
    expect(t2.props.ActionsSuppressorExtensionPeriod).toBe(policy.tiers[1].shortWindowSeconds);
    for (const [tier, faster, windows] of [
      [t3, [t1, t2], policy.tiers[2]],
      [t4, [t1, t2, t3], policy.tiers[3]],
    ] as const) {
      const suppressor = composites.get(`${tier.props.AlarmName}-faster-firing`)!;
      expect(tier.props.ActionsSuppressor).toEqual({ 'Fn::GetAtt': [suppressor.logicalId, 'Arn'] });
      expect([tier.props.ActionsSuppressorWaitPeriod, tier.props.ActionsSuppressorExtensionPeriod]).toEqual([
        60,
        windows.shortWindowSeconds,
      ]);
      const rule = JSON.stringify(suppressor.props.AlarmRule);
      for (const f of faster) expect(rule).toContain(f.logicalId);
      expect(rule).toContain(' OR ');
      expect(suppressor.props.AlarmActions).toBeUndefined();
    }
    expect(slo.suppressorAlarms).toHaveLength(2);
  });
});

describe.each([1, 7, 28, 90])('default tiers of a %p-day SLO, as synthesized', (days) => {
  const expected = defaultBurnRatePolicy(days * 86400).tiers;
  const built = () => {
    const { stack: s } = newStack(`Period${days}`);
    const p = new ServiceLevelObjective(s, 'Slo', {
      sloName: `p${days}`,
      service: 'shop',
      objective: 0.999,
      period: Duration.days(days),
      badMetric: bad,
      totalMetric: total,
      allowAlarmsWithoutActions: true,
    });
    const synthesized = [...alarmsByName(Template.fromStack(s)).values()].map((a) => a.props);
    return { s, p, synthesized };
  };

  test('are core policy for the period, with pages at 3x or more and the lowest tier at 1x', () => {
    const { s, p } = built();
    expect(p.thresholds).toEqual(expected.map((t) => tierThreshold(t, 0.999)));
    for (const t of expected) expect(t.burnRate).toBeGreaterThanOrEqual(t.severity === 'page' ? 3 : 1);
    expect(Math.min(...expected.map((t) => t.burnRate))).toBe(1);
    Annotations.fromStack(s).hasNoWarning('*', Match.stringLikeRegexp('needlessly|undetected'));
  });

  test('every window alarm is a period x evaluation periods CloudWatch accepts', () => {
    const { synthesized } = built();
    expect(synthesized.length).toBeGreaterThan(0);
    for (const alarm of synthesized) {
      const periods: number[] = alarm.Metrics.filter((q: any) => q.MetricStat).map((q: any) => q.MetricStat.Period);
      for (const period of periods) {
        const span = period * alarm.EvaluationPeriods;
        expect(span).toBeLessThanOrEqual(period < 3600 ? 86400 : 604800);
        expect(period % 60).toBe(0);
      }
    }
  });
});

describe('Application Signals mode', () => {
  test('emits the native SLO with one burn-rate configuration per distinct window', () => {
    const { template } = main();
    template.hasResourceProperties('AWS::ApplicationSignals::ServiceLevelObjective', {
      Name: 'shop-native',
      Goal: { AttainmentGoal: 99.5, Interval: { RollingInterval: { Duration: 30, DurationUnit: 'DAY' } } },
      BurnRateConfigurations: [5, 30, 60, 120, 360, 1440, 4320].map((m) => ({ LookBackWindowMinutes: m })),
      RequestBasedSli: {
        RequestBasedSliMetric: {
          TotalRequestCountMetric: [
            Match.objectLike({
              Id: 'result',
              ReturnData: true,
              MetricStat: Match.objectLike({ Stat: 'Sum', Metric: Match.objectLike({ MetricName: 'RequestCount' }) }),
            }),
          ],
          MonitoredRequestCountMetric: {
            GoodCountMetric: [
              Match.objectLike({ Id: 'm1', ReturnData: false }),
              Match.objectLike({ Id: 'm2', ReturnData: false }),
              { Id: 'result', Expression: 'm1 - m2', ReturnData: true },
            ],
          },
        },
      },
    });
  });

  test('window alarms read the BurnRate metric and compare with the burn rate itself', () => {
    const { alarms, composites, ref, topics, native } = main();
    for (const tier of policy.tiers) {
      for (const [label, seconds] of [
        ['long', tier.longWindowSeconds],
        ['short', tier.shortWindowSeconds],
      ] as const) {
        const p = alarms.get(`shop-native-${tier.name}-${label}`)!.props;
        expect(p.Namespace).toBe('AWS/ApplicationSignals');
        expect(p.MetricName).toBe('BurnRate');
        expect(p.Dimensions).toEqual([
          { Name: 'BurnRateWindowMinutes', Value: String(seconds / 60) },
          { Name: 'SloName', Value: 'shop-native' },
        ]);
        expect(p.Threshold).toBe(tier.burnRate);
        expect(p.Period).toBe(60);
      }
      expect(composites.get(`shop-native-${tier.name}`)!.props.AlarmActions).toEqual([
        ref(tier.severity === 'page' ? topics.critical : topics.warning),
      ]);
    }
    expect(native.applicationSignalsSloName).toBe('shop-native');
  });
});

test('both modes pass CloudFormation schema validation (composites, suppressors, the native SLO)', () => {
  const { app } = main();
  expect(schemaFindings(app, 'Slo/')).toEqual([]);
});

describe('inputs', () => {
  const make =
    (props: Partial<SloProps>, stackId = 'Bad') =>
    () =>
      newSlo({ badMetric: bad, totalMetric: total }, props, stackId).slo;

  test('an objective given in percent names the path, the value and the fix', () => {
    expect(make({ objective: 99.9 })).toThrow(
      /Bad\/Slo: objective must be a ratio in \(0, 1\) \(got 99.9\)\. Fix: write 99.9 % as 0.999/,
    );
  });

  test('both good and bad metrics is an error', () => {
    expect(make({ goodMetric: total })).toThrow(/exactly one of goodMetric or badMetric/);
  });

  test('more than 10 metrics in the SLI is rejected (CloudWatch metric-math limit)', () => {
    const usingMetrics: Record<string, cloudwatch.IMetric> = {};
    for (let i = 0; i < 10; i++) usingMetrics[`m${i}`] = bad.with({ dimensionsMap: { LoadBalancer: `app/x/${i}` } });
    const sum = new cloudwatch.MathExpression({ expression: Object.keys(usingMetrics).join(' + '), usingMetrics });
    expect(make({ badMetric: sum })).toThrow(/reads 11 metrics; a CloudWatch metric-math alarm may read at most 10/);
  });

  test('a guard that is not a whole number of events is rejected, naming the tier', () => {
    expect(make({ minEvents: -1 })).toThrow(/minEvents must be a whole number of events \(0: no guard\)/);
    expect(
      make({
        tiers: [{ severity: SloTierSeverity.PAGE, longWindow: Duration.hours(1), burnRate: 14.4, minEvents: 2.5 }],
      }),
    ).toThrow(/tier page-1h: minEvents must be a whole number/);
  });

  test('a window CloudWatch cannot express (over 7 days) is rejected', () => {
    expect(make({ tiers: [{ severity: SloTierSeverity.TICKET, longWindow: Duration.days(8), burnRate: 1 }] })).toThrow(
      /long window cannot be a CloudWatch alarm/,
    );
  });

  test('a custom tier that can never fire is an error; default tiers that cannot fire are dropped with a warning', () => {
    expect(make({ tiers: [{ severity: SloTierSeverity.PAGE, longWindow: Duration.hours(1), burnRate: 200 }] })).toThrow(
      /can never fire/,
    );
    const { stack: s } = newStack('Loose');
    const loose = new ServiceLevelObjective(s, 'Slo', {
      sloName: 'loose',
      service: 'shop',
      objective: 0.9,
      badMetric: bad,
      totalMetric: total,
      allowAlarmsWithoutActions: true,
    });
    expect(loose.tierAlarms).toHaveLength(3);
    Annotations.fromStack(s).hasWarning(
      '/Loose/Slo',
      Match.stringLikeRegexp('tier page-1h .* cannot fire at objective 0.9'),
    );
  });

  test('custom tiers that break the burn-rate rules synthesize with a warning naming the burns', () => {
    const { stack: s } = newStack('Rules');
    new ServiceLevelObjective(s, 'Slo', {
      sloName: 'rules',
      service: 'shop',
      objective: 0.999,
      period: Duration.days(7),
      badMetric: bad,
      totalMetric: total,
      allowAlarmsWithoutActions: true,
      tiers: [
        { severity: SloTierSeverity.PAGE, longWindow: Duration.hours(6), burnRate: 1.4 },
        { severity: SloTierSeverity.TICKET, longWindow: Duration.days(3), burnRate: 0.5 },
      ],
    });
    const warnings = Annotations.fromStack(s);
    warnings.hasWarning('/Rules/Slo', Match.stringLikeRegexp('tier page-6h pages at 1.4x: burns from 1.4x to 3x page'));
    warnings.hasWarning('/Rules/Slo', Match.stringLikeRegexp('tier ticket-3d fires at 0.5x: .* never exhaust'));
  });

  test('a tier without actions fails validation at synth, naming the alarm and the fix', () => {
    const { app, stack: s } = newStack('NoActions');
    new ServiceLevelObjective(s, 'Slo', {
      sloName: 'x',
      service: 'shop',
      objective: 0.99,
      badMetric: bad,
      totalMetric: total,
    });
    expect(() => app.synth()).toThrow(/NoActions\/Slo\/page-1h has no alarm action.*Fix: pass `actions`/);
  });
});

test('tiers sharing a window and burn rate share one window alarm (core planSloAlarms)', () => {
  const { stack: s } = newStack('Shared');
  const shared = new ServiceLevelObjective(s, 'Slo', {
    sloName: 'shared',
    service: 'shop',
    objective: 0.999,
    badMetric: bad,
    totalMetric: total,
    allowAlarmsWithoutActions: true,
    tiers: [
      {
        severity: SloTierSeverity.PAGE,
        longWindow: Duration.hours(1),
        shortWindow: Duration.minutes(5),
        burnRate: 14.4,
      },
      {
        severity: SloTierSeverity.PAGE,
        longWindow: Duration.hours(2),
        shortWindow: Duration.minutes(5),
        burnRate: 14.4,
        name: 'page-2h',
      },
    ],
  });
  expect(shared.windowAlarms).toHaveLength(3);
  const composites = compositesByName(Template.fromStack(s));
  const short = alarmsByName(Template.fromStack(s)).get('shop-shared-page-1h-short')!.logicalId;
  for (const tier of ['page-1h', 'page-2h'])
    expect(JSON.stringify(composites.get(`shop-shared-${tier}`)!.props.AlarmRule)).toContain(short);
});

describe('per-tier control and the guard from a spec', () => {
  const text = `apiVersion: openslo/v1
kind: SLO
metadata:
  name: checkout
  annotations:
    sre-kit/tier.page-6h: ticket
    sre-kit/tier.ticket-1d: disabled
    sre-kit/min-events.page-1h: "1000"
spec:
  service: shop
  indicator:
    metadata: { name: checkout-errors }
    spec:
      ratioMetric:
        counter: true
        bad:
          metricSource:
            type: CloudWatch
            spec: { namespace: Shop, metricName: CheckoutFailed, stat: Sum }
        total:
          metricSource:
            type: CloudWatch
            spec: { namespace: Shop, metricName: CheckoutStarted, stat: Sum }
  timeWindow:
    - duration: 30d
      isRolling: true
  budgetingMethod: Occurrences
  objectives:
    - target: 0.999
`;
  const built = () => {
    const set = loadSpecTexts([{ file: 'checkout.yaml', text }]);
    const spec = set.slos[0];
    const { stack: s } = newStack('SloFromSpec');
    const t = new AlertTopics(s, 'Topics');
    new ServiceLevelObjective(s, 'Checkout', { ...sloPropsFromSpec(spec).props!, actions: t });
    const tpl = Template.fromStack(s);
    return { set, spec, s, t, byName: alarmsByName(tpl), byComposite: compositesByName(tpl) };
  };

  test('validation warns what each change loses; no error', () => {
    const { set } = built();
    expect(set.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(set.diagnostics.map((d) => d.message).join('\n')).toMatch(/disabling ticket-1d/);
  });

  test('a disabled tier has no alarm; a tier made a ticket keeps its name and notifies the warning topic', () => {
    const { byComposite, byName, s, t } = built();
    expect([...byComposite.keys()].filter((n) => n.includes('ticket-1d'))).toEqual([]);
    expect([...byName.keys()].filter((n) => n.includes('ticket-1d'))).toEqual([]);
    const moved = byComposite.get('shop-checkout-page-6h')!.props;
    expect(moved.AlarmActions).toEqual([{ Ref: s.getLogicalId(t.warning.node.defaultChild as any) }]);
    expect(tagsOf(moved)[SreTagKeys.SEVERITY]).toBe('warning');
    expect(tagsOf(moved)[SreTagKeys.TIER]).toBe('page-6h');
    expect(moved.AlarmDescription).toContain('"tier":"page-6h"');
    expect(moved.AlarmDescription).toContain('"severity":"warning"');
  });

  test("each long window carries its tier's guard: the spec's own for page-1h, the default for the rest", () => {
    const { byName, spec } = built();
    const expressionOf = (name: string) =>
      (byName.get(name)!.props.Metrics as any[]).find((q) => q.ReturnData !== false).Expression as string;
    expect(expressionOf('shop-checkout-page-1h-long')).toContain('IF(total < 1000, 1000, total)');
    // The default is computed on the tiers as changed: the 1h page is the only page left, 14.4 x 0.1 %.
    const n = defaultMinEvents(spec.alerting.policy.tiers, 0.999);
    expect(n).toBe(Math.ceil(1.5 / 0.0144));
    expect(expressionOf('shop-checkout-page-6h-long')).toContain(`IF(total < ${n}, ${n}, total)`);
    expect(expressionOf('shop-checkout-page-6h-short')).not.toContain('IF(total <');
  });
});
