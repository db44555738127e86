/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized CloudFormation is untyped JSON */
import { Duration } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import {
  defaultBurnRatePolicy,
  defaultMinEvents,
  type CloudWatchMetricStat,
  type Indicator,
  type MetricSource,
  type Slo,
} from '@sre-kit/core';
import { ServiceLevelObjective, SloAlarmMode, SloTierSeverity, type BurnRateTierProps } from '../src';
import { sloPropsFromSpec } from '../src/slo/from-spec';
import { alarmsByName, dims, newSlo, newStack, type SloProps as Props } from './helpers';

// Every construct is built inside the test that checks it: StrykerJS's per-test coverage credits work done in a
// describe body to no test.

const metric = (metricName: string, extra: Partial<cloudwatch.MetricProps> = {}) =>
  new cloudwatch.Metric({
    namespace: 'AWS/ApplicationELB',
    metricName,
    dimensionsMap: { LoadBalancer: 'app/shop/abc' },
    statistic: 'Sum',
    ...extra,
  });
const bad = metric('HTTPCode_Target_5XX_Count');
const good = metric('HTTPCode_Target_2XX_Count');
const total = metric('RequestCount');

/** An IMetric that is neither a Metric nor a MathExpression (a hand-written implementation). */
const opaque = { toMetricConfig: () => total.toMetricConfig(), toString: () => 'opaque' } as cloudwatch.IMetric;

const create = (props: Partial<Props> = {}, stackId = 'Bad') =>
  newSlo({ badMetric: bad, totalMetric: total }, props, stackId);
const attempt = (props: Partial<Props>) => () => create(props);
const native = (props: Partial<Props>) => attempt({ mode: SloAlarmMode.APPLICATION_SIGNALS, ...props });
const nativeSlo = (template: Template) =>
  (Object.values(template.findResources('AWS::ApplicationSignals::ServiceLevelObjective'))[0] as any).Properties;

/** A tier by its windows in minutes (the default name `<severity>-<long window>` keeps them distinct). */
const tier = (longMinutes: number, shortMinutes: number, burnRate = 1): BurnRateTierProps => ({
  severity: SloTierSeverity.TICKET,
  longWindow: Duration.minutes(longMinutes),
  shortWindow: Duration.minutes(shortMinutes),
  burnRate,
});

/** The value an input error reports, parsed back from its `(got ...)`. */
const gotOf = (run: () => unknown): unknown => {
  try {
    run();
  } catch (e) {
    return JSON.parse(/\(got (.*)\)\. Fix:/.exec((e as Error).message)![1]);
  }
  throw new Error('no error');
};

describe.each([SloAlarmMode.METRIC_MATH, SloAlarmMode.APPLICATION_SIGNALS])('%s mode', (mode) => {
  test('exactly one of goodMetric or badMetric: the error names the path and which ones were given', () => {
    expect(attempt({ mode, goodMetric: good })).toThrow(
      /^Bad\/Slo: exactly one of goodMetric or badMetric is required \(got \{"good":true,"bad":true\}\)/,
    );
    expect(attempt({ mode, badMetric: undefined })).toThrow(/^Bad\/Slo: .* \(got \{"good":false,"bad":false\}\)/);
  });
});

describe('Application Signals inputs', () => {
  test('the SLO interval must be whole days', () => {
    expect(native({ period: Duration.hours(36) })).toThrow(
      /^Bad\/Slo: Application Signals SLO intervals are whole days \(got 129600\)/,
    );
  });

  test('burn-rate windows are whole minutes up to 7 days: 10080 minutes is accepted, 10081 is not', () => {
    expect(native({ tiers: [tier(60, 1.5)] })).toThrow(
      /^Bad\/Slo: tier ticket-1h: burn-rate windows must be whole minutes up to 10080 \(got 90\)/,
    );
    expect(native({ tiers: [tier(10081, 60)] })).toThrow(/^Bad\/Slo: tier \S+: burn-rate windows .* \(got 604860\)/);
    const { stack } = native({ tiers: [tier(10080, 60)] })();
    expect(nativeSlo(Template.fromStack(stack)).BurnRateConfigurations).toEqual([
      { LookBackWindowMinutes: 60 },
      { LookBackWindowMinutes: 10080 },
    ]);
  });

  test('at most 10 distinct burn-rate windows: 10 are accepted, 11 are rejected naming them', () => {
    // Five tiers of two windows each: 60/5, 120/10, ... 300/25 minutes.
    const five = [1, 2, 3, 4, 5].map((k) => tier(60 * k, 5 * k));
    const { stack } = native({ tiers: five })();
    const ten = [5, 10, 15, 20, 25, 60, 120, 180, 240, 300];
    expect(nativeSlo(Template.fromStack(stack)).BurnRateConfigurations).toEqual(
      ten.map((m) => ({ LookBackWindowMinutes: m })),
    );
    // A sixth tier adds one window (its short one is the first tier's long one).
    const eleven = native({ tiers: [...five, tier(360, 60)] });
    expect(eleven).toThrow(/^Bad\/Slo: Application Signals accepts at most 10 burn-rate windows/);
    expect((gotOf(eleven) as number[]).sort((a, b) => a - b)).toEqual([...ten, 360].sort((a, b) => a - b));
  });

  test('an exclusion window must last whole minutes, at least one; the error names its index and the value', () => {
    const ok = { reason: 'patching', duration: Duration.hours(1) };
    expect(native({ exclusionWindows: [ok, { reason: 'r', duration: Duration.seconds(90) }] })).toThrow(
      /^Bad\/Slo: exclusionWindows\[1\]: duration must be whole minutes \(got 1.5\)/,
    );
    expect(native({ exclusionWindows: [{ reason: 'r', duration: Duration.minutes(0) }] })).toThrow(
      /^Bad\/Slo: exclusionWindows\[0\]: duration must be whole minutes \(got 0\)/,
    );
    expect(native({ exclusionWindows: [{ reason: 'r', duration: Duration.minutes(1) }] })).not.toThrow();
  });

  test.each(['weekly', 'every cron(0 2 ? * SUN *)', 'rate(1 day) twice', 'rate()'])(
    'recurrence %p is not a cron(...) or rate(...) expression',
    (recurrence) => {
      expect(native({ exclusionWindows: [{ reason: 'r', duration: Duration.hours(1), recurrence }] })).toThrow(
        /^Bad\/Slo: exclusionWindows\[0\]: recurrence must be a cron\(\.\.\.\) or rate\(\.\.\.\) expression/,
      );
      expect(gotOf(native({ exclusionWindows: [{ reason: 'r', duration: Duration.hours(1), recurrence }] }))).toBe(
        recurrence,
      );
    },
  );

  test('a start time that is not ISO 8601 is rejected', () => {
    expect(
      native({ exclusionWindows: [{ reason: 'r', duration: Duration.hours(1), startTime: 'next tuesday' }] }),
    ).toThrow(/^Bad\/Slo: exclusionWindows\[0\]: startTime is not an ISO 8601 time \(got "next tuesday"\)/);
  });
});

describe('the native SLO resource', () => {
  test('exclusion windows: minutes, the reason cut at 1,024 characters, the start and recurrence when given', () => {
    const { stack } = native({
      exclusionWindows: [
        { reason: 'r'.repeat(1025), duration: Duration.minutes(90), startTime: '2026-12-12T22:00:00Z' },
        { reason: 'patching', duration: Duration.hours(1), recurrence: 'cron(0 2 ? * SUN *)' },
        { reason: 'monthly', duration: Duration.minutes(1), recurrence: 'rate(1 month)' },
        { reason: 'now', duration: Duration.minutes(5) },
      ],
    })();
    expect(nativeSlo(Template.fromStack(stack)).ExclusionWindows).toEqual([
      {
        Window: { Duration: 90, DurationUnit: 'MINUTE' },
        Reason: 'r'.repeat(1024),
        StartTime: '2026-12-12T22:00:00Z',
      },
      {
        Window: { Duration: 60, DurationUnit: 'MINUTE' },
        Reason: 'patching',
        RecurrenceRule: { Expression: 'cron(0 2 ? * SUN *)' },
      },
      {
        Window: { Duration: 1, DurationUnit: 'MINUTE' },
        Reason: 'monthly',
        RecurrenceRule: { Expression: 'rate(1 month)' },
      },
      { Window: { Duration: 5, DurationUnit: 'MINUTE' }, Reason: 'now' },
    ]);
  });

  test('without exclusion windows the property is left out', () => {
    const { stack } = native({ exclusionWindows: [] })();
    expect(nativeSlo(Template.fromStack(stack)).ExclusionWindows).toBeUndefined();
  });

  test('a bad-count SLI: the description defaults to the objective in percent and the period in days', () => {
    const { stack } = native({ objective: 0.995, period: Duration.days(28) })();
    const template = Template.fromStack(stack);
    const slo = nativeSlo(template);
    expect(slo.Description).toBe('x: 99.5 % over 28 days (sre-kit)');
    expect(slo.Goal).toEqual({
      AttainmentGoal: 99.5,
      Interval: { RollingInterval: { Duration: 28, DurationUnit: 'DAY' } },
    });
    expect(slo.RequestBasedSli.RequestBasedSliMetric.MonitoredRequestCountMetric).toEqual({
      BadCountMetric: [
        {
          Id: 'result',
          ReturnData: true,
          MetricStat: {
            Metric: {
              Namespace: 'AWS/ApplicationELB',
              MetricName: 'HTTPCode_Target_5XX_Count',
              Dimensions: [{ Name: 'LoadBalancer', Value: 'app/shop/abc' }],
            },
            Period: 300,
            Stat: 'Sum',
          },
        },
      ],
    });
    // The window alarms take the highest burn rate Application Signals published in the minute.
    const alarms = [...alarmsByName(template).values()];
    expect(alarms.length).toBeGreaterThan(0);
    for (const a of alarms) expect([a.props.MetricName, a.props.Statistic]).toEqual(['BurnRate', 'Maximum']);
  });

  test("a description given is the SLO's description", () => {
    const { stack } = native({ description: 'Checkout works' })();
    expect(nativeSlo(Template.fromStack(stack)).Description).toBe('Checkout works');
  });
});

describe('metric-math alarms', () => {
  const expressionQuery = (alarm: any) => (alarm.Metrics as any[]).find((q) => q.ReturnData !== false);

  test('the error-ratio label names the window, and the low-traffic guard where the window has one', () => {
    const { stack } = create({ objective: 0.999 });
    const alarms = alarmsByName(Template.fromStack(stack));
    const n = defaultMinEvents(defaultBurnRatePolicy(30 * 86400).tiers, 0.999);
    expect(expressionQuery(alarms.get('shop-x-page-1h-long')!.props).Label).toBe(`x error ratio 1h (min ${n} events)`);
    expect(expressionQuery(alarms.get('shop-x-page-1h-short')!.props).Label).toBe('x error ratio 5m');
  });

  test('a long window without a guard (minEvents 0) is labelled by its window alone', () => {
    const { stack } = create({ minEvents: 0 });
    const alarm = alarmsByName(Template.fromStack(stack)).get('shop-x-page-1h-long')!.props;
    expect(expressionQuery(alarm).Label).toBe('x error ratio 1h');
  });

  // Metrics of one minute (not CloudWatch's default 5): an expression that had to override their period would make
  // CDK warn on every window alarm.
  const perMinute = (m: cloudwatch.Metric) => m.with({ period: Duration.minutes(1) });
  test.each([
    ['bad', { badMetric: perMinute(bad) }],
    ['good', { badMetric: undefined, goodMetric: perMinute(good) }],
  ])("%s/total: every metric is read over the window, without CloudWatch's period-override warning", (_, sli) => {
    const { stack } = create({ ...sli, totalMetric: perMinute(total) });
    const alarm = alarmsByName(Template.fromStack(stack)).get('shop-x-page-6h-long')!.props;
    const stats = (alarm.Metrics as any[]).filter((q) => q.MetricStat);
    expect(stats.map((q) => q.MetricStat.Period)).toEqual([21600, 21600]);
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('MetricsPeriodsOverridden'));
  });

  test('a good-count SLI counts the errors as total minus good', () => {
    const { stack } = create({ badMetric: undefined, goodMetric: good, minEvents: 0 });
    const alarm = alarmsByName(Template.fromStack(stack)).get('shop-x-page-1h-long')!.props;
    expect(expressionQuery(alarm).Expression).toBe('IF(total > 0, (total - FILL(good, 0)) / total, 0)');
    const ids = Object.fromEntries(
      (alarm.Metrics as any[]).filter((q) => q.MetricStat).map((q) => [q.Id, q.MetricStat.Metric.MetricName]),
    );
    expect(ids).toEqual({ good: 'HTTPCode_Target_2XX_Count', total: 'RequestCount' });
  });

  test.each([
    ['total', { totalMetric: opaque }],
    ['bad', { badMetric: opaque }],
    ['good', { badMetric: undefined, goodMetric: opaque }],
  ])('a %s metric that is neither Metric nor MathExpression is rejected, naming which', (name, sli) => {
    expect(attempt(sli)).toThrow(
      new RegExp(
        `^Bad/Slo: ${name} metric must be a cloudwatch.Metric or cloudwatch.MathExpression \\(got "opaque"\\)`,
      ),
    );
  });

  test('an alarm may read 10 metrics: 9 bad series and the total are accepted, 10 and the total are not', () => {
    const sum = (n: number) => {
      const usingMetrics: Record<string, cloudwatch.IMetric> = {};
      for (let i = 0; i < n; i++) usingMetrics[`m${i}`] = bad.with({ dimensionsMap: { LoadBalancer: `app/x/${i}` } });
      return new cloudwatch.MathExpression({ expression: Object.keys(usingMetrics).join(' + '), usingMetrics });
    };
    const { stack } = create({ badMetric: sum(9) });
    const alarm = alarmsByName(Template.fromStack(stack)).get('shop-x-page-1h-long')!.props;
    expect((alarm.Metrics as any[]).filter((q) => q.MetricStat)).toHaveLength(10);
    expect(attempt({ badMetric: sum(10) })).toThrow(/^Bad\/Slo: the SLI reads 11 metrics.* \(got 11\)/);
  });
});

describe('the SLO as core model (what the dashboards draw)', () => {
  test('a bad-count SLO: rolling period, alerting on, its metrics with region and account', () => {
    const located = metric('HTTPCode_Target_5XX_Count', { region: 'eu-west-1', account: '123456789012' });
    const { slo } = create({ badMetric: located, runbookUrl: 'https://runbooks.example/x' });
    const model = slo._model()!;
    expect(model.indicator).toEqual({
      kind: 'ratio',
      total: {
        type: 'CloudWatch',
        kind: 'metric',
        namespace: 'AWS/ApplicationELB',
        metricName: 'RequestCount',
        dimensions: { LoadBalancer: 'app/shop/abc' },
        statistic: 'Sum',
      },
      bad: {
        type: 'CloudWatch',
        kind: 'metric',
        namespace: 'AWS/ApplicationELB',
        metricName: 'HTTPCode_Target_5XX_Count',
        dimensions: { LoadBalancer: 'app/shop/abc' },
        statistic: 'Sum',
        region: 'eu-west-1',
        accountId: '123456789012',
      },
    });
    expect(model.period).toEqual({ seconds: 30 * 86400, rolling: true });
    expect(model.alerting.enabled).toBe(true);
    expect(model.alerting.runbookUrl).toBe('https://runbooks.example/x');
    expect(model.origin).toEqual({ format: 'openslo', location: { file: 'Bad/Slo', line: 1, col: 1, path: '' } });
  });

  test('a good-count SLO with one level of metric math', () => {
    const goodMath = new cloudwatch.MathExpression({
      expression: 'total - errors',
      usingMetrics: { total, errors: bad },
    });
    const { slo } = create({ badMetric: undefined, goodMetric: goodMath });
    const indicator = slo._model()!.indicator as Extract<Indicator, { kind: 'ratio' }>;
    expect(Object.keys(indicator).sort()).toEqual(['good', 'kind', 'total']);
    expect(indicator.good).toMatchObject({ type: 'CloudWatch', kind: 'expression', expression: 'total - errors' });
  });

  test.each([
    ['bad', (m: cloudwatch.IMetric) => ({ badMetric: m })],
    ['good', (m: cloudwatch.IMetric) => ({ badMetric: undefined, goodMetric: m })],
  ])('a %s metric nesting metric math in metric math has no model', (_, sli) => {
    const inner = new cloudwatch.MathExpression({ expression: 'a + b', usingMetrics: { a: bad, b: good } });
    const nested = new cloudwatch.MathExpression({ expression: 'inner * 1', usingMetrics: { inner } });
    const { slo } = create(sli(nested));
    expect(slo._model()).toBeUndefined();
  });
});

describe('sloPropsFromSpec', () => {
  const stat = (metricName: string, dimensions: Record<string, string> = {}): CloudWatchMetricStat => ({
    type: 'CloudWatch',
    kind: 'metric',
    namespace: 'Shop',
    metricName,
    dimensions,
    statistic: 'Sum',
  });
  const prometheus: MetricSource = { type: 'Prometheus', query: 'sum(rate(errors[{{.window}}]))' };
  const spec = (over: { indicator?: Indicator; enabled?: boolean } = {}): Slo => ({
    name: 'checkout',
    service: 'shop',
    labels: {},
    objective: 0.999,
    period: { seconds: 30 * 86400, rolling: true },
    budgetingMethod: 'Occurrences',
    indicator: over.indicator ?? {
      kind: 'ratio',
      good: stat('CheckoutSucceeded', { Stage: 'prod' }),
      total: stat('CheckoutStarted', { Stage: 'prod' }),
    },
    alerting: {
      enabled: over.enabled ?? true,
      policy: defaultBurnRatePolicy(30 * 86400),
      labels: {},
      annotations: {},
    },
    origin: { format: 'openslo', location: { file: 'checkout.yaml', line: 1, col: 1, path: '' } },
  });

  test('alerting disabled: no props, the reason says so', () => {
    expect(sloPropsFromSpec(spec({ enabled: false }))).toEqual({
      reason: expect.stringMatching(/alerting is disabled/),
    });
  });

  test.each([
    ['threshold', { kind: 'threshold', metric: stat('Latency'), operator: 'lt', threshold: 0.3 } as Indicator],
    ['rawErrorRatio', { kind: 'rawErrorRatio', errorRatio: prometheus } as Indicator],
  ])('a %s indicator has no burn-rate alarms, the reason names the kind', (kind, indicator) => {
    expect(sloPropsFromSpec(spec({ indicator }))).toEqual({
      reason: expect.stringMatching(new RegExp(`^${kind} indicators have no CloudWatch burn-rate alarms`)),
    });
  });

  test.each([
    ['a Prometheus total', { kind: 'ratio', bad: stat('CheckoutFailed'), total: prometheus } as Indicator],
    [
      'a Prometheus bad count over a CloudWatch total',
      { kind: 'ratio', bad: prometheus, total: stat('X') } as Indicator,
    ],
  ])('%s: no props, the reason says it is not a CloudWatch source', (_, indicator) => {
    expect(sloPropsFromSpec(spec({ indicator }))).toEqual({
      reason: expect.stringMatching(/not a CloudWatch source/),
    });
  });

  test('a CloudWatch good-count spec: props with its tiers and severities, alarms on its dimensioned metrics', () => {
    const { props, reason } = sloPropsFromSpec(spec());
    expect(reason).toBeUndefined();
    expect(props!.badMetric).toBeUndefined();
    expect(props!.tiers!.map((t) => [t.name, t.severity])).toEqual(
      defaultBurnRatePolicy(30 * 86400).tiers.map((t) => [
        t.name,
        t.severity === 'page' ? SloTierSeverity.PAGE : SloTierSeverity.TICKET,
      ]),
    );
    expect(new Set(props!.tiers!.map((t) => t.severity))).toEqual(
      new Set([SloTierSeverity.PAGE, SloTierSeverity.TICKET]),
    );
    const { stack } = newStack('FromSpec');
    new ServiceLevelObjective(stack, 'Checkout', { ...props!, allowAlarmsWithoutActions: true });
    const alarm = alarmsByName(Template.fromStack(stack)).get('shop-checkout-page-1h-long')!.props;
    const metrics = Object.fromEntries(
      (alarm.Metrics as any[])
        .filter((q) => q.MetricStat)
        .map((q) => [q.Id, [q.MetricStat.Metric.MetricName, dims(q.MetricStat.Metric.Dimensions)]]),
    );
    expect(metrics).toEqual({
      good: ['CheckoutSucceeded', { Stage: 'prod' }],
      total: ['CheckoutStarted', { Stage: 'prod' }],
    });
  });
});
