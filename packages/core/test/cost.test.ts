import {
  CLOUDWATCH_PRICES_US_EAST_1,
  estimateCost,
  inventoryForSpecs,
  SUPPRESSOR_ITEM,
  type CostInventory,
} from '../src/cost';
import { availabilitySlo, policy, resource, slo } from './fixtures';

const EMPTY: CostInventory = { alarms: [], dashboards: [], customMetrics: [], getMetricData: [] };

describe('estimateCost', () => {
  it('prices alarm metrics, composites, high resolution, anomaly, dashboards, custom metrics and GetMetricData', () => {
    const est = estimateCost({
      alarms: [
        { slo: 's', item: 'w', name: 'a', kind: 'metric', metrics: 3, highResolution: false },
        { slo: 's', item: 'w', name: 'b', kind: 'metric', metrics: 3, highResolution: false },
        { slo: 's', item: 'c', name: 'c', kind: 'composite', metrics: 0, highResolution: false },
        { family: 'lambda', item: 'lambda.errors', name: 'd', kind: 'metric', metrics: 1, highResolution: true },
        { family: 'waf', item: 'waf.x', name: 'e', kind: 'anomaly', metrics: 1, highResolution: false },
      ],
      dashboards: [{ name: 'x' }, { name: 'y' }],
      customMetrics: [{ slo: 's', item: 'custom metric', name: 'm', count: 2 }],
      getMetricData: [{ slo: 's', item: 'review', name: 'r', count: 100000 }],
    });
    const line = (item: string) => est.lines.find((l) => l.item === item)!;
    expect(line('w')).toMatchObject({ quantity: 6, monthlyUsd: 0.6, category: 'alarmMetrics' });
    expect(line('c')).toMatchObject({ quantity: 1, monthlyUsd: 0.5 });
    expect(line('lambda.errors')).toMatchObject({ category: 'highResolutionAlarmMetrics', monthlyUsd: 0.3 });
    expect(line('waf.x')).toMatchObject({ quantity: 3, monthlyUsd: 0.3 });
    expect(line('dashboard')).toMatchObject({ quantity: 2, monthlyUsd: 6 });
    expect(line('custom metric').monthlyUsd).toBeCloseTo(0.6, 9);
    expect(line('review').monthlyUsd).toBeCloseTo(1, 9);
    expect(est.bySlo.s).toBeCloseTo(0.6 + 0.5 + 0.6 + 1, 9);
    expect(est.byFamily).toEqual({ lambda: 0.3, waf: 0.3 });
    expect(est.sharedUsd).toBe(6);
    expect(est.totalUsd).toBeCloseTo(2.7 + 0.6 + 6, 9);
    expect(est.prices.asOf).toBe(CLOUDWATCH_PRICES_US_EAST_1.asOf);
  });

  it('shows the free tier as its own line and deducts it only when asked', () => {
    const inv: CostInventory = {
      ...EMPTY,
      alarms: [
        { family: 'rds', item: 'rds.cpu-utilization', name: 'a', kind: 'metric', metrics: 4, highResolution: false },
      ],
      dashboards: [{ name: 'd' }],
    };
    const gross = estimateCost(inv);
    expect(gross.totalUsd).toBeCloseTo(3.4, 9);
    expect(gross.lines.find((l) => l.category === 'freeTier')).toMatchObject({
      monthlyUsd: 0,
      note: expect.stringMatching(/not deducted/),
    });
    const net = estimateCost(inv, { applyFreeTier: true });
    expect(net.lines.find((l) => l.category === 'freeTier')!.monthlyUsd).toBeCloseTo(-3.4, 9);
    expect(net.totalUsd).toBe(0);
    expect(estimateCost(EMPTY).lines).toEqual([]);
  });
});

describe('inventoryForSpecs', () => {
  it('bills each SLO 8 window alarms x its metrics, 4 tier composites and 2 suppressor composites', () => {
    const inv = inventoryForSpecs({ slos: [availabilitySlo()], alarmPolicies: [], reviewsPerMonth: 0 });
    const windows = inv.alarms.filter((a) => a.item === 'burn-rate window alarm');
    expect(windows).toHaveLength(8);
    expect(windows.every((a) => a.metrics === 2)).toBe(true);
    const composites = inv.alarms.filter((a) => a.kind === 'composite');
    expect(composites.filter((a) => a.item === 'burn-rate tier composite')).toHaveLength(4);
    expect(composites.filter((a) => a.item === SUPPRESSOR_ITEM).map((a) => a.name)).toEqual([
      'api-availability-ticket-1d-faster-firing',
      'api-availability-ticket-3d-faster-firing',
    ]);
    const est = estimateCost(inv);
    // 8 alarms x 2 metrics x 0.10 + 6 composites x 0.50
    expect(est.bySlo['api-availability']).toBeCloseTo(1.6 + 3, 9);
  });

  it('counts expression metrics, custom metrics once, and reviews', () => {
    const custom = (metricName: string) => ({
      type: 'CloudWatch' as const,
      kind: 'metric' as const,
      namespace: 'GoodGreets',
      metricName,
      dimensions: {},
      statistic: 'Sum',
    });
    const delivery = slo(
      {
        kind: 'ratio',
        good: {
          type: 'CloudWatch',
          kind: 'expression',
          expression: 'a - b',
          metrics: { a: custom('Sent'), b: custom('Late') },
        },
        total: custom('Due'),
      },
      { name: 'delivery' },
    );
    const again = { ...delivery, name: 'delivery-copy' };
    const inv = inventoryForSpecs({ slos: [delivery, again], alarmPolicies: [], reviewsPerMonth: 10 });
    expect(inv.alarms.find((a) => a.slo === 'delivery')!.metrics).toBe(3);
    expect(inv.customMetrics).toEqual([{ slo: 'delivery', item: 'custom metric', name: 'delivery SLI', count: 3 }]);
    expect(inv.getMetricData.find((g) => g.slo === 'delivery')!.count).toBe(30);
  });

  it('bills resolved alarms per referenced metric and S3 request metrics per bucket', () => {
    const inv = inventoryForSpecs({
      slos: [],
      alarmPolicies: [
        policy({
          families: {
            natgateway: [resource('nat-a'), resource('nat-b')],
            s3: [resource('uploads', { dimensions: { BucketName: 'gg-uploads', FilterId: 'EntireBucket' } })],
          },
        }),
      ],
      dashboards: 4,
      reviewsPerMonth: 0,
    });
    const est = estimateCost(inv);
    const line = (item: string) => est.lines.find((l) => l.item === item)!;
    expect(line('natgateway.packets-drop-rate')).toMatchObject({ quantity: 6, monthlyUsd: 0.6 });
    expect(line('natgateway.error-port-allocation')).toMatchObject({ quantity: 2 });
    expect(line('S3 request metrics')).toMatchObject({ quantity: 16, category: 'customMetrics' });
    expect(line('dashboard')).toMatchObject({ quantity: 4, monthlyUsd: 12 });
    expect(est.byFamily.s3).toBeCloseTo(3 * 0.1 + 16 * 0.3, 9);
  });

  it('skips SLOs that render no CloudWatch alarms', () => {
    const prom = slo({ kind: 'rawErrorRatio', errorRatio: { type: 'Prometheus', query: 'x' } }, { name: 'prom' });
    expect(inventoryForSpecs({ slos: [prom], alarmPolicies: [] })).toEqual({
      alarms: [],
      dashboards: [],
      customMetrics: [],
      getMetricData: [],
    });
  });
});
