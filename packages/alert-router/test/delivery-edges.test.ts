/**
 * The edges of the delivery layer that the end-to-end suites pass over: the waiting arithmetic, the
 * deadline and retry decisions of the shared Slack policy, what errors and logs may show (redacted hooks,
 * network causes, Slack codes), the Web API's answers on a real 127.0.0.1 socket, and the secret and email
 * boundaries. Clocks, sleeps and randomness are injected, so nothing here waits for real time except the
 * one request that must time out.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { backoffDelay, retryAfterMs } from '../src/delivery/backoff';
import { emailTargets, publishEmail } from '../src/delivery/email';
import { botTokenFromSecret, SecretResolutionError, SecretResolver, webhookFromSecret } from '../src/delivery/secrets';
import { callSlackApi, slackApiBaseUrl, type SlackApi } from '../src/delivery/slack-api';
import {
  describeNetworkError,
  redactWebhook,
  sendSlack,
  SlackDeliveryError,
  slackErrorCode,
  withSlackPolicy,
  type AttemptResult,
  type SlackSendOptions,
} from '../src/delivery/slack';
import type { SlackMessage } from '../src/render/slack';
import { refusedUrl } from './helpers/fake-slack';
import { receiver } from './helpers/fixtures';

async function rejection(promise: Promise<unknown>): Promise<SlackDeliveryError> {
  try {
    await promise;
  } catch (err) {
    return err as SlackDeliveryError;
  }
  throw new Error('expected a rejection');
}

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a throw');
}

describe('backoff arithmetic', () => {
  it('draws full jitter below min(cap, base * 2^attempt)', () => {
    expect(backoffDelay(3, 100, 10_000, () => 0.5)).toBe(400);
    expect(backoffDelay(3, 100, 10_000, () => 0.999)).toBe(799);
    expect(backoffDelay(10, 100, 1_000, () => 0.5)).toBe(500);
    expect(backoffDelay(1, 100, 1_000, () => 0)).toBe(0);
  });

  const NOW = Date.parse('2026-12-06T09:00:00Z');

  it('reads Retry-After as delta-seconds', () => {
    expect(retryAfterMs('120', NOW)).toBe(120_000);
    expect(retryAfterMs(' 3 ', NOW)).toBe(3_000);
    expect(retryAfterMs('0.0', NOW)).toBe(0);
    // '0' means now whatever the clock reads; it must not be taken for a date (V8 reads "0" as the year 2000).
    expect(retryAfterMs('0', 0)).toBe(0);
  });

  it('reads Retry-After as an HTTP date relative to now, never as a negative wait', () => {
    expect(retryAfterMs('Sun, 06 Dec 2026 09:00:30 GMT', NOW)).toBe(30_000);
    expect(retryAfterMs('Sun, 06 Dec 2026 08:59:00 GMT', NOW)).toBe(0);
    // A negative number is unreadable delta-seconds, not a date ("-3600" would read as the year 3600).
    for (const negative of ['-1', '-1e1', '-0.5', '-3600']) expect(retryAfterMs(negative, NOW)).toBeUndefined();
  });

  it('has no answer for a missing or unreadable header, nor for an infinite one', () => {
    expect(retryAfterMs(null, NOW)).toBeUndefined();
    expect(retryAfterMs('', NOW)).toBeUndefined();
    expect(retryAfterMs('   ', NOW)).toBeUndefined();
    expect(retryAfterMs('soon', NOW)).toBeUndefined();
    expect(retryAfterMs('Infinity', NOW)).toBeUndefined();
  });
});

describe('the shared Slack policy against the deadline', () => {
  function policy(results: AttemptResult<string>[], options: Partial<SlackSendOptions> & { deadline: number }) {
    const slept: number[] = [];
    let attempts = 0;
    const run = withSlackPolicy('#ops', { sleep: async (ms) => void slept.push(ms), ...options }, async () => {
      attempts++;
      return results.shift() ?? { kind: 'ok', value: 'sent' };
    });
    return { run, slept, attempts: () => attempts };
  }

  it('makes no attempt once the deadline has come, and says the failure is not permanent', async () => {
    for (const deadline of [1_000, 999]) {
      const p = policy([], { deadline, now: () => 1_000 });
      const err = await rejection(p.run);
      expect(err).toBeInstanceOf(SlackDeliveryError);
      expect(err.permanent).toBe(false);
      expect(p.attempts()).toBe(0);
    }
  });

  it('does not wait a Retry-After that ends exactly at the deadline', async () => {
    const p = policy([{ kind: 'rate-limited', retryAfterMs: 2_000 }], { deadline: 2_000, now: () => 0 });
    const err = await rejection(p.run);
    expect(err).toMatchObject({ permanent: false, status: 429 });
    expect(p.attempts()).toBe(1);
    expect(p.slept).toEqual([]);
  });

  it('waits a Retry-After that ends before the deadline, then sends', async () => {
    const p = policy([{ kind: 'rate-limited', retryAfterMs: 1_999 }], { deadline: 2_000, now: () => 0 });
    await expect(p.run).resolves.toEqual({ value: 'sent', attempts: 2, rateLimited: 1 });
    expect(p.slept).toEqual([1_999]);
  });

  it('gives up after maxAttempts transient failures, and says retrying later may still help', async () => {
    const busy: AttemptResult<string> = { kind: 'transient', what: 'HTTP 503', status: 503 };
    const p = policy([busy, busy, busy], { deadline: 1_000_000, now: () => 0, maxAttempts: 2, random: () => 0 });
    const err = await rejection(p.run);
    expect(err).toMatchObject({ permanent: false, status: 503 });
    expect(p.attempts()).toBe(2);
  });

  it('does not back off into the deadline: a delay ending exactly there fails at once', async () => {
    const busy: AttemptResult<string> = { kind: 'transient', what: 'HTTP 502', status: 502 };
    // Full jitter with random 0.5 after the first failure: 0.5 * min(4000, 1000 * 2) = 1000 ms.
    const p = policy([busy], { deadline: 1_500, now: () => 500, backoffBaseMs: 1_000, random: () => 0.5 });
    const err = await rejection(p.run);
    expect(err).toMatchObject({ permanent: false, status: 502 });
    expect(err.message).toContain('no time left to retry');
    expect(p.attempts()).toBe(1);
    expect(p.slept).toEqual([]);
  });

  it('backs off and retries when the delay ends before the deadline', async () => {
    const busy: AttemptResult<string> = { kind: 'transient', what: 'HTTP 502', status: 502 };
    const p = policy([busy], { deadline: 1_501, now: () => 500, backoffBaseMs: 1_000, random: () => 0.5 });
    await expect(p.run).resolves.toEqual({ value: 'sent', attempts: 2, rateLimited: 0 });
    expect(p.slept).toEqual([1_000]);
  });
});

describe('what errors and logs may show', () => {
  it('names a webhook by its host and the last four characters of its path', () => {
    const hook = 'https://hooks.slack.com/services/T0AAAAAAA/B0BBBBBBB/abcdefghijklmnopqrstWXYZ';
    expect(redactWebhook(hook)).toBe('hooks.slack.com/…WXYZ');
    expect(redactWebhook(`${hook}/`)).toBe('hooks.slack.com/…WXYZ');
    expect(redactWebhook('http://127.0.0.1:8080/')).toBe('127.0.0.1:8080/…');
    expect(redactWebhook('hooks.slack.com/services/x')).toBe('invalid-url');
  });

  it('describes a network error by its message and the codes of its causes', () => {
    expect(describeNetworkError(new TypeError('boom'))).toBe('boom');
    const reset = new TypeError('fetch failed', {
      cause: { code: 'UND_ERR_SOCKET', message: 'other side closed', cause: { message: 'socket hang up' } },
    });
    expect(describeNetworkError(reset)).toBe('fetch failed (UND_ERR_SOCKET: other side closed; socket hang up)');
    // A code the message already states is not repeated.
    const refused = new TypeError('fetch failed', {
      cause: { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:9' },
    });
    expect(describeNetworkError(refused)).toBe('fetch failed (connect ECONNREFUSED 127.0.0.1:9)');
    expect(describeNetworkError(new TypeError('fetch failed', { cause: { code: 'ETIMEDOUT' } }))).toMatch(
      /^fetch failed \(ETIMEDOUT:? ?\)$/,
    );
    // Causes that say nothing add nothing.
    const quiet = new TypeError('fetch failed', {
      cause: { message: 'a', cause: { message: '', cause: { message: 'c' } } },
    });
    expect(describeNetworkError(quiet)).toBe('fetch failed (a; c)');
  });

  it('describes whatever was thrown without throwing itself, and stops after five causes', () => {
    // JavaScript lets anything be thrown or be a cause, null and undefined included.
    expect(describeNetworkError(new TypeError('fetch failed', { cause: null }))).toBe('fetch failed');
    expect(describeNetworkError(undefined)).toBe('undefined');
    expect(describeNetworkError('socket closed')).toBe('socket closed');
    let chain: unknown = undefined;
    for (let i = 7; i >= 1; i--) chain = { message: `c${i}`, cause: chain };
    expect(describeNetworkError({ message: 'fetch failed', cause: chain })).toBe('fetch failed (c1; c2; c3; c4; c5)');
    const loop: { message: string; cause?: unknown } = { message: 'again' };
    loop.cause = loop;
    expect(describeNetworkError(new TypeError('fetch failed', { cause: loop }))).toBe(
      'fetch failed (again; again; again; again; again)',
    );
  });

  it("keeps only a Slack-shaped error code from an answer's body", () => {
    expect(slackErrorCode(' no_active_hooks\n')).toBe('no_active_hooks');
    const hidden = '(answer not shown: not a Slack error code)';
    expect(slackErrorCode('<title>Error</title> invalid_token')).toBe(hidden);
    expect(slackErrorCode('invalid_token <script>alert(1)</script>')).toBe(hidden);
  });

  it('names an unexpected failure while sending to a webhook by its message', async () => {
    // Neither an HTTP answer nor a network error: the rendered message cannot be read.
    const message = {
      text: 'x',
      get blocks(): never {
        throw new Error('blocks unavailable');
      },
    } as unknown as SlackMessage;
    const err = await rejection(
      sendSlack('https://hooks.slack.com/services/T/B/abcdWXYZ', message, {
        deadline: Date.now() + 5_000,
        maxAttempts: 1,
      }),
    );
    expect(err.message).toBe('slack hooks.slack.com/…WXYZ: failed: blocks unavailable (gave up after 1 attempts)');
    expect(err.permanent).toBe(false);
  });
});

interface Answer {
  readonly status?: number;
  readonly json?: unknown;
  readonly text?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly hang?: true;
}

interface Seen {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: unknown;
}

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

/** A Web API on 127.0.0.1 answering from a script (then `ok` with a channel and ts), recording what it got. */
async function webApi(...answers: Answer[]): Promise<{ api: SlackApi; seen: Seen[] }> {
  const seen: Seen[] = [];
  const hung: ServerResponse[] = [];
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
    req.on('end', () => {
      seen.push({ path: req.url ?? '', headers: req.headers, body: JSON.parse(raw) as unknown });
      const answer = answers.shift() ?? { json: { ok: true, channel: 'C0000001', ts: '1765011600.000100' } };
      if (answer.hang) {
        hung.push(res);
        return;
      }
      res
        .writeHead(answer.status ?? 200, { 'content-type': 'application/json; charset=utf-8', ...answer.headers })
        .end(answer.text ?? JSON.stringify(answer.json));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(async () => {
    for (const res of hung) res.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const { port } = server.address() as AddressInfo;
  return { api: { baseUrl: `http://127.0.0.1:${port}/api`, token: 'xoxb-1-edges' }, seen };
}

describe('Slack Web API calls', () => {
  const slept: number[] = [];
  beforeEach(() => (slept.length = 0));
  // A loaded machine can take seconds to open the first connection: a request timed out and retried would
  // change the attempts these tests count, so only the timeout test times out.
  const options = (more: Partial<SlackSendOptions> = {}): SlackSendOptions => ({
    deadline: Date.now() + 60_000,
    attemptTimeoutMs: 25_000,
    sleep: async (ms) => void slept.push(ms),
    random: () => 0,
    ...more,
  });
  const post = { channel: '#ops', text: 'api-errors is ALARM' };

  it('normalises the configured base URL and refuses one that is not http(s)', () => {
    expect(slackApiBaseUrl(undefined)).toBe('https://slack.com/api');
    expect(slackApiBaseUrl('https://slack.example/api/')).toBe('https://slack.example/api');
    expect(slackApiBaseUrl('http://127.0.0.1:4000/api//')).toBe('http://127.0.0.1:4000/api');
    expect(() => slackApiBaseUrl('ftp://slack.example/api')).toThrow(/must be http\(s\)/);
  });

  it('posts JSON with the bot token as a bearer header and returns where the message lives', async () => {
    const { api, seen } = await webApi();
    const sent = await callSlackApi(api, 'chat.postMessage', post, options());
    expect(sent).toEqual({ value: { channel: 'C0000001', ts: '1765011600.000100' }, attempts: 1, rateLimited: 0 });
    expect(seen).toHaveLength(1);
    expect(seen[0].path).toBe('/api/chat.postMessage');
    expect(seen[0].headers['content-type']).toBe('application/json; charset=utf-8');
    expect(seen[0].headers.authorization).toBe('Bearer xoxb-1-edges');
    expect(seen[0].body).toEqual(post);
  });

  it('names the method and channel in errors, or ? when the body has no channel', async () => {
    const { api } = await webApi(
      { json: { ok: false, error: 'channel_not_found' } },
      { json: { ok: false, error: 'message_not_found' } },
    );
    const named = await rejection(callSlackApi(api, 'chat.postMessage', post, options()));
    expect(named.message).toMatch(/^slack chat\.postMessage #ops: channel_not_found \(/);
    const unnamed = await rejection(callSlackApi(api, 'chat.update', { ts: '1.0', text: 'x' }, options()));
    expect(unnamed.message).toBe('slack chat.update ?: message_not_found');
    expect(unnamed).toMatchObject({ permanent: true, status: 200, slackCode: 'message_not_found' });
  });

  it('retries an HTTP 500 and 503 as transient', async () => {
    const { api, seen } = await webApi({ status: 500, text: 'internal' }, { status: 503, text: 'busy' });
    const sent = await callSlackApi(api, 'chat.postMessage', post, options());
    expect(sent.attempts).toBe(3);
    expect(seen).toHaveLength(3);
  });

  it('reports the status of a 5xx it gave up on, without echoing a body that is no Slack code', async () => {
    const { api } = await webApi({ status: 503, text: '<html>Service Unavailable</html>' });
    const err = await rejection(callSlackApi(api, 'chat.postMessage', post, options({ maxAttempts: 1 })));
    expect(err.message).toBe(
      'slack chat.postMessage #ops: HTTP 503 (answer not shown: not a Slack error code) (gave up after 1 attempts)',
    );
    expect(err).toMatchObject({ permanent: false, status: 503 });
  });

  it('fails another non-200 status permanently, with its status and code', async () => {
    const { api, seen } = await webApi({ status: 404, text: 'unknown_method' });
    const err = await rejection(callSlackApi(api, 'chat.postMessage', post, options()));
    expect(err.message).toBe('slack chat.postMessage #ops: HTTP 404 unknown_method');
    expect(err).toMatchObject({ permanent: true, status: 404, slackCode: 'unknown_method' });
    expect(seen).toHaveLength(1);
  });

  it('fails permanently on ok:true without channel and ts, with no Slack code', async () => {
    const { api } = await webApi({ json: { ok: true, channel: 'C0000001' } });
    const err = await rejection(callSlackApi(api, 'chat.postMessage', post, options()));
    expect(err.message).toBe('slack chat.postMessage #ops: answer without channel and ts');
    expect(err).toMatchObject({ permanent: true, status: 200 });
    expect(err.slackCode).toBeUndefined();
  });

  it('waits out a rate limit Slack answers with HTTP 200 and either spelling of its code', async () => {
    const { api } = await webApi(
      { json: { ok: false, error: 'ratelimited' }, headers: { 'retry-after': '2' } },
      { json: { ok: false, error: 'rate_limited' } },
    );
    const sent = await callSlackApi(api, 'chat.postMessage', post, options({ defaultRetryAfterMs: 700 }));
    expect(sent).toMatchObject({ attempts: 3, rateLimited: 2 });
    expect(slept).toEqual([2_000, 700]);
  });

  it('retries a transient error code and fails on a configuration one at once', async () => {
    const { api, seen } = await webApi(
      { json: { ok: false, error: 'internal_error' } },
      { json: { ok: false, error: 'not_in_channel' } },
    );
    const err = await rejection(callSlackApi(api, 'chat.postMessage', post, options()));
    expect(seen).toHaveLength(2);
    expect(err).toMatchObject({ permanent: true, slackCode: 'not_in_channel' });
  });

  it('says a hung request timed out, and after how long', async () => {
    const { api } = await webApi({ hang: true });
    const err = await rejection(
      callSlackApi(api, 'chat.postMessage', post, options({ attemptTimeoutMs: 50, maxAttempts: 1 })),
    );
    expect(err.message).toBe(
      'slack chat.postMessage #ops: request failed: timed out after 50 ms (gave up after 1 attempts)',
    );
    expect(err.permanent).toBe(false);
  });

  it('says a refused connection was refused, not that it timed out', async () => {
    const api = { baseUrl: await refusedUrl('/api'), token: 'xoxb-1-edges' };
    const err = await rejection(callSlackApi(api, 'chat.postMessage', post, options({ maxAttempts: 1 })));
    expect(err.message).toMatch(/^slack chat\.postMessage #ops: request failed: fetch failed \(.*ECONNREFUSED/);
    expect(err.message).not.toContain('timed out');
  });
});

describe('secrets', () => {
  /** A client of our own, not a prototype mock: it shows the resolver uses the clients it was given. */
  function fakeClient(answer: () => unknown) {
    const inputs: object[] = [];
    const client = {
      send: async (command: GetSecretValueCommand | GetParameterCommand) => {
        inputs.push(command.input);
        return answer();
      },
    };
    return { client, inputs };
  }

  it('reads through the Secrets Manager and SSM clients it is given', async () => {
    const sm = fakeClient(() => ({ SecretString: 'https://hooks.slack.com/services/T/B/sm' }));
    const ssm = fakeClient(() => ({ Parameter: { Value: 'https://hooks.slack.com/services/T/B/ssm' } }));
    const r = new SecretResolver({
      secretsManager: sm.client as unknown as SecretsManagerClient,
      ssm: ssm.client as unknown as SSMClient,
    });
    expect(await r.resolve('sre/hook')).toBe('https://hooks.slack.com/services/T/B/sm');
    expect(await r.resolve('ssm:/sre/hook')).toBe('https://hooks.slack.com/services/T/B/ssm');
    expect(sm.inputs).toEqual([{ SecretId: 'sre/hook' }]);
    expect(ssm.inputs).toEqual([{ Name: '/sre/hook', WithDecryption: true }]);
  });

  it('serves a cached value for ttlMs and reads the secret again when it has passed', async () => {
    let now = 0;
    const sm = fakeClient(() => ({ SecretString: 'https://hooks.slack.com/services/T/B/x' }));
    const r = new SecretResolver({
      secretsManager: sm.client as unknown as SecretsManagerClient,
      ttlMs: 1_000,
      now: () => now,
    });
    await r.resolve('sre/hook');
    now = 999;
    await r.resolve('sre/hook');
    expect(sm.inputs).toHaveLength(1);
    now = 1_000;
    await r.resolve('sre/hook');
    expect(sm.inputs).toHaveLength(2);
  });

  it('says a failing bot token lookup concerns a bot token secret', async () => {
    const denied = fakeClient(() => Promise.reject(new Error('AccessDeniedException')));
    const r = new SecretResolver({ secretsManager: denied.client as unknown as SecretsManagerClient });
    const err = await rejection(r.resolveBotToken('sre/bot'));
    expect(err.message).toBe('bot token secret sre/bot: AccessDeniedException');
    // The name is what a Lambda reports as the errorType of an unhandled failure.
    expect(err).toMatchObject({ name: 'SecretResolutionError', ref: 'sre/bot' });
    const empty = fakeClient(() => ({ SecretString: '' }));
    const r2 = new SecretResolver({ secretsManager: empty.client as unknown as SecretsManagerClient });
    await expect(r2.resolveBotToken('sre/bot')).rejects.toThrow('bot token secret sre/bot: is empty');
  });

  it('takes a bot token padded inside JSON, but nothing around a token', () => {
    expect(botTokenFromSecret('s', '{"token": " xoxb-1-abc\\n"}')).toBe('xoxb-1-abc');
    expect(() => botTokenFromSecret('s', 'Bearer xoxb-1-abc')).toThrow(SecretResolutionError);
    expect(() => botTokenFromSecret('s', '{"token": "Bearer xoxb-1-abc"}')).toThrow(SecretResolutionError);
  });

  it('returns the webhook URL without the whitespace around it', () => {
    expect(webhookFromSecret('s', ' https://hooks.slack.com/services/T/B/x\n')).toBe(
      'https://hooks.slack.com/services/T/B/x',
    );
    expect(webhookFromSecret('s', '\n {"webhookUrl": "https://hooks.slack.com/services/T/B/y"} ')).toBe(
      'https://hooks.slack.com/services/T/B/y',
    );
  });

  it('refuses unreadable JSON as a secret problem, never with the parser error (which quotes the value)', () => {
    const err = thrown(() => webhookFromSecret('s', '{"url": https://hooks.slack.com/services/T/B/x}'));
    expect(err).toBeInstanceOf(SecretResolutionError);
    expect(err.message).toBe('webhook secret s: starts with { but is not JSON');
  });

  it('refuses a webhook URL carrying only a user name or only a password', () => {
    for (const url of ['https://user@hooks.slack.com/services/T/B/x', 'https://:pw@hooks.slack.com/services/T/B/x'])
      expect(() => webhookFromSecret('s', url)).toThrow('webhook secret s: carries credentials or a port');
  });

  it('lists every accepted webhook host when refusing another', () => {
    expect(() => webhookFromSecret('s', 'https://example.com/services/T/B/x')).toThrow(
      '(https://hooks.slack.com or https://hooks.slack-gov.com/services/...)',
    );
  });
});

describe('email targets and publishing', () => {
  const sns = mockClient(SNSClient);
  beforeEach(() => sns.reset());

  it('needs no shared topic when a receiver lists topic ARNs only, and publishes each once', () => {
    const arn = 'arn:aws:sns:eu-west-1:123456789012:managers';
    const r = receiver('mail', { slack: [], email: [arn, arn] });
    expect(emailTargets(r, undefined)).toEqual([{ topicArn: arn }]);
  });

  it('sends the receiver as a String attribute on the shared topic, and an empty id when SNS gives none', async () => {
    sns.on(PublishCommand).resolves({});
    const target = { topicArn: 'arn:aws:sns:eu-west-1:123456789012:alert-email', receiver: 'mail' };
    const id = await publishEmail(new SNSClient({}), target, { subject: 'S', body: 'B' });
    expect(id).toBe('');
    expect(sns.commandCalls(PublishCommand)[0].args[0].input).toEqual({
      TopicArn: target.topicArn,
      Subject: 'S',
      Message: 'B',
      MessageAttributes: { receiver: { DataType: 'String', StringValue: 'mail' } },
    });
  });
});
