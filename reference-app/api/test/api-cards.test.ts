import { sql } from 'kysely';
import type { RunningApp } from '../src/server';
import {
  DIALECTS,
  TestClock,
  type TestDb,
  createTestDb,
  http,
  localIn,
  newCard,
  startTestApp,
  waitFor,
} from './helpers';

interface Created {
  id: string;
  shareToken: string;
  ownerToken: string;
  shareUrl: string;
}
type ErrorBody = { error: { code: string; message: string; details?: Array<{ path: string; message: string }> } };

describe.each(DIALECTS)('cards API on %s', (dialect) => {
  let db: TestDb;
  let app: RunningApp;
  let base: string;
  const clock = new TestClock();

  beforeAll(async () => {
    db = await createTestDb(dialect);
    app = await startTestApp(db, {}, { clock });
    base = app.url;
  });
  afterAll(async () => {
    await app?.stop();
    await db?.drop();
  });

  const count = async (table: 'cards' | 'messages') =>
    Number(
      (await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(app.ctx.database.db)).rows[0]?.n,
    );
  const create = async (over: Record<string, unknown> = {}) => {
    const res = await http<Created>(base, '/api/v1/cards', { method: 'POST', json: newCard(over) });
    expect(res.status).toBe(201);
    return res.body;
  };

  it('creates a card with separate share and owner tokens of 256 bits', async () => {
    const card = await create();
    expect(card.shareToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(card.ownerToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(card.shareToken).not.toBe(card.ownerToken);
    // Asked at 127.0.0.1: the link says 127.0.0.1 too (links.test.ts covers the Host rules).
    expect(card.shareUrl).toBe(`${base}/s/${card.shareToken}`);
    // The owner token is stored only as a hash.
    const row = await app.ctx.database.db
      .selectFrom('cards')
      .selectAll()
      .where('id', '=', card.id)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(card.ownerToken);
  });

  it('lets signers read and sign through the share token, in order', async () => {
    const card = await create({ recipientName: 'Zoë', sendAt: '2026-12-24T18:00' });
    for (const [name, message] of [
      ['Ann', 'Happy birthday!\nSee you soon'],
      ['Ben', 'I <3 you & all the "best"'],
    ]) {
      const res = await http(base, `/api/v1/shared/${card.shareToken}/messages`, {
        method: 'POST',
        json: { name, message },
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ name, message });
    }
    const view = await http<Record<string, unknown>>(base, `/api/v1/shared/${card.shareToken}`);
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({
      recipientName: 'Zoë',
      senderName: 'Bob',
      sendAt: '2026-12-24T18:00:00',
      timeZone: 'Europe/Berlin',
      status: 'scheduled',
      design: { id: 'stock-birthday-1', category: 'Birthday' },
    });
    expect((view.body.messages as Array<{ name: string }>).map((m) => m.name)).toEqual(['Ann', 'Ben']);
    // The signer's view never carries owner data.
    expect(view.text).not.toContain('ann@example.com');
    expect(view.text).not.toContain(card.id);
  });

  it('serves the owner view only with the owner token; the share token is refused', async () => {
    const card = await create();
    const anonymous = await http(base, `/api/v1/cards/${card.id}`);
    expect(anonymous.status).toBe(401);
    // The answer says how to present the token.
    expect(anonymous.body).toMatchObject({
      error: { code: 'unauthorized', message: 'send the owner token as "Authorization: Bearer <ownerToken>"' },
    });
    const wrongToken = await http(base, `/api/v1/cards/${card.id}`, { token: card.shareToken });
    expect(wrongToken.status).toBe(404);
    // A wrong token and an unknown card get the same answer: nothing tells a guesser the card exists.
    const unknown = await http(base, '/api/v1/cards/no-such-card', { token: card.ownerToken });
    expect(unknown.status).toBe(404);
    expect(wrongToken.body).toEqual(unknown.body);
    expect(wrongToken.body).toMatchObject({ error: { code: 'not_found', message: 'card not found' } });
    expect((await http(base, `/api/v1/cards/${card.id}`, { method: 'DELETE', token: card.shareToken })).status).toBe(
      404,
    );
    expect((await http(base, `/api/v1/cards/${card.id}`, { headers: { authorization: 'Basic abc' } })).status).toBe(
      404,
    );
    const owner = await http(base, `/api/v1/cards/${card.id}`, { token: card.ownerToken });
    expect(owner.status).toBe(200);
    expect(owner.body).toMatchObject({
      id: card.id,
      recipientEmail: 'ann@example.com',
      senderEmail: 'bob@example.com',
      shareUrl: card.shareUrl,
    });
  });

  it('reschedules, edits the recipient and cancels', async () => {
    const card = await create();
    const sendAt = localIn('America/New_York', Date.now() + 3 * 24 * 3600 * 1000).slice(0, 16);
    const patched = await http(base, `/api/v1/cards/${card.id}`, {
      method: 'PATCH',
      token: card.ownerToken,
      json: { recipientEmail: 'Zed@Example.com', sendAt, timeZone: 'America/New_York' },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      recipientEmail: 'zed@example.com',
      sendAt: `${sendAt}:00`,
      timeZone: 'America/New_York',
    });
    const job = await app.ctx.database.db
      .selectFrom('jobs')
      .selectAll()
      .where('card_id', '=', card.id)
      .executeTakeFirstOrThrow();
    expect(Number(job.run_at)).toBe(Date.parse(patched.body.sendAtUtc as string));

    expect((await http(base, `/api/v1/cards/${card.id}`, { method: 'DELETE', token: card.ownerToken })).status).toBe(
      204,
    );
    const after = await http(base, `/api/v1/shared/${card.shareToken}`);
    expect(after.body.status).toBe('cancelled');
    const refused = await http<ErrorBody>(base, `/api/v1/shared/${card.shareToken}/messages`, {
      method: 'POST',
      json: { name: 'A', message: 'hi' },
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('card_cancelled');
    const job2 = await app.ctx.database.db
      .selectFrom('jobs')
      .select('status')
      .where('card_id', '=', card.id)
      .executeTakeFirstOrThrow();
    expect(job2.status).toBe('cancelled');
    const repatch = await http<ErrorBody>(base, `/api/v1/cards/${card.id}`, {
      method: 'PATCH',
      token: card.ownerToken,
      json: { recipientName: 'X' },
    });
    expect(repatch.status).toBe(409);
  });

  it('refuses messages with 409 once the card is sent', async () => {
    const card = await create({ sendAt: localIn('Europe/Berlin', Date.now() + 60 * 60_000) });
    await http(base, `/api/v1/shared/${card.shareToken}/messages`, {
      method: 'POST',
      json: { name: 'Early', message: 'made it' },
    });
    clock.offset = 61 * 60_000;
    try {
      await waitFor(async () => (await http(base, `/api/v1/shared/${card.shareToken}`)).body.status === 'sent');
      const late = await http<ErrorBody>(base, `/api/v1/shared/${card.shareToken}/messages`, {
        method: 'POST',
        json: { name: 'Late', message: 'oops' },
      });
      expect(late.status).toBe(409);
      expect(late.body.error.code).toBe('card_sent');
      const owner = await http(base, `/api/v1/cards/${card.id}`, { token: card.ownerToken });
      expect(owner.body.status).toBe('sent');
      expect((owner.body.messages as unknown[]).length).toBe(1);
    } finally {
      clock.offset = 0;
    }
  });

  describe('bad input answers 4xx with a JSON error and stores nothing', () => {
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ['invalid recipient email', { recipientEmail: 'not-an-email' }, 'recipientEmail'],
      ['invalid sender email with a header injection', { senderEmail: 'a@b.com\r\nBcc: x@y.com' }, 'senderEmail'],
      ['a past send time', { sendAt: '2020-01-01T10:00' }, 'sendAt'],
      [
        'a send time more than 3 months ahead',
        { sendAt: localIn('Europe/Berlin', Date.now() + 100 * 24 * 3600 * 1000) },
        'sendAt',
      ],
      ['an unknown time zone', { timeZone: 'Europe/Atlantis' }, 'timeZone'],
      ['script in a name', { senderName: '<script>alert(1)</script>' }, 'senderName'],
      ['HTML in a name', { recipientName: '<img src=x onerror=alert(1)>' }, 'recipientName'],
      ['a name over 32 characters', { recipientName: 'x'.repeat(33) }, 'recipientName'],
      ['an empty name', { senderName: '   ' }, 'senderName'],
      ['an SQL injection as design id', { designId: "x' OR '1'='1" }, 'designId'],
      ['an unknown field', { admin: true }, 'admin'],
      ['a missing field', { recipientName: undefined }, 'recipientName'],
      ['a number where text belongs', { recipientName: 42 }, 'recipientName'],
    ];
    it.each(cases)('%s', async (_label, over, path) => {
      const before = await count('cards');
      const res = await http<ErrorBody>(base, '/api/v1/cards', { method: 'POST', json: newCard(over) });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
      expect(res.body.error.message).toEqual(expect.any(String));
      expect(res.body.error.details?.map((d) => d.path)).toContain(path);
      expect(res.text).not.toMatch(/at .*\.(ts|js):\d+/);
      expect(await count('cards')).toBe(before);
    });

    it('a nonexistent local time (DST gap) is refused with the reason', async () => {
      const year = new Date().getUTCFullYear() + 1;
      // Move "now" to 1 March next year so the spring-forward gaps are within 3 months.
      clock.offset = Date.UTC(year, 2, 1, 12) - Date.now();
      const pad = (n: number) => String(n).padStart(2, '0');
      const usGap = `${year}-03-${pad(8 + ((7 - new Date(Date.UTC(year, 2, 8)).getUTCDay()) % 7))}T02:30`; // 2nd Sunday
      const euGap = `${year}-03-${pad(31 - new Date(Date.UTC(year, 2, 31)).getUTCDay())}T02:30`; // last Sunday
      try {
        const before = await count('cards');
        const res = await http<ErrorBody>(base, '/api/v1/cards', {
          method: 'POST',
          json: newCard({ sendAt: usGap, timeZone: 'America/New_York' }),
        });
        expect(res.status).toBe(400);
        expect(res.body.error.details?.[0]).toMatchObject({ path: 'sendAt', code: 'nonexistent_local_time' });
        expect(res.body.error.message).toMatch(/does not exist in America\/New_York/);
        const gap = await http<ErrorBody>(base, '/api/v1/cards', { method: 'POST', json: newCard({ sendAt: euGap }) });
        expect(gap.status).toBe(400);
        expect(await count('cards')).toBe(before);
        // The first minute after the gap exists.
        const ok = await http(base, '/api/v1/cards', {
          method: 'POST',
          json: newCard({ sendAt: euGap.replace('T02:30', 'T03:30') }),
        });
        expect(ok.status).toBe(201);
      } finally {
        clock.offset = 0;
      }
    });

    describe('PATCH refuses bad input and leaves the card as it was', () => {
      /** What an owner can see of the card, and when the scheduler will run it. */
      const snapshot = async (card: Created) => ({
        owner: (await http(base, `/api/v1/cards/${card.id}`, { token: card.ownerToken })).body,
        job: await app.ctx.database.db
          .selectFrom('jobs')
          .select(['run_at', 'status'])
          .where('card_id', '=', card.id)
          .executeTakeFirstOrThrow(),
      });
      const patch = (card: Created, body: unknown, raw?: string) =>
        http<ErrorBody>(base, `/api/v1/cards/${card.id}`, {
          method: 'PATCH',
          token: card.ownerToken,
          ...(raw === undefined ? { json: body } : { headers: { 'content-type': 'application/json' }, body: raw }),
        });
      const expectRefused = (res: Awaited<ReturnType<typeof patch>>, code: string) => {
        expect(res.status).toBe(400);
        expect(res.headers.get('content-type')).toMatch(/^application\/json/);
        expect(res.body.error.code).toBe(code);
        expect(res.text).not.toMatch(/at .*\.(ts|js):\d+/);
        return res.body.error;
      };

      const cases: Array<[string, () => Record<string, unknown>, string, string]> = [
        ['a past send time', () => ({ sendAt: '2020-01-01T10:00' }), 'sendAt', 'send_at_in_past'],
        [
          'a send time more than 3 months ahead',
          () => ({ sendAt: localIn('Europe/Berlin', clock.now() + 100 * 24 * 3600 * 1000) }),
          'sendAt',
          'send_at_too_far',
        ],
        ['a send time that is not a date', () => ({ sendAt: '2026-02-30T10:00' }), 'sendAt', 'invalid_time'],
        ['an unknown time zone', () => ({ timeZone: 'Europe/Atlantis' }), 'timeZone', 'invalid_time_zone'],
        ['a fixed offset as time zone', () => ({ timeZone: 'UTC+3' }), 'timeZone', 'invalid_time_zone'],
        ['an invalid email', () => ({ recipientEmail: 'ann@@example.com' }), 'recipientEmail', ''],
        [
          'an email with a header injection',
          () => ({ recipientEmail: 'a@b.com\r\nBcc: x@y.com' }),
          'recipientEmail',
          '',
        ],
        ['markup in the name', () => ({ recipientName: '<b>Ann</b>' }), 'recipientName', ''],
        ['null for a field', () => ({ recipientName: null }), 'recipientName', ''],
        ['an unknown field', () => ({ status: 'sent' }), 'status', ''],
        ['a field only set at creation', () => ({ senderEmail: 'eve@example.com' }), 'senderEmail', ''],
        // One bad field spoils the whole request: the good one is not applied either.
        [
          'a good name with a past send time',
          () => ({ recipientName: 'Changed', sendAt: '2020-01-01T10:00' }),
          'sendAt',
          'send_at_in_past',
        ],
        [
          'a good time with an invalid email',
          () => ({ sendAt: localIn('Europe/Berlin', clock.now() + 2 * 24 * 3600 * 1000), recipientEmail: 'x' }),
          'recipientEmail',
          '',
        ],
      ];
      it.each(cases)('%s', async (_label, body, path, detailCode) => {
        const card = await create();
        const before = await snapshot(card);
        const error = expectRefused(await patch(card, body()), 'validation_failed');
        expect(error.details).toContainEqual(
          expect.objectContaining({ path, ...(detailCode ? { code: detailCode } : {}) }),
        );
        expect(await snapshot(card)).toEqual(before);
      });

      it('a nonexistent local time (DST gap)', async () => {
        const year = new Date().getUTCFullYear() + 1;
        // "Now" on 1 March next year puts the spring-forward gap within the 3 months.
        clock.offset = Date.UTC(year, 2, 1, 12) - Date.now();
        try {
          const card = await create({ sendAt: localIn('Europe/Berlin', clock.now() + 7 * 24 * 3600 * 1000) });
          const before = await snapshot(card);
          const lastSunday = 31 - new Date(Date.UTC(year, 2, 31)).getUTCDay();
          const error = expectRefused(
            await patch(card, { sendAt: `${year}-03-${lastSunday}T02:30` }),
            'validation_failed',
          );
          expect(error.details?.[0]).toMatchObject({ path: 'sendAt', code: 'nonexistent_local_time' });
          expect(error.message).toMatch(/does not exist in Europe\/Berlin/);
          expect(await snapshot(card)).toEqual(before);
        } finally {
          clock.offset = 0;
        }
      });

      it('an empty body names the fields it could change', async () => {
        const card = await create();
        const before = await snapshot(card);
        const error = expectRefused(await patch(card, {}), 'validation_failed');
        expect(error.message).toMatch(/at least one of recipientName, recipientEmail, sendAt, timeZone/);
        expect(await snapshot(card)).toEqual(before);
      });

      it('malformed JSON and a JSON array', async () => {
        const card = await create();
        const before = await snapshot(card);
        expectRefused(await patch(card, undefined, '{"recipientName": '), 'malformed_json');
        expectRefused(await patch(card, [{ recipientName: 'Changed' }]), 'validation_failed');
        expect(await snapshot(card)).toEqual(before);
      });
    });

    it('malformed JSON, a wrong content type and an oversized body', async () => {
      const bad = await http<ErrorBody>(base, '/api/v1/cards', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"designId": ',
      });
      expect(bad.status).toBe(400);
      expect(bad.body.error.code).toBe('malformed_json');
      const form = await http<ErrorBody>(base, '/api/v1/cards', {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: 'x',
      });
      expect(form.status).toBe(415);
      const big = await http<ErrorBody>(base, '/api/v1/cards', {
        method: 'POST',
        json: newCard({ recipientName: 'x'.repeat(40_000) }),
      });
      expect(big.status).toBe(413);
      expect(big.body.error.code).toBe('payload_too_large');
      const arr = await http<ErrorBody>(base, '/api/v1/cards', { method: 'POST', json: [newCard()] });
      expect(arr.status).toBe(400);
    });

    it('unknown designs, tokens and ids are 404, SQL strings in paths a 400 before any handler', async () => {
      const before = await count('messages');
      expect((await http(base, '/api/v1/cards', { method: 'POST', json: newCard({ designId: 'nope' }) })).status).toBe(
        404,
      );
      // Percent-encoded paths are not canonical (issue 20): refused before any query runs.
      expect((await http(base, `/api/v1/shared/${encodeURIComponent("' OR 1=1 --")}`)).status).toBe(400);
      expect((await http(base, `/api/v1/shared/${'a'.repeat(43)}`)).status).toBe(404);
      const inj = await http(base, `/api/v1/shared/${encodeURIComponent("x'; DROP TABLE cards; --")}/messages`, {
        method: 'POST',
        json: { name: 'a', message: 'b' },
      });
      expect(inj.status).toBe(400);
      expect((await http(base, `/api/v1/cards/${encodeURIComponent('1 OR 1=1')}`, { token: 'x' })).status).toBe(400);
      expect(await count('messages')).toBe(before);
      expect(await count('cards')).toBeGreaterThan(0);
    });

    it('messages: markup, scripts, oversize, unknown fields and SQL text', async () => {
      const card = await create();
      const before = await count('messages');
      for (const body of [
        { name: 'Eve', message: '<script>alert(1)</script>' },
        { name: 'Eve', message: 'hi <b>there</b>' },
        { name: 'Eve', message: '<a href="javascript:alert(1)">x</a>' },
        { name: 'Eve', message: '<img src=x onerror=alert(1)>' },
        { name: 'Eve', message: 'a <svg onload=alert(1)>' },
        { name: '<i>Eve</i>', message: 'hello' },
        { name: 'Eve', message: 'x'.repeat(1001) },
        { name: 'E'.repeat(33), message: 'hello' },
        { name: 'Eve', message: 'hello', html: true },
        { name: 'Eve' },
        { name: 'Eve', message: 'a\u0000b' },
      ]) {
        const res = await http<ErrorBody>(base, `/api/v1/shared/${card.shareToken}/messages`, {
          method: 'POST',
          json: body,
        });
        expect([res.status, res.body.error.code]).toEqual([400, 'validation_failed']);
      }
      expect(await count('messages')).toBe(before);
      // SQL-looking text is just text: stored and returned verbatim.
      const sqlText = "Robert'); DROP TABLE messages;--";
      const ok = await http(base, `/api/v1/shared/${card.shareToken}/messages`, {
        method: 'POST',
        json: { name: 'Bobby', message: sqlText },
      });
      expect(ok.status).toBe(201);
      const view = await http<{ messages: Array<{ message: string }> }>(base, `/api/v1/shared/${card.shareToken}`);
      expect(view.body.messages[0]?.message).toBe(sqlText);
      // Text that a parser reads as text is not markup (issue 15): stored and returned as typed.
      for (const message of ['a < b and c > d', 'Use &amp; here', '3 < 5']) {
        const res = await http(base, `/api/v1/shared/${card.shareToken}/messages`, {
          method: 'POST',
          json: { name: 'Ann', message },
        });
        expect([message, res.status, res.body.message]).toEqual([message, 201, message]);
      }
      // Exactly 1000 characters (code points, emoji included) is fine.
      const long = `${'😀'.repeat(10)}${'x'.repeat(990)}`;
      expect(
        (
          await http(base, `/api/v1/shared/${card.shareToken}/messages`, {
            method: 'POST',
            json: { name: 'Long', message: long },
          })
        ).status,
      ).toBe(201);
    });
  });

  it('answers unknown API routes with JSON 404 and has health, readiness and metrics', async () => {
    const res = await http<ErrorBody>(base, '/api/v1/nope');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('route_not_found');
    expect((await http(base, '/healthz')).status).toBe(200);
    expect((await http(base, '/readyz')).body).toEqual({ status: 'ready' });
    const metrics = await http(base, '/metrics');
    expect(metrics.text).toMatch(/http_requests_total\{method="POST",route="\/api\/v1\/cards",status="201"\} \d+/);
    expect(metrics.text).toMatch(/goodgreets_cards_created_total [1-9]/);
    expect(metrics.text).toMatch(/goodgreets_messages_added_total [1-9]/);
    expect(metrics.text).toContain('http_request_duration_seconds_bucket');
    expect(metrics.text).toContain('goodgreets_delivery_lag_seconds_bucket');
  });
});
