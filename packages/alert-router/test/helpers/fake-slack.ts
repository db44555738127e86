/**
 * A real HTTP server on 127.0.0.1 that behaves like a Slack incoming webhook:
 * scripted answers per hook path (200 ok, 429 + Retry-After, 5xx, 404
 * no_active_hooks, 410 channel_is_archived, hang for timeouts, reset the
 * connection with no answer), or a rate limit of one message per interval per
 * hook like Slack's. It can also stop listening and come back on the same port,
 * so a hook's URL answers "connection refused" for a while.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';

export type Step =
  | { readonly status: number; readonly body?: string; readonly retryAfter?: string }
  | { readonly hang: true }
  | { readonly reset: true };

export interface Received {
  readonly path: string;
  readonly at: number;
  readonly body: { text?: string; blocks?: unknown[] };
  /** What the fake answered (0 = hung, -1 = connection reset). */
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

  private port = 0;

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return `http://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    for (const res of this.hung) res.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = undefined;
  }

  get listening(): boolean {
    return this.server !== undefined;
  }

  /** Listens again on the port of the first start (the hooks' URLs stay valid); no-op while listening. */
  async restart(): Promise<void> {
    if (!this.server) await this.start();
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
    if (step && 'reset' in step) {
      // The request arrived whole; the connection drops before a byte of answer, as when a proxy dies.
      this.received.push({ path, at: now, body, status: -1 });
      req.socket.destroy();
      return;
    }
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

/** A 127.0.0.1 URL on which nothing listens: connecting to it is refused. */
export async function refusedUrl(path: string): Promise<string> {
  const probe = createTcpServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return `http://127.0.0.1:${port}${path}`;
}
