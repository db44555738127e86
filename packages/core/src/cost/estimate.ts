import type { AlarmFamilyName } from '../model/alarms';
import type { AlarmInventoryItem, CostInventory, CostOwner } from './inventory';
import { CLOUDWATCH_PRICES_US_EAST_1, type PriceTable } from './prices';

export type CostCategory =
  | 'alarmMetrics'
  | 'highResolutionAlarmMetrics'
  | 'compositeAlarms'
  | 'dashboards'
  | 'customMetrics'
  | 'getMetricData'
  | 'dashboardViewing'
  | 'freeTier';

export interface CostLine extends CostOwner {
  readonly category: CostCategory;
  readonly quantity: number;
  readonly unit: string;
  readonly unitPriceUsd: number;
  readonly monthlyUsd: number;
  readonly note?: string;
}

export interface CostEstimate {
  readonly currency: 'USD';
  readonly prices: Pick<PriceTable, 'region' | 'asOf' | 'source'>;
  readonly freeTierApplied: boolean;
  readonly lines: readonly CostLine[];
  /** Monthly USD per SLO name. */
  readonly bySlo: Readonly<Record<string, number>>;
  /** Monthly USD per alarm family. */
  readonly byFamily: Readonly<Record<string, number>>;
  readonly byCategory: Readonly<Partial<Record<CostCategory, number>>>;
  /** Dashboards and free tier: costs of the spec set as a whole. */
  readonly sharedUsd: number;
  readonly totalUsd: number;
}

export interface EstimateOptions {
  readonly prices?: PriceTable;
  /**
   * Deduct the account-wide free tier (first 10 alarm metrics, first 3
   * dashboards). Off by default: the free tier belongs to the account, and
   * other stacks usually consume it already, so counting it here would make
   * every stack look cheaper than the bill. The deduction is its own line.
   */
  readonly applyFreeTier?: boolean;
}

/** Cents are the unit of a bill; sub-cent figures (GetMetricData) keep 4 decimals. */
function usd(value: number): number {
  return Math.round(value * 10000) / 10000;
}

function ownerKey(o: CostOwner, category: CostCategory): string {
  return JSON.stringify([o.slo ?? '', o.family ?? '', o.item, category]);
}

function alarmCategory(a: AlarmInventoryItem): CostCategory {
  if (a.kind === 'composite') return 'compositeAlarms';
  return a.highResolution ? 'highResolutionAlarmMetrics' : 'alarmMetrics';
}

function billedAlarmUnits(a: AlarmInventoryItem, prices: PriceTable): number {
  if (a.kind === 'composite') return 1;
  return a.kind === 'anomaly' ? a.metrics * prices.anomalyDetectionMetricsPerAlarm : a.metrics;
}

/** Monthly cost of an inventory, line by line, with totals by SLO, family and category. */
export function estimateCost(inventory: CostInventory, options: EstimateOptions = {}): CostEstimate {
  const prices = options.prices ?? CLOUDWATCH_PRICES_US_EAST_1;
  const applyFreeTier = options.applyFreeTier ?? false;
  const lines = new Map<string, CostLine>();
  const add = (
    owner: CostOwner,
    category: CostCategory,
    quantity: number,
    unit: string,
    unitPriceUsd: number,
    note?: string,
  ) => {
    const key = ownerKey(owner, category);
    const prev = lines.get(key);
    const q = (prev?.quantity ?? 0) + quantity;
    lines.set(key, {
      ...(owner.slo ? { slo: owner.slo } : {}),
      ...(owner.family ? { family: owner.family } : {}),
      item: owner.item,
      category,
      quantity: q,
      unit,
      unitPriceUsd,
      monthlyUsd: usd(q * unitPriceUsd),
      ...(note ? { note } : {}),
    });
  };

  let standardAlarmMetrics = 0;
  for (const a of inventory.alarms) {
    const category = alarmCategory(a);
    const units = billedAlarmUnits(a, prices);
    if (category === 'compositeAlarms') add(a, category, units, 'composite alarm', prices.compositeAlarm);
    else if (category === 'highResolutionAlarmMetrics')
      add(a, category, units, 'high-resolution alarm metric', prices.highResolutionAlarmMetric);
    else {
      add(a, category, units, 'alarm metric', prices.standardAlarmMetric);
      standardAlarmMetrics += units;
    }
  }
  for (const c of inventory.customMetrics) add(c, 'customMetrics', c.count, 'custom metric', prices.customMetric);
  for (const g of inventory.getMetricData)
    add(g, 'getMetricData', g.count, 'metric read', prices.getMetricDataPer1000Metrics / 1000);
  for (const v of inventory.dashboardViewing ?? [])
    add(v, 'dashboardViewing', v.count, 'metric read', prices.getMetricDataPer1000Metrics / 1000, v.note);
  if (inventory.dashboards.length > 0)
    add({ item: 'dashboard' }, 'dashboards', inventory.dashboards.length, 'dashboard', prices.dashboard);

  const freeAlarm = Math.min(standardAlarmMetrics, prices.freeAlarmMetrics);
  const freeDash = Math.min(inventory.dashboards.length, prices.freeDashboards);
  const freeTierUsd = freeAlarm * prices.standardAlarmMetric + freeDash * prices.dashboard;
  const out = [...lines.values()];
  if (freeTierUsd > 0)
    out.push({
      item: 'free tier',
      category: 'freeTier',
      quantity: 1,
      unit: 'account',
      unitPriceUsd: applyFreeTier ? -usd(freeTierUsd) : 0,
      monthlyUsd: applyFreeTier ? -usd(freeTierUsd) : 0,
      note: applyFreeTier
        ? `deducted: ${freeAlarm} free alarm metrics and ${freeDash} free dashboards (account-wide)`
        : `not deducted: up to ${usd(freeTierUsd)} USD (${freeAlarm} alarm metrics, ${freeDash} dashboards) if no other stack uses the account-wide free tier`,
    });

  const bySlo: Record<string, number> = {};
  const byFamily: Record<string, number> = {};
  const byCategory: Partial<Record<CostCategory, number>> = {};
  let sharedUsd = 0;
  let total = 0;
  for (const line of out) {
    if (line.slo) bySlo[line.slo] = usd((bySlo[line.slo] ?? 0) + line.monthlyUsd);
    else if (line.family) byFamily[line.family] = usd((byFamily[line.family] ?? 0) + line.monthlyUsd);
    else sharedUsd += line.monthlyUsd;
    byCategory[line.category] = usd((byCategory[line.category] ?? 0) + line.monthlyUsd);
    total += line.monthlyUsd;
  }
  return {
    currency: 'USD',
    prices: { region: prices.region, asOf: prices.asOf, source: prices.source },
    freeTierApplied: applyFreeTier,
    lines: out,
    bySlo,
    byFamily: byFamily as Record<AlarmFamilyName, number>,
    byCategory,
    sharedUsd: usd(sharedUsd),
    totalUsd: usd(total),
  };
}
