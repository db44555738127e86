/**
 * Webhook URLs and bot tokens live in Secrets Manager (`name` or ARN) or SSM Parameter
 * Store (`ssm:/path`, SecureString), never in templates or routing files. Values are
 * cached for a few minutes so a warm Lambda does not call the API per alert,
 * while a rotated URL is still picked up.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';

export class SecretResolutionError extends Error {
  constructor(
    readonly ref: string,
    message: string,
    /** What the secret should hold, for the message: `webhook secret`, `bot token secret`. */
    what = 'webhook secret',
  ) {
    super(`${what} ${ref}: ${message}`);
    this.name = 'SecretResolutionError';
  }
}

export interface SecretResolverOptions {
  readonly secretsManager?: SecretsManagerClient;
  readonly ssm?: SSMClient;
  /** @default 300000 (5 minutes) */
  readonly ttlMs?: number;
  readonly now?: () => number;
}

export class SecretResolver {
  private readonly cache = new Map<string, { value: Promise<string>; expires: number }>();
  private secretsManager?: SecretsManagerClient;
  private ssm?: SSMClient;

  constructor(private readonly options: SecretResolverOptions = {}) {
    this.secretsManager = options.secretsManager;
    this.ssm = options.ssm;
  }

  /** The webhook URL behind `ref`; concurrent callers share one lookup. */
  resolve(ref: string): Promise<string> {
    return this.lookup(`webhook ${ref}`, ref, 'webhook secret', webhookFromSecret);
  }

  /** The Slack bot token behind `ref` (same stores, same cache policy as webhook URLs). */
  resolveBotToken(ref: string): Promise<string> {
    return this.lookup(`bot ${ref}`, ref, 'bot token secret', botTokenFromSecret);
  }

  private lookup(
    cacheKey: string,
    ref: string,
    what: string,
    parse: (ref: string, raw: string) => string,
  ): Promise<string> {
    const now = (this.options.now ?? Date.now)();
    const hit = this.cache.get(cacheKey);
    if (hit && hit.expires > now) return hit.value;
    const value = this.fetch(ref, what)
      .then((raw) => parse(ref, raw))
      .catch((err: unknown) => {
        this.cache.delete(cacheKey);
        throw err instanceof SecretResolutionError ? err : new SecretResolutionError(ref, (err as Error).message, what);
      });
    this.cache.set(cacheKey, { value, expires: now + (this.options.ttlMs ?? 300_000) });
    return value;
  }

  private async fetch(ref: string, what: string): Promise<string> {
    let raw: string | undefined;
    if (ref.startsWith('ssm:')) {
      this.ssm ??= new SSMClient({});
      const out = await this.ssm.send(new GetParameterCommand({ Name: ref.slice(4), WithDecryption: true }));
      raw = out.Parameter?.Value;
    } else {
      this.secretsManager ??= new SecretsManagerClient({});
      const out = await this.secretsManager.send(new GetSecretValueCommand({ SecretId: ref }));
      raw = out.SecretString;
    }
    if (!raw) throw new SecretResolutionError(ref, 'is empty', what);
    return raw;
  }
}

/**
 * A bot token secret holds the bare token or JSON `{"token": ...}` / `{"botToken": ...}`. Only bot
 * tokens (`xoxb-`) are taken: a user token (`xoxp-`) would post as a person with that person's scopes.
 */
export function botTokenFromSecret(ref: string, raw: string): string {
  let candidate = raw.trim();
  if (candidate.startsWith('{')) {
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(candidate) as Record<string, unknown>;
    } catch {
      throw new SecretResolutionError(ref, 'starts with { but is not JSON', 'bot token secret');
    }
    const token = parsed.token ?? parsed.botToken;
    if (typeof token !== 'string')
      throw new SecretResolutionError(ref, 'JSON secret has no "token" or "botToken" key', 'bot token secret');
    candidate = token.trim();
  }
  // Never echo the value: say only what shape was expected.
  if (!/^xoxb-[A-Za-z0-9-]+$/.test(candidate))
    throw new SecretResolutionError(ref, 'is not a Slack bot token (xoxb-...)', 'bot token secret');
  return candidate;
}

/** A secret holds the bare URL or JSON `{"url": ...}` / `{"webhookUrl": ...}` (what the Slack app setup page gives). */
export function webhookFromSecret(ref: string, raw: string): string {
  let candidate = raw.trim();
  if (candidate.startsWith('{')) {
    try {
      const parsed = JSON.parse(candidate) as Record<string, unknown>;
      const url = parsed.url ?? parsed.webhookUrl;
      if (typeof url !== 'string') throw new SecretResolutionError(ref, 'JSON secret has no "url" or "webhookUrl" key');
      candidate = url;
    } catch (err) {
      if (err instanceof SecretResolutionError) throw err;
      throw new SecretResolutionError(ref, 'starts with { but is not JSON');
    }
  }
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    throw new SecretResolutionError(ref, 'is not a URL (store the webhook URL, or JSON with a "url" key)');
  }
  // A secret is configuration nobody reviews in a diff: an http URL, the instance metadata address or a
  // look-alike host (hooks.slack.com.evil.example) would ship alert text, and the Lambda's reach, to a stranger.
  if (url.protocol !== 'https:' || !SLACK_WEBHOOK_HOSTS.has(url.hostname) || !url.pathname.startsWith('/services/'))
    throw new SecretResolutionError(
      ref,
      `is not a Slack incoming webhook (https://${[...SLACK_WEBHOOK_HOSTS].join(' or https://')}/services/...)`,
    );
  if (url.username || url.password || url.port) throw new SecretResolutionError(ref, 'carries credentials or a port');
  return candidate;
}

/** Where Slack serves incoming webhooks (commercial and GovSlack); the CLI's --slack-url may still point anywhere. */
export const SLACK_WEBHOOK_HOSTS: ReadonlySet<string> = new Set(['hooks.slack.com', 'hooks.slack-gov.com']);
