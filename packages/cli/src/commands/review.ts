import { readFile, writeFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { postDigest, webhookProblem } from '@sre-kit/alert-router';
import {
  formatReview,
  slackDigest,
  isSlackLinkUrl,
  previousReviewsFromJson,
  REVIEW_FORMATS,
  type ReviewFormat,
  type SlackDigestOptions,
} from '@sre-kit/core';
import { withDeployedDimensions } from '../review/deployed-slos';
import { readReviews } from '../review/read-reviews';
import { parseTime } from '../review/time';
import { exitWith } from '../review/fail';
import { loadValidSpecs, selectSlos } from '../text/specs';

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
  dimensionValues?: string;
  reportUrl?: string;
  previous?: string;
  post?: string | boolean;
  postTimeout: string;
}

/** Where `--post` without a URL reads the webhook: the URL is a credential, better kept out of the command line. */
export const WEBHOOK_ENV = 'SRE_SLACK_WEBHOOK_URL';

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
Slack (--format slack): a Block Kit digest ({"text", "blocks"}) printed as JSON, worst SLO first, cut to
Slack's limits; --report-url links the full report, --previous (an earlier --format json output) adds the
change of each period budget since then.
Posting (--post): the digest goes to a Slack incoming webhook through the alert router's delivery code
(429 Retry-After, 5xx and network errors retried, other 4xx fail at once), within --post-timeout seconds;
the report in --format is still written. --post URL, or --post alone to read the URL from $SRE_SLACK_WEBHOOK_URL
(kept out of shell history and ps). The URL is never printed: messages name its host only.

Examples:
  sre review slos --source file --data examples/review-data.csv --from 2026-11-01T00:00:00Z --to 2026-11-02T00:00:00Z
  sre review slos --source cloudwatch --region eu-west-1 --from now-30d --to now --format html --out review.html
  sre review slos --source cloudwatch --from now-7d --format slack --previous last-week.json \\
    --report-url https://reports.example.com/slo/2026-w48.html
  SRE_SLACK_WEBHOOK_URL=https://hooks.slack.com/services/T0/B0/XXXX \
    sre review slos --source cloudwatch --from now-7d --format html --out review.html --post`;

function fail(message: string): never {
  exitWith(`sre review: ${message}`);
}

async function slackOptions(opts: ReviewOptions): Promise<SlackDigestOptions> {
  if (opts.reportUrl !== undefined && !isSlackLinkUrl(opts.reportUrl))
    fail(`--report-url "${opts.reportUrl}" is not an http(s) URL (no spaces, "|", "<" or ">")`);
  if (opts.previous === undefined) return opts.reportUrl ? { reportUrl: opts.reportUrl } : {};
  let text: string;
  try {
    text = await readFile(opts.previous, 'utf8');
  } catch (err) {
    fail(`cannot read --previous ${opts.previous}: ${(err as Error).message}`);
  }
  try {
    return {
      ...(opts.reportUrl ? { reportUrl: opts.reportUrl } : {}),
      previous: previousReviewsFromJson(text),
    };
  } catch (err) {
    fail(`--previous ${opts.previous}: ${(err as Error).message}`);
  }
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
    .option(
      '--dimension-values <file>',
      "deployed dimension values for the specs' placeholders (placeholder: value, as for sre render)",
    )
    .option('--slo <name...>', 'review only these SLOs')
    .option('--report-url <url>', 'link to the full report in the Slack digest (--format slack)')
    .option('--previous <file>', 'an earlier `sre review --format json` output: the digest shows the change since')
    .option('--post [webhook]', `post the Slack digest to this incoming webhook (alone: the URL in $${WEBHOOK_ENV})`)
    .option('--post-timeout <seconds>', 'longest time for the post, retries included', '30')
    .addHelpText('after', HELP)
    .action(async (paths: string[], opts: ReviewOptions, cmd: Command) => {
      const now = Math.floor(Date.now() / 1000);
      const from = parseTime(opts.from, now);
      const to = parseTime(opts.to, now);
      if (from === undefined) fail(`--from "${opts.from}" is not a time (ISO 8601, epoch seconds or now-30d)`);
      if (to === undefined) fail(`--to "${opts.to}" is not a time (ISO 8601, epoch seconds or now)`);
      if (to <= from) fail(`--to must be after --from`);
      const specs = await loadValidSpecs(paths, cmd);
      let slos = selectSlos(specs, opts.slo, paths, fail);

      const digest = opts.format === 'slack' || opts.post !== undefined;
      if (!digest && (opts.reportUrl || opts.previous))
        process.stderr.write(
          'sre review: warning: --report-url and --previous apply to --format slack and --post only\n',
        );
      // Checked before the data is read: a bad link or webhook should not cost a CloudWatch read.
      const slack = digest ? await slackOptions(opts) : {};
      const post = opts.post === undefined ? undefined : postTarget(opts);
      slos = await withDeployedDimensions(slos, opts.dimensionValues, 'sre review');
      const reviews = await readReviews(
        slos,
        { ...opts, filtered: Boolean(opts.slo) },
        { from, to, now, windows: specs.routings.flatMap((r) => r.maintenanceWindows ?? []) },
        'sre review',
      );
      if (reviews.length === 0) fail('nothing to review');
      const report = formatReview(reviews, opts.format, { slack });
      if (opts.out) {
        await writeFile(opts.out, report);
        process.stderr.write(`sre review: wrote ${opts.out}\n`);
      } else process.stdout.write(report);
      if (post) {
        try {
          const sent = await postDigest(post.url, slackDigest(reviews, slack), { timeoutMs: post.timeoutMs });
          process.stderr.write(
            `sre review: posted the Slack digest (${reviews.length} SLO${reviews.length === 1 ? '' : 's'}) to ` +
              `${sent.destination} (${sent.attempts} attempt${sent.attempts === 1 ? '' : 's'})\n`,
          );
        } catch (err) {
          fail(`--post: ${(err as Error).message} (limit ${post.timeoutMs / 1000} s, --post-timeout)`);
        }
      }
    });
}

function postTarget(opts: ReviewOptions): { url: string; timeoutMs: number } {
  const timeout = Number(opts.postTimeout);
  if (!(Number.isFinite(timeout) && timeout > 0 && timeout <= 900))
    fail(`--post-timeout "${opts.postTimeout}" is not a number of seconds in (0, 900]`);
  const fromEnv = opts.post === true;
  const url = fromEnv ? process.env[WEBHOOK_ENV] : (opts.post as string);
  if (!url) fail(`--post without a URL reads $${WEBHOOK_ENV}, which is not set`);
  const problem = webhookProblem(url);
  // The value is not repeated: a mistyped webhook URL is still a credential.
  if (problem)
    fail(
      `the webhook ${fromEnv ? `in $${WEBHOOK_ENV}` : 'given to --post'} ${problem}` +
        (fromEnv ? '' : ` (put --post after the spec paths, or use --post alone with $${WEBHOOK_ENV})`),
    );
  return { url, timeoutMs: timeout * 1000 };
}
