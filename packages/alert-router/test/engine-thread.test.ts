/**
 * Edges of bot-token threading the sequence tests pass over: which groups share a thread, late
 * and simultaneous state changes in the root, a partial resolve, a resolve with no thread to go
 * to, stores that lose races, how long thread records are kept, and what pacing and rate limits
 * cost. The Slack Web API is the stand-in on 127.0.0.1; the clock is fake.
 */
import type { AlertRouting } from '@sre-kit/core';
import { AlertRouter, type RouterOptions } from '../src/engine/router';
import { deliverToThread, type ThreadDeps } from '../src/engine/thread';
import { parseInbound } from '../src/events/inbound';
import type { AlarmEvent } from '../src/events/types';
import { startSlackStandin, type SlackStandin } from '../src/local/slack-standin';
import type { Logger } from '../src/log';
import { THREAD_COLORS } from '../src/render/slack';
import { MemoryStore } from '../src/state/memory-store';
import type { StateKind } from '../src/state/store';
import { alarmChange, receiver, route, routing } from './helpers/fixtures';

const TOKEN = 'xoxb-1-test';
const T0 = Date.parse('2026-11-29T22:10:00Z');
const FAR = T0 + 86400_000;
const page = (groupBy = ['service'], slack = [{ channel: '#sre-page', botTokenSecret: 'sre/slack-bot' }]) =>
  routing(route({ receiver: 'page', groupBy }), [receiver('page', { slack })]);

let standin: SlackStandin;
beforeEach(async () => {
  standin = await startSlackStandin(0, { token: TOKEN });
});
afterEach(() => standin.close());

function botRouter(config: AlertRouting, options: Partial<RouterOptions> = {}) {
  const logged: Array<{ level: string; msg: string; fields?: Record<string, unknown> }> = [];
  const log: Logger = (level, msg, fields) => logged.push({ level, msg, fields });
  const router = new AlertRouter({
    routing: config,
    store: new MemoryStore(),
    resolveWebhook: () => Promise.reject(new Error('no webhooks here')),
    slackApiUrl: standin.apiUrl,
    slackBotTokenOverride: TOKEN,
    paceMs: 0,
    now: () => T0,
    log,
    ...options,
  });
  return { router, logged };
}

const change = (id: string, name: string, state: 'ALARM' | 'OK', minute: number): AlarmEvent[] =>
  parseInbound(alarmChange(id, name, state, minute)).events;
const roots = () => standin.posts.filter((p) => !p.threadTs);
const replies = () => standin.posts.filter((p) => p.threadTs);
const color = (payload: unknown) => (payload as { attachments?: Array<{ color: string }> }).attachments?.[0]?.color;
const statuses = (report: { outcomes: ReadonlyArray<{ status: string }> }) => report.outcomes.map((o) => o.status);

/** Loses the next `conflicts` writes of thread records, as when other invocations keep winning. */
class ContendedStore extends MemoryStore {
  conflicts = 0;
  /** Runs once, just before the first thread write: another invocation at that very moment. */
  meanwhile?: () => Promise<void>;
  override async put<T>(kind: StateKind, key: string, value: T, version: number, exp?: number): Promise<boolean> {
    if (kind === 'thread') {
      const meanwhile = this.meanwhile;
      this.meanwhile = undefined;
      await meanwhile?.();
      if (this.conflicts > 0) {
        this.conflicts--;
        return false;
      }
    }
    return super.put(kind, key, value, version, exp);
  }
  expiresAt(kind: StateKind, key: string): number | undefined {
    return this.data.state[`${kind}/${key}`]?.expiresAt;
  }
}

describe('which messages share a thread', () => {
  it('two alert groups open two threads', async () => {
    const { router } = botRouter(page(['alarmName']));
    await router.process(change('m1', 'api-errors', 'ALARM', 1), [], FAR);
    await router.process(change('m2', 'api-latency', 'ALARM', 2), [], FAR);
    expect(roots()).toHaveLength(2);
    expect(replies()).toEqual([]);
  });

  it('a batch that fires one member and resolves another opens the thread', async () => {
    const { router } = botRouter(page());
    await router.process([...change('m1', 'api-errors', 'ALARM', 1), ...change('m2', 'api-latency', 'OK', 1)], [], FAR);
    expect(roots()).toHaveLength(1);
    expect(color(roots()[0].payload)).toBe(THREAD_COLORS.firing);
    await router.process(change('m3', 'api-latency', 'ALARM', 2), [], FAR);
    expect(roots()).toHaveLength(1);
    expect(replies()).toHaveLength(1);
  });

  it('a resolve with no thread to reply in is a plain message; the next firing opens a thread', async () => {
    const { router } = botRouter(page());
    expect(statuses(await router.process(change('m1', 'api-errors', 'OK', 1), [], FAR))).toEqual(['delivered']);
    expect(standin.posts).toHaveLength(1);
    const [plain] = standin.posts;
    expect(plain.channelName).toBe('#sre-page');
    expect(color(plain.payload)).toBeUndefined();
    expect(JSON.stringify(plain.payload)).toContain('RESOLVED');
    await router.process(change('m2', 'api-errors', 'ALARM', 2), [], FAR);
    expect(roots()).toHaveLength(2);
    expect(color(roots()[1].payload)).toBe(THREAD_COLORS.firing);
  });

  it('after a partial resolve, a member firing again replies in the same thread', async () => {
    const { router } = botRouter(page());
    await router.process(change('m1', 'api-errors', 'ALARM', 1), [], FAR);
    await router.process(change('m2', 'api-latency', 'ALARM', 2), [], FAR);
    await router.process(change('m3', 'api-errors', 'OK', 3), [], FAR);
    await router.process(change('m4', 'api-errors', 'ALARM', 4), [], FAR);
    expect(roots()).toHaveLength(1);
    expect(replies()).toHaveLength(3);
  });
});

describe('the root', () => {
  it('ignores a late, older state change and takes one stamped the same moment', async () => {
    const { router } = botRouter(page());
    await router.process(change('m1', 'api-errors', 'ALARM', 5), [], FAR);
    await router.process(change('m2', 'api-errors', 'OK', 3), [], FAR);
    expect(roots()[0].edits).toEqual([]);
    expect(color(roots()[0].payload)).toBe(THREAD_COLORS.firing);
    await router.process(change('m3', 'api-errors', 'OK', 5), [], FAR);
    expect(roots()[0].edits).toHaveLength(1);
    expect(color(roots()[0].payload)).toBe(THREAD_COLORS.resolved);
  });

  it('is not edited again for a repeat after an edit', async () => {
    const { router } = botRouter(page());
    await router.process(change('m1', 'api-errors', 'ALARM', 1), [], FAR);
    await router.process(change('m2', 'api-latency', 'ALARM', 2), [], FAR);
    await router.process(change('m3', 'api-latency', 'ALARM', 3), [], FAR);
    expect(roots()[0].edits).toHaveLength(1);
    expect(replies()).toHaveLength(2);
  });
});

describe('thread records in the store', () => {
  it('are kept a month while the thread is open and a week once it is resolved', async () => {
    const store = new ContendedStore();
    const { router } = botRouter(page(), { store });
    await router.process(change('m1', 'api-errors', 'ALARM', 1), [], FAR);
    const [{ key }] = await store.list('thread');
    expect(store.expiresAt('thread', key)).toBe(T0 / 1000 + 30 * 86400);
    await router.process(change('m2', 'api-errors', 'OK', 2), [], FAR);
    expect(store.expiresAt('thread', key)).toBe(T0 / 1000 + 7 * 86400);
  });

  it('a root opened at the same moment by another invocation: this one replies in the winner thread', async () => {
    const store = new ContendedStore();
    const { router, logged } = botRouter(page(), { store });
    const other = botRouter(page(), { store });
    store.meanwhile = async () => {
      await other.router.process(change('m0', 'api-latency', 'ALARM', 1), [], FAR);
    };
    expect(statuses(await router.process(change('m1', 'api-errors', 'ALARM', 1), [], FAR))).toEqual(['delivered']);
    const [stray, winner] = roots();
    expect(replies()).toEqual([expect.objectContaining({ threadTs: winner.ts })]);
    expect(logged.find((l) => l.level === 'warn')?.fields).toEqual({ channel: '#sre-page', ts: stray.ts });
  });

  it('gives up after five lost races and reports the delivery failed', async () => {
    const store = new ContendedStore();
    store.conflicts = 5;
    const { router } = botRouter(page(), { store });
    expect(statuses(await router.process(change('m1', 'api-errors', 'ALARM', 1), [], FAR))).toEqual(['failed']);
  });

  it('does not loop while the store keeps losing', async () => {
    const store = new ContendedStore();
    store.conflicts = Infinity;
    const { router } = botRouter(page(), { store });
    expect(statuses(await router.process(change('m1', 'api-errors', 'ALARM', 1), [], FAR))).toEqual(['failed']);
  }, 10_000);
});

describe('pacing and rate limits', () => {
  it('posts to two channels do not wait for each other', async () => {
    // A slot that never frees: any post queued behind another in its channel would hang here.
    const never = () => new Promise<void>(() => undefined);
    const { router } = botRouter(
      page(
        ['service'],
        [
          { channel: '#a', botTokenSecret: 'sre/slack-bot' },
          { channel: '#b', botTokenSecret: 'sre/slack-bot' },
        ],
      ),
      { paceMs: 1000, slack: { sleep: never } },
    );
    const report = await router.process(change('m1', 'api-errors', 'ALARM', 1), [], FAR);
    expect(statuses(report)).toEqual(['delivered', 'delivered']);
    expect(roots().map((r) => r.channelName)).toEqual(['#a', '#b']);
  });

  it('only posts take the channel posting slot; calls and 429s are counted', async () => {
    const paced: string[] = [];
    const deps: ThreadDeps = {
      store: new MemoryStore(),
      now: () => T0,
      log: () => undefined,
      slack: { now: () => T0 },
      pace: async (channel) => {
        paced.push(channel);
        return () => undefined;
      },
    };
    const api = { baseUrl: standin.apiUrl, token: TOKEN };
    const target = { channel: '#sre-page', key: 'g#slackbot:#sre-page' };
    const first = await deliverToThread(deps, api, target, change('m1', 'api-errors', 'ALARM', 1), {}, FAR);
    expect(first).toMatchObject({ calls: 1, rateLimited: 0 });
    // A new member: a reply (a post) and an edit of the root (not a post).
    const second = await deliverToThread(deps, api, target, change('m2', 'api-latency', 'ALARM', 2), {}, FAR);
    expect(second).toEqual({ calls: 2, rateLimited: 0, root: { channel: first.root!.channel, ts: first.root!.ts } });
    expect(paced).toEqual(['#sre-page', '#sre-page']);
  });

  it('the sender adds up the 429s its bot posts met', async () => {
    let refuse = 1;
    const fetchOnce429: typeof fetch = async (input, init) => {
      if (refuse > 0 && String(input).endsWith('/chat.postMessage')) {
        refuse--;
        return new Response('{"ok":false,"error":"ratelimited"}', { status: 429, headers: { 'Retry-After': '1' } });
      }
      return fetch(input, init);
    };
    const { router } = botRouter(page(), {
      slack: { sleep: async () => undefined, fetch: fetchOnce429 as never },
    });
    expect(statuses(await router.process(change('m1', 'api-errors', 'ALARM', 1), [], FAR))).toEqual(['delivered']);
    expect(router.sender.rateLimited).toBe(1);
    expect(roots()).toHaveLength(1);
  });
});
