/**
 * Local replay: each event file is one Lambda invocation through the same
 * handler, sharing one store (so duplicates and groups behave as on AWS);
 * afterwards every group still held is flushed, so nothing stays pending
 * when the process exits.
 */
import { readFile } from 'node:fs/promises';
import type { AlertRouting } from '@sre-kit/core';
import { SNSClient } from '@aws-sdk/client-sns';
import { SecretResolver } from './delivery/secrets';
import { DeliveryFailedError, type Outcome } from './engine/report';
import { AlertRouter } from './engine/router';
import { tick } from './engine/tick';
import { createHandler } from './handler';
import { silentLogger, type Logger } from './log';
import type { AlertStore } from './state/store';
import { MemoryStore } from './state/memory-store';

export interface ReplayOptions {
  readonly routing: AlertRouting;
  /** Every Slack webhook receiver posts here instead of its secret's URL. */
  readonly slackUrl?: string;
  /** Web API base for bot-token receivers (a local stand-in's `/api`). @default https://slack.com/api */
  readonly slackApiUrl?: string;
  /** Bot token for every bot-token receiver instead of its secret (local runs: env or file). */
  readonly slackBotToken?: string;
  readonly store?: AlertStore;
  /** Drop email targets (listed as skipped) for runs without AWS credentials. */
  readonly noEmail?: boolean;
  readonly emailTopicArn?: string;
  readonly log?: Logger;
  /** Per-invocation time budget. @default 60000 */
  readonly budgetMs?: number;
  /** Spacing between messages to one hook. @default 1000 */
  readonly paceMs?: number;
  /** The router's clock (epoch ms): `sre simulate --deliver` runs it on the simulated time. @default Date.now */
  readonly now?: () => number;
}

export interface ReplaySession {
  readonly router: AlertRouter;
  /** One Lambda invocation (SNS batch, EventBridge event or tick), as on AWS. */
  readonly invoke: ReturnType<typeof createHandler>;
  /** Sends every group still held (the end of a replay: nothing may stay pending). */
  readonly flush: () => Promise<readonly Outcome[]>;
}

/** The router and handler a replay drives: one store, so duplicates and groups behave as on AWS. */
export function replaySession(options: ReplayOptions): ReplaySession {
  const routing = options.noEmail
    ? { ...options.routing, receivers: options.routing.receivers.map((r) => ({ ...r, email: [] })) }
    : options.routing;
  const resolver = new SecretResolver();
  const router = new AlertRouter({
    routing,
    store: options.store ?? new MemoryStore(),
    resolveWebhook: (ref) => resolver.resolve(ref),
    resolveBotToken: (ref) => resolver.resolveBotToken(ref),
    slackUrlOverride: options.slackUrl,
    slackApiUrl: options.slackApiUrl,
    slackBotTokenOverride: options.slackBotToken,
    sns: new SNSClient({}),
    emailTopicArn: options.emailTopicArn,
    paceMs: options.paceMs,
    log: options.log ?? silentLogger,
    now: options.now,
  });
  const invoke = createHandler({ router, defaultBudgetMs: options.budgetMs });
  const flush = async (): Promise<readonly Outcome[]> =>
    (await tick(router, router.now() + (options.budgetMs ?? 60_000), { flushAll: true, groupsOnly: true })).outcomes;
  return { router, invoke, flush };
}

export interface ReplayFileResult {
  readonly file: string;
  readonly ok: boolean;
  readonly outcomes: readonly Outcome[];
  /** Set when the file could not be read or is not JSON. */
  readonly error?: string;
}

export interface ReplayResult {
  readonly files: ReplayFileResult[];
  /** Outcomes of the final flush of held groups. */
  readonly flushed: readonly Outcome[];
  readonly ok: boolean;
  readonly messagesSent: number;
}

export async function replayFiles(files: readonly string[], options: ReplayOptions): Promise<ReplayResult> {
  const { router, invoke, flush } = replaySession(options);
  const results: ReplayFileResult[] = [];
  for (const file of files) {
    let payload: unknown;
    try {
      payload = JSON.parse(await readFile(file, 'utf8'));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      results.push({
        file,
        ok: false,
        outcomes: [],
        error: code ? `cannot read: ${code}` : `not JSON: ${(err as Error).message}`,
      });
      continue;
    }
    try {
      const summary = await invoke(payload);
      results.push({ file, ok: true, outcomes: summary.outcomes });
    } catch (err) {
      if (!(err instanceof DeliveryFailedError)) throw err;
      results.push({ file, ok: false, outcomes: err.failures });
    }
  }
  const flushed = await flush();
  return {
    files: results,
    flushed,
    ok: results.every((r) => r.ok) && flushed.every((o) => o.status !== 'failed' && o.status !== 'rejected'),
    messagesSent: router.sender.messagesSent,
  };
}
