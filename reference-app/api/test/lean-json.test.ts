import type { AddressInfo } from 'node:net';
import express from 'express';
import { createHttpServer, leanJson } from '../src/http/app';

// The app's HTTP server and its res.json (a lean replacement for Express's): what a client sees
// must not change.
describe('res.json of the app', () => {
  const app = express();
  leanJson(app);
  const watched: string[] = [];
  app.get('/greeting', (_req, res) => {
    res.status(201).set('Cache-Control', 'no-store').json({ text: 'Grüße ✉ from Zoë', n: 1 });
  });
  app.get('/watched', (_req, res) => {
    // What the Idempotency-Key middleware does: it watches the answer through res.send.
    const send = res.send.bind(res);
    res.send = (body?: unknown) => {
      watched.push(String(body));
      return send(body);
    };
    res.json({ ok: true });
  });
  app.get('/replaced', (req, res) => {
    app.set('json replacer', (k: string, v: unknown) => (k === 'secret' ? undefined : v));
    try {
      res.json({ secret: 's', shown: 1 });
    } finally {
      app.set('json replacer', undefined);
    }
  });
  const server = createHttpServer(app);
  // Seen before Express takes the request (it swaps prototypes in app.handle): made with Express's
  // prototypes from the start, so that swap changes nothing.
  const prototypes: boolean[] = [];
  server.prependListener('request', (req, res) => {
    prototypes.push(Object.getPrototypeOf(req) === app.request, Object.getPrototypeOf(res) === app.response);
  });
  let base = '';
  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('keeps the status and headers set before, and counts the length in bytes, not characters', async () => {
    const res = await fetch(`${base}/greeting`);
    const raw = Buffer.from(await res.arrayBuffer());
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(Number(res.headers.get('content-length'))).toBe(raw.length);
    expect(raw.length).toBeGreaterThan(JSON.stringify({ text: 'Grüße ✉ from Zoë', n: 1 }).length);
    expect(JSON.parse(raw.toString('utf8'))).toEqual({ text: 'Grüße ✉ from Zoë', n: 1 });
  });

  it("makes requests and responses with the app's own prototypes", async () => {
    expect((await fetch(`${base}/greeting`)).status).toBe(201);
    expect(prototypes.slice(-2)).toEqual([true, true]);
  });

  it('answers HEAD with the same head and no body', async () => {
    const get = await fetch(`${base}/greeting`);
    const head = await fetch(`${base}/greeting`, { method: 'HEAD' });
    expect(head.status).toBe(201);
    expect(head.headers.get('content-length')).toBe(get.headers.get('content-length'));
    expect((await head.arrayBuffer()).byteLength).toBe(0);
  });

  it('goes through a res.send that a middleware watches, and honours the json replacer setting', async () => {
    const res = await fetch(`${base}/watched`);
    expect(await res.json()).toEqual({ ok: true });
    expect(watched).toEqual(['{"ok":true}']);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await (await fetch(`${base}/replaced`)).json()).toEqual({ shown: 1 });
  });
});
