import {
  catalogueMetrics,
  estimateCost,
  S3_REQUEST_METRICS_PER_FILTER,
  SUPPRESSOR_ITEM,
  type AlarmInventoryItem,
  type CostInventory,
  type CountInventoryItem,
} from '@sre-kit/core';
import { Stack } from 'aws-cdk-lib';
import type { FamilyAlarms } from './families/family-alarms';
import { S3BucketAlarms } from './families/s3';
import type { ServiceLevelObjective } from './slo/service-level-objective';
import { countMetrics } from './slo/metrics';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';

/** One priced line of a cost report. */
export interface CostReportLine {
  /** What is billed: a catalogue id, `burn-rate window alarm`, `dashboard`, ... */
  readonly item: string;
  /** The SLO or alarm family it belongs to, or `shared`. */
  readonly owner: string;
  readonly category: string;
  readonly quantity: number;
  readonly unit: string;
  readonly unitPriceUsd: number;
  readonly monthlyUsd: number;
  readonly note?: string;
}

/** The monthly CloudWatch cost of what a SreKit created, priced by @sre-kit/core's cost model. */
export interface CostReport {
  readonly totalUsd: number;
  readonly metricAlarms: number;
  readonly compositeAlarms: number;
  readonly dashboards: number;
  readonly lines: CostReportLine[];
  /** Region and date of the price table. */
  readonly prices: string;
  /** What the report leaves out (`sre cost` over the same specs bills these too). */
  readonly excludes: string;
}

/**
 * The kit prices what it created in CloudWatch. Custom metrics the application publishes and the
 * GetMetricData reads of `sre review` are usage, not resources; `sre cost` estimates them from the specs.
 */
export const COST_REPORT_EXCLUDES =
  'custom metrics the application publishes (the SLI metrics) and GetMetricData reads of sre review; `sre cost` over the same specs includes them';

/** An alarm created outside the kit's families and SLOs (an AlertRouter's health alarms, an app's own alarms). */
export interface PricedAlarm {
  readonly alarm: cloudwatch.AlarmBase;
  /** The report line's owner, in the place of a family or SLO name. */
  readonly owner: string;
  /** What it is (a catalogue-like id); lines group by it. */
  readonly item: string;
}

/** Inventory of what the constructs actually created (not what a spec asked for), so the figure matches the template. */
export function inventoryOf(
  families: readonly FamilyAlarms[],
  slos: readonly ServiceLevelObjective[],
  dashboards: number,
  others: readonly PricedAlarm[] = [],
): CostInventory {
  const alarms: AlarmInventoryItem[] = [];
  const customMetrics: CountInventoryItem[] = [];
  for (const family of families) {
    for (const c of family._created)
      alarms.push({
        family: c.resolved.family,
        item: c.resolved.catalogueId,
        name: c.alarmName,
        kind: 'metric',
        metrics: catalogueMetrics(c.resolved).length,
        highResolution: c.resolved.periodSeconds < 60,
      });
    if (family instanceof S3BucketAlarms && family._created.length > 0)
      customMetrics.push({
        family: 's3',
        item: 'S3 request metrics',
        name: `${family.resourceId} ${family.filterId}`,
        count: S3_REQUEST_METRICS_PER_FILTER,
      });
  }
  for (const slo of slos) {
    for (const alarm of slo.windowAlarms)
      alarms.push({
        slo: slo.sloName,
        item: 'burn-rate window alarm',
        name: alarm.alarmName,
        kind: 'metric',
        metrics: alarm instanceof cloudwatch.Alarm && alarm.metric ? countMetrics(alarm.metric) : 1,
        highResolution: false,
      });
    for (const [item, composites] of [
      ['burn-rate tier composite', slo.tierAlarms],
      [SUPPRESSOR_ITEM, slo.suppressorAlarms],
    ] as const)
      for (const composite of composites)
        alarms.push({
          slo: slo.sloName,
          item,
          name: composite.alarmName,
          kind: 'composite',
          metrics: 0,
          highResolution: false,
        });
  }
  for (const other of others) alarms.push(inventoryItem(other));
  return {
    alarms,
    customMetrics,
    dashboards: Array.from({ length: dashboards }, (_, i) => ({ name: `dashboard-${i + 1}` })),
    getMetricData: [],
  };
}

// The L1's own (camelCase) shape: CloudFormation's spelling only appears in the rendered template.
type MetricQuery = { metricStat?: { period?: number } };

/**
 * An alarm the kit did not draw, counted from its CloudFormation resource: that is what CloudWatch bills
 * (each MetricStat of a metric-math alarm is one alarm metric, an anomaly band three), whatever built it.
 */
function inventoryItem({ alarm, owner, item }: PricedAlarm): AlarmInventoryItem {
  const cfn = alarm.node.defaultChild;
  const base = { item, name: `${owner} ${alarm.node.path}`, highResolution: false };
  if (cfn instanceof cloudwatch.CfnCompositeAlarm) return { ...base, kind: 'composite', metrics: 0 };
  if (!(cfn instanceof cloudwatch.CfnAlarm))
    throw new Error(`${alarm.node.path}: priced alarms must be CloudWatch alarms or composite alarms`);
  const resolve = (value: unknown) => Stack.of(alarm).resolve(value) as unknown;
  const queries = (resolve(cfn.metrics) as MetricQuery[] | undefined) ?? [];
  const stats = queries.filter((q) => q.metricStat);
  const periods = cfn.metricName !== undefined ? [resolve(cfn.period)] : stats.map((q) => q.metricStat!.period);
  return {
    ...base,
    kind: cfn.thresholdMetricId !== undefined ? 'anomaly' : 'metric',
    metrics: cfn.metricName !== undefined ? 1 : stats.length,
    highResolution: periods.some((p) => typeof p === 'number' && p < 60),
  };
}

/** @param owners report line owners of the items priced outside families and SLOs, by item */
export function costReportOf(inventory: CostInventory, owners: ReadonlyMap<string, string> = new Map()): CostReport {
  const estimate = estimateCost(inventory);
  return {
    totalUsd: estimate.totalUsd,
    metricAlarms: inventory.alarms.filter((a) => a.kind !== 'composite').length,
    compositeAlarms: inventory.alarms.filter((a) => a.kind === 'composite').length,
    dashboards: inventory.dashboards.length,
    lines: estimate.lines.map((l) => ({
      item: l.item,
      owner: l.slo ?? l.family ?? owners.get(l.item) ?? 'shared',
      category: l.category,
      quantity: l.quantity,
      unit: l.unit,
      unitPriceUsd: l.unitPriceUsd,
      monthlyUsd: l.monthlyUsd,
      note: l.note,
    })),
    prices: `${estimate.prices.region} list prices as of ${estimate.prices.asOf}`,
    excludes: COST_REPORT_EXCLUDES,
  };
}
