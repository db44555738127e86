import { parseAlarmArn } from '../src/events/arn';
import { parseInbound } from '../src/events/inbound';
import { TagEnricher } from '../src/events/tags';
import { fixture, fixtureEvent, fixtureMessage, snsBatch } from './helpers/fixtures';

describe('normalised events from every payload shape', () => {
  it('metric alarm (SNS)', () => {
    const e = fixtureEvent('sns-metric-alarm.json');
    expect(e).toMatchObject({
      id: '5f1c8a5e-0d8e-5b8a-9c1e-6f2d3a4b5c01',
      kind: 'metric',
      state: 'ALARM',
      previousState: 'OK',
      region: 'eu-west-1',
      accountId: '123456789012',
      description: 'Lambda goodgreets-api reports errors: check the latest deploy and the function logs.',
      datapoints: [5, 3, 2],
      drill: false,
    });
    expect(e.trigger).toMatchObject({
      metric: { namespace: 'AWS/Lambda', metricName: 'Errors', dimensions: { FunctionName: 'goodgreets-api' } },
      statistic: 'Sum',
      periodSeconds: 60,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      comparison: 'GreaterThanThreshold',
      threshold: 0,
    });
    expect(e.metadata).toMatchObject({
      severity: 'critical',
      family: 'lambda',
      labels: { team: 'cards', env: 'prod' },
    });
  });

  it('metric-math alarm keeps every query and which one returns data', () => {
    const e = fixtureEvent('sns-metric-math-alarm.json');
    expect(e.kind).toBe('metric-math');
    expect(e.trigger?.queries?.map((q) => [q.id, q.returnData, q.expression ?? q.metric?.metricName])).toEqual([
      ['ratio', true, 'IF(total > 0, bad / total, 0)'],
      ['bad', false, 'HTTPCode_Target_5XX_Count'],
      ['total', false, 'RequestCount'],
    ]);
    expect(e.metadata).toMatchObject({
      slo: 'api-availability',
      burnRate: 14.4,
      objective: 0.999,
      longWindowSeconds: 3600,
      periodSeconds: 2592000,
    });
  });

  it('anomaly-band alarm is recognised by its band query', () => {
    const e = fixtureEvent('sns-anomaly-band-alarm.json');
    expect(e.kind).toBe('anomaly-band');
    expect(e.trigger?.thresholdMetricId).toBe('ad1');
    expect(e.datapoints).toEqual([4210.5, 3987.2]);
  });

  it('composite alarm lists its triggering children', () => {
    const e = fixtureEvent('sns-composite-alarm.json');
    expect(e.kind).toBe('composite');
    expect(e.trigger).toBeUndefined();
    expect(e.composite?.children).toEqual([
      {
        arn: expect.stringContaining(':alarm:goodgreets-api-availability-page-1h'),
        name: 'goodgreets-api-availability-page-1h',
        state: 'ALARM',
      },
      {
        arn: expect.stringContaining(':alarm:goodgreets-api-availability-page-5m'),
        name: 'goodgreets-api-availability-page-5m',
        state: 'ALARM',
      },
    ]);
  });

  it('EventBridge alarm state change: region code, dimensions object, threshold from reasonData', () => {
    const e = fixtureEvent('eventbridge-alarm.json');
    expect(e).toMatchObject({
      source: 'eventbridge',
      kind: 'metric',
      region: 'eu-west-1',
      state: 'ALARM',
      previousState: 'OK',
      datapoints: [152],
    });
    expect(e.trigger).toMatchObject({
      metric: {
        metricName: 'HTTPCode_Target_5XX_Count',
        dimensions: { LoadBalancer: 'app/goodgreets/50dc6c495c0c9188' },
      },
      threshold: 100,
      statistic: 'Sum',
    });
    expect(e.metadata.severity).toBe('warning');
  });

  it('EventBridge composite takes children from reasonData.triggeringAlarms', () => {
    const e = fixtureEvent('eventbridge-composite.json');
    expect(e).toMatchObject({ kind: 'composite', region: 'us-east-1' });
    expect(e.composite?.children.map((c) => c.name)).toEqual(['goodgreets-waf-blocked']);
  });

  it('EventBridge metric-math alarm keeps every query, the threshold and period from reasonData', () => {
    const e = fixtureEvent('eventbridge-metric-math.json');
    expect(e).toMatchObject({ source: 'eventbridge', kind: 'metric-math', region: 'eu-west-1', datapoints: [0.0216] });
    expect(e.trigger?.metric).toBeUndefined();
    expect(e.trigger?.queries?.map((q) => [q.id, q.returnData, q.expression ?? q.metric?.metricName])).toEqual([
      ['ratio', true, 'IF(total > 0, bad / total, 0)'],
      ['bad', false, 'HTTPCode_Target_5XX_Count'],
      ['total', false, 'RequestCount'],
    ]);
    expect(e.trigger?.queries?.[1]).toMatchObject({
      metric: { dimensions: { LoadBalancer: 'app/goodgreets/50dc6c495c0c9188' } },
      statistic: 'Sum',
      periodSeconds: 3600,
    });
    expect(e.trigger).toMatchObject({ threshold: 0.0144, periodSeconds: 3600 });
    expect(e.metadata).toMatchObject({ slo: 'api-availability', burnRate: 14.4, objective: 0.999, sli: 'errorRatio' });
  });

  it('EventBridge anomaly-band alarm: recognised by its band expression, which becomes the threshold query', () => {
    const e = fixtureEvent('eventbridge-anomaly-band.json');
    expect(e.kind).toBe('anomaly-band');
    // EventBridge configurations carry no thresholdMetricId: the band query is the threshold.
    expect(e.trigger?.thresholdMetricId).toBe('ad1');
    expect(e.trigger?.threshold).toBeUndefined();
    expect(e.datapoints).toEqual([1650, 3987.2, 4210.5]);
  });

  it.each([
    ['eventbridge-ok.json', 'OK', 'ALARM', [3]],
    ['eventbridge-insufficient-data.json', 'INSUFFICIENT_DATA', 'OK', []],
  ])('EventBridge %s is a %s transition from %s', (file, state, previousState, datapoints) => {
    const e = fixtureEvent(file);
    expect(e).toMatchObject({ source: 'eventbridge', kind: 'metric', state, previousState, datapoints });
    expect(e.stateChangeTime).toMatch(/^2026-11-29T22:/);
  });

  it.each([
    ['sns-ok.json', 'OK'],
    ['sns-insufficient-data.json', 'INSUFFICIENT_DATA'],
  ])('%s is a %s transition', (file, state) => {
    expect(fixtureEvent(file).state).toBe(state);
  });

  it('recognises the scheduled tick', () => {
    expect(parseInbound(fixture('scheduled-tick.json'))).toEqual({ events: [], rejected: [], tick: true });
  });
});

describe('rejections name the raw payload', () => {
  it.each([
    ['sns-malformed.json', 'aa5e2f60-4b7c-8d9e-1f0a-2b3c4d5e6f07', 'malformed', /not JSON/],
    ['sns-unknown.json', 'bb6f3071-5c8d-9e0f-2a1b-3c4d5e6f7a08', 'unknown', /not a CloudWatch alarm notification/],
    ['eventbridge-unknown.json', 'ee9f6a3b-8d0e-4f1a-9b2c-3d4e5f6a7b09', 'unknown', /EC2 Instance State-change/],
  ])('%s', (file, payloadId, kind, reason) => {
    const { events, rejected } = parseInbound(fixture(file));
    expect(events).toEqual([]);
    expect(rejected).toEqual([{ payloadId, kind, reason: expect.stringMatching(reason) }]);
  });

  it.each([
    [{ NewStateValue: 'PANIC' }, /unknown state "PANIC"/],
    [{ AlarmArn: 'arn:aws:sns:eu-west-1:1:x' }, /no valid AlarmArn/],
    [{ Trigger: undefined }, /neither Trigger nor AlarmRule/],
    [{ Trigger: { Period: 60 } }, /Trigger without MetricName or Metrics/],
    [{ Trigger: { Metrics: [] } }, /empty Trigger.Metrics/],
  ])('malformed alarm message %j', (change, reason) => {
    const { rejected } = parseInbound(
      snsBatch([{ id: 'm1', message: { ...fixtureMessage('sns-metric-alarm.json'), ...change } }]),
    );
    expect(rejected).toEqual([{ payloadId: 'm1', kind: 'malformed', reason: expect.stringMatching(reason) }]);
  });

  it('rejects what is neither SNS nor EventBridge, and non-SNS records by index', () => {
    expect(parseInbound('hello').rejected[0]).toMatchObject({ payloadId: 'payload', kind: 'unknown' });
    expect(parseInbound({ Records: [{ s3: {} }] }).rejected[0]).toMatchObject({
      payloadId: 'record[0]',
      kind: 'unknown',
    });
  });
});

describe('metadata from the description, tags as a supplement', () => {
  it('reads the contract of @sre-kit/core from the description', () => {
    const e = fixtureEvent('sns-metric-alarm.json');
    expect(e.description).not.toContain('sre-kit:');
    expect(e.metadata).toMatchObject({ severity: 'critical', service: 'goodgreets', labels: { team: 'cards' } });
  });

  it('looks tags up only for unclassified alarms, caching lookups, filling only missing fields', async () => {
    const lookup = jest.fn(async () => ({
      'sre-kit:severity': 'warning',
      'sre-kit:service': 'tagged',
      'sre-kit:family': 'lambda',
      team: 'payments',
    }));
    const enricher = new TagEnricher(lookup);
    const partial = { ...fixtureEvent('sns-metric-alarm.json'), metadata: { service: 'described', labels: {} } };
    expect((await enricher.enrich(partial)).metadata).toMatchObject({
      severity: 'warning',
      service: 'described',
      family: 'lambda',
      labels: { team: 'payments' },
    });
    await enricher.enrich(partial);
    expect(lookup).toHaveBeenCalledTimes(1);
    const described = fixtureEvent('sns-metric-alarm.json');
    expect(await enricher.enrich(described)).toBe(described);
    expect(lookup).toHaveBeenCalledTimes(1);
  });

  it('a slow tag lookup gives up within its time limit and keeps the description', async () => {
    const never = () => new Promise<Record<string, string>>(() => undefined);
    const errors: string[] = [];
    const enricher = new TagEnricher(never, { timeoutMs: 20, onError: (_, err) => errors.push(err.message) });
    const partial = {
      ...fixtureEvent('sns-metric-alarm.json'),
      metadata: { severity: 'critical' as const, labels: {} },
    };
    const started = Date.now();
    expect((await enricher.enrich(partial)).metadata).toEqual(partial.metadata);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(errors).toEqual(['ListTagsForResource took longer than 20 ms']);
  });

  it('parses alarm ARNs of every partition', () => {
    expect(parseAlarmArn('arn:aws-cn:cloudwatch:cn-north-1:123456789012:alarm:a:b')).toEqual({
      partition: 'aws-cn',
      region: 'cn-north-1',
      accountId: '123456789012',
      alarmName: 'a:b',
    });
  });
});
