/**
 * A local stand-in for Slack incoming webhooks: accepts the posts the router (Block Kit) and
 * Alertmanager (attachments) send, keeps them in memory, shows them on a page as the on-call would
 * read them, and lists them as JSON for tests and drills. Listens on 127.0.0.1 only.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StandinPost {
  /** 1, 2, ... in arrival order. */
  readonly id: number;
  readonly receivedAt: string;
  /** The webhook path posted to (`/services/page`): one per channel when each secret names its own path. */
  readonly path: string;
  readonly payload: unknown;
}

export interface SlackStandin {
  readonly url: string;
  readonly server: Server;
  readonly posts: readonly StandinPost[];
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

function page(posts: readonly StandinPost[]): string {
  const items = [...posts]
    .reverse()
    .map((post) => {
      const channel = String(asRecord(post.payload).channel ?? post.path);
      const parts = postLines(post.payload)
        .map((part) => {
          const color = cssColor(part.color);
          const title = part.title ? `<strong>${escapeHtml(part.title)}</strong>` : '';
          const lines = part.lines.map((l) => `<pre>${escapeHtml(l)}</pre>`).join('');
          return `<div class="part" style="border-left-color:${color}">${title}${lines}</div>`;
        })
        .join('');
      return `<li><div class="meta">#${post.id} · ${escapeHtml(channel)} · ${escapeHtml(post.receivedAt)}</div>${parts}</li>`;
    })
    .join('\n');
  return `<!doctype html><html><head><meta charset="utf-8"><title>Slack stand-in</title>
<meta http-equiv="refresh" content="5">
<style>body{font:14px system-ui,sans-serif;margin:2em;max-width:60em}ul{list-style:none;padding:0}
li{border:1px solid #ddd;border-radius:6px;padding:.6em 1em;margin:.6em 0}.meta{color:#666;font-size:12px}
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

/** Starts the stand-in on 127.0.0.1 (port 0 picks a free one). */
export async function startSlackStandin(port = 0): Promise<SlackStandin> {
  const posts: StandinPost[] = [];
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
  return {
    url: `http://127.0.0.1:${bound}`,
    server,
    posts,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
