/**
 * A real HTTP server on 127.0.0.1 that behaves like a Slack incoming webhook:
 * scripted answers per hook path (200 ok, 429 + Retry-After, 5xx, 404
 * no_active_hooks, 410 channel_is_archived, hang for timeouts), or a rate
 * limit of one message per interval per hook like Slack's.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Step =
  { readonly status: number; readonly body?: string; readonly retryAfter?: string } | { readonly hang: true };

export interface Received {
  readonly path: string;
  readonly at: number;
  readonly body: { text?: string; blocks?: unknown[] };
  /** What the fake answered (0 = hung). */
  readonly status: number;
}

export class FakeSlack {
  readonly received: Received[] = [];
  private readonly scripts = new Map<string, Step[]>();
  private readonly lastAccepted = new Map<string, number>();
  private readonly hung = new Set<ServerResponse>();
  private server?: Server;
  /** When set, a hook accepts at most one message per this many ms and answers 429 otherwise. */
  rateLimitMs?: number;
  retryAfterSeconds = 1;

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const res of this.hung) res.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Answers for the next requests to `path`, in order; afterwards every request gets 200 ok. */
  script(path: string, ...steps: Step[]): void {
    this.scripts.set(path, [...(this.scripts.get(path) ?? []), ...steps]);
  }

  /** Messages Slack would show (answered 200). */
  delivered(path?: string): Received[] {
    return this.received.filter((r) => r.status === 200 && (path === undefined || r.path === path));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const path = req.url ?? '/';
    let body: Received['body'] = {};
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Received['body'];
    } catch {
      res.writeHead(400).end('invalid_payload');
      return;
    }
    const now = Date.now();
    const step = this.scripts.get(path)?.shift();
    if (step && 'hang' in step) {
      this.received.push({ path, at: now, body, status: 0 });
      this.hung.add(res);
      return;
    }
    if (!step && this.rateLimitMs !== undefined) {
      const last = this.lastAccepted.get(path);
      if (last !== undefined && now - last < this.rateLimitMs) {
        this.received.push({ path, at: now, body, status: 429 });
        res.writeHead(429, { 'Retry-After': String(this.retryAfterSeconds) }).end('rate_limited');
        return;
      }
    }
    const status = step?.status ?? 200;
    if (status === 200) this.lastAccepted.set(path, now);
    this.received.push({ path, at: now, body, status });
    const headers: Record<string, string> = { 'Content-Type': 'text/html' };
    if (step && 'retryAfter' in step && step.retryAfter !== undefined) headers['Retry-After'] = step.retryAfter;
    res.writeHead(status, headers).end(step?.body ?? 'ok');
  }
}
