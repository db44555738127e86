import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import type { RunningApp } from '../src/server';
import { type Reply, type TestDb, createTestDb, http, newCard, startTestApp, waitFor } from './helpers';
import { PrivateMariadb } from './private-mariadb';

jest.setTimeout(90_000);

/** The promise of the README's "Failure behaviour": no answer waits longer than this on a sick database. */
const PROMISED_MS = 3000;

interface Timed {
  what: string;
  ms: number;
  reply: Reply<{ error?: { code: string; message: string } }>;
}

async function timed(what: string, base: string, path: string, init: Parameters<typeof http>[2] = {}): Promise<Timed> {
  const started = performance.now();
  const reply = await http<{ error?: { code: string; message: string } }>(base, path, init);
  return { what, ms: Math.round(performance.now() - started), reply };
}

/** What a client sees while the database is away: our 503, a Retry-After, and none of the driver's words. */
function expectUnavailable(t: Timed, server?: PrivateMariadb): void {
  expect({ what: t.what, status: t.reply.status, body: t.reply.body }).toEqual({
    what: t.what,
    status: 503,
    body: { error: { code: 'database_unavailable', message: expect.any(String) } },
  });
  expect(Number(t.reply.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(t.reply.text).not.toMatch(/ECONN|ETIMEDOUT|PROTOCOL_|inactivity|SQLITE|mysql|maria|kysely|127\.0\.0\.1/i);
  if (server) expect(t.reply.text).not.toContain(String(server.port));
}

function report(label: string, results: Timed[]): void {
  console.log(`${label}: ${results.map((r) => `${r.what} ${r.reply.status} in ${r.ms} ms`).join(', ')}`);
}

describe('MariaDB frozen and killed (a private mariadbd)', () => {
  let server: PrivateMariadb;
  let db: TestDb;
  let app: RunningApp;
  let shareToken: string;

  beforeAll(async () => {
    server = await PrivateMariadb.start();
    const dataDir = mkdtempSync(join(tmpdir(), 'gg-faults-'));
    db = { dialect: 'mysql', url: server.url(), dataDir, drop: async () => rmSync(dataDir, { recursive: true }) };
    // The default time-outs: what is measured is what ships.
    app = await startTestApp(db, { CATALOGUE_CACHE_MS: '0' });
    const created = await http<{ shareToken: string }>(app.url, '/api/v1/cards', { method: 'POST', json: newCard() });
    expect(created.status).toBe(201);
    shareToken = created.body.shareToken;
  });

  afterAll(async () => {
    await app?.stop().catch(() => undefined);
    await server?.stop();
    await db?.drop();
  });

  const sign = (name: string) =>
    timed('POST messages', app.url, `/api/v1/shared/${shareToken}/messages`, {
      method: 'POST',
      json: { name, message: 'hello' },
    });
  const messageNames = async () =>
    (await http<{ messages: Array<{ name: string }> }>(app.url, `/api/v1/shared/${shareToken}`)).body.messages.map(
      (m) => m.name,
    );
  const probe = () =>
    Promise.all([
      timed('/readyz', app.url, '/readyz'),
      sign('frozen'),
      timed('POST cards', app.url, '/api/v1/cards', { method: 'POST', json: newCard() }),
      timed('GET designs', app.url, '/api/v1/designs'),
      timed('GET shared', app.url, `/api/v1/shared/${shareToken}`),
    ]);

  it('frozen (SIGSTOP): reads, writes and /readyz answer 503 within 3 s; it recovers on SIGCONT', async () => {
    expect((await sign('before')).reply.status).toBe(201);
    server.freeze();
    let frozen: Timed[];
    try {
      frozen = await probe();
      // A second round finds the pool's connections gone (destroyed after their time-out): new ones time out too.
      frozen.push(...(await probe()));
    } finally {
      server.thaw();
    }
    report('frozen database', frozen);
    for (const t of frozen) {
      expectUnavailable(t, server);
      expect(t.ms).toBeLessThan(PROMISED_MS);
    }
    const started = performance.now();
    await waitFor(async () => (await http(app.url, '/readyz')).status === 200, 10_000);
    console.log(`thawed: /readyz 200 after ${Math.round(performance.now() - started)} ms`);
    expect((await sign('after thaw')).reply.status).toBe(201);
    expect(await messageNames()).toEqual(['before', 'after thaw']);
  });

  it('killed (SIGKILL): 503 at once; restarted on the same port and data, the app recovers by itself', async () => {
    await server.kill();
    const down = await probe();
    report('killed database', down);
    for (const t of down) {
      expectUnavailable(t, server);
      expect(t.ms).toBeLessThan(PROMISED_MS);
    }
    const started = performance.now();
    await server.boot();
    await waitFor(async () => (await http(app.url, '/readyz')).status === 200, 20_000);
    console.log(`restarted: /readyz 200 ${Math.round(performance.now() - started)} ms after mariadbd was started`);
    expect((await sign('after restart')).reply.status).toBe(201);
    expect(await messageNames()).toEqual(['before', 'after thaw', 'after restart']);
  });
});

describe('SQLite locked by another writer', () => {
  it('answers 503 database_unavailable once busy_timeout passes, and 201 when the lock is gone', async () => {
    const db = await createTestDb('sqlite');
    const app = await startTestApp(db, { DB_QUERY_TIMEOUT_MS: '200' });
    const other = new Sqlite(join(db.dataDir, 'goodgreets.sqlite'));
    try {
      const created = await http<{ shareToken: string }>(app.url, '/api/v1/cards', {
        method: 'POST',
        json: newCard(),
      });
      const path = `/api/v1/shared/${created.body.shareToken}/messages`;
      other.exec('BEGIN IMMEDIATE');
      const locked = await timed('POST messages', app.url, path, { method: 'POST', json: { name: 'A', message: 'm' } });
      other.exec('ROLLBACK');
      report('sqlite locked', [locked]);
      expectUnavailable(locked);
      const free = await http(app.url, path, { method: 'POST', json: { name: 'A', message: 'm' } });
      expect(free.status).toBe(201);
    } finally {
      other.close();
      await app.stop();
      await db.drop();
    }
  });
});
