import type { RunningApp } from '../src/server';
import { plainJpeg } from './fixtures';
import { type Reply, createTestDb, form, http, newCard, solveCaptcha, startTestApp } from './helpers';

type ErrorBody = { error: { code: string; message: string; details?: { retryAfterSeconds: number } } };

/** The limiters keep their counts in memory, so one SQLite app per test shows them fresh. */
async function withApp(env: Record<string, string>, run: (app: RunningApp) => Promise<void>): Promise<void> {
  const db = await createTestDb('sqlite');
  const app = await startTestApp(db, env);
  try {
    await run(app);
  } finally {
    await app.stop();
    await db.drop();
  }
}

/** A 429 from the limiter: JSON error, Retry-After in seconds matching the details, within the one-minute window. */
function expectLimited(res: Reply<ErrorBody>, bucket: 'write' | 'upload'): void {
  expect(res.status).toBe(429);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  expect(res.body.error.code).toBe('rate_limited');
  expect(res.body.error.message).toMatch(new RegExp(`^too many ${bucket} requests; retry in \\d+ s$`));
  const retryAfter = Number(res.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  expect(res.body.error.details).toEqual({ retryAfterSeconds: retryAfter });
}

const count = async (app: RunningApp, table: 'cards' | 'designs' | 'messages'): Promise<number> =>
  Number(
    (
      await app.ctx.database.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('rate limits', () => {
  it('answers 429 with Retry-After once a client exceeds the writes per minute; reads are not limited', async () => {
    await withApp({ RATE_LIMIT_WRITES_PER_MINUTE: '3' }, async (app) => {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++)
        statuses.push((await http(app.url, '/api/v1/cards', { method: 'POST', json: newCard() })).status);
      expect(statuses).toEqual([201, 201, 201, 429, 429]);
      expectLimited(await http<ErrorBody>(app.url, '/api/v1/cards', { method: 'POST', json: newCard() }), 'write');
      expect(await count(app, 'cards')).toBe(3);
      expect((await http(app.url, '/api/v1/designs')).status).toBe(200);
    });
  });

  it('counts card edits, cancellations and signatures against the same write budget', async () => {
    await withApp({ RATE_LIMIT_WRITES_PER_MINUTE: '3' }, async (app) => {
      const created = await http<{ id: string; shareToken: string; ownerToken: string }>(app.url, '/api/v1/cards', {
        method: 'POST',
        json: newCard(),
      });
      expect(created.status).toBe(201);
      const { id, shareToken, ownerToken } = created.body;
      const edit = (recipientName: string) =>
        http<ErrorBody>(app.url, `/api/v1/cards/${id}`, {
          method: 'PATCH',
          token: ownerToken,
          json: { recipientName },
        });
      const sign = () =>
        http<ErrorBody>(app.url, `/api/v1/shared/${shareToken}/messages`, {
          method: 'POST',
          json: { name: 'Ann', message: 'hi' },
        });
      expect((await edit('Changed')).status).toBe(200);
      expect((await sign()).status).toBe(201);
      // The budget of 3 is spent by one create, one edit and one signature.
      const owner = async () => (await http(app.url, `/api/v1/cards/${id}`, { token: ownerToken })).body;
      const before = await owner();
      expectLimited(await edit('Late'), 'write');
      expectLimited(await sign(), 'write');
      expectLimited(
        await http<ErrorBody>(app.url, `/api/v1/cards/${id}`, { method: 'DELETE', token: ownerToken }),
        'write',
      );
      expectLimited(await http<ErrorBody>(app.url, '/api/v1/cards', { method: 'POST', json: newCard() }), 'write');
      // Refused before the handler: nothing changed, nothing stored.
      expect(await owner()).toEqual(before);
      expect(before).toMatchObject({ recipientName: 'Changed', status: 'scheduled' });
      expect(await count(app, 'messages')).toBe(1);
      expect(await count(app, 'cards')).toBe(1);
    });
  });

  it('limits uploads on their own budget, counting refused ones, and stores nothing when limited', async () => {
    await withApp({ RATE_LIMIT_UPLOADS_PER_MINUTE: '2', RATE_LIMIT_WRITES_PER_MINUTE: '1000' }, async (app) => {
      const image = await plainJpeg();
      const upload = async () =>
        http<ErrorBody & { id: string }>(app.url, '/api/v1/designs', {
          method: 'POST',
          body: form(image, { category: 'Wedding', captcha: await solveCaptcha(app.url) }),
        });
      expect((await upload()).status).toBe(202);
      // A refused upload still spends the budget: the limiter runs before any check.
      const missingCaptcha = await http<ErrorBody>(app.url, '/api/v1/designs', {
        method: 'POST',
        body: form(image, { category: 'Wedding' }),
      });
      expect(missingCaptcha.status).toBe(400);
      const designs = await count(app, 'designs');
      expectLimited(await upload(), 'upload');
      expectLimited(await upload(), 'upload');
      expect(await count(app, 'designs')).toBe(designs);
      // Uploads and writes are separate budgets; the CAPTCHA challenge is a read.
      expect((await http(app.url, '/api/v1/cards', { method: 'POST', json: newCard() })).status).toBe(201);
      expect((await http(app.url, '/api/v1/captcha/challenge')).status).toBe(200);
    });
  });
});
