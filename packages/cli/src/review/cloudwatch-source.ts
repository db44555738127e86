/** The CloudWatch source of `sre review`: plan, fetch (batched, paged, backed off) and rebuild the buckets. */
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { choosePeriod, planSloQueries, seriesFromResults, type SeriesPoint, type Slo } from '@sre-kit/core';
import { fetchMetricData, getMetricDataCost, type FetchStats } from '../aws/get-metric-data';
import type { RetryOptions } from '../aws/retry';

export interface CloudWatchReviewData {
  readonly series: ReadonlyMap<string, SeriesPoint[]>;
  readonly periodSeconds: number;
  readonly stats: FetchStats;
  readonly costUsd: number;
}

export async function readCloudWatchSeries(
  client: Pick<CloudWatchClient, 'send'>,
  slos: readonly Slo[],
  range: { from: number; to: number; now: number; period?: number },
  options: RetryOptions & { onProgress?: (done: number, total: number) => void } = {},
): Promise<CloudWatchReviewData> {
  const periodSeconds = choosePeriod(range.from, range.to, range.now, range.period);
  const groups = slos.map((slo, i) => planSloQueries(slo, i, periodSeconds));
  const { values, stats } = await fetchMetricData(client, groups, {
    ...options,
    start: new Date(range.from * 1000),
    end: new Date(range.to * 1000),
    periodSeconds,
  });
  const series = new Map(groups.map((g) => [g.slo, seriesFromResults(g, values)]));
  return { series, periodSeconds, stats, costUsd: getMetricDataCost(stats.metricsRequested) };
}
