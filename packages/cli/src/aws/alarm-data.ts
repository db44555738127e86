/**
 * Which metric alarms received no datapoint in the last N days: one
 * SampleCount query per metric the alarm reads (math alarms: each MetricStat),
 * daily period, through the same batched and paged GetMetricData path as
 * `sre review`.
 */
import type { CloudWatchClient, MetricAlarm } from '@aws-sdk/client-cloudwatch';
import type { PlannedQuery, SloQueryGroup } from '@sre-kit/core';
import { fetchMetricData, type FetchStats } from '@sre-kit/alert-router';
import type { RetryOptions } from '@sre-kit/alert-router';

function metricsOf(alarm: MetricAlarm): PlannedQuery['MetricStat'][] {
  if (alarm.MetricName && alarm.Namespace)
    return [
      {
        Metric: {
          Namespace: alarm.Namespace,
          MetricName: alarm.MetricName,
          Dimensions: (alarm.Dimensions ?? []).map((d) => ({ Name: d.Name ?? '', Value: d.Value ?? '' })),
        },
        Period: 86400,
        Stat: 'SampleCount',
      },
    ];
  return (alarm.Metrics ?? [])
    .filter((m) => m.MetricStat?.Metric?.MetricName)
    .map((m) => ({
      Metric: {
        Namespace: m.MetricStat?.Metric?.Namespace ?? '',
        MetricName: m.MetricStat?.Metric?.MetricName ?? '',
        Dimensions: (m.MetricStat?.Metric?.Dimensions ?? []).map((d) => ({ Name: d.Name ?? '', Value: d.Value ?? '' })),
      },
      Period: 86400,
      Stat: 'SampleCount',
    }));
}

export async function alarmsWithoutData(
  client: Pick<CloudWatchClient, 'send'>,
  alarms: readonly MetricAlarm[],
  range: { start: Date; end: Date },
  options: RetryOptions = {},
): Promise<{ noData: Set<string>; stats: FetchStats }> {
  const groups: SloQueryGroup[] = [];
  const owners = new Map<string, string>();
  alarms.forEach((alarm, i) => {
    const stats = metricsOf(alarm);
    if (stats.length === 0 || !alarm.AlarmName) return;
    const queries: PlannedQuery[] = stats.map((MetricStat, j) => ({ Id: `a${i}_m${j}`, MetricStat, ReturnData: true }));
    for (const q of queries) owners.set(q.Id, alarm.AlarmName);
    groups.push({ slo: alarm.AlarmName, queries, ids: {}, metricCount: queries.length });
  });
  const { values, stats } = await fetchMetricData(client, groups, { ...options, ...range, periodSeconds: 86400 });
  // An alarm lacks data when any metric it reads returned nothing: math over a missing metric is missing too.
  const noData = new Set<string>();
  for (const [id, alarm] of owners) {
    const series = values.get(id);
    if (!series || ![...series.values()].some((v) => v > 0)) noData.add(alarm);
  }
  return { noData, stats };
}
