import { readdir } from 'node:fs/promises';
import { ObjectMissing } from '../src/domain/errors';
import { join } from 'node:path';
import sharp from 'sharp';
import type { RunningApp } from '../src/server';
import {
  animatedBomb,
  damagedJpeg,
  decompressionBomb,
  hugeDimensionsPng,
  notAnImage,
  orientedJpeg,
  plainJpeg,
  truncatedJpeg,
  truncatedPng,
} from './fixtures';
import {
  DIALECTS,
  type TestDb,
  createTestDb,
  form,
  http,
  newCard,
  solveCaptcha,
  startTestApp,
  waitFor,
} from './helpers';

type ErrorBody = { error: { code: string; message: string; details?: Array<{ path: string }> } };
interface DesignItem {
  id: string;
  category: string;
  title: string;
  thumbnailUrl: string;
  imageUrl: string;
}

const MODERATOR = 'moderator-token-of-the-designs-suite-0123456789';

describe.each(DIALECTS)('designs and uploads API on %s', (dialect) => {
  let db: TestDb;
  let app: RunningApp;
  let base: string;

  beforeAll(async () => {
    db = await createTestDb(dialect);
    app = await startTestApp(db, { MODERATOR_TOKEN: MODERATOR });
    base = app.url;
  });
  afterAll(async () => {
    await app?.stop();
    await db?.drop();
  });

  const upload = async (file: Buffer | undefined, fields: Record<string, string | undefined> = {}) =>
    http<{ id: string; status: string } & ErrorBody>(base, '/api/v1/designs', {
      method: 'POST',
      body: form(file, { category: 'Wedding', visibility: 'public', captcha: await solveCaptcha(base), ...fields }),
    });
  const designCount = async () =>
    Number(
      (
        await app.ctx.database.db
          .selectFrom('designs')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  /** Every object key in the local store (originals, display images, thumbnails). */
  const storedObjects = async (): Promise<string[]> => {
    const root = app.ctx.localObjects?.root as string;
    const entries = await readdir(root, { recursive: true, withFileTypes: true });
    return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
  };

  it('seeds stock designs for every category and serves their images', async () => {
    const page = await http<{ items: DesignItem[]; nextCursor: string | null }>(base, '/api/v1/designs');
    expect(page.status).toBe(200);
    expect(new Set(page.body.items.map((d) => d.category))).toEqual(
      new Set(['Birthday', 'Farewell', 'Anniversary', 'Wedding', 'Thank you']),
    );
    const thankYou = await http<{ items: DesignItem[] }>(
      base,
      `/api/v1/designs?category=${encodeURIComponent('Thank you')}`,
    );
    expect(thankYou.body.items.every((d) => d.category === 'Thank you')).toBe(true);
    // Five stock designs in every category (issue 15), each with its own title.
    for (const category of ['Birthday', 'Farewell', 'Anniversary', 'Wedding', 'Thank you']) {
      const items = (
        await http<{ items: DesignItem[] }>(base, `/api/v1/designs?category=${encodeURIComponent(category)}`)
      ).body.items;
      const stock = items.filter((d) => d.id.startsWith('stock-'));
      expect([category, stock.length, new Set(stock.map((d) => d.title)).size]).toEqual([category, 5, 5]);
    }
    const first = page.body.items[0] as DesignItem;
    const img = await fetch(base + first.imageUrl);
    expect(img.headers.get('content-type')).toBe('image/jpeg');
    expect(await sharp(Buffer.from(await img.arrayBuffer())).metadata()).toMatchObject({ width: 500, height: 700 });
    const thumb = await fetch(base + first.thumbnailUrl);
    expect(await sharp(Buffer.from(await thumb.arrayBuffer())).metadata()).toMatchObject({ width: 200, height: 280 });
    expect((await http<ErrorBody>(base, '/api/v1/designs?category=Halloween')).status).toBe(400);
    expect((await http<ErrorBody>(base, '/api/v1/designs?cursor=garbage')).body.error.code).toBe('invalid_cursor');
    // Originals are never served.
    expect((await fetch(`${base}/media/originals/x`)).status).toBe(404);
  });

  it('accepts an upload behind the CAPTCHA, thumbnails it and shows public ones in the gallery once approved', async () => {
    // Warm the gallery cache first: a design that becomes ready must appear at once all the same.
    const before = await http<{ items: DesignItem[] }>(base, '/api/v1/designs?category=Wedding');
    expect(before.body.items.length).toBeGreaterThan(0);
    const res = await upload(await orientedJpeg());
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ id: expect.any(String), status: 'processing' });
    const ready = await waitFor(async () => {
      const d = await http<DesignItem & { status: string }>(base, `/api/v1/designs/${res.body.id}`);
      return d.body.status === 'ready' ? d.body : undefined;
    });
    expect(ready).toMatchObject({ category: 'Wedding', visibility: 'public', status: 'ready', moderation: 'pending' });
    const thumb = await fetch(base + ready.thumbnailUrl);
    expect(await sharp(Buffer.from(await thumb.arrayBuffer())).metadata()).toMatchObject({
      width: 200,
      height: 280,
      format: 'jpeg',
    });
    const gallery = () => http<{ items: DesignItem[] }>(base, '/api/v1/designs?category=Wedding');
    // Unreviewed: not in the gallery, but in the moderator's queue.
    expect((await gallery()).body.items.map((d) => d.id)).not.toContain(res.body.id);
    const queue = await http<{ items: DesignItem[] }>(base, '/api/v1/moderation/designs', { token: MODERATOR });
    expect(queue.body.items.map((d) => d.id)).toEqual([res.body.id]);
    const approved = await http(base, `/api/v1/moderation/designs/${res.body.id}`, {
      method: 'POST',
      token: MODERATOR,
      json: { decision: 'approved' },
    });
    expect([approved.status, approved.body.moderation]).toEqual([200, 'approved']);
    expect((await gallery()).body.items.map((d) => d.id)).toContain(res.body.id);
    expect(
      (await http<{ items: DesignItem[] }>(base, '/api/v1/moderation/designs', { token: MODERATOR })).body.items,
    ).toEqual([]);
    // A card can use it.
    expect(
      (await http(base, '/api/v1/cards', { method: 'POST', json: newCard({ designId: res.body.id }) })).status,
    ).toBe(201);
  });

  it('lets only the moderator see the queue and decide, and keeps rejected designs out of the gallery', async () => {
    const res = await upload(await plainJpeg(), { category: 'Birthday' });
    await waitFor(async () => (await http(base, `/api/v1/designs/${res.body.id}`)).body.status === 'ready');
    const decide = (token: string | undefined, decision: unknown) =>
      http<ErrorBody>(base, `/api/v1/moderation/designs/${res.body.id}`, { method: 'POST', token, json: { decision } });
    expect((await http(base, '/api/v1/moderation/designs')).status).toBe(401);
    expect((await http(base, '/api/v1/moderation/designs', { token: `${MODERATOR}x` })).status).toBe(403);
    expect((await decide(undefined, 'approved')).status).toBe(401);
    expect((await decide('guess', 'approved')).status).toBe(403);
    expect((await decide(MODERATOR, 'maybe')).body.error.code).toBe('validation_failed');
    expect((await http(base, `/api/v1/designs/${res.body.id}`)).body.moderation).toBe('pending');
    expect((await decide(MODERATOR, 'rejected')).status).toBe(200);
    expect((await http(base, `/api/v1/designs/${res.body.id}`)).body.moderation).toBe('rejected');
    const gallery = await http<{ items: DesignItem[] }>(base, '/api/v1/designs?category=Birthday');
    expect(gallery.body.items.map((d) => d.id)).not.toContain(res.body.id);
    const unknown = await http<ErrorBody>(base, '/api/v1/moderation/designs/nope', {
      method: 'POST',
      token: MODERATOR,
      json: { decision: 'approved' },
    });
    expect(unknown.status).toBe(404);
  });

  it('keeps private uploads out of the gallery but usable by id', async () => {
    const res = await upload(await plainJpeg(), { visibility: 'private', category: 'Farewell' });
    expect(res.status).toBe(202);
    await waitFor(async () => (await http(base, `/api/v1/designs/${res.body.id}`)).body.status === 'ready');
    let cursor: string | null = null;
    const ids: string[] = [];
    do {
      const page: { body: { items: DesignItem[]; nextCursor: string | null } } = await http(
        base,
        `/api/v1/designs${cursor ? `?cursor=${cursor}` : ''}`,
      );
      ids.push(...page.body.items.map((d) => d.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(ids).not.toContain(res.body.id);
    expect(
      (await http(base, '/api/v1/cards', { method: 'POST', json: newCard({ designId: res.body.id }) })).status,
    ).toBe(201);
  });

  it('rejects an image damaged inside after decoding, with the reason, and keeps no original', async () => {
    const res = await upload(await damagedJpeg());
    expect(res.status).toBe(202);
    const rejected = await waitFor(async () => {
      const d = await http<{ status: string; reason: string }>(base, `/api/v1/designs/${res.body.id}`);
      return d.body.status === 'rejected' ? d.body : undefined;
    });
    expect(rejected.reason).toMatch(/truncated or corrupt/);
    await expect(app.ctx.objects.get(`originals/${res.body.id}`)).rejects.toBeInstanceOf(ObjectMissing);
    expect(
      (await http(base, '/api/v1/cards', { method: 'POST', json: newCard({ designId: res.body.id }) })).status,
    ).toBe(409);
  });

  describe('refuses bad uploads up front and stores nothing', () => {
    const cases: Array<[string, () => Promise<Buffer> | Buffer, Record<string, string | undefined>, number, string]> = [
      ['a non-image file with an image name', notAnImage, {}, 422, 'not_an_image'],
      ['huge dimensions', hugeDimensionsPng, {}, 422, 'dimensions_too_large'],
      ['an animated bomb', () => animatedBomb(), {}, 422, 'too_many_frames'],
      ['an unknown category', () => plainJpeg(), { category: 'Halloween' }, 400, 'validation_failed'],
      ['an unknown visibility', () => plainJpeg(), { visibility: 'secret' }, 400, 'validation_failed'],
      ['a missing CAPTCHA', () => plainJpeg(), { captcha: undefined }, 400, 'captcha_missing'],
      [
        'an invalid CAPTCHA',
        () => plainJpeg(),
        { captcha: Buffer.from('{"number":1}').toString('base64') },
        403,
        'captcha_invalid',
      ],
      ['an unknown field', () => plainJpeg(), { admin: '1' }, 400, 'validation_failed'],
    ];
    it.each(cases)('%s', async (_label, make, fields, status, code) => {
      const before = await designCount();
      const res = await upload(await make(), fields);
      expect([res.status, res.body.error?.code]).toEqual([status, code]);
      expect(await designCount()).toBe(before);
    });

    it.each([
      ['JPEG', truncatedJpeg],
      ['PNG', truncatedPng],
    ])('a truncated %s: 422 image_truncated, no row and no object', async (format, make) => {
      const [rows, objects] = [await designCount(), await storedObjects()];
      expect(objects.length).toBeGreaterThan(0); // the stock designs: the listing sees the store
      const res = await upload(await make());
      expect(res.status).toBe(422);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(res.body.error).toEqual({
        code: 'image_truncated',
        message: `the ${format.toLowerCase()} file is incomplete (cut short); upload the whole file`,
      });
      expect(await designCount()).toBe(rows);
      expect(await storedObjects()).toEqual(objects);
    });

    it('a decompression bomb (42 MP PNG)', async () => {
      const res = await upload(await decompressionBomb());
      expect([res.status, res.body.error.code]).toEqual([422, 'too_many_pixels']);
    });

    it('a replayed CAPTCHA solution', async () => {
      const captcha = await solveCaptcha(base);
      const first = await upload(await plainJpeg(), { captcha });
      expect(first.status).toBe(202);
      const before = await designCount();
      const again = await upload(await plainJpeg(), { captcha });
      expect([again.status, again.body.error.code]).toEqual([403, 'captcha_replayed']);
      expect(await designCount()).toBe(before);
    });

    it('a refused file does not spend the CAPTCHA solution: the same one uploads the fixed file', async () => {
      const captcha = await solveCaptcha(base);
      for (const make of [notAnImage, hugeDimensionsPng]) {
        const refused = await upload(await make(), { captcha });
        expect(refused.status).toBe(422);
      }
      const before = await designCount();
      const fixed = await upload(await plainJpeg(), { captcha });
      expect(fixed.status).toBe(202);
      expect(await designCount()).toBe(before + 1);
      // Spent by the accepted upload, as before: 'a replayed CAPTCHA solution' above.
    });

    it('a missing file, an oversized file, and a non-multipart body', async () => {
      const none = await upload(undefined);
      expect([none.status, none.body.error.details?.[0]?.path]).toEqual([400, 'file']);
      const big = await http<ErrorBody>(base, '/api/v1/designs', {
        method: 'POST',
        body: form(Buffer.alloc(13 * 1024 * 1024, 1), { category: 'Wedding', captcha: await solveCaptcha(base) }),
      });
      expect([big.status, big.body.error.code]).toEqual([413, 'file_too_large']);
      const json = await http<ErrorBody>(base, '/api/v1/designs', { method: 'POST', json: { category: 'Wedding' } });
      expect([json.status, json.body.error.code]).toEqual([415, 'unsupported_media_type']);
    });
  });

  it('counts uploads and thumbnails in /metrics', async () => {
    const m = await http(base, '/metrics');
    expect(m.text).toMatch(/goodgreets_uploads_total\{result="accepted"\} [1-9]/);
    expect(m.text).toMatch(/goodgreets_uploads_total\{result="rejected",reason="captcha_replayed"\} 1/);
    expect(m.text).toMatch(/goodgreets_thumbnail_duration_seconds_count\{result="ready"\} [1-9]/);
    expect(m.text).toMatch(/goodgreets_thumbnail_duration_seconds_count\{result="rejected"\} [1-9]/);
  });
});
