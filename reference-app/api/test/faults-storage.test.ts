import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunningApp } from '../src/server';
import { notAnImage, plainJpeg } from './fixtures';
import { DIALECTS, type TestDb, createTestDb, form, http, solveCaptcha, startTestApp, waitFor } from './helpers';

// The originals folder becomes a real filesystem the test can fill and make read-only: a 1 MiB
// tmpfs. `mount` needs root, which the project's machines (CI included) run as; without it this
// suite fails with mount's own message rather than pretending.
const mount = (...args: string[]) => execFileSync('mount', args, { stdio: 'pipe' });
const umount = (dir: string) => execFileSync('umount', ['-l', dir], { stdio: 'pipe' });

type ErrorBody = { error: { code: string; message: string } };
type Upload = { id: string; status: string } & ErrorBody;

describe.each(DIALECTS)('uploads when the object storage fails, on %s', (dialect) => {
  let db: TestDb;
  let app: RunningApp;
  let originals: string;

  beforeAll(async () => {
    db = await createTestDb(dialect);
    originals = join(db.dataDir, 'objects', 'originals');
    mkdirSync(originals, { recursive: true });
    mount('-t', 'tmpfs', '-o', 'size=1m,mode=0755', 'tmpfs', originals);
    app = await startTestApp(db);
  });
  afterAll(async () => {
    await app?.stop();
    if (originals) umount(originals);
    await db?.drop();
  });

  const upload = (file: Buffer, captcha: string) =>
    http<Upload>(app.url, '/api/v1/designs', {
      method: 'POST',
      body: form(file, { category: 'Wedding', visibility: 'private', captcha }),
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
  const filesInOriginals = () => readdirSync(originals).filter((f) => f !== 'filler');

  const expectNothingKept = async (res: Awaited<ReturnType<typeof upload>>, designsBefore: number) => {
    expect([res.status, res.body.error?.code]).toEqual([503, 'storage_unavailable']);
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    // Our words only: neither the errno nor a path reaches the client.
    expect(res.text).not.toMatch(/ENOSPC|EROFS|no space|read-only|\/tmp|originals/i);
    expect(await designCount()).toBe(designsBefore);
    expect(filesInOriginals()).toEqual([]);
  };

  it('a full disk or a read-only one: 503 with nothing kept, and the same CAPTCHA solution works afterwards', async () => {
    const image = await plainJpeg();
    expect(image.length).toBeGreaterThan(4096);
    const designsBefore = await designCount();
    const captcha = await solveCaptcha(app.url);

    // Full: a filler takes all but one page, so the write starts (a 0-byte temp file) and then fails.
    writeFileSync(join(originals, 'filler'), Buffer.alloc(1020 * 1024));
    await expectNothingKept(await upload(image, captcha), designsBefore);

    // Read-only (an EBS volume remounted ro after an error looks like this).
    rmSync(join(originals, 'filler'));
    mount('-o', 'remount,ro', originals);
    try {
      await expectNothingKept(await upload(image, captcha), designsBefore);
    } finally {
      mount('-o', 'remount,rw', originals);
    }

    // Storage is back: the very same solution is accepted, once.
    const ok = await upload(image, captcha);
    expect([ok.status, ok.body.status]).toEqual([202, 'processing']);
    const ready = await waitFor(async () => {
      const d = await http<{ status: string }>(app.url, `/api/v1/designs/${ok.body.id}`);
      return d.body.status === 'ready' ? d.body : undefined;
    });
    expect(ready.status).toBe('ready');
    const replay = await upload(image, captcha);
    expect([replay.status, replay.body.error?.code]).toEqual([403, 'captcha_replayed']);
  });

  it('a file the uploader must fix is refused without spending the CAPTCHA solution', async () => {
    const captcha = await solveCaptcha(app.url);
    const refused = await upload(notAnImage(), captcha);
    expect(refused.status).toBe(422);
    const ok = await upload(await plainJpeg(), captcha);
    expect(ok.status).toBe(202);
  });

  it('at start, a design left in processing without its original is failed with a reason the uploader sees', async () => {
    const insert = (id: string, createdAt: number) =>
      app.ctx.database.db
        .insertInto('designs')
        .values({
          id,
          category: 'Birthday',
          title: 't',
          visibility: 'private',
          status: 'processing',
          reject_reason: null,
          original_key: `originals/${id}`,
          display_key: null,
          thumb_key: null,
          created_at: createdAt,
        })
        .execute();
    // One cut off two minutes ago (a crash between the row and the object), one a moment ago
    // (its object may still be on its way from another instance).
    await insert('orphanOld', Date.now() - 120_000);
    await insert('orphanNew', Date.now());
    await app.stop();
    app = await startTestApp(db);
    const seen = await waitFor(async () => {
      const d = await http<{ status: string; reason: string | null }>(app.url, '/api/v1/designs/orphanOld');
      return d.body.status === 'rejected' ? d.body : undefined;
    });
    expect(seen.reason).toMatch(/did not complete.*upload.*again/);
    const young = await http<{ status: string }>(app.url, '/api/v1/designs/orphanNew');
    expect(young.body.status).toBe('processing');
  });
});
