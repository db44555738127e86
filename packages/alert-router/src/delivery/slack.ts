/**
 * Posts one message to one Slack incoming webhook through @slack/webhook,
 * adding what the library leaves out (REFERENCE.md section 4): 429 Retry-After
 * honoured while the deadline allows, 5xx and network errors retried with
 * jittered backoff, every other 4xx a permanent failure that surfaces.
 */
import {
  IncomingWebhook,
  IncomingWebhookHTTPError,
  IncomingWebhookRequestError,
  type FetchFunction,
} from '@slack/webhook';
import type { SlackMessage } from '../render/slack';
import { backoffDelay, realSleep, retryAfterMs, type Sleep } from './backoff';

export interface SlackSendOptions {
  /** Epoch ms by which the send must have finished (the Lambda's remaining time minus a margin). */
  readonly deadline: number;
  /** Per-attempt HTTP timeout. @default 5000 */
  readonly attemptTimeoutMs?: number;
  /** Attempts for 5xx/network errors. @default 4 */
  readonly maxAttempts?: number;
  /** @default 250 */
  readonly backoffBaseMs?: number;
  /** @default 4000 */
  readonly backoffCapMs?: number;
  /** Used when a 429 carries no readable Retry-After. @default 1000 */
  readonly defaultRetryAfterMs?: number;
  readonly now?: () => number;
  readonly sleep?: Sleep;
  readonly random?: () => number;
  /** Test seam; production uses the global fetch. */
  readonly fetch?: FetchFunction;
}

export interface SlackSendResult {
  readonly attempts: number;
  readonly rateLimited: number;
}

export class SlackDeliveryError extends Error {
  constructor(
    message: string,
    /** True when retrying the same payload cannot help (dead, archived or forbidden hook, bad payload). */
    readonly permanent: boolean,
    readonly status?: number,
    /** Slack's error code from the body (`no_active_hooks`, `channel_is_archived`, ...). */
    readonly slackCode?: string,
  ) {
    super(message);
    this.name = 'SlackDeliveryError';
  }
}

/** Logs and errors name the hook by its path tail only: the URL is a secret. */
export function redactWebhook(url: string): string {
  try {
    const u = new URL(url);
    const tail = u.pathname.split('/').filter(Boolean).pop() ?? '';
    return `${u.host}/…${tail.slice(-4)}`;
  } catch {
    return 'invalid-url';
  }
}

/** One attempt's answer, classified for the shared retry policy (webhooks and the Web API alike). */
export type AttemptResult<T> =
  | { readonly kind: 'ok'; readonly value: T }
  | { readonly kind: 'rate-limited'; readonly retryAfterMs?: number }
  | { readonly kind: 'permanent'; readonly what: string; readonly status?: number; readonly code?: string }
  | { readonly kind: 'transient'; readonly what: string; readonly status?: number };

/**
 * The delivery policy of REFERENCE.md section 4 around any Slack call: 429 waits Retry-After while the
 * deadline allows, transient failures back off with full jitter up to maxAttempts, a permanent one
 * throws at once. `name` is what errors call the destination (never a secret).
 */
export async function withSlackPolicy<T>(
  name: string,
  options: SlackSendOptions,
  attempt: (timeoutMs: number) => Promise<AttemptResult<T>>,
): Promise<SlackSendResult & { readonly value: T }> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? realSleep;
  const maxAttempts = options.maxAttempts ?? 4;
  let attempts = 0;
  let failures = 0;
  let rateLimited = 0;
  for (;;) {
    const remaining = options.deadline - now();
    if (remaining <= 0) throw new SlackDeliveryError(`slack ${name}: no time left to send`, false);
    attempts++;
    const result = await attempt(Math.max(1, Math.min(options.attemptTimeoutMs ?? 5000, remaining)));
    if (result.kind === 'ok') return { value: result.value, attempts, rateLimited };
    if (result.kind === 'rate-limited') {
      rateLimited++;
      const wait = result.retryAfterMs ?? options.defaultRetryAfterMs ?? 1000;
      if (now() + wait >= options.deadline) {
        throw new SlackDeliveryError(
          `slack ${name}: rate limited, Retry-After ${Math.ceil(wait / 1000)} s is past the remaining time`,
          false,
          429,
        );
      }
      await sleep(wait);
      continue;
    }
    if (result.kind === 'permanent')
      throw new SlackDeliveryError(`slack ${name}: ${result.what}`, true, result.status, result.code);
    failures++;
    if (failures >= maxAttempts) {
      throw new SlackDeliveryError(
        `slack ${name}: ${result.what} (gave up after ${attempts} attempts)`,
        false,
        result.status,
      );
    }
    const delay = backoffDelay(failures, options.backoffBaseMs ?? 250, options.backoffCapMs ?? 4000, options.random);
    if (now() + delay >= options.deadline) {
      throw new SlackDeliveryError(`slack ${name}: ${result.what} (no time left to retry)`, false, result.status);
    }
    await sleep(delay);
  }
}

export async function sendSlack(
  url: string,
  message: SlackMessage,
  options: SlackSendOptions,
): Promise<SlackSendResult> {
  const now = options.now ?? Date.now;
  const baseFetch: FetchFunction = options.fetch ?? (globalThis.fetch as unknown as FetchFunction);
  let retryAfterHeader: string | null = null;
  let networkError: unknown;
  // The library hides response headers and, when the error comes from another realm, the error's cause
  // (refused, reset, DNS...); this fetch wrapper keeps both for us.
  const fetchFn: FetchFunction = async (input, init) => {
    try {
      const response = await baseFetch(input, init);
      retryAfterHeader = response.headers.get('retry-after');
      return response;
    } catch (err) {
      networkError = err;
      throw err;
    }
  };
  const { attempts, rateLimited } = await withSlackPolicy(
    redactWebhook(url),
    options,
    async (timeout): Promise<AttemptResult<void>> => {
      retryAfterHeader = null;
      networkError = undefined;
      const hook = new IncomingWebhook(url, { fetch: fetchFn, timeout, retryConfig: { retries: 0 } });
      try {
        await hook.send({ text: message.text, blocks: message.blocks as never });
        return { kind: 'ok', value: undefined };
      } catch (err) {
        if (err instanceof IncomingWebhookHTTPError && err.statusCode === 429)
          return { kind: 'rate-limited', retryAfterMs: retryAfterMs(retryAfterHeader, now()) };
        if (err instanceof IncomingWebhookHTTPError) {
          const code = slackErrorCode(err.body);
          const what = `HTTP ${err.statusCode} ${code}`;
          return err.statusCode < 500
            ? { kind: 'permanent', what, status: err.statusCode, code }
            : { kind: 'transient', what, status: err.statusCode };
        }
        const what =
          err instanceof IncomingWebhookRequestError
            ? `request failed: ${describeNetworkError(networkError ?? err.original)}`
            : `failed: ${(err as Error).message}`;
        return { kind: 'transient', what };
      }
    },
  );
  return { attempts, rateLimited };
}

/** `fetch failed` alone cannot tell a dead host from a reset; the causes' codes can (`ECONNREFUSED`, ...). */
export function describeNetworkError(err: unknown): string {
  // Duck-typed, not instanceof: fetch's errors may come from another realm (a bundler's, a test runner's).
  const field = (v: unknown, key: string): unknown =>
    typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[key] : undefined;
  const causes: string[] = [];
  let cause = field(err, 'cause');
  for (let depth = 0; cause !== undefined && depth < 5; depth++) {
    const code = field(cause, 'code');
    const text = String(field(cause, 'message') ?? '');
    causes.push(typeof code === 'string' && !text.includes(code) ? `${code}: ${text}` : text);
    cause = field(cause, 'cause');
  }
  const message = String(field(err, 'message') ?? err);
  const detail = causes.filter(Boolean).join('; ');
  return detail ? `${message} (${detail})` : message;
}

/**
 * Slack answers errors with a short code (`invalid_token`, `channel_is_archived`). Anything else is
 * not Slack talking, and a body echoed into errors and logs could carry what another server chose to
 * send back, so only a code-shaped answer is kept.
 */
export function slackErrorCode(body: string): string {
  const trimmed = body.trim();
  return /^[a-z][a-z0-9_]{0,59}$/.test(trimmed) ? trimmed : '(answer not shown: not a Slack error code)';
}
