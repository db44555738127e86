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
const POLICY = join(__dirname, 'fixtures', 'audit', 'policy.yaml');
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

describe('sre audit of an alarm policy (mocked CloudWatch)', () => {
  /** A single-metric alarm as @sre-kit/cdk deploys a catalogue entry, with an SNS action. */
  function resourceAlarm(name: string, metric: [string, string, string, string], threshold: number): MetricAlarm {
    const [Namespace, MetricName, dimension, value] = metric;
    return {
      AlarmName: name,
      Namespace,
      MetricName,
      Dimensions: [{ Name: dimension, Value: value }],
      Threshold: threshold,
      ComparisonOperator: 'GreaterThanThreshold',
      StateValue: 'OK',
      StateUpdatedTimestamp: old,
      ActionsEnabled: true,
      AlarmActions: ['arn:aws:sns:eu-west-1:123456789012:shop-warning'],
    };
  }
  const lambda = (metricName: string): [string, string, string, string] => [
    'AWS/Lambda',
    metricName,
    'FunctionName',
    'shop-checkout',
  ];
  const nat = (metricName: string): [string, string, string, string] => [
    'AWS/NATGateway',
    metricName,
    'NatGatewayId',
    'nat-0aaaaaaaaaaaaaaaa',
  ];
  const packetsDropRate: MetricAlarm = {
    ...resourceAlarm('shop-nat-a-natgateway.packets-drop-rate', nat('PacketsDropCount'), 0.01),
    // Metric math: the metrics move into Metrics, as CloudWatch returns them.
    Namespace: undefined,
    MetricName: undefined,
    Dimensions: undefined,
    Metrics: [
      { Id: 'rate', Expression: '100 * FILL(drops, 0) / (fromSource + fromDestination)', ReturnData: true },
      ...Object.entries({
        drops: 'PacketsDropCount',
        fromSource: 'PacketsInFromSource',
        fromDestination: 'PacketsInFromDestination',
      }).map(([Id, metricName]) => {
        const [Namespace, MetricName, Name, Value] = nat(metricName);
        return {
          Id,
          MetricStat: { Metric: { Namespace, MetricName, Dimensions: [{ Name, Value }] }, Period: 60, Stat: 'Sum' },
          ReturnData: false,
        };
      }),
    ],
  };
  const asSpecified = (): MetricAlarm[] => [
    resourceAlarm('shop-checkout-lambda.errors', lambda('Errors'), 0),
    resourceAlarm('shop-checkout-lambda.duration', lambda('Duration'), 18000),
    resourceAlarm('shop-checkout-lambda.concurrent-executions', lambda('ConcurrentExecutions'), 900),
    resourceAlarm('shop-nat-a-natgateway.error-port-allocation', nat('ErrorPortAllocation'), 0),
    packetsDropRate,
  ];

  function mockCloudWatch(metricAlarms: MetricAlarm[]): void {
    cw.on(DescribeAlarmsCommand).resolves({ MetricAlarms: metricAlarms, CompositeAlarms: [] });
    cw.on(GetMetricDataCommand).callsFake((input: GetMetricDataCommandInput) => ({
      MetricDataResults: (input.MetricDataQueries ?? []).map((q) => ({ Id: q.Id, Timestamps: [old], Values: [7] })),
    }));
  }

  it('exits 0 when every alarm of the policy is deployed as specified', async () => {
    mockCloudWatch(asSpecified());
    const { stdout, code } = await runSre(['audit', POLICY, '--region', 'eu-west-1']);
    expect(stdout).toBe('sre audit: 5 alarm(s) in eu-west-1: all as specified, all receiving data\n');
    expect(code).toBe(0);
    expect(cw.commandCalls(DescribeAlarmsCommand)[0].args[0].input).toMatchObject({ AlarmNamePrefix: 'shop-' });
  });

  // Drift a console session leaves behind: a family alarm deleted, an opted-out one created, a threshold raised.
  const drifted = () => [
    ...asSpecified()
      .filter((a) => a.AlarmName !== 'shop-nat-a-natgateway.packets-drop-rate')
      .map((a) => (a.AlarmName === 'shop-checkout-lambda.duration' ? { ...a, Threshold: 30000 } : a)),
    resourceAlarm('shop-checkout-lambda.throttles', lambda('Throttles'), 1),
  ];

  it('reports a missing family alarm, an extra one and a changed threshold, and exits 1', async () => {
    mockCloudWatch(drifted());
    const { stdout, code } = await runSre(['audit', POLICY, '--region', 'eu-west-1', '--format', 'json']);
    expect(code).toBe(1);
    expect(JSON.parse(stdout).findings).toEqual([
      {
        kind: 'threshold',
        alarm: 'shop-checkout-lambda.duration',
        message: 'threshold 30000 differs from the specs (18000)',
      },
      { kind: 'extra', alarm: 'shop-checkout-lambda.throttles', message: expect.stringContaining('not in the specs') },
      {
        kind: 'missing',
        alarm: 'shop-nat-a-natgateway.packets-drop-rate',
        message: 'not deployed (expected from alarm policy shop-alarms: natgateway.packets-drop-rate on nat-a)',
      },
    ]);
  });

  it('says the same in text, one line per finding, with SLOs and the policy audited together', async () => {
    mockCloudWatch(drifted());
    const { stdout, code } = await runSre(['audit', SLOS, POLICY, '--region', 'eu-west-1']);
    expect(code).toBe(1);
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        'shop-checkout-lambda.duration: threshold: threshold 30000 differs from the specs (18000)',
        expect.stringMatching(/^shop-checkout-lambda\.throttles: extra: /),
        expect.stringMatching(/^shop-nat-a-natgateway\.packets-drop-rate: missing: /),
        // None of the SLO's alarms is deployed in this account.
        expect.stringMatching(/^shop-checkout-availability-page-1h: missing: /),
      ]),
    );
    expect(lines.at(-1)).toMatch(/^sre audit: \d+ finding\(s\) over 5 alarm\(s\) in eu-west-1$/);
    // One prefix for both specs: the SLO and the policy belong to the same service.
    expect(cw.commandCalls(DescribeAlarmsCommand)).toHaveLength(1);
  });
});
