/**
 * A local stand-in for Slack: incoming webhooks (any path) and the two Web API methods a bot with
 * `chat:write` uses, `POST /api/chat.postMessage` (roots and thread replies) and `POST
 * /api/chat.update` (edits in place). It accepts the posts the router (Block Kit) and Alertmanager
 * (attachments) send, keeps them in memory, shows them on a page as the on-call would read them
 * (threads nested under their root, edits counted), and lists them as JSON for tests and drills.
 * Listens on 127.0.0.1 only.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StandinPost {
  /** 1, 2, ... in arrival order. */
  readonly id: number;
  readonly receivedAt: string;
  /** The webhook path posted to (`/services/page`): one per channel when each secret names its own path. */
  readonly path: string;
  /** The message as it reads now (chat.update replaces it). */
  readonly payload: unknown;
  /** Web API messages only: where the message lives and which thread it belongs to. */
  readonly channel?: string;
  readonly channelName?: string;
  readonly ts?: string;
  readonly threadTs?: string;
  /** Earlier versions of the message, oldest first (one per chat.update). */
  readonly edits?: readonly unknown[];
}

export interface SlackStandinOptions {
  /** Only this bot token is accepted; otherwise any `xoxb-` token is. */
  readonly token?: string;
  /** Channels that exist (by name, `#` optional); others answer channel_not_found. Default: every name exists. */
  readonly channels?: readonly string[];
  /** Channels the bot was not invited to: posts answer not_in_channel. */
  readonly notInChannels?: readonly string[];
  /** Slack's per-channel posting limit: a second post to a channel within this many ms answers 429. */
  readonly channelIntervalMs?: number;
  /** Retry-After (seconds) sent with such a 429. @default 1 */
  readonly retryAfterSeconds?: number;
}

export interface SlackStandin {
  readonly url: string;
  /** Base URL of the Web API (`${url}/api`): the router's slackApiUrl. */
  readonly apiUrl: string;
  readonly server: Server;
  readonly posts: readonly StandinPost[];
  /** Web API answers of 429, per channel id (what rate limiting cost the senders). */
  readonly rateLimited: number;
  close(): Promise<void>;
}

const MAX_BODY = 1024 * 1024;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

type Json = Record<string, unknown>;
const asRecord = (v: unknown): Json => (v && typeof v === 'object' ? (v as Json) : {});
const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const textOf = (v: unknown): string => (typeof v === 'string' ? v : String(asRecord(v).text ?? ''));

/** The readable lines of one post: top-level text, Block Kit blocks, then Alertmanager-style attachments. */
export function postLines(payload: unknown): { color?: string; title?: string; lines: string[] }[] {
  const p = asRecord(payload);
  const parts: { color?: string; title?: string; lines: string[] }[] = [];
  const blocks = (list: unknown[]): string[] =>
    list.flatMap((b) => {
      const block = asRecord(b);
      const out: string[] = [];
      if (block.text) out.push(textOf(block.text));
      for (const f of asList(block.fields)) out.push(textOf(f));
      for (const e of asList(block.elements)) if (textOf(e)) out.push(textOf(e));
      return out.filter(Boolean);
    });
  const top = [...(typeof p.text === 'string' ? [p.text] : []), ...blocks(asList(p.blocks))];
  if (top.length > 0) parts.push({ lines: top });
  for (const a of asList(p.attachments)) {
    const att = asRecord(a);
    const lines = [
      ...(typeof att.pretext === 'string' ? [att.pretext] : []),
      ...(typeof att.text === 'string' ? [att.text] : []),
      ...asList(att.fields).map((f) => `${String(asRecord(f).title ?? '')}: ${String(asRecord(f).value ?? '')}`),
      ...blocks(asList(att.blocks)),
    ];
    parts.push({
      ...(typeof att.color === 'string' ? { color: att.color } : {}),
      ...(typeof att.title === 'string' ? { title: att.title } : {}),
      lines,
    });
  }
  return parts;
}

/** Slack's named attachment colours, or a hex colour; anything else is grey (never echoed into CSS). */
function cssColor(color: string | undefined): string {
  const named: Record<string, string> = { danger: '#d62728', warning: '#e6a100', good: '#2ca02c' };
  if (color && named[color]) return named[color];
  return color && /^#[0-9A-Fa-f]{3,8}$/.test(color) ? color : '#888';
}

function postHtml(post: StandinPost, replies: readonly StandinPost[]): string {
  const channel = post.channelName ?? String(asRecord(post.payload).channel ?? post.path);
  const parts = postLines(post.payload)
    .map((part) => {
      const color = cssColor(part.color);
      const title = part.title ? `<strong>${escapeHtml(part.title)}</strong>` : '';
      const lines = part.lines.map((l) => `<pre>${escapeHtml(l)}</pre>`).join('');
      return `<div class="part" style="border-left-color:${color}">${title}${lines}</div>`;
    })
    .join('');
  const edited = post.edits?.length ? ` · edited ${post.edits.length}×` : '';
  const thread =
    replies.length > 0
      ? `<ul class="thread"><li class="count">${replies.length} repl${replies.length === 1 ? 'y' : 'ies'}</li>${replies
          .map((r) => postHtml(r, []))
          .join('')}</ul>`
      : '';
  return `<li><div class="meta">#${post.id} · ${escapeHtml(channel)} · ${escapeHtml(post.receivedAt)}${edited}</div>${parts}${thread}</li>`;
}

function page(posts: readonly StandinPost[]): string {
  // Replies sit under their root, oldest first, as Slack shows a thread; roots newest first.
  const replies = new Map<string, StandinPost[]>();
  for (const p of posts)
    if (p.threadTs)
      replies.set(`${p.channel}/${p.threadTs}`, [...(replies.get(`${p.channel}/${p.threadTs}`) ?? []), p]);
  const items = [...posts]
    .filter((p) => !p.threadTs)
    .reverse()
    .map((post) => postHtml(post, replies.get(`${post.channel}/${post.ts}`) ?? []))
    .join('\n');
  return `<!doctype html><html><head><meta charset="utf-8"><title>Slack stand-in</title>
<meta http-equiv="refresh" content="5">
<style>body{font:14px system-ui,sans-serif;margin:2em;max-width:60em}ul{list-style:none;padding:0}
li{border:1px solid #ddd;border-radius:6px;padding:.6em 1em;margin:.6em 0}.meta{color:#666;font-size:12px}
.thread{margin-left:2em}.count{border:none;color:#1264a3;padding:0;margin:.3em 0}
.part{border-left:4px solid #888;padding-left:.8em;margin:.4em 0}pre{white-space:pre-wrap;margin:.2em 0;font:inherit}</style>
</head><body><h1>Slack stand-in</h1><p>${posts.length} message(s); JSON at <code>/messages</code>. Newest first.</p>
<ul>${items}</ul></body></html>`;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error('body too large'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

type MutablePost = { -readonly [K in keyof StandinPost]: StandinPost[K] };

/** Slack's ts: seconds and a six-digit sequence, unique per workspace here. */
function nextTs(seq: number): string {
  return `${Math.floor(Date.now() / 1000)}.${String(seq).padStart(6, '0')}`;
}

const channelName = (name: string) => name.replace(/^#/, '');

/**
 * The Web API half: bearer auth, channels by name or id, per-channel rate limit, and the ok:false
 * answers (HTTP 200) real Slack gives, so the router's error handling meets the real shapes.
 */
class WebApi {
  private readonly ids = new Map<string, string>();
  private readonly lastPost = new Map<string, number>();
  private seq = 0;
  rateLimited = 0;

  constructor(
    private readonly posts: MutablePost[],
    private readonly options: SlackStandinOptions,
  ) {}

  private channelId(name: string): string {
    let id = this.ids.get(name);
    if (!id) {
      id = `C${String(this.ids.size + 1).padStart(8, '0')}`;
      this.ids.set(name, id);
    }
    return id;
  }

  /** Names (with or without #) or ids this stand-in handed out; undefined = no such channel. */
  private lookup(channel: string, byIdOnly: boolean): { id: string; name: string } | undefined {
    for (const [name, id] of this.ids) if (id === channel) return { id, name };
    if (byIdOnly) return undefined;
    const name = channelName(channel);
    if (this.options.channels && !this.options.channels.map(channelName).includes(name)) return undefined;
    return { id: this.channelId(name), name };
  }

  answer(
    method: string,
    auth: string | undefined,
    body: Json,
  ): { status: number; headers?: Record<string, string>; json: Json } {
    const fail = (error: string) => ({ status: 200, json: { ok: false, error } });
    const token = /^Bearer (\S+)$/.exec(auth ?? '')?.[1];
    if (!token) return fail('not_authed');
    if (!token.startsWith('xoxb-') || (this.options.token !== undefined && token !== this.options.token))
      return fail('invalid_auth');
    if (method !== 'chat.postMessage' && method !== 'chat.update') return fail('unknown_method');
    if (typeof body.channel !== 'string' || body.channel === '') return fail('channel_not_found');
    // chat.update takes the id from the post's answer, as on Slack; a name is not found.
    const channel = this.lookup(body.channel, method === 'chat.update');
    if (!channel) return fail('channel_not_found');
    if (this.options.notInChannels?.map(channelName).includes(channel.name)) return fail('not_in_channel');
    if (typeof body.text !== 'string' && !Array.isArray(body.blocks) && !Array.isArray(body.attachments))
      return fail('no_text');
    if (method === 'chat.update') {
      const post = this.posts.find((p) => p.channel === channel.id && p.ts === body.ts);
      if (!post) return fail('message_not_found');
      const { channel: _c, ts: _t, ...payload } = body;
      post.edits = [...(post.edits ?? []), post.payload];
      post.payload = payload;
      return { status: 200, json: { ok: true, channel: channel.id, ts: post.ts!, text: payload.text ?? '' } };
    }
    const now = Date.now();
    const interval = this.options.channelIntervalMs;
    const last = this.lastPost.get(channel.id);
    if (interval !== undefined && last !== undefined && now - last < interval) {
      this.rateLimited++;
      const retryAfter = String(this.options.retryAfterSeconds ?? 1);
      return { status: 429, headers: { 'retry-after': retryAfter }, json: { ok: false, error: 'ratelimited' } };
    }
    const threadTs = typeof body.thread_ts === 'string' ? body.thread_ts : undefined;
    if (threadTs !== undefined && !this.posts.some((p) => p.channel === channel.id && p.ts === threadTs && !p.threadTs))
      return fail('thread_not_found');
    this.lastPost.set(channel.id, now);
    const ts = nextTs(++this.seq);
    const { channel: _c, thread_ts: _t, ...payload } = body;
    this.posts.push({
      id: this.posts.length + 1,
      receivedAt: new Date(now).toISOString(),
      path: `/api/${method}`,
      payload,
      channel: channel.id,
      channelName: `#${channel.name}`,
      ts,
      ...(threadTs ? { threadTs } : {}),
      edits: [],
    });
    return { status: 200, json: { ok: true, channel: channel.id, ts, message: { ...payload, ts } } };
  }
}

/** Starts the stand-in on 127.0.0.1 (port 0 picks a free one). */
export async function startSlackStandin(port = 0, options: SlackStandinOptions = {}): Promise<SlackStandin> {
  const posts: MutablePost[] = [];
  const api = new WebApi(posts, options);
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/messages') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(posts));
      return;
    }
    if (req.method === 'GET' && path === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page(posts));
      return;
    }
    if (req.method === 'DELETE' && path === '/messages') {
      posts.length = 0;
      res.writeHead(204).end();
      return;
    }
    if (req.method !== 'POST') {
      res.writeHead(405, { 'content-type': 'text/plain' }).end('method_not_allowed');
      return;
    }
    let payload: unknown;
    try {
      const body = await readBody(req);
      // Slack also takes form posts with a payload= field.
      payload = body.startsWith('payload=')
        ? JSON.parse(new URLSearchParams(body).get('payload') ?? '')
        : (JSON.parse(body) as unknown);
    } catch {
      // Slack's own answer to a body it cannot read.
      res.writeHead(400, { 'content-type': 'text/plain' }).end('invalid_payload');
      return;
    }
    if (path.startsWith('/api/')) {
      const answer = api.answer(path.slice('/api/'.length), req.headers.authorization, asRecord(payload));
      res
        .writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8', ...answer.headers })
        .end(JSON.stringify(answer.json));
      return;
    }
    posts.push({ id: posts.length + 1, receivedAt: new Date().toISOString(), path, payload });
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  };
  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.writeHead(500).end('error'));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const { port: bound } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${bound}`;
  return {
    url,
    apiUrl: `${url}/api`,
    server,
    posts,
    get rateLimited() {
      return api.rateLimited;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
