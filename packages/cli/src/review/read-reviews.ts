/**
 * Reads each SLO's good/total series from the chosen source and reviews it: the one path shared by
 * `sre review` (the report) and `sre gate` (the policy applied to the review's period budget), so
 * both see the same data, the same history rules and the same budget arithmetic.
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { reviewFromCloudWatch, type CloudWatchReviews } from '@sre-kit/alert-router';
import {
  DataFileError,
  formatDuration,
  reviewDataStart,
  reviewSlo,
  reviewWindowsFor,
  type MaintenanceWindow,
  type SeriesPoint,
  type Slo,
  type SloReview,
} from '@sre-kit/core';
import { exitWith } from './fail';
import { readSeriesFile } from './file-source';
import { prometheusReviewUnsupportedReason, readPrometheusSeries } from './prometheus-source';
import { progressBar } from './progress';

export type ReviewSource = 'cloudwatch' | 'file' | 'prometheus';

export interface SourceOptions {
  readonly source: ReviewSource;
  readonly url?: string;
  readonly data?: string;
  readonly region?: string;
  readonly period?: string;
  readonly progress?: boolean;
  /** The user filtered SLOs by name (`--slo`): names in the data file outside the filter are expected. */
  readonly filtered?: boolean;
}

export interface ReviewRange {
  readonly from: number;
  readonly to: number;
  readonly now: number;
  /** Maintenance windows of the routing specs: those marked excludeFromReview leave the SLOs they match. */
  readonly windows?: readonly MaintenanceWindow[];
}

/**
 * Reviews `slos` over `range`; warnings go to stderr prefixed with `command` ("sre review"), a
 * source that cannot be read ends the command with `failCode`.
 */
export async function readReviews(
  slos: readonly Slo[],
  opts: SourceOptions,
  range: ReviewRange,
  command: string,
  failCode = 1,
): Promise<SloReview[]> {
  const fail: (message: string) => never = (message) => exitWith(`${command}: ${message}`, failCode);
  const warn = (message: string): void => {
    process.stderr.write(`${command}: ${message}\n`);
  };
  const { from, to, now } = range;
  const reviews: SloReview[] = [];
  // Over all the data a review reads (history and period), so the period budget leaves them too.
  const windowsOf = (slo: Slo) => ({
    windows: reviewWindowsFor(range.windows ?? [], slo, reviewDataStart(slo, from, to), to),
  });
  if (opts.source === 'file') {
    if (!opts.data) fail('--source file needs --data FILE');
    const data = opts.data as string;
    let table;
    try {
      table = await readSeriesFile(data);
    } catch (err) {
      if (err instanceof DataFileError) fail(`bad data file:\n${err.message}`);
      fail(`cannot read ${data}: ${(err as Error).message}`);
    }
    for (const name of table.sloNames)
      if (!slos.some((s) => s.name === name) && !opts.filtered)
        warn(`warning: ${data}: no SLO named "${name}" in the specs; ignored`);
    for (const slo of slos) {
      if (!table.has(slo.name)) {
        warn(`warning: ${data}: no data for SLO "${slo.name}"; skipped`);
        continue;
      }
      // History before --from: the longest alert window, and the SLO period ending at --to.
      reviews.push(
        reviewSlo(slo, table.series(slo.name, reviewDataStart(slo, from, to), to), { from, to, ...windowsOf(slo) }),
      );
      table.drop(slo.name);
    }
  } else if (opts.source === 'prometheus') {
    if (!opts.url) fail('--source prometheus needs --url (the Prometheus base URL)');
    const url = opts.url as string;
    const step = opts.period === undefined ? 60 : Number(opts.period);
    if (!Number.isInteger(step) || step < 1) fail(`--period "${opts.period}" is not a whole number of seconds`);
    const stats = { queries: 0 };
    for (const slo of slos) {
      const reason = prometheusReviewUnsupportedReason(slo);
      if (reason) {
        warn(`warning: SLO "${slo.name}" skipped: ${reason}`);
        continue;
      }
      let series: SeriesPoint[] = [];
      try {
        series = await readPrometheusSeries(
          slo,
          { url, from: reviewDataStart(slo, from, to), to, stepSeconds: step },
          stats,
        );
      } catch (err) {
        fail(`Prometheus ${url}: ${(err as Error).message}`);
      }
      if (series.length === 0) warn(`warning: no data for SLO "${slo.name}"`);
      reviews.push(reviewSlo(slo, series, { from, to, stepSeconds: step, ...windowsOf(slo) }));
    }
    warn(`${stats.queries} Prometheus range queries (step ${formatDuration(step)})`);
  } else {
    const period = opts.period === undefined ? undefined : Number(opts.period);
    const bar = progressBar(Boolean(opts.progress || process.stderr.isTTY), 'GetMetricData');
    const client = new CloudWatchClient(opts.region ? { region: opts.region } : {});
    let read: CloudWatchReviews | undefined;
    try {
      read = await reviewFromCloudWatch(
        client,
        slos,
        { from, to, now, period },
        { onProgress: bar.update, windowsOf: (slo) => windowsOf(slo).windows },
      );
    } catch (err) {
      bar.done();
      fail(`CloudWatch: ${(err as Error).message}`);
    }
    bar.done();
    const { skipped, empty, data } = read as CloudWatchReviews;
    for (const s of skipped) warn(`warning: SLO "${s.slo}" skipped: ${s.reason}`);
    if (!data) fail('no SLO has a CloudWatch SLI to review');
    const { stats } = data;
    warn(
      `${stats.calls} GetMetricData call(s), ${stats.metricsRequested} metrics requested ` +
        `(${formatDuration(data.periodSeconds)} period` +
        `${data.budgetPeriodSeconds ? `, ${formatDuration(data.budgetPeriodSeconds)} for the budget period` : ''}, ` +
        `${stats.retries} throttling retries), ` +
        `cost $${data.costUsd.toFixed(4)}`,
    );
    for (const m of stats.messages) warn(`CloudWatch: ${m}`);
    for (const name of empty) warn(`warning: no datapoints for SLO "${name}"`);
    reviews.push(...(read as CloudWatchReviews).reviews);
  }
  return reviews;
}
