/**
 * Bot-token delivery end to end: SNS batches through the router's handler (replay sessions), the
 * Slack Web API played by the stand-in on a real 127.0.0.1 socket, thread state in the durable
 * stores. A fresh session per step is a restarted process / cold Lambda: it knows the thread only
 * from the store.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import {
  callSlackApi,
  DeliveryFailedError,
  FileStore,
  MemoryStore,
  postLines,
  replaySession,
  startSlackStandin,
  THREAD_COLORS,
  type AlertStore,
  type SlackStandin,
  type StandinPost,
} from '../src';
import { createHandler, routerFromEnv } from '../src/handler';
import { silentLogger } from '../src/log';
import { DynamoStore } from '../src/state/dynamo-store';
import { FakeDynamoTable } from './helpers/fake-dynamo';
import { alarmChange, receiver, route, routing, THREAD_SEQUENCE } from './helpers/fixtures';

const TOKEN = 'xoxb-1-test';
const botRouting = routing(route({ receiver: 'page', groupBy: ['service'] }), [
  receiver('page', { slack: [{ channel: '#sre-page', botTokenSecret: 'sre/slack-bot' }] }),
]);

let standin: SlackStandin;
beforeEach(async () => {
  standin = await startSlackStandin(0, { token: TOKEN, channels: ['sre-page', 'quiet'], notInChannels: ['quiet'] });
});
afterEach(() => standin.close());

const change = alarmChange;
// Fire (the root); repeat (a reply, root unchanged); a new member (a reply, its line added); partial
// resolve (a reply, its line edited, still red); full resolve (a reply, the root turns green).
const SEQUENCE = THREAD_SEQUENCE;

async function run(store: () => AlertStore, steps: readonly unknown[], restartBetween: boolean): Promise<void> {
  const session = () =>
    replaySession({
      routing: botRouting,
      store: store(),
      slackApiUrl: standin.apiUrl,
      slackBotToken: TOKEN,
      paceMs: 0,
      noEmail: true,
    });
  let current = session();
  for (const step of steps) {
    if (restartBetween) current = session();
    const summary = await current.invoke(step);
    expect(summary.counts).toEqual({ delivered: 1 });
  }
}

const roots = () => standin.posts.filter((p) => !p.threadTs);
const color = (payload: unknown) => (payload as { attachments: Array<{ color: string }> }).attachments[0].color;
const text = (payload: unknown) =>
  postLines(payload)
    .flatMap((p) => p.lines)
    .join('\n');

function expectThreadedSequence(): StandinPost {
  const [root, ...others] = roots();
  expect(others).toEqual([]);
  expect(root).toMatchObject({ channelName: '#sre-page', path: '/api/chat.postMessage' });
  const replies = standin.posts.filter((p) => p.threadTs);
  expect(replies).toHaveLength(4);
  for (const r of replies) expect(r).toMatchObject({ channel: root.channel, threadTs: root.ts });
  expect(text(replies[0].payload)).toContain('api-errors is ALARM at minute 2');
  expect(text(replies[1].payload)).toContain('api-latency is ALARM at minute 3');
  expect(text(replies[3].payload)).toMatch(/RESOLVED · CRITICAL · api-latency/);
  // The repeat changed nothing in the root: three edits (member added, one resolved, all resolved).
  const versions = [...root.edits!, root.payload];
  expect(versions).toHaveLength(4);
  expect(text(versions[0])).toMatch(/FIRING · CRITICAL · api-errors/);
  expect(text(versions[1])).toMatch(/FIRING · CRITICAL · api-errors[\s\S]*FIRING · CRITICAL · api-latency/);
  expect(text(versions[2])).toMatch(/RESOLVED · CRITICAL · api-errors[\s\S]*FIRING · CRITICAL · api-latency/);
  expect(text(versions[3])).toMatch(/RESOLVED · CRITICAL · api-errors[\s\S]*RESOLVED · CRITICAL · api-latency/);
  expect(text(versions[2])).toContain('2 alarms · 1 firing · 1 resolved');
  expect(text(versions[3])).toContain('2 alarms · 0 firing · 2 resolved');
  expect(versions.map(color)).toEqual([
    THREAD_COLORS.firing,
    THREAD_COLORS.firing,
    THREAD_COLORS.firing,
    THREAD_COLORS.resolved,
  ]);
  return root;
}

describe('bot-token delivery threads each alert group', () => {
  it('fire, repeat, new member, partial and full resolve: one root, replies, edits in place', async () => {
    await run(() => new MemoryStore(), SEQUENCE, false);
    expectThreadedSequence();
    const html = await (await fetch(standin.url)).text();
    expect(html).toContain('4 replies');
    expect(html).toContain('edited 3×');
  });

  describe('after a restart between every step, from the durable store', () => {
    let dir: string;
    beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'thread-'))));
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('state file', async () => {
      const file = join(dir, 'state.json');
      await run(() => new FileStore(file), SEQUENCE, true);
      const root = expectThreadedSequence();
      // A redelivered SNS message is a duplicate, and a new firing after the full resolve opens a new thread.
      const again = replaySession({
        routing: botRouting,
        store: new FileStore(file),
        slackApiUrl: standin.apiUrl,
        slackBotToken: TOKEN,
        paceMs: 0,
      });
      expect((await again.invoke(SEQUENCE[3])).counts).toEqual({ duplicate: 1 });
      await again.invoke(change('m6', 'api-errors', 'ALARM', 9));
      expect(roots()).toHaveLength(2);
      expect(roots()[1].ts).not.toBe(root.ts);
    });

    it('DynamoDB (DynamoStore on a table that evaluates its conditions)', async () => {
      const table = new FakeDynamoTable();
      try {
        await run(() => new DynamoStore('alerts', new DynamoDBClient({ region: 'eu-west-1' })), SEQUENCE, true);
        expectThreadedSequence();
        const thread = [...table.items.values()].filter((i) => i.pk.S === 'thread');
        expect(thread).toHaveLength(1);
        const state = JSON.parse(thread[0].value.S!) as { resolved: boolean; ts: string };
        expect(state).toMatchObject({ resolved: true, ts: roots()[0].ts });
        expect(Number(thread[0].expiresAt.N)).toBeGreaterThan(Date.now() / 1000);
      } finally {
        table.restore();
      }
    });
  });

  it('a failed root edit is made by the retry of the same notification', async () => {
    let failNextUpdate = true;
    const session = replaySession({
      routing: botRouting,
      store: new MemoryStore(),
      slackApiUrl: standin.apiUrl,
      slackBotToken: TOKEN,
      paceMs: 0,
    });
    // A permanent-looking failure of chat.update, once: the invocation fails and Lambda would retry it.
    const realFetch = globalThis.fetch;
    const spy = jest.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
      if (String(input).endsWith('/chat.update') && failNextUpdate) {
        failNextUpdate = false;
        return new Response(JSON.stringify({ ok: false, error: 'cant_update_message' }), { status: 200 });
      }
      return realFetch(input, init);
    });
    try {
      await session.invoke(SEQUENCE[0]);
      await expect(session.invoke(SEQUENCE[2])).rejects.toThrow(/chat.update .*cant_update_message/);
      expect(roots()[0].edits).toHaveLength(0);
      const retried = await session.invoke(SEQUENCE[2]);
      expect(retried.counts).toEqual({ delivered: 1 });
      expect(roots()[0].edits).toHaveLength(1);
      expect(text(roots()[0].payload)).toContain('api-latency');
    } finally {
      spy.mockRestore();
    }
  });
});

describe('as the Lambda builds itself from its environment', () => {
  it('reads the token from Secrets Manager and keeps threading across cold starts through TABLE_NAME', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'thread-env-'));
    const table = new FakeDynamoTable();
    const sm = mockClient(SecretsManagerClient);
    sm.on(GetSecretValueCommand, { SecretId: 'sre/slack-bot' }).resolves({ SecretString: `{"token":"${TOKEN}"}` });
    try {
      const routingFile = join(dir, 'routing.json');
      writeFileSync(routingFile, JSON.stringify(botRouting));
      const env = {
        ROUTING_FILE: routingFile,
        TABLE_NAME: 'alerts',
        SLACK_API_URL: standin.apiUrl,
        SLACK_PACE_MS: '0',
        LOOKUP_TAGS: 'false',
        BUDGET_LOOKUP: 'false',
        AWS_REGION: 'eu-west-1',
      };
      for (const step of SEQUENCE) {
        // A cold start per notification: a new router, secret cache and DynamoDB client each time.
        const handler = createHandler(routerFromEnv(env, silentLogger));
        expect((await handler(step, { getRemainingTimeInMillis: () => 30_000 })).counts).toEqual({ delivered: 1 });
      }
      expectThreadedSequence();
      expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(SEQUENCE.length);
      expect(() => routerFromEnv({ ...env, SLACK_API_URL: 'slack.com/api' }, silentLogger)).toThrow(
        'Slack API URL "slack.com/api" is not a URL',
      );
    } finally {
      sm.restore();
      table.restore();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('reminders from the tick', () => {
  it('reply in the group thread, also from a new process that only has the store', async () => {
    let now = Date.parse('2026-11-29T22:01:00Z');
    const store = new MemoryStore();
    const reminding = routing(route({ receiver: 'page', groupBy: ['service'], repeatIntervalSeconds: 3600 }), [
      receiver('page', { slack: [{ channel: '#sre-page', botTokenSecret: 'sre/slack-bot' }] }),
    ]);
    const session = () =>
      replaySession({
        routing: reminding,
        store,
        slackApiUrl: standin.apiUrl,
        slackBotToken: TOKEN,
        paceMs: 0,
        now: () => now,
      });
    await session().invoke(SEQUENCE[0]);
    now += 3600_000;
    const summary = await session().invoke({ 'detail-type': 'Scheduled Event', source: 'aws.events', detail: {} });
    expect(summary.counts).toEqual({ reminded: 1 });
    const [root] = roots();
    const replies = standin.posts.filter((p) => p.threadTs === root.ts);
    expect(replies).toHaveLength(1);
    expect(text(replies[0].payload)).toMatch(/STILL FIRING · CRITICAL · api-errors/);
    expect(root.edits).toHaveLength(0);
  });
});

describe('Slack Web API errors and limits', () => {
  const post = (channel: string, token = TOKEN) =>
    callSlackApi(
      { baseUrl: standin.apiUrl, token },
      'chat.postMessage',
      { channel, text: 'hello' },
      { deadline: Date.now() + 5000, backoffBaseMs: 10 },
    );

  it.each([
    ['#nowhere', TOKEN, 'channel_not_found'],
    ['#quiet', TOKEN, 'not_in_channel'],
    ['#sre-page', 'xoxb-wrong', 'invalid_auth'],
  ])('%s (token %s) answers %s: permanent, one attempt, named in the error', async (channel, token, code) => {
    const err = await post(channel, token).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'SlackDeliveryError', permanent: true, slackCode: code });
    expect((err as Error).message).toContain(`chat.postMessage ${channel}: ${code}`);
    expect((err as Error).message).not.toContain(token);
    expect((err as Error).message).not.toContain('gave up');
    expect(standin.posts).toHaveLength(0);
  });

  it('a permanent error fails the invocation loudly', async () => {
    const session = replaySession({
      routing: routing(route({ receiver: 'page' }), [
        receiver('page', { slack: [{ channel: '#quiet', botTokenSecret: 'sre/slack-bot' }] }),
      ]),
      slackApiUrl: standin.apiUrl,
      slackBotToken: TOKEN,
      paceMs: 0,
    });
    const err = await session.invoke(SEQUENCE[0]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeliveryFailedError);
    expect((err as DeliveryFailedError).failures[0]).toMatchObject({ status: 'failed', target: 'slackbot:#quiet' });
    expect((err as Error).message).toContain('not_in_channel (invite the app to the channel');
  });

  it("honours 429 Retry-After from Slack's per-channel limit, and paces its own posts per channel", async () => {
    await standin.close();
    standin = await startSlackStandin(0, { token: TOKEN, channelIntervalMs: 900, retryAfterSeconds: 1 });
    // Unpaced: the second post right after the first is refused once, then waits Retry-After.
    const started = Date.now();
    await post('#sre-page');
    const second = await post('#sre-page');
    expect(second.rateLimited).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(standin.posts).toHaveLength(2);
    // Paced at Slack's one per second per channel, the whole sequence earns no 429 at all.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const before = standin.rateLimited;
    const session = replaySession({
      routing: botRouting,
      slackApiUrl: standin.apiUrl,
      slackBotToken: TOKEN,
      paceMs: 1000,
    });
    for (const step of SEQUENCE.slice(0, 3)) await session.invoke(step);
    expect(standin.rateLimited).toBe(before);
    expect(session.router.sender.rateLimited).toBe(0);
    expect(standin.posts.filter((p) => p.threadTs)).toHaveLength(2);
  }, 20_000);
});
