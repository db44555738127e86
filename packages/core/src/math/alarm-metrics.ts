/**
 * How many metrics a CloudWatch metric alarm is billed for: one per metric it retrieves.
 *
 * The one counting rule of the cost model, used by `inventoryForSpecs` (through planSloAlarms) and by
 * @sre-kit/cdk's cost report over the alarms it created, so `sre cost` and `kit.costReport()` agree.
 *
 * Why each retrieval counts, even when the same metric appears under two ids (card-delivery-success reads
 * DeliveriesFailed as `bad` and inside `total`): CloudWatch prices alarms per "alarm metric", and a
 * metric-math alarm's Metrics array holds one MetricDataQuery with a MetricStat per metric it retrieves;
 * the PutMetricAlarm reference limits an alarm to 10 such MetricStat structures. AWS documents no
 * deduplication of repeated MetricStats, so the estimate counts what the alarm's definition holds and never
 * bills less than the deployed alarm can cost. One id naming one metric twice is another matter: the
 * alarm's Metrics array has one query per id, so that counts once. (Deduplicating the rendered query would save those metrics;
 * error-ratio-query.ts does so for GetMetricData reads, where each requested metric is billed.)
 */

import type { CloudWatchMetricStat } from '../model/slo';

/** A metric the alarm retrieves, or a metric-math expression over nested nodes (core's CloudWatchSource fits). */
export interface AlarmMetricNode {
  readonly kind: 'metric' | 'expression';
  /** On an expression: the nodes its ids name. */
  readonly metrics?: Readonly<Record<string, AlarmMetricNode>>;
  /**
   * On a metric: what it retrieves (namespace, name, dimensions, statistic, region, account). Core's metric
   * stats carry those fields and need none; the CDK passes it from the metric's config.
   */
  readonly identity?: string;
}

/** What a metric leaf retrieves, when known: one id naming this twice is one MetricStat. */
function identityOf(node: AlarmMetricNode): string | undefined {
  if (node.identity !== undefined) return node.identity;
  const stat = node as Partial<CloudWatchMetricStat>;
  if (stat.namespace === undefined || stat.metricName === undefined) return undefined;
  return metricIdentity(stat as CloudWatchMetricStat);
}

/** The identity of a metric stat, the same however its dimensions are ordered. */
export function metricIdentity(m: {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string | number>>;
  readonly statistic: string;
  readonly region?: string;
  readonly accountId?: string;
}): string {
  const dims = Object.entries(m.dimensions).sort(([a], [b]) => a.localeCompare(b));
  return JSON.stringify([m.namespace, m.metricName, dims, m.statistic, m.region ?? '', m.accountId ?? '']);
}

/**
 * Metrics an alarm over these sources retrieves: every leaf, expressions recursively, repeats included,
 * except one id naming the same metric in two expressions (a ratio's `requests` in bad and in total):
 * an alarm's Metrics array holds one query per id, so CDK renders that metric once.
 */
export function alarmMetricCount(sources: readonly AlarmMetricNode[]): number {
  const seen = new Set<string>();
  let n = 0;
  const visit = (node: AlarmMetricNode, id: string | undefined): void => {
    if (node.kind === 'expression') {
      for (const [childId, child] of Object.entries(node.metrics ?? {})) visit(child, childId);
      return;
    }
    const identity = identityOf(node);
    if (id !== undefined && identity !== undefined) {
      const key = `${id}\u0000${identity}`;
      if (seen.has(key)) return;
      seen.add(key);
    }
    n++;
  };
  for (const s of sources) visit(s, undefined);
  return n;
}
