import type { RunningApp } from '../src/server';
import { plainJpeg } from './fixtures';
import { DIALECTS, type TestDb, createTestDb, form, http, newCard, solveCaptcha, startTestApp } from './helpers';

jest.setTimeout(60_000);

type Body = { error?: { code: string }; id?: string; name?: string; createdAt?: string };

/**
 * A client that lost the answer to a POST (the connection dropped, a 503 after the commit) retries
 * it with the same Idempotency-Key: it gets the first answer and the server stores the thing once.
 */
describe.each(DIALECTS)('Idempotency-Key on %s', (dialect) => {
  let db: TestDb;
  let app: RunningApp;
  let shareToken: string;

  beforeAll(async () => {
    db = await createTestDb(dialect);
    app = await startTestApp(db);
    shareToken = (await http<{ shareToken: string }>(app.url, '/api/v1/cards', { method: 'POST', json: newCard() }))
      .body.shareToken;
  });
  afterAll(async () => {
    await app.stop();
    await db.drop();
  });

  const count = async (table: 'cards' | 'messages' | 'designs') =>
    Number(
      (
        await app.ctx.database.db
          .selectFrom(table)
          .select((e) => e.fn.countAll().as('n'))
          .executeTakeFirst()
      )?.n,
    );
  const sign = (key: string | undefined, json: unknown) =>
    http<Body>(app.url, `/api/v1/shared/${shareToken}/messages`, {
      method: 'POST',
      json,
      headers: key === undefined ? {} : { 'idempotency-key': key },
    });

  it('a repeated message with the same key is stored once and answered with the first answer', async () => {
    const before = await count('messages');
    const first = await sign('msg-1', { name: 'Ann', message: 'once' });
    await new Promise((r) => setTimeout(r, 5));
    const again = await sign('msg-1', { name: 'Ann', message: 'once' });
    expect([first.status, again.status]).toEqual([201, 201]);
    expect(again.body).toEqual(first.body);
    expect([first.headers.get('idempotent-replayed'), again.headers.get('idempotent-replayed')]).toEqual([
      null,
      'true',
    ]);
    expect(await count('messages')).toBe(before + 1);
    // Without a key the same body is a new message, as before.
    expect((await sign(undefined, { name: 'Ann', message: 'once' })).status).toBe(201);
    expect(await count('messages')).toBe(before + 2);
  });

  it('a message committed whose answer was lost (its key freed, as after a 503) is not written again', async () => {
    const body = { name: 'Eve', message: 'committed, answer lost' };
    const first = await sign('msg-lost', body);
    expect(first.status).toBe(201);
    // What a database kill right after the commit leaves: the message, and no kept answer.
    await app.ctx.database.db.deleteFrom('idempotency_keys').execute();
    const before = await count('messages');
    const retry = await sign('msg-lost', body);
    expect([retry.status, retry.body]).toEqual([201, first.body]);
    expect(await count('messages')).toBe(before);
  });

  it('the same key with another body is 409 and stores nothing', async () => {
    await sign('msg-2', { name: 'Ann', message: 'first' });
    const before = await count('messages');
    const other = await sign('msg-2', { name: 'Ann', message: 'second' });
    expect([other.status, other.body.error?.code]).toEqual([409, 'idempotency_key_reused']);
    expect(await count('messages')).toBe(before);
  });

  it('concurrent retries with one key store once', async () => {
    const before = await count('messages');
    const replies = await Promise.all(
      Array.from({ length: 6 }, () => sign('msg-3', { name: 'Cleo', message: 'at once' })),
    );
    const ok = replies.filter((r) => r.status === 201);
    expect(ok.length).toBeGreaterThanOrEqual(1);
    // The others either got the first answer or were told it is still running.
    for (const r of replies) if (r.status !== 201) expect(r.body.error?.code).toBe('idempotency_key_in_flight');
    expect(new Set(ok.map((r) => r.body.createdAt)).size).toBe(1);
    expect(await count('messages')).toBe(before + 1);
  });

  it('a refused request frees its key: the corrected retry runs', async () => {
    const refused = await sign('msg-4', { name: '\u200b', message: 'x' });
    expect(refused.status).toBe(400);
    const corrected = await sign('msg-4', { name: 'Dan', message: 'x' });
    expect([corrected.status, corrected.headers.get('idempotent-replayed')]).toEqual([201, null]);
  });

  it('refuses a malformed key', async () => {
    const res = await sign('has space', { name: 'Ann', message: 'x' });
    expect([res.status, res.body.error?.code]).toEqual([400, 'invalid_idempotency_key']);
  });

  it('a repeated POST /cards with the same key creates one card, with the same tokens and Location', async () => {
    const before = await count('cards');
    const card = newCard({ recipientName: 'Once Only' });
    const post = () =>
      http<{ id: string; ownerToken: string }>(app.url, '/api/v1/cards', {
        method: 'POST',
        json: card,
        headers: { 'idempotency-key': 'card-1' },
      });
    const first = await post();
    const again = await post();
    expect([first.status, again.status]).toEqual([201, 201]);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('location')).toBe(`/api/v1/cards/${first.body.id}`);
    expect(await count('cards')).toBe(before + 1);
  });

  it('a repeated upload with the same key stores one design (the multipart boundary differs)', async () => {
    const before = await count('designs');
    const image = await plainJpeg(64, 48);
    const upload = async () =>
      http<{ id: string }>(app.url, '/api/v1/designs', {
        method: 'POST',
        headers: { 'idempotency-key': 'design-1' },
        body: form(image, { category: 'Wedding', visibility: 'private', captcha: await solveCaptcha(app.url) }),
      });
    const first = await upload();
    const again = await upload();
    expect([first.status, again.status]).toEqual([202, 202]);
    expect(again.body.id).toBe(first.body.id);
    expect(await count('designs')).toBe(before + 1);
  });
});
