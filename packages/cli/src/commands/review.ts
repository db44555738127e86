import { writeFile } from 'node:fs/promises';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { Command, Option } from 'commander';
import {
  cloudWatchUnsupportedReason,
  DataFileError,
  formatDuration,
  formatReview,
  REVIEW_FORMATS,
  reviewDataStart,
  reviewSlo,
  type ReviewFormat,
  type SeriesPoint,
  type Slo,
  type SloReview,
} from '@sre-kit/core';
import { readCloudWatchSeries } from '../review/cloudwatch-source';
import { readSeriesFile } from '../review/file-source';
import { prometheusReviewUnsupportedReason, readPrometheusSeries } from '../review/prometheus-source';
import { progressBar } from '../review/progress';
import { parseTime } from '../review/time';
import { exitWith } from '../review/fail';
import { loadValidSpecs } from '../text/specs';

interface ReviewOptions {
  source: 'cloudwatch' | 'file' | 'prometheus';
  url?: string;
  data?: string;
  from: string;
  to: string;
  format: ReviewFormat;
  out?: string;
  region?: string;
  period?: string;
  progress?: boolean;
  slo?: string[];
}

const HELP = `
Sources:
  --source file --data FILE     CSV (header slo,timestamp,good,total; one row per SLO and bucket) or JSON
                                ({"series": {"<slo>": [{"t", "good", "total"}]}}); timestamps are ISO 8601 or
                                epoch seconds and mark the start of each bucket. SLOs are matched by name.
  --source cloudwatch           GetMetricData for each SLO's good/bad/total metrics (batched <= 500 queries per
                                call, NextToken paging, backoff on throttling); prints calls, metrics requested
                                and their cost (us-east-1 list price) on stderr.
  --source prometheus --url URL /api/v1/query_range over each SLO's Prometheus SLI queries, rate x step per
                                bucket (--period is the step, default 60 s); ranges past 11,000 points per
                                series are read in pages.
History: the data is read from the longest alert window before --from (tiers are replayed as the deployed
alarms saw them; firings are reported inside the range only) and over the SLO period ending at --to (the
budget and the verdict are the period's; what the range spent is shown next to it). Missing history or
period data is said in a note under the verdict.
Times: ISO 8601, epoch seconds, now, or now-<duration> (now-30d).
JSON (--format json): {"version": 1, "reviews": [SloReview]} - see packages/cli/README.md.

Examples:
  sre review slos --source file --data examples/review-data.csv --from 2026-11-01T00:00:00Z --to 2026-11-02T00:00:00Z
  sre review slos --source cloudwatch --region eu-west-1 --from now-30d --to now --format html --out review.html`;

function fail(message: string): never {
  exitWith(`sre review: ${message}`);
}

export function registerReview(program: Command): void {
  program
    .command('review')
    .description('Review SLOs over a time range: attainment, budget, burn rates, replayed alert tiers, incidents')
    .argument('<path...>', 'spec files or folders')
    .addOption(
      new Option('--source <source>', 'where the good/total counts come from')
        .choices(['cloudwatch', 'file', 'prometheus'])
        .makeOptionMandatory(),
    )
    .option('--data <file>', 'data file for --source file (.csv or .json)')
    .option('--from <time>', 'start of the range', 'now-30d')
    .option('--to <time>', 'end of the range (exclusive)', 'now')
    .addOption(new Option('--format <format>', 'output format').choices([...REVIEW_FORMATS]).default('text'))
    .option('--out <file>', 'write the report to a file instead of stdout')
    .option('--url <url>', 'Prometheus base URL for --source prometheus (http://127.0.0.1:9090)')
    .option('--region <region>', 'AWS region for --source cloudwatch (default: the SDK configuration)')
    .option(
      '--period <seconds>',
      'CloudWatch period, or Prometheus step, in seconds (default: the finest CloudWatch holds; 60 for Prometheus)',
    )
    .option('--progress', 'always draw the progress bar on stderr (default: only on a terminal)')
    .option('--slo <name...>', 'review only these SLOs')
    .addHelpText('after', HELP)
    .action(async (paths: string[], opts: ReviewOptions, cmd: Command) => {
      const now = Math.floor(Date.now() / 1000);
      const from = parseTime(opts.from, now);
      const to = parseTime(opts.to, now);
      if (from === undefined) fail(`--from "${opts.from}" is not a time (ISO 8601, epoch seconds or now-30d)`);
      if (to === undefined) fail(`--to "${opts.to}" is not a time (ISO 8601, epoch seconds or now)`);
      if (to <= from) fail(`--to must be after --from`);
      const specs = await loadValidSpecs(paths, cmd);
      let slos: readonly Slo[] = specs.slos;
      if (opts.slo) {
        const unknown = opts.slo.filter((n) => !slos.some((s) => s.name === n));
        if (unknown.length > 0) fail(`no SLO named ${unknown.join(', ')} in the specs`);
        slos = slos.filter((s) => opts.slo?.includes(s.name));
      }
      if (slos.length === 0) fail(`no SLOs found in ${paths.join(' ')}`);

      const reviews: SloReview[] = [];
      if (opts.source === 'file') {
        if (!opts.data) fail('--source file needs --data FILE');
        let table;
        try {
          table = await readSeriesFile(opts.data);
        } catch (err) {
          if (err instanceof DataFileError) fail(`bad data file:\n${err.message}`);
          fail(`cannot read ${opts.data}: ${(err as Error).message}`);
        }
        for (const name of table.sloNames)
          if (!slos.some((s) => s.name === name) && !opts.slo)
            process.stderr.write(`sre review: warning: ${opts.data}: no SLO named "${name}" in the specs; ignored\n`);
        for (const slo of slos) {
          if (!table.has(slo.name)) {
            process.stderr.write(`sre review: warning: ${opts.data}: no data for SLO "${slo.name}"; skipped\n`);
            continue;
          }
          // History before --from: the longest alert window, and the SLO period ending at --to.
          reviews.push(reviewSlo(slo, table.series(slo.name, reviewDataStart(slo, from, to), to), { from, to }));
          table.drop(slo.name);
        }
      } else if (opts.source === 'prometheus') {
        if (!opts.url) fail('--source prometheus needs --url (the Prometheus base URL)');
        const step = opts.period === undefined ? 60 : Number(opts.period);
        if (!Number.isInteger(step) || step < 1) fail(`--period "${opts.period}" is not a whole number of seconds`);
        const stats = { queries: 0 };
        for (const slo of slos) {
          const reason = prometheusReviewUnsupportedReason(slo);
          if (reason) {
            process.stderr.write(`sre review: warning: SLO "${slo.name}" skipped: ${reason}\n`);
            continue;
          }
          let series: SeriesPoint[];
          try {
            series = await readPrometheusSeries(
              slo,
              { url: opts.url, from: reviewDataStart(slo, from, to), to, stepSeconds: step },
              stats,
            );
          } catch (err) {
            fail(`Prometheus ${opts.url}: ${(err as Error).message}`);
          }
          if (series.length === 0) process.stderr.write(`sre review: warning: no data for SLO "${slo.name}"\n`);
          reviews.push(reviewSlo(slo, series, { from, to, stepSeconds: step }));
        }
        process.stderr.write(`sre review: ${stats.queries} Prometheus range queries (step ${formatDuration(step)})\n`);
      } else {
        const readable = slos.filter((slo) => {
          const reason = cloudWatchUnsupportedReason(slo);
          if (reason) process.stderr.write(`sre review: warning: SLO "${slo.name}" skipped: ${reason}\n`);
          return !reason;
        });
        if (readable.length === 0) fail('no SLO has a CloudWatch SLI to review');
        const period = opts.period === undefined ? undefined : Number(opts.period);
        const bar = progressBar(Boolean(opts.progress || process.stderr.isTTY), 'GetMetricData');
        const client = new CloudWatchClient(opts.region ? { region: opts.region } : {});
        let data;
        try {
          data = await readCloudWatchSeries(client, readable, { from, to, now, period }, { onProgress: bar.update });
        } catch (err) {
          bar.done();
          fail(`CloudWatch: ${(err as Error).message}`);
        }
        bar.done();
        const { stats } = data;
        process.stderr.write(
          `sre review: ${stats.calls} GetMetricData call(s), ${stats.metricsRequested} metrics requested ` +
            `(${formatDuration(data.periodSeconds)} period` +
            `${data.budgetPeriodSeconds ? `, ${formatDuration(data.budgetPeriodSeconds)} for the budget period` : ''}, ` +
            `${stats.retries} throttling retries), ` +
            `cost $${data.costUsd.toFixed(4)}\n`,
        );
        for (const m of stats.messages) process.stderr.write(`sre review: CloudWatch: ${m}\n`);
        for (const slo of readable) {
          const series: SeriesPoint[] = data.series.get(slo.name) ?? [];
          if (series.length === 0) process.stderr.write(`sre review: warning: no datapoints for SLO "${slo.name}"\n`);
          const periodSeries = data.periodSeries?.get(slo.name);
          reviews.push(
            reviewSlo(slo, series, {
              from,
              to,
              stepSeconds: data.periodSeconds,
              ...(periodSeries ? { periodSeries } : {}),
            }),
          );
        }
      }
      if (reviews.length === 0) fail('nothing to review');
      const report = formatReview(reviews, opts.format);
      if (opts.out) {
        await writeFile(opts.out, report);
        process.stderr.write(`sre review: wrote ${opts.out}\n`);
      } else process.stdout.write(report);
    });
}
