import { request } from 'node:http';
import { Writable } from 'node:stream';
import pino from 'pino';
import { ConfigError, loadConfig } from '../src/config';
import { redactUrl } from '../src/http/app';
import { createTestDb, http, newCard, startTestApp } from './helpers';

jest.setTimeout(30_000);

describe('process behaviour', () => {
  it('finishes a request in flight on stop, then refuses new connections', async () => {
    const db = await createTestDb('sqlite');
    const app = await startTestApp(db);
    const { port } = new URL(app.url);
    const body = JSON.stringify({ name: 'Ann', message: 'hello' });
    // Send the headers now and the body after stop() began: the request must still complete.
    const reply = new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: `/api/v1/shared/${'a'.repeat(43)}/messages`,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.write(body.slice(0, 5));
      setTimeout(() => req.end(body.slice(5)), 300);
    });
    await new Promise((r) => setTimeout(r, 100));
    const stopped = app.stop();
    expect(await reply).toBe(404);
    await stopped;
    await expect(fetch(`${app.url}/healthz`)).rejects.toThrow();
    await db.drop();
  });

  it('reports not ready and answers 500 without internals when the database is gone', async () => {
    const db = await createTestDb('sqlite');
    const app = await startTestApp(db);
    try {
      expect((await http(app.url, '/readyz')).status).toBe(200);
      await app.ctx.database.close();
      const ready = await http(app.url, '/readyz');
      expect(ready.status).toBe(503);
      const res = await http<{ error: { code: string; message: string } }>(app.url, '/api/v1/designs');
      expect(res.status).toBe(500);
      expect(res.body.error.code).toBe('internal_error');
      expect(res.text).not.toMatch(/sqlite|kysely|\.ts:|\.js:|at /i);
      expect(res.headers.get('x-request-id')).toBeTruthy();
      expect(res.body.error.message).toContain(res.headers.get('x-request-id') as string);
    } finally {
      await app.stop().catch(() => undefined);
      await db.drop();
    }
  });

  it('rejects bad configuration naming the variable', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ DATABASE_URL: 'postgres://x' })).toThrow(/DATABASE_URL must be a mysql/);
    expect(() => loadConfig({ SCHEDULER: 'eventbridge' })).toThrow(/SCHEDULER_TARGET_ARN/);
    expect(() => loadConfig({ OBJECT_STORE: 's3' })).toThrow(/S3_BUCKET/);
    const c = loadConfig({});
    expect([c.PORT, c.HOST, c.mailer, c.CAPTCHA, c.SCHEDULER, c.OBJECT_STORE]).toEqual([
      8080,
      '127.0.0.1',
      'outbox',
      'altcha',
      'local',
      'local',
    ]);
    expect(loadConfig({ SMTP_URL: 'smtp://localhost:2525' }).mailer).toBe('smtp');
    expect(loadConfig({ NODE_ENV: 'production' }).HOST).toBe('0.0.0.0');
  });

  it('logs one JSON line per request with its id, and never tokens or message text', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) });
    const db = await createTestDb('sqlite');
    const app = await startTestApp(db, {}, { logger: pino({ level: 'info' }, sink) });
    try {
      const card = (
        await http<{ shareToken: string; ownerToken: string; id: string }>(app.url, '/api/v1/cards', {
          method: 'POST',
          json: newCard(),
        })
      ).body;
      const signed = await http(app.url, `/api/v1/shared/${card.shareToken}/messages`, {
        method: 'POST',
        json: { name: 'Ann', message: 'a very private wish' },
        headers: { 'x-request-id': 'trace-123' },
      });
      expect(signed.headers.get('x-request-id')).toBe('trace-123');
      await http(app.url, `/api/v1/cards/${card.id}`, { token: card.ownerToken });
      // Routing is case-sensitive and these paths are refused, but they are still logged: redacted.
      await http(app.url, `/API/V1/Shared/${card.shareToken}`);
      await http(app.url, `/api/v1/%73hared/${card.shareToken}`);
      await http(app.url, `/S/${card.shareToken}`);
      const log = lines.join('');
      const entries = lines.map((l) => JSON.parse(l) as { reqId?: string; req?: { url: string } });
      expect(entries.find((e) => e.reqId === 'trace-123')?.req?.url).toBe('/api/v1/shared/[token]/messages');
      expect(log).not.toContain(card.shareToken);
      expect(log).not.toContain(card.ownerToken);
      expect(log).not.toContain('a very private wish');
    } finally {
      await app.stop();
      await db.drop();
    }
  });

  it('keeps tokens out of logged URLs', () => {
    expect(redactUrl('/api/v1/shared/abcDEF_-123/messages')).toBe('/api/v1/shared/[token]/messages');
    expect(redactUrl('/s/abcDEF?x=1')).toBe('/s/[token]?x=1');
    expect(redactUrl('/API/V1/Shared/abcDEF_-123/messages')).toBe('/API/V1/Shared/[token]/messages');
    expect(redactUrl('/x?OwnerToken=abc&Token=def')).toBe('/x?OwnerToken=[redacted]&Token=[redacted]');
    expect(redactUrl(`/api/v1/%73hared/${'T'.repeat(43)}?a=1`)).toBe('/api/v1/%73hared/[token]?a=1');
  });
});
