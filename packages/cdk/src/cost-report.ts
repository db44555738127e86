import {
  catalogueMetrics,
  estimateCost,
  S3_REQUEST_METRICS_PER_FILTER,
  SUPPRESSOR_ITEM,
  type AlarmInventoryItem,
  type CostInventory,
  type CountInventoryItem,
} from '@sre-kit/core';
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

/** Inventory of what the constructs actually created (not what a spec asked for), so the figure matches the template. */
export function inventoryOf(
  families: readonly FamilyAlarms[],
  slos: readonly ServiceLevelObjective[],
  dashboards: number,
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
  return {
    alarms,
    customMetrics,
    dashboards: Array.from({ length: dashboards }, (_, i) => ({ name: `dashboard-${i + 1}` })),
    getMetricData: [],
  };
}

export function costReportOf(inventory: CostInventory): CostReport {
  const estimate = estimateCost(inventory);
  return {
    totalUsd: estimate.totalUsd,
    metricAlarms: inventory.alarms.filter((a) => a.kind !== 'composite').length,
    compositeAlarms: inventory.alarms.filter((a) => a.kind === 'composite').length,
    dashboards: inventory.dashboards.length,
    lines: estimate.lines.map((l) => ({
      item: l.item,
      owner: l.slo ?? l.family ?? 'shared',
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
