/** The CloudWatch boundary of classification: the SLO budget reading and the tag supplement, and how they fail. */
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { cloudWatchBudgetReader } from '../src/events/budget';
import { classifyEvent } from '../src/events/classify';
import { cloudWatchTagLookup, TagEnricher } from '../src/events/tags';
import type { AlarmEvent } from '../src/events/types';
import { RouteTree } from '../src/routing/tree';
import { fixtureEvent, receiver, route, routing } from './helpers/fixtures';

const cw = mockClient(CloudWatchClient);
beforeEach(() => cw.reset());

const composite = fixtureEvent('sns-composite-alarm.json');
const page: AlarmEvent = {
  ...composite,
  metadata: {
    ...composite.metadata,
    sli: 'errorRatio',
    periodSeconds: 28 * 86400,
    longAlarm: 'goodgreets-api-availability-page-1h-long',
  },
};
const now = Date.parse('2026-11-29T22:37:00Z');
const reader = (timeoutMs = 2000) =>
  cloudWatchBudgetReader({ client: new CloudWatchClient({ region: 'eu-west-1' }), timeoutMs, now: () => now });

const longAlarm = {
  AlarmName: 'goodgreets-api-availability-page-1h-long',
  StateReasonData: JSON.stringify({ recentDatapoints: [0.015, 0.0216], threshold: 0.0144 }),
  Metrics: [
    { Id: 'ratio', Expression: 'IF(total > 0, bad / total, 0)', ReturnData: true },
    {
      Id: 'bad',
      ReturnData: false,
      MetricStat: {
        Metric: { Namespace: 'AWS/ApplicationELB', MetricName: 'HTTPCode_Target_5XX_Count' },
        Period: 3600,
        Stat: 'Sum',
      },
    },
  ],
};

describe('SLO budget reading', () => {
  it('reads the long window alarm and its query over the SLO period ending at the last full hour', async () => {
    cw.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [longAlarm] });
    cw.on(GetMetricDataCommand).resolves({ MetricDataResults: [{ Id: 'ratio', Values: [0.0004] }] });
    const reading = await reader()(page);
    expect(reading.currentBurnRate).toBeCloseTo(21.6, 10);
    expect(reading.budgetRemaining).toBeCloseTo(0.6, 10);
    expect(cw.commandCalls(DescribeAlarmsCommand)[0].args[0].input.AlarmNames).toEqual([
      'goodgreets-api-availability-page-1h-long',
    ]);
    const query = cw.commandCalls(GetMetricDataCommand)[0].args[0].input;
    expect(query.EndTime).toEqual(new Date('2026-11-29T22:00:00Z'));
    expect(query.StartTime).toEqual(new Date(Date.parse('2026-11-29T22:00:00Z') - 28 * 86400_000));
    expect(query.MetricDataQueries?.[1].MetricStat?.Period).toBe(28 * 86400);
    expect(query.MetricDataQueries?.[0].Expression).toBe('IF(total > 0, bad / total, 0)');
  });

  it('turns a failed call into an unknown reading, never an exception', async () => {
    cw.on(DescribeAlarmsCommand).rejects(new Error('AccessDenied'));
    expect(await reader()(page)).toEqual({ error: 'AccessDenied' });
  });

  it('gives up within its time limit', async () => {
    cw.on(DescribeAlarmsCommand).callsFake(() => new Promise(() => undefined));
    const started = Date.now();
    expect(await reader(50)(page)).toEqual({ error: 'the budget lookup took longer than 50 ms' });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('says why it cannot read a budget without calling CloudWatch', async () => {
    const noLong = { ...page, metadata: { ...page.metadata, longAlarm: undefined } };
    expect(await reader()(noLong)).toEqual({ error: 'the alarm metadata names no long-window alarm' });
    expect(cw.calls()).toHaveLength(0);
  });

  it('is only asked for SLO alarms in ALARM, and a failure leaves the classification as it was', async () => {
    cw.on(DescribeAlarmsCommand).rejects(new Error('Throttling'));
    const classified = await classifyEvent(page, { budget: reader() });
    expect(classified.metadata).toBe(page.metadata);
    expect(classified.budget).toEqual({ error: 'Throttling' });
    const resolved = await classifyEvent({ ...page, state: 'OK' }, { budget: reader() });
    expect(resolved.budget).toBeUndefined();
    const lambda = await classifyEvent(fixtureEvent('sns-metric-alarm.json'), { budget: reader() });
    expect(lambda.budget).toBeUndefined();
    expect(cw.commandCalls(DescribeAlarmsCommand)).toHaveLength(1);
  });
});

describe('tag lookup failures', () => {
  it('a rejected ListTagsForResource on a partly described page keeps it critical and routed to page', async () => {
    cw.on(ListTagsForResourceCommand).rejects(new Error('AccessDenied'));
    // A description that says severity but not service makes the router ask for tags.
    const partial = { ...page, metadata: { severity: 'critical' as const, slo: 'api-availability', labels: {} } };
    const enricher = new TagEnricher(cloudWatchTagLookup(new CloudWatchClient({ region: 'eu-west-1' })));
    const classified = await classifyEvent(partial, { enricher });
    expect(cw.commandCalls(ListTagsForResourceCommand)).toHaveLength(1);
    expect(classified.metadata).toEqual(partial.metadata);
    const tree = new RouteTree(
      routing(route({ receiver: 'team', routes: [route({ matchers: { severity: 'critical' }, receiver: 'page' })] }), [
        receiver('page'),
        receiver('team'),
      ]),
    );
    expect(tree.match(classified, new Date()).map((m) => m.receiver.name)).toEqual(['page']);
  });
});
