import type { RunningApp } from '../src/server';
import { DIALECTS, type TestDb, createTestDb, http, newCard, startTestApp } from './helpers';

jest.setTimeout(30_000);

/**
 * Garbage text from the fault run: invalid UTF-8 bytes (stored as three U+FFFD), a lone surrogate
 * (stored as invalid UTF-8 on SQLite), and names or messages of zero-width characters only (an
 * invisible signer). Each is refused with a JSON error and leaves nothing behind.
 */
describe.each(DIALECTS)('garbage text on %s', (dialect) => {
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

  const postRaw = (path: string, bytes: Buffer) =>
    http<{ error: { code: string; details?: Array<{ path: string; message: string }> } }>(app.url, path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: bytes,
    });
  const sign = (json: unknown) =>
    http<{ error: { code: string; details?: Array<{ path: string; message: string }> } }>(
      app.url,
      `/api/v1/shared/${shareToken}/messages`,
      { method: 'POST', json },
    );
  const stored = async () => ({
    messages: Number(
      (
        await app.ctx.database.db
          .selectFrom('messages')
          .select((e) => e.fn.countAll().as('n'))
          .executeTakeFirst()
      )?.n,
    ),
    cards: Number(
      (
        await app.ctx.database.db
          .selectFrom('cards')
          .select((e) => e.fn.countAll().as('n'))
          .executeTakeFirst()
      )?.n,
    ),
  });

  it('refuses bytes that are not UTF-8 (FF FE C3) with a JSON 400, in messages and cards', async () => {
    const before = await stored();
    const bad = Buffer.concat([
      Buffer.from('{"name":"'),
      Buffer.from([0xff, 0xfe, 0xc3]),
      Buffer.from('","message":"hi"}'),
    ]);
    const res = await postRaw(`/api/v1/shared/${shareToken}/messages`, bad);
    expect([res.status, res.body.error.code]).toEqual([400, 'invalid_utf8']);
    const card = Buffer.from(JSON.stringify(newCard({ recipientName: 'XX' })));
    const cut = card.indexOf('XX');
    card[cut] = 0xc3; // a lead byte followed by an ASCII letter: not UTF-8
    const res2 = await postRaw('/api/v1/cards', card);
    expect([res2.status, res2.body.error.code]).toEqual([400, 'invalid_utf8']);
    expect(await stored()).toEqual(before);
  });

  it.each([
    ['a lone high surrogate in a name', { name: 'A\ud800B', message: 'hi' }, 'name'],
    ['a lone low surrogate in a message', { name: 'Ann', message: 'hi \udc00' }, 'message'],
    ['a name of zero-width characters only', { name: '\u200b\u200c\u200d', message: 'hi' }, 'name'],
    ['a message of zero-width characters only', { name: 'Ann', message: '\u200b\ufeff\n\u2060' }, 'message'],
  ])('refuses %s naming the field, and stores nothing', async (_what, body, field) => {
    const before = await stored();
    const res = await sign(body);
    expect([res.status, res.body.error.code]).toEqual([400, 'validation_failed']);
    expect(res.body.error.details?.map((d) => d.path)).toEqual([field]);
    expect(await stored()).toEqual(before);
  });

  it('refuses an invisible recipient on a new card, and keeps accepting real text', async () => {
    const before = await stored();
    const res = await http<{ error: { code: string; details: Array<{ path: string }> } }>(app.url, '/api/v1/cards', {
      method: 'POST',
      json: newCard({ recipientName: '\u3164' }),
    });
    expect([res.status, res.body.error.details.map((d) => d.path)]).toEqual([400, ['recipientName']]);
    expect(await stored()).toEqual(before);
    // NFC first: 32 "e + combining accent" pairs are 32 characters, and a zero-width joiner inside an emoji is fine.
    const ok = await sign({ name: 'e\u0301'.repeat(32), message: 'Zoë \u{1F469}\u200d\u{1F680}' });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ name: '\u00e9'.repeat(32) });
  });
});
