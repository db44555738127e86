// Issue 20: the upload CAPTCHA bypass, attempted the way an attacker would, over real sockets with
// raw request paths (fetch would keep them too, but node:http sends exactly what is written).
import { request } from 'node:http';
import { readdir } from 'node:fs/promises';
import { WAF_PROOF_HEADER, WafCaptcha } from '../src/adapters/captcha/waf';
import { loadConfig } from '../src/config';
import type { RunningApp } from '../src/server';
import { startApp } from '../src/server';
import { plainJpeg } from './fixtures';
import { type TestDb, createTestDb, form, http, newCard, solveCaptcha, startTestApp } from './helpers';

// Each suite starts an app (stock designs rendered on start): slow on a busy machine.
jest.setTimeout(60_000);

const PROOF = 'waf-proof-secret-of-the-security-suite-0123456789';

interface RawReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request with the path sent byte for byte as given. */
async function raw(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: { bytes: Buffer; type: string },
): Promise<RawReply> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method,
        path,
        headers: { ...headers, ...(body ? { 'content-type': body.type, 'content-length': body.bytes.length } : {}) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }),
        );
      },
    );
    req.on('error', reject);
    req.end(body?.bytes);
  });
}

async function multipart(fields: Record<string, string>): Promise<{ bytes: Buffer; type: string }> {
  const res = new Response(form(await plainJpeg(), fields));
  return { bytes: Buffer.from(await res.arrayBuffer()), type: res.headers.get('content-type') as string };
}

/** The upload path and the ways of writing it that Express used to route to the same handler. */
const UPLOAD_PATHS = [
  '/api/v1/designs',
  '/api/v1/designs/',
  '/api/v1/Designs',
  '/API/v1/designs',
  '/api/v1/%64esigns',
  '/api/v1/design%73',
  '/api/v1//designs',
  '//api/v1/designs',
  '/api/v1/designs/.',
  '/api/v1/./designs',
];
const NON_CANONICAL = UPLOAD_PATHS.slice(1);

/** What an attacker without a passed WAF CAPTCHA can send. */
const FORGERIES: Array<[string, Record<string, string>]> = [
  ['a forged aws-waf-token cookie', { cookie: 'aws-waf-token=forged:token' }],
  ['no proof at all', {}],
  ['a wrong proof', { [WAF_PROOF_HEADER]: 'guessed-value', cookie: 'aws-waf-token=forged' }],
  ['the proof with a different case', { [WAF_PROOF_HEADER]: PROOF.toUpperCase() }],
];

describe('canonical API paths (ALTCHA, the local default)', () => {
  let db: TestDb;
  let app: RunningApp;
  beforeAll(async () => {
    db = await createTestDb('sqlite');
    app = await startTestApp(db);
  });
  afterAll(async () => {
    await app?.stop();
    await db?.drop();
  });

  it.each(NON_CANONICAL.map((p) => [p]))('refuses GET %s with a JSON 4xx that never reaches the gallery', async (p) => {
    const res = await raw(app.url, 'GET', p);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    const body = JSON.parse(res.body) as { error?: { code: string }; items?: unknown };
    expect(body.items).toBeUndefined();
    expect(['non_canonical_path', 'route_not_found']).toContain(body.error?.code);
  });

  it('serves the canonical path', async () => {
    const res = await raw(app.url, 'GET', '/api/v1/designs');
    expect(res.status).toBe(200);
    expect((JSON.parse(res.body) as { items: unknown[] }).items.length).toBeGreaterThan(0);
  });

  it.each(['OPTIONS', 'PUT'].flatMap((m) => NON_CANONICAL.map((p) => [m, p])))(
    'refuses %s %s like GET: no Allow of the route it resembles',
    async (method, p) => {
      const res = await raw(app.url, method, p);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.headers.allow).toBeUndefined();
      expect(['non_canonical_path', 'route_not_found']).toContain(
        (JSON.parse(res.body) as { error?: { code: string } }).error?.code,
      );
    },
  );

  it('answers OPTIONS and a wrong method on the canonical path with its Allow', async () => {
    const options = await raw(app.url, 'OPTIONS', '/api/v1/designs');
    expect([options.status, options.headers.allow]).toEqual([204, 'GET, HEAD, OPTIONS, POST']);
    const put = await raw(app.url, 'PUT', '/api/v1/designs');
    expect([put.status, JSON.parse(put.body)]).toMatchObject([405, { error: { code: 'method_not_allowed' } }]);
  });

  it('names the problem for a path it refuses', async () => {
    const res = await raw(app.url, 'GET', '/api/v1/designs/');
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({
      error: { code: 'non_canonical_path', message: expect.stringMatching(/trailing slash/) },
    });
  });
});

describe('uploads under CAPTCHA=aws-waf', () => {
  let db: TestDb;
  let app: RunningApp;
  beforeAll(async () => {
    db = await createTestDb('sqlite');
    app = await startTestApp(db, { CAPTCHA: 'aws-waf', CAPTCHA_WAF_PROOF: PROOF });
  });
  afterAll(async () => {
    await app?.stop();
    await db?.drop();
  });

  const uploadedRows = async () =>
    (await app.ctx.database.db.selectFrom('designs').select('id').where('id', 'not like', 'stock-%').execute()).length;
  const originals = async () => {
    try {
      return (await readdir(`${app.ctx.localObjects?.root}/originals`)).length;
    } catch {
      return 0;
    }
  };
  const upload = async (path: string, headers: Record<string, string>) =>
    raw(app.url, 'POST', path, headers, await multipart({ category: 'Wedding', visibility: 'public' }));

  describe.each(FORGERIES)('with %s', (_what, headers) => {
    it.each(UPLOAD_PATHS.map((p) => [p]))('refuses POST %s and stores nothing', async (p) => {
      const res = await upload(p, headers);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.headers['content-type']).toMatch(/application\/json/);
      expect([await uploadedRows(), await originals()]).toEqual([0, 0]);
    });

    it.each(UPLOAD_PATHS.map((p) => [p.replace('designs', 'captcha/verify').replace('%64esigns', 'captcha/%76erify')]))(
      'never tells the site GET %s passed',
      async (p) => {
        const res = await raw(app.url, 'GET', p, headers);
        expect(res.headers.location).not.toBe('/upload?verified=1');
      },
    );
  });

  it('the proof on a non-canonical path is refused too (the path, not only the proof, must be exact)', async () => {
    for (const p of NON_CANONICAL) {
      const res = await upload(p, { [WAF_PROOF_HEADER]: PROOF });
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
    }
    expect([await uploadedRows(), await originals()]).toEqual([0, 0]);
  });

  it('accepts the upload with the right proof on the canonical path, and verify answers verified', async () => {
    const res = await upload('/api/v1/designs', { [WAF_PROOF_HEADER]: PROOF });
    expect(res.status).toBe(202);
    expect(await uploadedRows()).toBe(1);
    const verify = await raw(app.url, 'GET', '/api/v1/captcha/verify', { [WAF_PROOF_HEADER]: PROOF });
    expect([verify.status, verify.headers.location]).toEqual([303, '/upload?verified=1']);
  });
});

describe('moderation without a MODERATOR_TOKEN', () => {
  it('is off: the endpoints answer 404 whatever token is sent', async () => {
    const db = await createTestDb('sqlite');
    const app = await startTestApp(db);
    try {
      for (const auth of [{}, { authorization: 'Bearer anything-at-all' }]) {
        const res = await raw(app.url, 'GET', '/api/v1/moderation/designs', auth);
        expect([res.status, (JSON.parse(res.body) as { error: { message: string } }).error.message]).toEqual([
          404,
          expect.stringMatching(/MODERATOR_TOKEN/),
        ]);
      }
    } finally {
      await app.stop();
      await db.drop();
    }
  });
});

describe('the WAF CAPTCHA adapter', () => {
  it('accepts only the configured proof, never a cookie', async () => {
    const waf = new WafCaptcha(PROOF);
    expect(await waf.verify(undefined, { wafProof: PROOF })).toMatchObject({ ok: true });
    expect(await waf.verify(undefined, { wafProof: `${PROOF}x` })).toMatchObject({
      ok: false,
      code: 'captcha_invalid',
    });
    expect(await waf.verify('altcha-payload', {})).toMatchObject({ ok: false, code: 'captcha_missing' });
  });

  it('fails closed without a configured secret', async () => {
    expect(await new WafCaptcha(undefined).verify(undefined, { wafProof: 'anything' })).toMatchObject({
      ok: false,
      code: 'captcha_invalid',
    });
  });

  it('keeps the server from starting under aws-waf without the secret, naming the variable', async () => {
    const db = await createTestDb('sqlite');
    try {
      await expect(
        startApp(loadConfig({ DATA_DIR: db.dataDir, PORT: '0', LOG_LEVEL: 'silent', CAPTCHA: 'aws-waf' })),
      ).rejects.toThrow(/CAPTCHA=aws-waf needs CAPTCHA_WAF_PROOF/);
    } finally {
      await db.drop();
    }
  });
});

describe('anti-relay: card creation', () => {
  let db: TestDb;
  let app: RunningApp;
  beforeAll(async () => {
    db = await createTestDb('sqlite');
    app = await startTestApp(db, {
      CARD_CAPTCHA: 'true',
      CARDS_PER_RECIPIENT_PER_DAY: '2',
      CARDS_PER_SENDER_PER_DAY: '3',
    });
  });
  afterAll(async () => {
    await app?.stop();
    await db?.drop();
  });
  const cardCount = async () => (await app.ctx.database.db.selectFrom('cards').select('id').execute()).length;
  const create = async (over: Record<string, unknown> = {}, captcha: string | null = 'solve') =>
    http<{ id: string; error: { code: string; message: string } }>(app.url, '/api/v1/cards', {
      method: 'POST',
      json: newCard({ ...(captcha === 'solve' ? { captcha: await solveCaptcha(app.url) } : {}), ...over }),
    });

  it('needs a CAPTCHA solution, used once', async () => {
    expect((await create({}, null)).body.error.code).toBe('captcha_missing');
    expect((await create({ captcha: 'forged' }, null)).body.error.code).toBe('captcha_invalid');
    const solution = await solveCaptcha(app.url);
    expect((await create({ captcha: solution, recipientEmail: 'once@example.com' }, null)).status).toBe(201);
    expect((await create({ captcha: solution, recipientEmail: 'twice@example.com' }, null)).body.error.code).toBe(
      'captcha_replayed',
    );
    expect(await cardCount()).toBe(1);
  });

  it('replays an Idempotency-Key answer without a new CAPTCHA; a refused CAPTCHA frees the key', async () => {
    const before = await cardCount();
    const send = (captcha: string | undefined) =>
      http<{ id: string; error: { code: string } }>(app.url, '/api/v1/cards', {
        method: 'POST',
        headers: { 'idempotency-key': 'card-with-captcha-1' },
        json: newCard({ recipientEmail: 'idem@example.com', ...(captcha === undefined ? {} : { captcha }) }),
      });
    const refused = await send('forged');
    expect([refused.status, refused.body.error.code]).toEqual([403, 'captcha_invalid']);
    const solution = await solveCaptcha(app.url);
    const first = await send(solution);
    expect(first.status).toBe(201);
    // The same solution again would be captcha_replayed, and none at all captcha_missing: the replay
    // answers before the CAPTCHA is looked at.
    for (const again of [await send(solution), await send(undefined)]) {
      expect([again.status, again.headers.get('idempotent-replayed'), again.body.id]).toEqual([
        201,
        'true',
        first.body.id,
      ]);
    }
    expect(await cardCount()).toBe(before + 1);
  });

  it('caps the cards one recipient gets and one sender sends per day', async () => {
    const to = (recipientEmail: string, senderEmail = 'a@example.com') => create({ recipientEmail, senderEmail });
    expect((await to('target@example.com')).status).toBe(201);
    expect((await to('TARGET@example.com', 'b@example.com')).status).toBe(201);
    const third = await to('target@example.com', 'c@example.com');
    expect([third.status, third.body.error.code]).toEqual([429, 'recipient_limit']);
    // The sender a@ has 1 card; two more are allowed, then its daily cap (3) stops it.
    expect((await to('other1@example.com')).status).toBe(201);
    expect((await to('other2@example.com')).status).toBe(201);
    const over = await to('other3@example.com');
    expect([over.status, over.body.error.code]).toEqual([429, 'sender_limit']);
    // A day later both caps have room again.
    await app.ctx.database.db
      .updateTable('cards')
      .set({ created_at: Date.now() - 25 * 3600 * 1000 })
      .execute();
    expect((await to('target@example.com')).status).toBe(201);
  });

  it('refuses encoded-word and URL sender names, which reach the Subject and Reply-To', async () => {
    const before = await cardCount();
    for (const senderName of ['=?utf-8?B?QmFuayBTZWN1cml0eQ==?=', 'https://bank.example', 'bank-security.com']) {
      const res = await create({ senderName, recipientEmail: 'n@example.com' });
      expect([res.status, res.body.error.code]).toEqual([400, 'validation_failed']);
      expect(res.body.error.message).toMatch(/senderName/);
    }
    expect(await cardCount()).toBe(before);
  });

  it('under aws-waf takes the WAF proof instead of a solution', async () => {
    const wafDb = await createTestDb('sqlite');
    const waf = await startTestApp(wafDb, { CAPTCHA: 'aws-waf', CAPTCHA_WAF_PROOF: PROOF, CARD_CAPTCHA: 'true' });
    try {
      const post = (headers: Record<string, string>) =>
        http<{ error: { code: string } }>(waf.url, '/api/v1/cards', { method: 'POST', headers, json: newCard() });
      expect((await post({ cookie: 'aws-waf-token=forged' })).status).toBe(400);
      expect((await post({ [WAF_PROOF_HEADER]: 'wrong' })).status).toBe(403);
      expect((await post({ [WAF_PROOF_HEADER]: PROOF })).status).toBe(201);
    } finally {
      await waf.stop();
      await wafDb.drop();
    }
  });
});

describe('messages per card', () => {
  it('stops at MESSAGES_PER_CARD with 409 card_full, and the card still shows what it holds', async () => {
    const db = await createTestDb('sqlite');
    const app = await startTestApp(db, { MESSAGES_PER_CARD: '3' });
    try {
      const card = (await http<{ shareToken: string }>(app.url, '/api/v1/cards', { method: 'POST', json: newCard() }))
        .body;
      const sign = (i: number) =>
        http<{ error: { code: string } }>(app.url, `/api/v1/shared/${card.shareToken}/messages`, {
          method: 'POST',
          json: { name: `Friend ${i}`, message: `Note ${i}` },
        });
      for (let i = 0; i < 3; i++) expect((await sign(i)).status).toBe(201);
      const full = await sign(3);
      expect([full.status, full.body.error.code]).toEqual([409, 'card_full']);
      const shared = await http<{ messages: unknown[] }>(app.url, `/api/v1/shared/${card.shareToken}`);
      expect(shared.body.messages).toHaveLength(3);
    } finally {
      await app.stop();
      await db.drop();
    }
  });
});
