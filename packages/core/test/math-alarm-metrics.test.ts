/**
 * Which metrics an alarm is billed for (math/alarm-metrics.ts): when two retrievals are the same metric, and
 * when they must both be counted. The figure is CloudWatch's 10-metric limit and the cost model's count, so a
 * count too low lets an alarm through that CloudWatch rejects, and one too high bills metrics nobody reads.
 */
import type { CloudWatchMetricStat } from '../src/model/slo';
import { alarmMetricCount, metricIdentity, type AlarmMetricNode } from '../src/math';
import { albMetric as alb } from './fixtures';

/** A metric-math expression over these ids (the expression text plays no part in the count). */
const expression = (metrics: Record<string, AlarmMetricNode>): AlarmMetricNode => ({ kind: 'expression', metrics });

/**
 * Metrics an alarm retrieves when two of its expressions name `a` and `b` under the one id `requests`: 1 when
 * they are the same metric (the alarm holds one query per id), 2 when they are not or cannot be told apart.
 */
const underOneId = (a: AlarmMetricNode, b: AlarmMetricNode): number =>
  alarmMetricCount([expression({ requests: a }), expression({ requests: b })]);

/** A metric with two dimensions, listed in the order given. */
const targetGroupMetric = (dimensions: Record<string, string>): CloudWatchMetricStat => ({
  ...alb('RequestCount'),
  dimensions,
});

describe('alarmMetricCount: the same metric under one id', () => {
  it('is one metric whatever order its dimensions are listed in', () => {
    const lbFirst = targetGroupMetric({ LoadBalancer: 'app/gg/1', TargetGroup: 'targetgroup/api/2' });
    const tgFirst = targetGroupMetric({ TargetGroup: 'targetgroup/api/2', LoadBalancer: 'app/gg/1' });
    expect(underOneId(lbFirst, tgFirst)).toBe(1);
    // The CDK builds its identities from the dimension list as the user wrote it: the same rule must hold there.
    expect(metricIdentity(lbFirst)).toBe(metricIdentity(tgFirst));
    expect(underOneId(lbFirst, targetGroupMetric({ LoadBalancer: 'app/gg/1', TargetGroup: 'targetgroup/web/3' }))).toBe(
      2,
    );
  });

  it('is another metric in another region or another account', () => {
    const requests = alb('RequestCount');
    const inRegion = (region: string): CloudWatchMetricStat => ({ ...requests, region });
    const inAccount = (accountId: string): CloudWatchMetricStat => ({ ...requests, accountId });
    expect(underOneId(inRegion('eu-west-1'), inRegion('eu-west-1'))).toBe(1);
    expect(underOneId(inRegion('eu-west-1'), inRegion('us-east-1'))).toBe(2);
    expect(underOneId(inAccount('111111111111'), inAccount('111111111111'))).toBe(1);
    expect(underOneId(inAccount('111111111111'), inAccount('222222222222'))).toBe(2);
    expect(underOneId(inRegion('eu-west-1'), requests)).toBe(2);
    expect(underOneId(inAccount('111111111111'), requests)).toBe(2);
  });

  it('takes an empty region or account for none, as the CDK does', () => {
    // The CDK keys a metric without an empty region or account, so under one id it renders one query for both.
    const requests = alb('RequestCount');
    expect(underOneId({ ...requests, region: '' }, requests)).toBe(1);
    expect(underOneId({ ...requests, accountId: '' }, requests)).toBe(1);
  });

  it('goes by the identity a leaf carries, as the CDK passes its metrics', () => {
    const leaf = (m: CloudWatchMetricStat): AlarmMetricNode => ({ kind: 'metric', identity: metricIdentity(m) });
    expect(underOneId(leaf(alb('RequestCount')), leaf(alb('RequestCount')))).toBe(1);
    expect(underOneId(leaf(alb('RequestCount')), leaf(alb('RequestCount', 'SampleCount')))).toBe(2);
  });

  it('counts a leaf each time it is named when it does not say which metric it retrieves', () => {
    // The CDK passes a metric without a MetricStat this way; counting it once could let an 11-metric alarm through.
    expect(underOneId({ kind: 'metric' }, { kind: 'metric' })).toBe(2);
    // A metric stat without its namespace or name (a JavaScript caller's) is no better known.
    const stat = { kind: 'metric' as const, dimensions: { LoadBalancer: 'app/gg/1' }, statistic: 'Sum' };
    const noNamespace = { ...stat, metricName: 'RequestCount' };
    const noName = { ...stat, namespace: 'AWS/ApplicationELB' };
    expect(underOneId(noNamespace, noNamespace)).toBe(2);
    expect(underOneId(noName, noName)).toBe(2);
  });
});

describe('alarmMetricCount: sources of the alarm', () => {
  it('counts the same metric once per source, since each source is a query under its own id', () => {
    // bad and total both reading DeliveriesFailed: the alarm queries `bad` and `total`, two MetricStats.
    const failed = alb('DeliveriesFailed');
    expect(alarmMetricCount([failed, failed])).toBe(2);
    expect(alarmMetricCount([failed, expression({ failed })])).toBe(2);
  });
});
