/**
 * Bot-token delivery: one Slack thread per alert group and channel. The first firing posts the
 * root; every later message for the group (repeats, new members, reminders, resolves) is a reply in
 * its thread, and whenever a member's state changes the root is re-rendered and edited in place,
 * turning green when every member is OK. Where the thread lives (channel id and root ts) and the
 * members' latest states are kept in the router's store (`thread` records), so a restarted
 * process or a cold Lambda keeps threading and still edits the root.
 */
import { createHash } from 'node:crypto';
import { callSlackApi, type SlackApi, type SlackMessageRef } from '../delivery/slack-api';
import type { SlackSendOptions } from '../delivery/slack';
import type { AlarmEvent } from '../events/types';
import type { Logger } from '../log';
import { renderSlack, renderThreadRoot, type RenderOptions, type SlackRootMessage } from '../render/slack';
import { latestPerAlarm } from '../render/view';
import type { AlertStore } from '../state/store';

export interface ThreadState {
  /** Slack's channel id from the root's answer: chat.update takes ids, not names. */
  readonly channel: string;
  /** The root message's ts, which is also the thread's id (`thread_ts`). */
  readonly ts: string;
  /** Latest event per alarm ARN: what the root shows. */
  readonly members: Readonly<Record<string, AlarmEvent>>;
  /** Every member was OK at the last change: the next firing opens a new thread. */
  readonly resolved: boolean;
  /** Digest of the root as Slack last accepted it: an edit is due whenever the members render otherwise. */
  readonly rootDigest: string;
}

export interface ThreadTarget {
  /** The channel as the routing names it (`#sre-page`). */
  readonly channel: string;
  /** Store key: the group key and the target, so two channels of one group keep two threads. */
  readonly key: string;
}

export interface ThreadDeps {
  readonly store: AlertStore;
  readonly now: () => number;
  readonly log: Logger;
  readonly slack: Omit<SlackSendOptions, 'deadline'>;
  /** Waits for the channel's posting slot (about one message per second per channel). */
  readonly pace: (channel: string) => Promise<() => void>;
}

/** Open threads are kept a month past their last message; resolved ones a week (late resolves still thread). */
const OPEN_TTL_SECONDS = 30 * 86400;
const RESOLVED_TTL_SECONDS = 7 * 86400;
const CAS_ATTEMPTS = 5;

export interface ThreadResult {
  /** Slack calls made: posts and updates. */
  readonly calls: number;
  readonly rateLimited: number;
  readonly root?: SlackMessageRef;
}

/**
 * Members after `events`: a member's line changes with its state only. A repeat in the same state
 * (its details are in the thread reply) leaves the root as it was, so it costs no edit; an older
 * notification never overwrites a newer state of the same alarm.
 */
export function mergeMembers(
  members: Readonly<Record<string, AlarmEvent>>,
  events: readonly AlarmEvent[],
): Record<string, AlarmEvent> {
  const next: Record<string, AlarmEvent> = { ...members };
  for (const e of latestPerAlarm(events)) {
    const seen = next[e.alarmArn];
    if (!seen || (e.state !== seen.state && e.stateChangeTime >= seen.stateChangeTime)) next[e.alarmArn] = e;
  }
  return next;
}

const allOk = (members: Readonly<Record<string, AlarmEvent>>) => Object.values(members).every((e) => e.state === 'OK');

export async function deliverToThread(
  deps: ThreadDeps,
  api: SlackApi,
  target: ThreadTarget,
  events: readonly AlarmEvent[],
  render: RenderOptions,
  deadline: number,
): Promise<ThreadResult> {
  const options: SlackSendOptions = { ...deps.slack, deadline };
  let calls = 0;
  let rateLimited = 0;
  const call = async (method: 'chat.postMessage' | 'chat.update', body: Record<string, unknown>) => {
    const release = method === 'chat.postMessage' ? await deps.pace(target.channel) : () => undefined;
    try {
      const result = await callSlackApi(api, method, body, options);
      calls++;
      rateLimited += result.rateLimited;
      return result.value;
    } finally {
      release();
    }
  };
  const firing = events.some((e) => e.state === 'ALARM');
  for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
    const current = await deps.store.get<ThreadState>('thread', target.key);
    const thread = current?.value;
    if (!thread || (thread.resolved && firing)) {
      if (!firing) {
        // A resolve for a group whose thread is unknown (expired, or it fired before bot delivery was
        // configured): say so as a plain message rather than open a thread that starts green.
        const message = renderSlack(events, render);
        await call('chat.postMessage', { channel: target.channel, text: message.text, blocks: message.blocks });
        return { calls, rateLimited };
      }
      const members = mergeMembers({}, events);
      const rendered = renderThreadRoot(Object.values(members));
      const root = await call('chat.postMessage', { channel: target.channel, ...rendered });
      const state: ThreadState = {
        channel: root.channel,
        ts: root.ts,
        members,
        resolved: false,
        rootDigest: digest(rendered),
      };
      if (await deps.store.put('thread', target.key, state, current?.version ?? 0, expiry(deps.now(), false)))
        return { calls, rateLimited, root };
      // Another invocation opened the group's thread at the same moment: this root is a stray; the
      // next round replies in the winner's thread so the content is not lost.
      deps.log('warn', 'concurrent root for one alert group; replying in the other thread', {
        channel: target.channel,
        ts: root.ts,
      });
      continue;
    }
    const members = mergeMembers(thread.members, events);
    const resolved = allOk(members);
    const next: ThreadState = { ...thread, members, resolved };
    // State first, Slack second: when a call fails the claim is released and the retry merges the same
    // events again (merging is idempotent); the root's digest only moves once Slack took the edit, so
    // a retry still edits a root that a failed attempt left behind.
    if (!(await deps.store.put('thread', target.key, next, current!.version, expiry(deps.now(), resolved)))) continue;
    const reply = renderSlack(events, render);
    await call('chat.postMessage', {
      channel: thread.channel,
      thread_ts: thread.ts,
      text: reply.text,
      blocks: reply.blocks,
    });
    const rendered = renderThreadRoot(Object.values(members));
    const rootDigest = digest(rendered);
    // A repeat changes nothing in the root: no edit, one call fewer against the rate limits.
    if (rootDigest !== thread.rootDigest) {
      await call('chat.update', { channel: thread.channel, ts: thread.ts, ...rendered });
      // Losing this race is fine: whoever changed the record since saw the old digest and edits too.
      await deps.store.put(
        'thread',
        target.key,
        { ...next, rootDigest },
        current!.version + 1,
        expiry(deps.now(), resolved),
      );
    }
    return { calls, rateLimited, root: { channel: thread.channel, ts: thread.ts } };
  }
  throw new Error(`thread ${target.key}: state kept changing; giving up after ${CAS_ATTEMPTS} attempts`);
}

function digest(root: SlackRootMessage): string {
  return createHash('sha256').update(JSON.stringify(root)).digest('base64url').slice(0, 22);
}

function expiry(nowMs: number, resolved: boolean): number {
  return Math.ceil(nowMs / 1000) + (resolved ? RESOLVED_TTL_SECONDS : OPEN_TTL_SECONDS);
}
