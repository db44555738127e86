import { join } from 'node:path';
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  type GetMetricDataCommandInput,
  type MetricAlarm,
} from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { runSre } from './run';

const SLOS = join(__dirname, 'fixtures', 'review', 'slos.yaml');
const cw = mockClient(CloudWatchClient);
afterEach(() => cw.reset());

const prefix = 'shop-checkout-availability';
const tiers = [
  ['page-1h', 14.4],
  ['page-6h', 6],
  ['ticket-1d', 3],
  ['ticket-3d', 1],
] as const;
const old = new Date(Date.now() - 86400_000);

function windowAlarm(name: string, threshold: number, over: Partial<MetricAlarm> = {}): MetricAlarm {
  return {
    AlarmName: name,
    Threshold: threshold,
    StateValue: 'OK',
    StateUpdatedTimestamp: old,
    ActionsEnabled: true,
    AlarmActions: [],
    Metrics: [
      {
        Id: 'bad',
        MetricStat: {
          Metric: {
            Namespace: 'AWS/ApplicationELB',
            MetricName: 'HTTPCode_ELB_5XX_Count',
            Dimensions: [{ Name: 'LoadBalancer', Value: 'app/shop/1' }],
          },
          Period: 300,
          Stat: 'Sum',
        },
        ReturnData: false,
      },
      {
        Id: 'total',
        MetricStat: {
          Metric: {
            Namespace: 'AWS/ApplicationELB',
            MetricName: 'RequestCount',
            Dimensions: [{ Name: 'LoadBalancer', Value: 'app/shop/1' }],
          },
          Period: 300,
          Stat: 'Sum',
        },
        ReturnData: false,
      },
      { Id: 'ratio', Expression: 'bad / total', ReturnData: true },
    ],
    ...over,
  };
}

function deployed() {
  const metricAlarms: MetricAlarm[] = [];
  for (const [tier, rate] of tiers)
    for (const w of ['long', 'short']) metricAlarms.push(windowAlarm(`${prefix}-${tier}-${w}`, rate * (1 - 0.999)));
  metricAlarms[0] = { ...metricAlarms[0], Threshold: 0.02 }; // page-1h-long edited by hand
  metricAlarms[3] = { ...metricAlarms[3], StateValue: 'INSUFFICIENT_DATA' }; // page-6h-short
  metricAlarms.push({ ...windowAlarm('shop-legacy-5xx', 5), AlarmActions: ['arn:aws:sns:eu-west-1:1:t'] });
  const composites = tiers
    .filter(([t]) => t !== 'ticket-3d')
    .map(([t]) => ({
      AlarmName: `${prefix}-${t}`,
      StateValue: 'OK' as const,
      ActionsEnabled: true,
      AlarmActions: t === 'ticket-1d' ? [] : ['arn:aws:sns:eu-west-1:1:t'],
    }));
  composites.push({
    AlarmName: `${prefix}-ticket-1d-faster-firing`,
    StateValue: 'OK',
    ActionsEnabled: true,
    AlarmActions: [],
  });
  return { metricAlarms, composites };
}

describe('sre audit (mocked CloudWatch)', () => {
  it('finds missing, extra, changed, stuck, silent and data-less alarms and exits 1', async () => {
    const { metricAlarms, composites } = deployed();
    cw.on(DescribeAlarmsCommand)
      .resolvesOnce({ MetricAlarms: metricAlarms.slice(0, 5), NextToken: 'p2' })
      .resolvesOnce({ MetricAlarms: metricAlarms.slice(5), CompositeAlarms: composites });
    // Every metric has data except those of the legacy alarm (its queries are the last two: a8_m0, a8_m1).
    cw.on(GetMetricDataCommand).callsFake((input: GetMetricDataCommandInput) => ({
      MetricDataResults: (input.MetricDataQueries ?? [])
        .filter((q) => !q.Id?.startsWith('a8_'))
        .map((q) => ({ Id: q.Id, Timestamps: [old], Values: [42], StatusCode: 'Complete' })),
    }));
    const { stdout, code } = await runSre(['audit', SLOS, '--region', 'eu-west-1', '--format', 'json', '--days', '3']);
    expect(code).toBe(1);
    const doc = JSON.parse(stdout);
    expect(doc.findings.map((f: { alarm: string; kind: string }) => `${f.kind} ${f.alarm}`)).toEqual([
      `threshold ${prefix}-page-1h-long`,
      `insufficient-data ${prefix}-page-6h-short`,
      `no-actions ${prefix}-ticket-1d`,
      `missing ${prefix}-ticket-3d`,
      `missing ${prefix}-ticket-3d-faster-firing`,
      'extra shop-legacy-5xx',
      'no-datapoints shop-legacy-5xx',
    ]);
    expect(doc.calls).toEqual({ describeAlarms: 2, getMetricData: 1 });
    expect(doc.metricsRequested).toBe(18);
    const describe = cw.commandCalls(DescribeAlarmsCommand);
    expect(describe[0].args[0].input).toMatchObject({
      AlarmNamePrefix: 'shop-',
      AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
    });
    expect(describe[1].args[0].input).toMatchObject({ NextToken: 'p2' });
    const gmd = cw.commandCalls(GetMetricDataCommand)[0].args[0].input as GetMetricDataCommandInput;
    expect(gmd.MetricDataQueries?.[0]).toMatchObject({
      Id: 'a0_m0',
      MetricStat: { Period: 86400, Stat: 'SampleCount' },
    });
  });

  it('exits 0 and says so when everything matches', async () => {
    const metricAlarms: MetricAlarm[] = [];
    for (const [tier, rate] of tiers)
      for (const w of ['long', 'short']) metricAlarms.push(windowAlarm(`${prefix}-${tier}-${w}`, rate * (1 - 0.999)));
    const composites = tiers.map(([t]) => ({
      AlarmName: `${prefix}-${t}`,
      ActionsEnabled: true,
      AlarmActions: ['arn:t'],
    }));
    composites.push(
      { AlarmName: `${prefix}-ticket-1d-faster-firing`, ActionsEnabled: true, AlarmActions: [] },
      { AlarmName: `${prefix}-ticket-3d-faster-firing`, ActionsEnabled: true, AlarmActions: [] },
    );
    cw.on(DescribeAlarmsCommand).resolves({ MetricAlarms: metricAlarms, CompositeAlarms: composites });
    cw.on(GetMetricDataCommand).callsFake((input: GetMetricDataCommandInput) => ({
      MetricDataResults: (input.MetricDataQueries ?? []).map((q) => ({ Id: q.Id, Timestamps: [old], Values: [1] })),
    }));
    const { stdout, code } = await runSre(['audit', SLOS, '--region', 'eu-west-1']);
    expect(stdout).toBe('sre audit: 14 alarm(s) in eu-west-1: all as specified, all receiving data\n');
    expect(code).toBe(0);
  });
});
