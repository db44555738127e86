/**
 * End to end: the Lambda handler against a real HTTP server on 127.0.0.1
 * playing Slack. Every alert must end delivered exactly once or failed loudly.
 */
import { createHandler } from '../src/handler';
import { AlertRouter, type RouterOptions } from '../src/engine/router';
import { DeliveryFailedError } from '../src/engine/report';
import { MemoryStore } from '../src/state/memory-store';
import type { Logger } from '../src/log';
import { realSleep } from '../src/delivery/backoff';
import { FakeSlack, refusedUrl } from './helpers/fake-slack';
import { fixture, fixtureMessage, receiver, route, routing, snsBatch } from './helpers/fixtures';

let slack: FakeSlack;
let base: string;

beforeEach(async () => {
  slack = new FakeSlack();
  base = await slack.start();
});
afterEach(() => slack.stop());

const twoChannels = routing(route({ receiver: 'oncall' }), [
  receiver('oncall', {
    slack: [
      { channel: '#a', webhookSecret: 'a' },
      { channel: '#b', webhookSecret: 'b' },
    ],
  }),
]);

function setup(overrides: Partial<RouterOptions> = {}, lambdaMs = 10_000) {
  const logs: Array<{ level: string; msg: string; fields?: Record<string, unknown> }> = [];
  const log: Logger = (level, msg, fields) => logs.push({ level, msg, fields });
  const store = new MemoryStore();
  const router = new AlertRouter({
    routing: twoChannels,
    store,
    resolveWebhook: async (ref) => `${base}/hooks/${ref}`,
    // Long enough that a loaded CI machine never times out a request the fake answered (a timed-out
    // request that did land is delivered twice, which the exactly-once assertions would catch), short
    // enough that the hung-request cases stay quick.
    slack: { attemptTimeoutMs: 1500, backoffBaseMs: 20, backoffCapMs: 100 },
    paceMs: 0,
    log,
    ...overrides,
  });
  const handler = createHandler({ router, safetyMarginMs: 500 });
  const context = { getRemainingTimeInMillis: () => lambdaMs };
  return { handler, context, logs, store, router };
}

const alarm = (id: string, name = 'api-errors') =>
  snsBatch([{ id, message: { ...fixtureMessage('sns-metric-alarm.json'), AlarmName: name } }]);

describe('delivery end to end', () => {
  it('delivers once to every channel and treats a redelivered MessageId as a duplicate', async () => {
    const { handler, context } = setup();
    const first = await handler(fixture('sns-metric-alarm.json'), context);
    const again = await handler(fixture('sns-metric-alarm.json'), context);
    expect(first.counts).toEqual({ delivered: 2 });
    expect(again.counts).toEqual({ duplicate: 1 }); // one per receiver: the accept key is done
    expect(slack.delivered('/hooks/a')).toHaveLength(1);
    expect(slack.delivered('/hooks/b')).toHaveLength(1);
    expect(slack.delivered('/hooks/a')[0].body.text).toContain('goodgreets-api-lambda-errors');
  });

  it('honours 429 Retry-After and then delivers', async () => {
    slack.script('/hooks/a', { status: 429, body: 'rate_limited', retryAfter: '1' });
    const { handler, context } = setup();
    const started = Date.now();
    await handler(alarm('m-429'), context);
    const hits = slack.received.filter((r) => r.path === '/hooks/a');
    expect(hits.map((h) => h.status)).toEqual([429, 200]);
    expect(hits[1].at - hits[0].at).toBeGreaterThanOrEqual(950);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('fails loudly when Retry-After is past the remaining Lambda time, and the retry delivers once', async () => {
    slack.script('/hooks/a', { status: 429, body: 'rate_limited', retryAfter: '30' });
    const { handler, context } = setup({}, 5_000);
    await expect(handler(alarm('m-late'), context)).rejects.toThrow(/rate limited, Retry-After 30 s/);
    expect(slack.delivered('/hooks/b')).toHaveLength(1);
    // Lambda's retry: #a is now free, #b must not be posted twice.
    const retry = await handler(alarm('m-late'), context);
    expect(retry.counts).toEqual({ delivered: 1, duplicate: 1 });
    expect(slack.delivered('/hooks/a')).toHaveLength(1);
    expect(slack.delivered('/hooks/b')).toHaveLength(1);
  });

  it('retries 500 with backoff until Slack recovers', async () => {
    slack.script('/hooks/a', { status: 500, body: 'rollup_error' }, { status: 503, body: 'unavailable' });
    const { handler, context } = setup();
    const summary = await handler(alarm('m-500'), context);
    expect(summary.counts).toEqual({ delivered: 2 });
    expect(slack.received.filter((r) => r.path === '/hooks/a').map((r) => r.status)).toEqual([500, 503, 200]);
  });

  it('gives up on persistent 5xx after the attempt limit and throws', async () => {
    slack.script('/hooks/a', ...Array.from({ length: 4 }, () => ({ status: 500, body: 'rollup_error' })));
    const { handler, context } = setup();
    const err = await handler(alarm('m-500x'), context).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeliveryFailedError);
    expect((err as Error).message).toMatch(/HTTP 500 rollup_error \(gave up after 4 attempts\)/);
    expect(slack.received.filter((r) => r.path === '/hooks/a')).toHaveLength(4);
  });

  it.each([
    [404, 'no_active_hooks'],
    [410, 'channel_is_archived'],
    [403, 'action_prohibited'],
    [400, 'invalid_payload'],
  ])('treats %i %s as a permanent failure: one attempt, thrown, logged', async (status, code) => {
    slack.script('/hooks/a', { status, body: code });
    const { handler, context, logs } = setup();
    const err = (await handler(alarm(`m-${status}`), context).catch((e: unknown) => e)) as DeliveryFailedError;
    expect(err).toBeInstanceOf(DeliveryFailedError);
    expect(err.failures).toEqual([expect.objectContaining({ target: 'slack:#a', status: 'failed' })]);
    expect(err.message).toContain(`HTTP ${status} ${code}`);
    expect(slack.received.filter((r) => r.path === '/hooks/a')).toHaveLength(1);
    expect(slack.delivered('/hooks/b')).toHaveLength(1);
    expect(logs.some((l) => l.level === 'error' && String(l.fields?.error).includes(code))).toBe(true);
  });

  it('keeps an answer that is not a Slack error code out of errors and logs', async () => {
    const leak = 'AccessKeyId: ASIAEXAMPLE <html>internal admin page</html>';
    slack.script('/hooks/a', { status: 403, body: leak });
    const { handler, context, logs } = setup();
    const err = (await handler(alarm('m-leak'), context).catch((e: unknown) => e)) as DeliveryFailedError;
    expect(err).toBeInstanceOf(DeliveryFailedError);
    expect(err.message).toContain('HTTP 403 (answer not shown');
    expect(err.message).not.toContain('ASIAEXAMPLE');
    expect(JSON.stringify(logs)).not.toContain('ASIAEXAMPLE');
  });

  it('times out a hung request and retries it', async () => {
    slack.script('/hooks/a', { hang: true });
    const { handler, context } = setup();
    const summary = await handler(alarm('m-hang'), context);
    expect(summary.counts).toEqual({ delivered: 2 });
    expect(slack.received.filter((r) => r.path === '/hooks/a').map((r) => r.status)).toEqual([0, 200]);
  });

  it('rejects malformed and unknown records loudly without losing the good ones in the batch', async () => {
    const { handler, context, logs } = setup();
    const good = alarm('m-good') as { Records: unknown[] };
    const bad = fixture('sns-malformed.json') as { Records: unknown[] };
    const unknown = fixture('sns-unknown.json') as { Records: unknown[] };
    const batch = { Records: [...bad.Records, ...good.Records, ...unknown.Records] };
    const err = (await handler(batch, context).catch((e: unknown) => e)) as DeliveryFailedError;
    expect(err).toBeInstanceOf(DeliveryFailedError);
    expect(err.failures.map((f) => [f.status, f.eventId])).toEqual([
      ['rejected', 'aa5e2f60-4b7c-8d9e-1f0a-2b3c4d5e6f07'],
      ['rejected', 'bb6f3071-5c8d-9e0f-2a1b-3c4d5e6f7a08'],
    ]);
    expect(slack.delivered()).toHaveLength(2);
    const rejectedLogs = logs.filter((l) => l.msg === 'payload rejected').map((l) => l.fields?.payloadId);
    expect(rejectedLogs).toEqual(['aa5e2f60-4b7c-8d9e-1f0a-2b3c4d5e6f07', 'bb6f3071-5c8d-9e0f-2a1b-3c4d5e6f7a08']);
  });

  it('accounts for every alert in a mixed scripted run: delivered exactly once or failed, never dropped or doubled', async () => {
    slack.script(
      '/hooks/a',
      { status: 200 },
      { status: 429, retryAfter: '0' },
      { status: 500 },
      { status: 404, body: 'no_active_hooks' },
      { hang: true },
      { status: 410, body: 'channel_is_archived' },
    );
    const { handler, context } = setup({
      routing: routing(route({ receiver: 'r' }), [receiver('r', { slack: [{ channel: '#a', webhookSecret: 'a' }] })]),
    });
    const ids = Array.from({ length: 8 }, (_, i) => `storm-${i}`);
    const failed = new Set<string>();
    for (const id of ids) {
      await handler(alarm(id, `alarm-${id}`), context).catch((e: DeliveryFailedError) =>
        e.failures.forEach((f) => failed.add(f.eventId)),
      );
    }
    // Lambda retries the failed ones; the hook now answers 200.
    for (const id of [...failed]) await handler(alarm(id, `alarm-${id}`), context);
    const texts = slack.delivered('/hooks/a').map((r) => r.body.text);
    expect(failed.size).toBe(2);
    expect(texts).toHaveLength(ids.length);
    expect(new Set(texts).size).toBe(ids.length);
  });
});

describe('network failures end to end', () => {
  /** Hook `a` posts wherever `hookA.url` points at the time of the send; `b` is always the fake. */
  const hookA = { url: '' };
  beforeEach(() => {
    hookA.url = `${base}/hooks/a`;
  });
  const resolveWebhook = async (ref: string) => (ref === 'a' ? hookA.url : `${base}/hooks/${ref}`);
  const attemptsOn = (path: string) => slack.received.filter((r) => r.path === path).map((r) => r.status);

  /** Lambda's retry of a failed event once hook `a` works: only `a` is posted, `b` is a duplicate. */
  async function expectRetryDeliversOnce(
    handler: ReturnType<typeof setup>['handler'],
    context: ReturnType<typeof setup>['context'],
    payload: unknown,
  ) {
    hookA.url = `${base}/hooks/a`;
    const retry = await handler(payload, context);
    expect(retry.counts).toEqual({ delivered: 1, duplicate: 1 });
    expect(slack.delivered('/hooks/a')).toHaveLength(1);
    expect(slack.delivered('/hooks/b')).toHaveLength(1);
  }

  it('connection refused on every attempt: retried to the limit, thrown with the cause, then delivered once by the retry', async () => {
    hookA.url = await refusedUrl('/hooks/a');
    const { handler, context, logs } = setup({ resolveWebhook });
    const err = (await handler(alarm('m-refused'), context).catch((e: unknown) => e)) as DeliveryFailedError;
    expect(err).toBeInstanceOf(DeliveryFailedError);
    expect(err.failures).toEqual([expect.objectContaining({ target: 'slack:#a', status: 'failed' })]);
    expect(err.message).toMatch(/request failed: .*ECONNREFUSED.*\(gave up after 4 attempts\)/);
    expect(slack.delivered('/hooks/b')).toHaveLength(1);
    expect(logs.some((l) => l.level === 'error' && String(l.fields?.error).includes('ECONNREFUSED'))).toBe(true);
    await expectRetryDeliversOnce(handler, context, alarm('m-refused'));
  });

  it('connection refused until the hook comes back: delivered within the same invocation after a retry', async () => {
    let attemptsA = 0;
    const countingFetch: typeof fetch = (input, init) => {
      if (String(input).endsWith('/hooks/a')) attemptsA++;
      return fetch(input, init);
    };
    // Only #a is sent while the fake is down; it comes back during the first backoff.
    const sleep = async (ms: number) => {
      await slack.restart();
      await realSleep(ms);
    };
    const { handler, context } = setup({
      routing: routing(route({ receiver: 'r' }), [receiver('r', { slack: [{ channel: '#a', webhookSecret: 'a' }] })]),
      slack: { attemptTimeoutMs: 300, backoffBaseMs: 20, backoffCapMs: 100, sleep, fetch: countingFetch as never },
    });
    await slack.stop();
    const summary = await handler(alarm('m-refused-then-up'), context);
    expect(summary.counts).toEqual({ delivered: 1 });
    expect(attemptsA).toBe(2);
    expect(attemptsOn('/hooks/a')).toEqual([200]);
  });

  it('connection reset mid-request: retried and delivered once', async () => {
    slack.script('/hooks/a', { reset: true });
    const { handler, context } = setup();
    const summary = await handler(alarm('m-reset'), context);
    expect(summary.counts).toEqual({ delivered: 2 });
    expect(attemptsOn('/hooks/a')).toEqual([-1, 200]);
    expect(slack.delivered('/hooks/b')).toHaveLength(1);
  });

  it('connection reset on every attempt: thrown after the attempt limit, then delivered once by the retry', async () => {
    slack.script('/hooks/a', ...Array.from({ length: 4 }, () => ({ reset: true as const })));
    const { handler, context } = setup({ resolveWebhook });
    const err = (await handler(alarm('m-reset-x'), context).catch((e: unknown) => e)) as DeliveryFailedError;
    expect(err).toBeInstanceOf(DeliveryFailedError);
    expect(err.failures).toEqual([expect.objectContaining({ target: 'slack:#a', status: 'failed' })]);
    expect(err.message).toMatch(/request failed: .*other side closed.*\(gave up after 4 attempts\)/);
    expect(attemptsOn('/hooks/a')).toEqual([-1, -1, -1, -1]);
    await expectRetryDeliversOnce(handler, context, alarm('m-reset-x'));
  });

  it('accounts for every alert across resets and refused connections: delivered exactly once or failed', async () => {
    const { handler, context } = setup({
      resolveWebhook,
      routing: routing(route({ receiver: 'r' }), [receiver('r', { slack: [{ channel: '#a', webhookSecret: 'a' }] })]),
    });
    const refused = await refusedUrl('/hooks/a');
    // Per alarm: the hook's URL for that send and the fake's script for it.
    const plan: Array<{ url: string; steps: Array<{ reset: true } | { status: number }> }> = [
      { url: hookA.url, steps: [{ reset: true }] },
      { url: refused, steps: [] },
      { url: hookA.url, steps: [{ reset: true }, { status: 500 }] },
      { url: hookA.url, steps: Array.from({ length: 4 }, () => ({ reset: true as const })) },
      { url: hookA.url, steps: [] },
    ];
    const failed = new Set<string>();
    for (const [i, { url, steps }] of plan.entries()) {
      hookA.url = url;
      slack.script('/hooks/a', ...steps);
      await handler(alarm(`net-${i}`, `alarm-net-${i}`), context).catch((e: DeliveryFailedError) =>
        e.failures.forEach((f) => failed.add(f.eventId)),
      );
    }
    expect([...failed].sort()).toEqual(['net-1', 'net-3']);
    hookA.url = `${base}/hooks/a`;
    for (const id of failed) await handler(alarm(id, `alarm-${id}`), context);
    const texts = slack.delivered('/hooks/a').map((r) => r.body.text);
    expect(texts).toHaveLength(plan.length);
    expect(new Set(texts).size).toBe(plan.length);
  });
});
