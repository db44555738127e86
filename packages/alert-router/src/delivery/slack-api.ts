/**
 * The two Slack Web API methods a bot token with only `chat:write` needs: chat.postMessage (a root
 * message or a thread reply) and chat.update (edit the root in place). Plain fetch, no SDK: the
 * delivery policy (Retry-After, backoff, permanent errors) is the webhook sender's, shared through
 * withSlackPolicy, and the Web API's quirk is handled here: most errors come back as HTTP 200 with
 * `{"ok": false, "error": "..."}`, so the status alone says nothing.
 */
import { retryAfterMs } from './backoff';
import {
  describeNetworkError,
  slackErrorCode,
  withSlackPolicy,
  type AttemptResult,
  type SlackSendOptions,
  type SlackSendResult,
} from './slack';

export const DEFAULT_SLACK_API_URL = 'https://slack.com/api';

export type SlackApiMethod = 'chat.postMessage' | 'chat.update';

export interface SlackApi {
  /** `https://slack.com/api` in production; a local stand-in's `/api` in drills and tests. */
  readonly baseUrl: string;
  /** The bot token (`xoxb-...`); sent only as a bearer header, never logged. */
  readonly token: string;
}

/** Where a posted or updated message lives: `channel` is Slack's id (C...), whatever name was posted to. */
export interface SlackMessageRef {
  readonly channel: string;
  readonly ts: string;
}

/**
 * Error codes that may succeed on a later attempt. Everything else Slack answers with ok:false
 * (channel_not_found, not_in_channel, invalid_auth, token_revoked, missing_scope, is_archived,
 * message_not_found, ...) is a fact about the configuration: retrying the same call cannot help.
 */
const TRANSIENT_CODES = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);

/** What the operator has to change, for the errors people actually hit with a new bot. */
const HINTS: Readonly<Record<string, string>> = {
  channel_not_found: 'no channel by that name is visible to the bot (a private channel needs the app invited)',
  not_in_channel: 'invite the app to the channel (/invite @app)',
  invalid_auth: 'the bot token in the secret is not valid',
  token_revoked: 'the bot token in the secret was revoked',
  account_inactive: 'the bot token belongs to a deleted app or workspace',
  missing_scope: 'the app lacks the chat:write scope',
  is_archived: 'the channel is archived',
};

/** Checks a configured API base URL once, so a typo fails with its name rather than as a fetch error. */
export function slackApiBaseUrl(raw: string | undefined): string {
  const value = (raw ?? DEFAULT_SLACK_API_URL).replace(/\/+$/, '');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`Slack API URL "${value}" is not a URL (expected something like ${DEFAULT_SLACK_API_URL})`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new Error(`Slack API URL "${value}" must be http(s)`);
  return value;
}

export async function callSlackApi(
  api: SlackApi,
  method: SlackApiMethod,
  body: Readonly<Record<string, unknown>>,
  options: SlackSendOptions,
): Promise<SlackSendResult & { readonly value: SlackMessageRef }> {
  const now = options.now ?? Date.now;
  const fetchFn = (options.fetch ?? globalThis.fetch) as typeof globalThis.fetch;
  // Channel names are not secrets and say which target failed; the token never appears.
  const name = `${method} ${typeof body.channel === 'string' ? body.channel : '?'}`;
  return withSlackPolicy(name, options, async (timeout): Promise<AttemptResult<SlackMessageRef>> => {
    let response: Response;
    let text: string;
    try {
      response = await fetchFn(`${api.baseUrl}/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8', authorization: `Bearer ${api.token}` },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeout),
      });
      text = await response.text();
    } catch (err) {
      const what = (err as Error).name === 'TimeoutError' ? `timed out after ${timeout} ms` : describeNetworkError(err);
      return { kind: 'transient', what: `request failed: ${what}` };
    }
    if (response.status === 429)
      return { kind: 'rate-limited', retryAfterMs: retryAfterMs(response.headers.get('retry-after'), now()) };
    let parsed: { ok?: unknown; error?: unknown; channel?: unknown; ts?: unknown } | undefined;
    try {
      parsed = JSON.parse(text) as typeof parsed;
    } catch {
      parsed = undefined;
    }
    const code = slackErrorCode(typeof parsed?.error === 'string' ? parsed.error : text);
    if (response.status >= 500)
      return { kind: 'transient', what: `HTTP ${response.status} ${code}`, status: response.status };
    if (response.status !== 200)
      return { kind: 'permanent', what: `HTTP ${response.status} ${code}`, status: response.status, code };
    if (parsed?.ok === true && typeof parsed.channel === 'string' && typeof parsed.ts === 'string')
      return { kind: 'ok', value: { channel: parsed.channel, ts: parsed.ts } };
    if (parsed?.ok === true) return { kind: 'permanent', what: 'answer without channel and ts', status: 200 };
    if (code === 'ratelimited' || code === 'rate_limited')
      return { kind: 'rate-limited', retryAfterMs: retryAfterMs(response.headers.get('retry-after'), now()) };
    if (TRANSIENT_CODES.has(code)) return { kind: 'transient', what: code, status: 200 };
    const hint = HINTS[code];
    return { kind: 'permanent', what: hint ? `${code} (${hint})` : code, status: 200, code };
  });
}
