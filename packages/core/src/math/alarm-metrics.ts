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
 * bills less than the deployed alarm can cost. (Deduplicating the rendered query would save those metrics;
 * error-ratio-query.ts does so for GetMetricData reads, where each requested metric is billed.)
 */

/** A metric the alarm retrieves, or a metric-math expression over nested nodes (core's CloudWatchSource fits). */
export interface AlarmMetricNode {
  readonly kind: 'metric' | 'expression';
  /** On an expression: the nodes its ids name. */
  readonly metrics?: Readonly<Record<string, AlarmMetricNode>>;
}

/** Metrics an alarm over these sources retrieves: every leaf, expressions recursively, repeats included. */
export function alarmMetricCount(sources: readonly AlarmMetricNode[]): number {
  let n = 0;
  for (const s of sources) n += s.kind === 'expression' ? alarmMetricCount(Object.values(s.metrics ?? {})) : 1;
  return n;
}
