/**
 * The scheduled SLO review Lambda (deployed by `SloReviewSchedule` in @sre-kit/cdk): reads the SLOs'
 * SLIs from CloudWatch over the last `LOOKBACK_SECONDS` through the path `sre review --source
 * cloudwatch` takes, renders core's Slack digest and posts it to the webhook whose URL it reads from
 * Secrets Manager or SSM (`WEBHOOK_SECRET`) at run time. Any failure throws, so the invocation counts
 * as an error (the construct alarms on them) instead of a review silently not arriving.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { FetchFunction } from '@slack/webhook';
import { slackDigest, withDimensionValues, type Slo } from '@sre-kit/core';
import { SecretResolver } from '../delivery/secrets';
import type { LambdaContext } from '../handler';
import { jsonLogger, type Logger } from '../log';
import { reviewFromCloudWatch } from './cloudwatch-source';
import { postDigest } from './post-digest';

/** The SLO file the construct stages beside the bundle. */
export interface ReviewSlosFile {
  readonly version: 1;
  readonly slos: Slo[];
}

export interface ReviewHandlerDeps {
  readonly slos: readonly Slo[];
  /** Secrets Manager name or ARN, or `ssm:/path` (SecureString), holding the webhook URL. */
  readonly webhookSecret: string;
  /** How far back the review reaches from the invocation. @default 604800 (7 days) */
  readonly lookbackSeconds?: number;
  /** Deployed dimension values by dimension name (the stack's tokens, resolved into the environment). */
  readonly dimensionValues?: Readonly<Record<string, string>>;
  readonly reportUrl?: string;
  readonly cloudwatch?: Pick<CloudWatchClient, 'send'>;
  readonly secrets?: SecretResolver;
  readonly now?: () => number;
  readonly log?: Logger;
  /** Test seam for the Slack post (a local server in place of hooks.slack.com). @default global fetch */
  readonly fetch?: FetchFunction;
  /** Time kept back from the Lambda's remaining time. @default 5000 */
  readonly safetyMarginMs?: number;
}

export interface ReviewSummary {
  readonly from: string;
  readonly to: string;
  readonly reviewed: string[];
  readonly skipped: string[];
  readonly withoutData: string[];
  readonly metricsRequested: number;
  readonly attempts: number;
}

export function createReviewHandler(deps: ReviewHandlerDeps) {
  const log = deps.log ?? jsonLogger();
  const now = deps.now ?? Date.now;
  const secrets = deps.secrets ?? new SecretResolver();
  const slos = deps.slos.map((slo) => withDimensionValues(slo, deps.dimensionValues ?? {}));
  return async (_event: unknown, context?: LambdaContext): Promise<ReviewSummary> => {
    const started = now();
    const to = Math.floor(started / 1000);
    const from = to - (deps.lookbackSeconds ?? 7 * 86_400);
    // Read the secret first: a missing webhook should fail before GetMetricData is paid for.
    const url = await secrets.resolve(deps.webhookSecret);
    const cloudwatch = deps.cloudwatch ?? new CloudWatchClient({});
    const { reviews, skipped, empty, data } = await reviewFromCloudWatch(cloudwatch, slos, { from, to, now: to });
    for (const s of skipped) log('warn', 'SLO skipped', { slo: s.slo, reason: s.reason });
    for (const m of data?.stats.messages ?? []) log('warn', 'CloudWatch message', { message: m });
    if (reviews.length === 0) throw new Error('no SLO has a CloudWatch SLI to review');
    const remaining = context ? context.getRemainingTimeInMillis() - (deps.safetyMarginMs ?? 5000) : 60_000;
    const digest = slackDigest(reviews, deps.reportUrl ? { reportUrl: deps.reportUrl } : {});
    const sent = await postDigest(url, digest, {
      timeoutMs: Math.max(1000, remaining),
      now,
      ...(deps.fetch ? { fetch: deps.fetch } : {}),
    });
    const summary: ReviewSummary = {
      from: new Date(from * 1000).toISOString(),
      to: new Date(to * 1000).toISOString(),
      reviewed: reviews.map((r) => r.slo),
      skipped: skipped.map((s) => s.slo),
      withoutData: empty,
      metricsRequested: data?.stats.metricsRequested ?? 0,
      attempts: sent.attempts,
    };
    log('info', 'SLO review posted', { requestId: context?.awsRequestId, destination: sent.destination, ...summary });
    return summary;
  };
}

/** What `SloReviewSchedule` puts in the environment, read and checked once per container. */
export function reviewDepsFromEnv(env: NodeJS.ProcessEnv = process.env, dir = __dirname): ReviewHandlerDeps {
  const need = (name: string): string => {
    const value = env[name];
    if (!value) throw new Error(`the SLO review Lambda needs ${name} in its environment`);
    return value;
  };
  const file = env.SLOS_FILE ?? join(dir, 'slos.json');
  const doc = JSON.parse(readFileSync(file, 'utf8')) as Partial<ReviewSlosFile>;
  if (doc.version !== 1 || !Array.isArray(doc.slos)) throw new Error(`${file} is not an SLO review file (version 1)`);
  const lookback = Number(env.LOOKBACK_SECONDS ?? 7 * 86_400);
  if (!(Number.isInteger(lookback) && lookback > 0)) throw new Error(`LOOKBACK_SECONDS "${env.LOOKBACK_SECONDS}"`);
  return {
    slos: doc.slos,
    webhookSecret: need('WEBHOOK_SECRET'),
    lookbackSeconds: lookback,
    dimensionValues: env.DIMENSION_VALUES ? (JSON.parse(env.DIMENSION_VALUES) as Record<string, string>) : {},
    ...(env.REPORT_URL ? { reportUrl: env.REPORT_URL } : {}),
  };
}

let cached: ReturnType<typeof createReviewHandler> | undefined;

/** `index.handler` of the review Lambda's asset; built once per container. */
export const handler = (event: unknown, context?: LambdaContext): Promise<ReviewSummary> => {
  cached ??= createReviewHandler(reviewDepsFromEnv());
  return cached(event, context);
};
