/**
 * The Lambda entry point. Accepts an SNS batch, an EventBridge alarm state
 * change, or the scheduled tick. Every record is delivered, recognised as a
 * duplicate, muted by configuration, held for a group, or counted as a
 * failure; any failure (including rejected payloads) makes the invocation
 * throw AFTER the rest of the batch was handled, so Lambda retries it (already
 * delivered targets are skipped by idempotency) and finally sends it to the
 * on-failure destination: the dead-letter path.
 *
 * Environment: ROUTING_FILE (default routing.json beside this file),
 * TABLE_NAME (DynamoDB store; in-memory when unset), EMAIL_TOPIC_ARN,
 * SLACK_PACE_MS (default 1000), SLACK_API_URL (Web API base for bot-token targets, default
 * https://slack.com/api), LOOKUP_TAGS=false to skip ListTagsForResource,
 * BUDGET_LOOKUP=false to skip the SLO budget reading, BUDGET_TIMEOUT_MS (default 2000).
 */
import { join } from 'node:path';
import { SNSClient } from '@aws-sdk/client-sns';
import { loadRoutingFile } from './config';
import { SecretResolver } from './delivery/secrets';
import { cloudWatchBudgetReader, type BudgetReader } from './events/budget';
import { readInbound } from './events/classify';
import { cloudWatchTagLookup, TagEnricher } from './events/tags';
import { jsonLogger, type Logger } from './log';
import { DeliveryFailedError, type Outcome, type Report } from './engine/report';
import { AlertRouter, type RouterOptions } from './engine/router';
import { tick } from './engine/tick';
import { DynamoStore } from './state/dynamo-store';
import { MemoryStore } from './state/memory-store';

export interface LambdaContext {
  getRemainingTimeInMillis(): number;
  readonly awsRequestId?: string;
}

export interface HandlerDeps {
  readonly router: AlertRouter;
  readonly enricher?: TagEnricher;
  /** Error-budget context for SLO pages; without it the message says the budget is not available. */
  readonly budget?: BudgetReader;
  readonly log?: Logger;
  /** Time kept back from the Lambda's remaining time for bookkeeping after the last send. @default 3000 */
  readonly safetyMarginMs?: number;
  /** Deadline when there is no Lambda context (local runs). @default 60000 */
  readonly defaultBudgetMs?: number;
}

export interface HandlerSummary {
  readonly tick: boolean;
  readonly counts: Readonly<Record<string, number>>;
  readonly messagesSent: number;
  /** Every outcome of the invocation (the Lambda runtime discards it; replay prints it). */
  readonly outcomes: readonly Outcome[];
}

export function createHandler(deps: HandlerDeps) {
  const log = deps.log ?? deps.router.log;
  return async (event: unknown, context?: LambdaContext): Promise<HandlerSummary> => {
    const now = deps.router.now();
    const budget = context
      ? context.getRemainingTimeInMillis() - (deps.safetyMarginMs ?? 3000)
      : (deps.defaultBudgetMs ?? 60_000);
    const deadline = now + Math.max(0, budget);
    const inbound = await readInbound(event, { enricher: deps.enricher, budget: deps.budget });
    const sentBefore = deps.router.sender.messagesSent;
    let report: Report;
    if (inbound.tick) {
      report = await tick(deps.router, deadline);
    } else {
      report = await deps.router.process(inbound.events, inbound.rejected, deadline);
    }
    const counts: Record<string, number> = {};
    for (const o of report.outcomes) counts[o.status] = (counts[o.status] ?? 0) + 1;
    const summary = { tick: inbound.tick, counts, messagesSent: deps.router.sender.messagesSent - sentBefore };
    log(report.failed.length > 0 ? 'error' : 'info', 'invocation done', {
      requestId: context?.awsRequestId,
      ...summary,
    });
    if (report.failed.length > 0) throw new DeliveryFailedError(report.failed);
    return { ...summary, outcomes: report.outcomes };
  };
}

/** Builds the production router from the environment. */
export function routerFromEnv(env: NodeJS.ProcessEnv = process.env, log: Logger = jsonLogger()): HandlerDeps {
  const routing = loadRoutingFile(env.ROUTING_FILE ?? join(__dirname, 'routing.json'));
  if (!env.TABLE_NAME) log('warn', 'TABLE_NAME unset: idempotency and reminders only last as long as this container');
  const secrets = new SecretResolver();
  const options: RouterOptions = {
    routing,
    store: env.TABLE_NAME ? new DynamoStore(env.TABLE_NAME) : new MemoryStore(),
    resolveWebhook: (ref: string) => secrets.resolve(ref),
    resolveBotToken: (ref: string) => secrets.resolveBotToken(ref),
    slackApiUrl: env.SLACK_API_URL || undefined,
    sns: new SNSClient({}),
    emailTopicArn: env.EMAIL_TOPIC_ARN || undefined,
    paceMs: env.SLACK_PACE_MS ? Number(env.SLACK_PACE_MS) : undefined,
    log,
  };
  const enricher =
    env.LOOKUP_TAGS === 'false'
      ? undefined
      : new TagEnricher(cloudWatchTagLookup(), {
          onError: (arn, err) =>
            log('warn', 'alarm tags unavailable; routing on the description only', {
              alarmArn: arn,
              error: err.message,
            }),
        });
  const budget =
    env.BUDGET_LOOKUP === 'false'
      ? undefined
      : cloudWatchBudgetReader({ timeoutMs: env.BUDGET_TIMEOUT_MS ? Number(env.BUDGET_TIMEOUT_MS) : undefined });
  return { router: new AlertRouter(options), enricher, budget, log };
}

let cached: ReturnType<typeof createHandler> | undefined;

/** `handler.handler` for the Lambda runtime; built once per container. */
export const handler = (event: unknown, context?: LambdaContext): Promise<HandlerSummary> => {
  cached ??= createHandler(routerFromEnv());
  return cached(event, context);
};
