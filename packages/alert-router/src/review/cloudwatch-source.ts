/**
 * The CloudWatch source of `sre review`, `sre gate` and the scheduled review Lambda: plan, fetch (batched, paged, backed off) and rebuild the buckets.
 * Two reads: the replay read starts the longest alert window before `from`, at the finest period
 * CloudWatch holds, so the tiers see what the deployed alarms saw; when an SLO period reaches back
 * further, a second read covers the period ending at `to` at its own (coarser) period, for the budget.
 */
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import {
  choosePeriod,
  cloudWatchUnsupportedReason,
  planSloQueries,
  replayHistorySeconds,
  reviewSlo,
  reviewWindowsFor,
  seriesFromResults,
  type SeriesPoint,
  type Slo,
  type SloReview,
} from '@sre-kit/core';
import { fetchMetricData, getMetricDataCost, type FetchStats } from './get-metric-data';
import type { RetryOptions } from './retry';

export interface CloudWatchReviewData {
  /** From the longest alert window before `from` to `to`, at `periodSeconds`. */
  readonly series: ReadonlyMap<string, SeriesPoint[]>;
  readonly periodSeconds: number;
  /** The SLO periods ending at `to`, when they reach back before `series` (else absent: use `series`). */
  readonly periodSeries?: ReadonlyMap<string, SeriesPoint[]>;
  readonly budgetPeriodSeconds?: number;
  readonly stats: FetchStats;
  readonly costUsd: number;
}

type Range = { from: number; to: number; now: number; period?: number };
type Options = RetryOptions & {
  onProgress?: (done: number, total: number) => void;
  /** Maintenance windows to leave out of one SLO's review (`reviewWindowsFor` over the data read). */
  windowsOf?: (slo: Slo) => ReturnType<typeof reviewWindowsFor>;
};

/** One read of every SLO's buckets over [start, to), at the finest period CloudWatch keeps from `start` on. */
export async function readCloudWatchSpan(
  client: Pick<CloudWatchClient, 'send'>,
  slos: readonly Slo[],
  start: number,
  range: Range,
  options: Options,
) {
  const periodSeconds = choosePeriod(start, range.to, range.now, range.period);
  const groups = slos.map((slo, i) => planSloQueries(slo, i, periodSeconds));
  const { values, stats } = await fetchMetricData(client, groups, {
    ...options,
    start: new Date(start * 1000),
    end: new Date(range.to * 1000),
    periodSeconds,
  });
  return { periodSeconds, stats, series: new Map(groups.map((g) => [g.slo, seriesFromResults(g, values)])) };
}

export async function readCloudWatchSeries(
  client: Pick<CloudWatchClient, 'send'>,
  slos: readonly Slo[],
  range: Range,
  options: Options = {},
): Promise<CloudWatchReviewData> {
  const replayStart = range.from - Math.max(...slos.map(replayHistorySeconds));
  const replay = await readCloudWatchSpan(client, slos, replayStart, range, options);
  const periodStart = range.to - Math.max(...slos.map((s) => s.period.seconds));
  const stats = replay.stats;
  let budget: Awaited<ReturnType<typeof readCloudWatchSpan>> | undefined;
  if (periodStart < replayStart) {
    // Only sums are needed here: the finest period CloudWatch keeps for the whole span, no --period.
    budget = await readCloudWatchSpan(client, slos, periodStart, { ...range, period: undefined }, options);
    stats.calls += budget.stats.calls;
    stats.metricsRequested += budget.stats.metricsRequested;
    stats.retries += budget.stats.retries;
    stats.messages.push(...budget.stats.messages);
  }
  return {
    series: replay.series,
    periodSeconds: replay.periodSeconds,
    ...(budget ? { periodSeries: budget.series, budgetPeriodSeconds: budget.periodSeconds } : {}),
    stats,
    costUsd: getMetricDataCost(stats.metricsRequested),
  };
}

export interface CloudWatchReviews {
  readonly reviews: SloReview[];
  /** SLOs whose SLI CloudWatch cannot give (Prometheus, opaque sources), with the reason. */
  readonly skipped: { readonly slo: string; readonly reason: string }[];
  /** SLOs CloudWatch answered with no datapoint at all. */
  readonly empty: string[];
  /** Absent when no SLO had a CloudWatch SLI (nothing was read). */
  readonly data?: CloudWatchReviewData;
}

/**
 * Reads and reviews the SLOs from CloudWatch: the path `sre review --source cloudwatch`, `sre gate` and
 * the scheduled review Lambda share, so the digest posted on a schedule and the one a person runs agree.
 */
export async function reviewFromCloudWatch(
  client: Pick<CloudWatchClient, 'send'>,
  slos: readonly Slo[],
  range: Range,
  options: Options = {},
): Promise<CloudWatchReviews> {
  const skipped: CloudWatchReviews['skipped'] = [];
  const readable = slos.filter((slo) => {
    const reason = cloudWatchUnsupportedReason(slo);
    if (reason) skipped.push({ slo: slo.name, reason });
    return !reason;
  });
  if (readable.length === 0) return { reviews: [], skipped, empty: [] };
  const data = await readCloudWatchSeries(client, readable, range, options);
  const empty: string[] = [];
  const reviews = readable.map((slo) => {
    const series = data.series.get(slo.name) ?? [];
    if (series.length === 0) empty.push(slo.name);
    const periodSeries = data.periodSeries?.get(slo.name);
    return reviewSlo(slo, series, {
      from: range.from,
      to: range.to,
      stepSeconds: data.periodSeconds,
      ...(periodSeries ? { periodSeries } : {}),
      ...(options.windowsOf ? { windows: options.windowsOf(slo) } : {}),
    });
  });
  return { reviews, skipped, empty, data };
}
