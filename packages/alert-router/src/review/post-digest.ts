/**
 * Posts an SLO review digest (core's `slackDigest`) to one Slack incoming webhook through the
 * router's delivery code: the same @slack/webhook client, 429 / 5xx / network retries and
 * permanent-failure rules as an alert, bounded by one overall time limit. Used by
 * `sre review --post`, the scheduled review Lambda and the local drill.
 */
import type { SlackPayload } from '@sre-kit/core';
import { sendSlack, SlackDeliveryError, type SlackSendOptions } from '../delivery/slack';
import type { SlackMessage } from '../render/slack';

export interface PostDigestOptions extends Partial<Omit<SlackSendOptions, 'deadline'>> {
  /** Longest time for the whole post, retries included. @default 30000 */
  readonly timeoutMs?: number;
}

export interface PostDigestResult {
  readonly attempts: number;
  /** Where it went, safe to print: the webhook's host only (the path is the credential). */
  readonly destination: string;
}

/** The host of a webhook URL, or a reason it cannot be one; never the URL itself, which is a credential. */
export function webhookProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'is not a URL';
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return `is a ${parsed.protocol} URL, not http(s)`;
  return undefined;
}

export async function postDigest(
  url: string,
  digest: SlackPayload,
  options: PostDigestOptions = {},
): Promise<PostDigestResult> {
  const problem = webhookProblem(url);
  if (problem) throw new SlackDeliveryError(`slack webhook: the webhook URL ${problem}`, true);
  const now = options.now ?? Date.now;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const { attempts } = await sendSlack(url, digest as unknown as SlackMessage, {
    ...options,
    // One slow attempt must leave room for a retry inside the overall limit.
    attemptTimeoutMs: options.attemptTimeoutMs ?? Math.min(10_000, Math.max(1000, timeoutMs / 2)),
    deadline: now() + timeoutMs,
  });
  return { attempts, destination: new URL(url).host };
}
