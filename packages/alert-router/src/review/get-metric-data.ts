/**
 * GetMetricData for a planned set of SLO query groups: whole groups per call
 * (<= 500 queries), NextToken paging, throttling backoff, and an account of
 * calls and metrics requested so the review can print what it cost.
 */
import {
  GetMetricDataCommand,
  type CloudWatchClient,
  type GetMetricDataCommandOutput,
  type MetricDataQuery,
} from '@aws-sdk/client-cloudwatch';
import { batchGroups, CLOUDWATCH_PRICES_US_EAST_1, type QueryValues, type SloQueryGroup } from '@sre-kit/core';
import { withBackoff, type RetryOptions } from './retry';

export interface FetchStats {
  calls: number;
  /** MetricStat queries summed over every call, pages included: the billed "metrics requested". */
  metricsRequested: number;
  retries: number;
  /** CloudWatch messages (for example ArithmeticError) and partial-data notes. */
  readonly messages: string[];
}

export interface FetchOptions extends RetryOptions {
  readonly start: Date;
  readonly end: Date;
  readonly maxQueriesPerCall?: number;
  /** Called after every call with the number of calls done and the current estimate of the total. */
  readonly onProgress?: (done: number, estimate: number) => void;
  /** Datapoints one call returns at most, used only for the progress estimate. */
  readonly datapointsPerCall?: number;
  readonly periodSeconds: number;
}

export interface FetchResult {
  readonly values: Map<string, Map<number, number>>;
  readonly stats: FetchStats;
}

export async function fetchMetricData(
  client: Pick<CloudWatchClient, 'send'>,
  groups: readonly SloQueryGroup[],
  options: FetchOptions,
): Promise<FetchResult> {
  const values = new Map<string, Map<number, number>>();
  const stats: FetchStats = { calls: 0, metricsRequested: 0, retries: 0, messages: [] };
  const batches = batchGroups(groups, options.maxQueriesPerCall);
  const points = Math.ceil((options.end.getTime() - options.start.getTime()) / 1000 / options.periodSeconds);
  const perCall = options.datapointsPerCall ?? 100_800;
  let estimate = batches.reduce(
    (n, b) => n + Math.max(1, Math.ceil((b.reduce((q, g) => q + Object.keys(g.ids).length, 0) * points) / perCall)),
    0,
  );
  for (const batch of batches) {
    const queries = batch.flatMap((g) => g.queries) as MetricDataQuery[];
    const metrics = batch.reduce((n, g) => n + g.metricCount, 0);
    const labels = new Map(queries.map((q) => [q.Id, q.Label ?? q.Id]));
    let nextToken: string | undefined;
    do {
      const input = {
        MetricDataQueries: queries,
        StartTime: options.start,
        EndTime: options.end,
        ScanBy: 'TimestampAscending' as const,
        ...(nextToken ? { NextToken: nextToken } : {}),
      };
      const { value, retries } = await withBackoff(
        () => client.send(new GetMetricDataCommand(input)) as Promise<GetMetricDataCommandOutput>,
        options,
      );
      stats.calls++;
      stats.retries += retries;
      stats.metricsRequested += metrics;
      for (const m of value.Messages ?? []) stats.messages.push(`${m.Code ?? 'Message'}: ${m.Value ?? ''}`);
      for (const r of value.MetricDataResults ?? []) {
        if (!r.Id) continue;
        let series = values.get(r.Id);
        if (!series) values.set(r.Id, (series = new Map()));
        const ts = r.Timestamps ?? [];
        const vs = r.Values ?? [];
        for (let i = 0; i < Math.min(ts.length, vs.length); i++) {
          const t = Math.floor(ts[i].getTime() / 1000);
          series.set(t, (series.get(t) ?? 0) + vs[i]);
        }
        if (r.StatusCode === 'InternalError' || r.StatusCode === 'Forbidden')
          throw new Error(
            `GetMetricData ${r.StatusCode} for ${labels.get(r.Id) ?? r.Id}${r.Messages?.length ? `: ${r.Messages.map((m) => m.Value).join('; ')}` : ''}`,
          );
        for (const m of r.Messages ?? [])
          stats.messages.push(`${labels.get(r.Id) ?? r.Id}: ${m.Code ?? ''} ${m.Value ?? ''}`.trim());
      }
      nextToken = value.NextToken;
      // CloudWatch may page sooner than the datapoint estimate says: never show a finished bar before the last page.
      if (nextToken && stats.calls >= estimate) estimate = stats.calls + 1;
      options.onProgress?.(stats.calls, estimate);
    } while (nextToken);
  }
  return { values, stats };
}

/** USD for the metrics requested (list price, us-east-1). */
export function getMetricDataCost(metricsRequested: number): number {
  return (metricsRequested * CLOUDWATCH_PRICES_US_EAST_1.getMetricDataPer1000Metrics) / 1000;
}

export type { QueryValues };
