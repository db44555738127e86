import { writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { Command, Option } from 'commander';
import {
  cloudWatchUnsupportedReason,
  BACKTEST_FORMATS,
  backtestSlo,
  DataFileError,
  defaultErrorBudgetPolicy,
  formatBacktest,
  formatDuration,
  generateHistory,
  inferStepSeconds,
  parseDuration,
  policyForSlo,
  SeriesTable,
  withMinEvents,
  type BacktestFormat,
  type BacktestVariant,
  type BurnRatePolicy,
  type GeneratedEpisode,
  type SeriesPoint,
  type SloBacktest,
  type Slo,
  type SpecSet,
} from '@sre-kit/core';
import { readCloudWatchSpan } from '@sre-kit/alert-router';
import { withDeployedDimensions } from '../review/deployed-slos';
import { exitWith } from '../review/fail';
import { progressBar } from '../review/progress';
import { readSeriesFile } from '../review/file-source';
import { parseTime } from '../review/time';
import { comparedAlerting, loadCompareFile } from '../text/compare-policy';
import { loadValidSpecs, selectSlos } from '../text/specs';

interface BacktestOptions {
  source?: 'file' | 'cloudwatch';
  data?: string;
  region?: string;
  period?: string;
  progress?: boolean;
  dimensionValues?: string;
  generate?: string;
  seed: string;
  days: string;
  step: string;
  rpm: string;
  from?: string;
  to?: string;
  compare?: string[];
  slo?: string[];
  significant: string;
  burnWindow: string;
  format: BacktestFormat;
  out?: string;
}

/** Where generated data starts unless --from says otherwise: fixed, so a seed gives the same file on any day. */
const GENERATED_START = '2026-08-01T00:00:00Z';

const HELP = `
Replays months of good/total buckets through the SLO's alert tiers as the alarms implement them (low-traffic
guard included; a slower tier's notification held back while a faster one fires) and through its
ErrorBudgetPolicy (the deploy gate, sampled hourly), then through each --compare file's policy on the same
data. Burns are found in the data: runs where the burn rate over --burn-window (1h) exceeds 1x; a burn
threatens the budget when it spent at least --significant of the SLO period's budget. Reported per policy:
pages and tickets (in all and per week), time to detect each threatening burn, missed burns, false alerts
(on no threatening burn), days the gate restricted or froze changes; and a comparison table. At low traffic
(the report says when one failed request is a sizable share of the budget) raise --significant or lengthen
--burn-window.

--compare FILE: an AlertWindows (Sloth) of the SLO's period or a spec whose first SLO's tiers are used,
and/or an ErrorBudgetPolicy; what the file does not hold is taken from the specs. Repeat for more policies.

--generate FILE writes --days of --step buckets for every selected SLO (a 0.25x baseline with noise, a day
curve of traffic, two incidents, a 5-day slow leak at 2.5x and three small blips; --seed makes it
reproducible), prints what it put in on stderr and backtests it. Without it, --source file --data FILE reads
the formats of sre review (CSV slo,timestamp,good,total or JSON). --source cloudwatch reads one span from
--from (default now-90d) less the longest SLO period or alert window, at the finest period CloudWatch keeps
that far back (1-minute data 15 days, 5-minute 63 days, 1-hour 455 days; said on stderr and in the report).
Prometheus is not built yet: export its counts to a file first.

Formats: markdown (GitHub-readable), html (one self-contained file, inline CSS and SVG), json
({"version": 1, "backtests": [SloBacktest]}).

Examples:
  sre backtest slos --slo api-availability --generate history.csv --seed 7 \\
    --compare packages/cli/examples/backtest-proposed.yaml --format html --out backtest.html
  sre backtest slos --source file --data history.csv --compare proposed.yaml --from 2026-08-01T00:00:00Z
  sre backtest slos --source cloudwatch --region eu-west-1 --from now-30d --compare proposed.yaml`;

function fail(message: string): never {
  exitWith(`sre backtest: ${message}`);
}

function whole(text: string, option: string, min: number): number {
  const n = Number(text);
  if (!(Number.isInteger(n) && n >= min)) fail(`${option} "${text}" is not a whole number >= ${min}`);
  return n;
}

function fraction(text: string): number {
  const m = /^(\d+(?:\.\d+)?)%$/.exec(text.trim());
  const x = m ? Number(m[1]) / 100 : NaN;
  if (!(x > 0 && x <= 1)) fail(`--significant "${text}" is not a percentage in (0, 100], for example 2%`);
  return x;
}

function episodeLine(e: GeneratedEpisode): string {
  const burn = Number.isFinite(e.burnRate) ? `${e.burnRate}x` : 'every request failing';
  return `${e.name}: ${new Date(e.start * 1000).toISOString()} for ${formatDuration(e.end - e.start)} at ${burn}`;
}

/** Writes generated histories for `slos` as review CSV and returns them as a table. */
async function generate(slos: readonly Slo[], file: string, opts: BacktestOptions): Promise<SeriesTable> {
  const seed = Number(opts.seed);
  if (!Number.isInteger(seed)) fail(`--seed "${opts.seed}" is not a whole number`);
  const start = parseTime(opts.from ?? GENERATED_START, Math.floor(Date.now() / 1000));
  if (start === undefined) fail(`--from "${opts.from}" is not a time (ISO 8601 or epoch seconds)`);
  const table = new SeriesTable();
  const rows = ['slo,timestamp,good,total'];
  let episodes: readonly GeneratedEpisode[] = [];
  for (const [i, slo] of slos.entries()) {
    let history;
    try {
      history = generateHistory({
        // The episodes come from the seed alone (every SLO has them at the same time); the noise differs per SLO.
        seed,
        noiseSeed: seed + 1000 * (i + 1),
        start,
        days: whole(opts.days, '--days', 1),
        stepSeconds: whole(opts.step, '--step', 1),
        requestsPerMinute: Number(opts.rpm),
        objective: slo.objective,
      });
    } catch (err) {
      if (err instanceof RangeError) fail(`cannot generate: ${err.message}`);
      throw err;
    }
    episodes = history.episodes;
    for (const p of history.series) {
      table.add(slo.name, p.t, p.good, p.total);
      rows.push(`${slo.name},${p.t},${p.good},${p.total}`);
    }
  }
  await writeFile(file, `${rows.join('\n')}\n`);
  process.stderr.write(
    `sre backtest: wrote ${file} (${rows.length - 1} buckets, seed ${seed}); it holds:\n` +
      episodes.map((e) => `  ${episodeLine(e)}\n`).join(''),
  );
  return table;
}

async function readTable(opts: BacktestOptions): Promise<SeriesTable> {
  if (!opts.data) fail('give --source file --data FILE, or --generate FILE');
  try {
    return await readSeriesFile(opts.data);
  } catch (err) {
    if (err instanceof DataFileError) fail(`bad data file:\n${err.message}`);
    fail(`cannot read ${opts.data}: ${(err as Error).message}`);
  }
}

/** What a source read: each SLO's buckets, and the range and bucket length when the source fixed them. */
interface SourceData {
  readonly series: ReadonlyMap<string, SeriesPoint[]>;
  readonly range?: { readonly from: number; readonly to: number };
}

function warn(message: string): void {
  process.stderr.write(`sre backtest: ${message}\n`);
}

/**
 * One GetMetricData span per run: from the longest of each SLO's period and its variants' alert windows before
 * --from (default 90 days ago), at the finest period CloudWatch still keeps for that start.
 */
async function readCloudWatch(
  slos: readonly Slo[],
  variants: ReadonlyMap<string, readonly BacktestVariant[]>,
  opts: BacktestOptions,
  now: number,
): Promise<SourceData> {
  const from = parseTime(opts.from ?? 'now-90d', now);
  const to = parseTime(opts.to ?? 'now', now);
  if (from === undefined) fail(`--from "${opts.from}" is not a time (ISO 8601, epoch seconds or now-90d)`);
  if (to === undefined) fail(`--to "${opts.to}" is not a time (ISO 8601, epoch seconds or now)`);
  if (to <= from) fail(`--to must be after --from`);
  const readable = slos.filter((slo) => {
    const reason = cloudWatchUnsupportedReason(slo);
    if (reason) warn(`warning: SLO "${slo.name}" skipped: ${reason}`);
    return !reason;
  });
  if (readable.length === 0) fail('no SLO has a CloudWatch SLI to backtest');
  const history = Math.max(
    ...readable.flatMap((s) => [
      s.period.seconds,
      ...(variants.get(s.name) ?? []).flatMap((v) => v.policy.tiers.map((t) => t.longWindowSeconds)),
    ]),
  );
  const bar = progressBar(Boolean(opts.progress || process.stderr.isTTY), 'GetMetricData');
  const client = new CloudWatchClient(opts.region ? { region: opts.region } : {});
  const start = from - history;
  let read: Awaited<ReturnType<typeof readCloudWatchSpan>>;
  try {
    const period = opts.period === undefined ? undefined : Number(opts.period);
    read = await readCloudWatchSpan(client, readable, start, { from, to, now, period }, { onProgress: bar.update });
  } catch (err) {
    bar.done();
    fail(`CloudWatch: ${(err as Error).message}`);
  }
  bar.done();
  const { stats } = read;
  // CloudWatch keeps 1-minute data for 15 days, 5-minute for 63, 1-hour for 455: the span's oldest point decides.
  warn(
    `read ${formatDuration(to - start)} from ${new Date(start * 1000).toISOString()} in ` +
      `${formatDuration(read.periodSeconds)} buckets (the finest CloudWatch keeps that far back): ` +
      `${stats.calls} GetMetricData call(s), ${stats.metricsRequested} metrics, ${stats.retries} throttling retries`,
  );
  for (const m of stats.messages) warn(`CloudWatch: ${m}`);
  return { series: read.series, range: { from, to } };
}

/** The compared policy gets the low-traffic guard when the SLO's own tiers carry it, as its alarms would. */
function guarded(policy: BurnRatePolicy, slo: Slo): BurnRatePolicy {
  const sloGuarded = slo.alerting.policy.tiers.some((t) => (t.minEvents ?? 0) > 0);
  const has = policy.tiers.some((t) => (t.minEvents ?? 0) > 0);
  return sloGuarded && !has ? withMinEvents(policy, slo.objective, undefined) : policy;
}

function variantsFor(slo: Slo, specs: SpecSet, compared: readonly { file: string; set: SpecSet }[]): BacktestVariant[] {
  const current: BacktestVariant = {
    name: 'current',
    source: 'the specs',
    policy: slo.alerting.policy,
    budgetPolicy: policyForSlo(slo.name, specs.errorBudgetPolicies) ?? defaultErrorBudgetPolicy(),
  };
  const others = compared.map(({ file, set }, i): BacktestVariant => {
    const alerting = comparedAlerting(set, slo);
    const budget = policyForSlo(slo.name, set.errorBudgetPolicies);
    if (!alerting && !budget)
      fail(
        `--compare ${file}: no AlertWindows for the ${formatDuration(slo.period.seconds)} period of ${slo.name}, ` +
          'no SLO and no ErrorBudgetPolicy (give it one of them)',
      );
    const name = compared.length > 1 ? `proposed ${i + 1}` : 'proposed';
    const from = [alerting ? `tiers ${alerting.name}` : '', budget ? `budget policy ${budget.name}` : '']
      .filter(Boolean)
      .join(', ');
    return {
      name,
      source: `${basename(file)} (${from})`,
      policy: alerting ? guarded(alerting.policy, slo) : current.policy,
      budgetPolicy: budget ?? current.budgetPolicy,
    };
  });
  return [current, ...others];
}

export function registerBacktest(program: Command): void {
  program
    .command('backtest')
    .description('Replay months of SLO data through the current policy and proposed ones; compare what they raise')
    .argument('<path...>', 'spec files or folders (SLOs, and their ErrorBudgetPolicy)')
    .addOption(new Option('--source <source>', 'where the good/total counts come from').choices(['file', 'cloudwatch']))
    .option('--data <file>', 'data file for --source file (.csv or .json, as for sre review)')
    .option('--region <region>', 'AWS region for --source cloudwatch (default: the SDK configuration)')
    .option('--period <seconds>', 'CloudWatch period in seconds (default: the finest CloudWatch keeps from the start)')
    .option('--progress', 'always draw the progress bar on stderr (default: only on a terminal)')
    .option(
      '--dimension-values <file>',
      "deployed dimension values for the specs' placeholders (placeholder: value, as for sre render)",
    )
    .option('--generate <file>', 'write generated history to this CSV file and backtest it')
    .option('--seed <n>', 'with --generate: the seed', '1')
    .option('--days <n>', 'with --generate: days of history', '90')
    .option('--step <seconds>', 'with --generate: bucket length', '300')
    .option('--rpm <n>', 'with --generate: mean requests per minute', '1000')
    .option('--from <time>', 'start of the backtest (with --generate: of the data); default the data start, now-90d')
    .option('--to <time>', 'end of the backtest; default the data end, now')
    .option('--compare <file...>', 'proposed policies: AlertWindows, an SLO spec and/or an ErrorBudgetPolicy')
    .option('--slo <name...>', 'backtest only these SLOs')
    .option('--significant <pct>', 'share of the period budget a burn must spend to threaten it', '2%')
    .option('--burn-window <duration>', 'window over which burns are found in the data (longer at low traffic)', '1h')
    .addOption(new Option('--format <format>', 'output format').choices([...BACKTEST_FORMATS]).default('markdown'))
    .option('--out <file>', 'write the report to a file instead of stdout')
    .addHelpText('after', HELP)
    .action(async (paths: string[], opts: BacktestOptions, cmd: Command) => {
      if (opts.generate && (opts.data || opts.source))
        fail('--generate writes its own data: leave out --source and --data');
      if (!opts.generate && !opts.source) fail('give --source file --data FILE, or --generate FILE');
      const significant = fraction(opts.significant);
      const burnWindow = parseDuration(opts.burnWindow);
      if (burnWindow === undefined || burnWindow < 60)
        fail(`--burn-window "${opts.burnWindow}" is not a duration of a minute or more, for example 1h or 6h`);
      const specs = await loadValidSpecs(paths, cmd);
      let slos = selectSlos(specs, opts.slo, paths, fail);
      const compared: { file: string; set: SpecSet }[] = [];
      for (const file of opts.compare ?? []) compared.push({ file, set: await loadCompareFile(file, 'sre backtest') });
      const variants = new Map(slos.map((slo) => [slo.name, variantsFor(slo, specs, compared)]));

      const now = Math.floor(Date.now() / 1000);
      let data: SourceData;
      if (opts.source === 'cloudwatch') {
        slos = await withDeployedDimensions(slos, opts.dimensionValues, 'sre backtest');
        data = await readCloudWatch(slos, variants, opts, now);
      } else {
        const table = opts.generate ? await generate(slos, opts.generate, opts) : await readTable(opts);
        data = { series: new Map(slos.map((slo) => [slo.name, table.series(slo.name)])) };
      }
      const backtests: SloBacktest[] = [];
      for (const slo of slos) {
        const series = data.series.get(slo.name) ?? [];
        if (series.length === 0) {
          warn(`warning: no data for SLO "${slo.name}"; skipped`);
          continue;
        }
        const step = inferStepSeconds(series);
        const from = data.range?.from ?? (opts.from && !opts.generate ? parseTime(opts.from, now) : series[0].t);
        const to = data.range?.to ?? (opts.to ? parseTime(opts.to, now) : series[series.length - 1].t + step);
        if (from === undefined) fail(`--from "${opts.from}" is not a time (ISO 8601, epoch seconds or now-90d)`);
        if (to === undefined) fail(`--to "${opts.to}" is not a time (ISO 8601, epoch seconds or now)`);
        if (to <= from) fail(`--to must be after --from`);
        backtests.push(
          backtestSlo(slo, series, variants.get(slo.name) ?? [], {
            from,
            to,
            stepSeconds: step,
            significantBudget: significant,
            burnWindowSeconds: burnWindow,
          }),
        );
      }
      if (backtests.length === 0) fail('nothing to backtest');
      const report = formatBacktest(backtests, opts.format);
      if (opts.out) {
        await writeFile(opts.out, report);
        process.stderr.write(`sre backtest: wrote ${opts.out}\n`);
      } else process.stdout.write(report);
    });
}
