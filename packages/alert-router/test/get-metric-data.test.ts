import { CloudWatchClient, GetMetricDataCommand, type GetMetricDataCommandInput } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { planSloQueries, seriesFromResults, choosePeriod, type Slo } from '@sre-kit/core';
import { fetchMetricData, getMetricDataCost } from '../src/review/get-metric-data';
import { isThrottling, withBackoff } from '../src/review/retry';

const cw = mockClient(CloudWatchClient);
afterEach(() => cw.reset());

const metric = (name: string) => ({
  type: 'CloudWatch' as const,
  kind: 'metric' as const,
  namespace: 'AWS/ApplicationELB',
  metricName: name,
  dimensions: { LoadBalancer: 'app/x/1' },
  statistic: 'Sum',
});

function slo(name: string, expression = false): Slo {
  return {
    name,
    service: 'shop',
    labels: {},
    objective: 0.999,
    period: { seconds: 30 * 86400, rolling: true },
    budgetingMethod: 'Occurrences',
    indicator: {
      kind: 'ratio',
      bad: expression
        ? {
            type: 'CloudWatch',
            kind: 'expression',
            expression: 'FILL(e5, 0) + FILL(t5, 0)',
            metrics: { e5: metric('HTTPCode_ELB_5XX_Count'), t5: metric('HTTPCode_Target_5XX_Count') },
          }
        : metric('HTTPCode_ELB_5XX_Count'),
      total: metric('RequestCount'),
    },
    alerting: { enabled: true, policy: { periodSeconds: 30 * 86400, tiers: [] }, labels: {}, annotations: {} },
    origin: { format: 'openslo', location: { file: 'x.yaml', line: 1, col: 1, path: '' } },
  };
}

const T0 = 1_793_491_200;
const d = (t: number) => new Date(t * 1000);
const noSleep = { sleep: async () => undefined, random: () => 0.5 };

describe('planning', () => {
  it('rewrites expression ids per SLO and counts billed metrics', () => {
    const g = planSloQueries(slo('a', true), 3, 60);
    expect(g.queries.map((q) => [q.Id, q.ReturnData, q.Expression])).toEqual([
      ['s3_bad_e5', false, undefined],
      ['s3_bad_t5', false, undefined],
      ['s3_bad', true, 'FILL(s3_bad_e5, 0) + FILL(s3_bad_t5, 0)'],
      ['s3_total', true, undefined],
    ]);
    expect(g.metricCount).toBe(3);
  });

  it('chooses periods CloudWatch still holds and that fit the datapoint limit', () => {
    const now = T0 + 100 * 86400;
    expect(choosePeriod(now - 30 * 86400, now, now)).toBe(300); // older than 15 days: 5-minute data only
    expect(choosePeriod(now - 7 * 86400, now, now)).toBe(60);
    expect(choosePeriod(now - 90 * 86400, now, now)).toBe(3600);
    expect(choosePeriod(now - 14 * 86400, now - 13 * 86400 + 100_801 * 60, now + 200 * 86400)).toBe(3600);
    expect(() => choosePeriod(0, 1, 1, 90)).toThrow(/not a multiple of 60/);
  });

  it('rebuilds buckets: missing bad is zero, missing total is a gap', () => {
    const g = planSloQueries(slo('a'), 0, 60);
    const results = new Map([
      [
        's0_total',
        new Map([
          [T0, 100],
          [T0 + 60, 50],
          [T0 + 180, 10],
        ]),
      ],
      ['s0_bad', new Map([[T0, 5]])],
    ]);
    expect(seriesFromResults(g, results)).toEqual([
      { t: T0, good: 95, total: 100 },
      { t: T0 + 60, good: 50, total: 50 },
      { t: T0 + 180, good: 10, total: 10 },
    ]);
  });
});

describe('fetchMetricData', () => {
  it('batches whole SLOs into calls of at most 500 queries', async () => {
    cw.on(GetMetricDataCommand).resolves({ MetricDataResults: [] });
    const groups = Array.from({ length: 300 }, (_, i) => planSloQueries(slo(`s${i}`), i, 60));
    const { stats } = await fetchMetricData(cw as unknown as CloudWatchClient, groups, {
      start: d(T0),
      end: d(T0 + 3600),
      periodSeconds: 60,
    });
    const calls = cw
      .commandCalls(GetMetricDataCommand)
      .map((c) => (c.args[0].input as GetMetricDataCommandInput).MetricDataQueries?.length);
    expect(calls).toEqual([500, 100]);
    expect(stats.metricsRequested).toBe(600);
    expect(getMetricDataCost(stats.metricsRequested)).toBeCloseTo(0.006, 10);
  });

  it('follows NextToken, merging pages, and keeps partial-data messages', async () => {
    cw.on(GetMetricDataCommand)
      .resolvesOnce({
        MetricDataResults: [{ Id: 's0_total', Timestamps: [d(T0)], Values: [10], StatusCode: 'PartialData' }],
        NextToken: 'page2',
      })
      .resolvesOnce({
        MetricDataResults: [
          { Id: 's0_total', Timestamps: [d(T0 + 60)], Values: [20], StatusCode: 'Complete' },
          {
            Id: 's0_bad',
            Timestamps: [d(T0 + 60)],
            Values: [2],
            StatusCode: 'Complete',
            Messages: [{ Code: 'ArithmeticError', Value: 'division by zero' }],
          },
        ],
      });
    const progress: number[][] = [];
    const { values, stats } = await fetchMetricData(
      cw as unknown as CloudWatchClient,
      [planSloQueries(slo('a'), 0, 60)],
      {
        start: d(T0),
        end: d(T0 + 120),
        periodSeconds: 60,
        onProgress: (done, total) => progress.push([done, total]),
      },
    );
    expect(cw.commandCalls(GetMetricDataCommand)[1].args[0].input).toMatchObject({
      NextToken: 'page2',
      ScanBy: 'TimestampAscending',
    });
    expect([...(values.get('s0_total') ?? [])]).toEqual([
      [T0, 10],
      [T0 + 60, 20],
    ]);
    expect(stats).toMatchObject({
      calls: 2,
      metricsRequested: 4,
      messages: ['a bad: ArithmeticError division by zero'],
    });
    expect(progress).toEqual([
      [1, 2],
      [2, 2],
    ]);
  });

  it('backs off on throttling and gives up after the last attempt', async () => {
    const throttle = Object.assign(new Error('Rate exceeded'), {
      name: 'Throttling',
      $metadata: { httpStatusCode: 400 },
    });
    cw.on(GetMetricDataCommand).rejectsOnce(throttle).rejectsOnce(throttle).resolves({ MetricDataResults: [] });
    const delays: number[] = [];
    const { stats } = await fetchMetricData(cw as unknown as CloudWatchClient, [planSloQueries(slo('a'), 0, 60)], {
      start: d(T0),
      end: d(T0 + 60),
      periodSeconds: 60,
      ...noSleep,
      sleep: async (ms) => void delays.push(ms),
    });
    expect(stats.retries).toBe(2);
    expect(delays).toEqual([100, 200]); // full jitter at 0.5 of 200 ms, then 400 ms
    cw.reset();
    cw.on(GetMetricDataCommand).rejects(throttle);
    await expect(
      fetchMetricData(cw as unknown as CloudWatchClient, [planSloQueries(slo('a'), 0, 60)], {
        start: d(T0),
        end: d(T0 + 60),
        periodSeconds: 60,
        maxAttempts: 3,
        ...noSleep,
      }),
    ).rejects.toThrow('Rate exceeded');
    expect(cw.commandCalls(GetMetricDataCommand)).toHaveLength(3);
  });

  it('does not retry other errors, and fails on InternalError results', async () => {
    expect(isThrottling(Object.assign(new Error('x'), { name: 'AccessDenied' }))).toBe(false);
    await expect(
      withBackoff(async () => {
        throw Object.assign(new Error('denied'), { name: 'AccessDenied' });
      }, noSleep),
    ).rejects.toThrow('denied');
    cw.on(GetMetricDataCommand).resolves({ MetricDataResults: [{ Id: 's0_total', StatusCode: 'InternalError' }] });
    await expect(
      fetchMetricData(cw as unknown as CloudWatchClient, [planSloQueries(slo('a'), 0, 60)], {
        start: d(T0),
        end: d(T0 + 60),
        periodSeconds: 60,
      }),
    ).rejects.toThrow('GetMetricData InternalError for a total');
  });
});
