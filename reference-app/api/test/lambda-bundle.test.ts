import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { buildSync } from 'esbuild';
import { openDatabase } from '../src/adapters/db/database';
import { migrateToLatest } from '../src/adapters/db/migrations';
import { SqlCardRepository, SqlDesignRepository } from '../src/adapters/db/repositories';
import { loadConfig } from '../src/config';
import { type TestDb, DUE_29_NOV_23_UTC, cardRecord, createTestDb, designRecord } from './helpers';
import { bounce, snsEvent } from './ses-events';

jest.setTimeout(60_000);

/**
 * The Lambda entries bundled the way reference-app/infra/src/lambda-bundle.ts does (esbuild, CJS,
 * native modules external), loaded from a folder with no node_modules but what the infra copies.
 * Catches a cold-start crash such as a top-level require of a native module the bundle lacks.
 */
function bundle(
  entry: 'delivery' | 'delivery-dead-letters' | 'email-events' | 'thumbnailer',
  native: string[],
): string {
  const dir = mkdtempSync(join(tmpdir(), `gg-bundle-${entry}-`));
  buildSync({
    entryPoints: [join(__dirname, `../src/lambda/${entry}.ts`)],
    outfile: join(dir, 'index.js'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    external: [...native, 'better-sqlite3', 'pg', 'pg-query-stream', 'tedious', 'oracledb', 'mysql'],
    logLevel: 'silent',
  });
  for (const pkg of native) {
    mkdirSync(join(dir, 'node_modules'), { recursive: true });
    symlinkSync(dirname(require.resolve(`${pkg}/package.json`)), join(dir, 'node_modules', pkg));
  }
  return dir;
}

/** Loads the bundle in a fresh Node process and runs its handler once with the event given. */
async function invoke(dir: string, event: unknown, env: Record<string, string>): Promise<unknown> {
  const script = `require('./index.js').handler(${JSON.stringify(event)}).then(
    (r) => process.stdout.write(JSON.stringify({ ok: r })),
    (e) => process.stdout.write(JSON.stringify({ error: e.message })),
  ).finally(() => setTimeout(() => process.exit(0), 50))`;
  const { stdout } = await promisify(execFile)(process.execPath, ['-e', script], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', AWS_REGION: 'us-east-1', LOG_LEVEL: 'silent', ...env },
    timeout: 30_000,
  });
  return JSON.parse(stdout.split('\n').filter(Boolean).pop() as string);
}

describe('Lambda bundles', () => {
  let t: TestDb;
  const dirs: string[] = [];
  let env: Record<string, string>;
  beforeAll(async () => {
    t = await createTestDb('mysql');
    const database = openDatabase(loadConfig({ DATABASE_URL: t.url }).database);
    await migrateToLatest(database.db as never, database.dialect);
    await database.close();
    env = {
      DB_HOST: '127.0.0.1',
      DB_NAME: (t.url as string).split('/').pop() as string,
      DB_USER: 'root',
      DB_PASSWORD: '',
      S3_BUCKET: 'gg-images',
    };
  });
  afterAll(async () => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    await t.drop();
  });

  it('delivery starts without sharp or better-sqlite3 and reads MySQL from DB_* parts', async () => {
    const dir = bundle('delivery', []);
    dirs.push(dir);
    expect(await invoke(dir, { cardId: 'noSuchCard' }, env)).toEqual({ ok: { kind: 'skipped' } });
    expect(await invoke(dir, { cardId: 'x' }, { ...env, S3_BUCKET: '' })).toEqual({
      error: expect.stringMatching(/S3_BUCKET/),
    });
  });

  it('the dead-letter consumer starts without sharp and marks a dead-lettered card failed in MySQL', async () => {
    const database = openDatabase(loadConfig({ DATABASE_URL: t.url }).database);
    const cards = new SqlCardRepository(database.db);
    try {
      await new SqlDesignRepository(database.db).insert(designRecord('dl-design'));
      await cards.insert(cardRecord('dlCard', { ...DUE_29_NOV_23_UTC, designId: 'dl-design', status: 'sending' }));
      const dir = bundle('delivery-dead-letters', []);
      dirs.push(dir);
      const event = {
        Records: [
          { messageId: 'm-ok', body: JSON.stringify({ cardId: 'dlCard' }), messageAttributes: {} },
          { messageId: 'm-bad', body: 'not json', messageAttributes: {} },
        ],
      };
      expect(await invoke(dir, event, env)).toEqual({ ok: { batchItemFailures: [{ itemIdentifier: 'm-bad' }] } });
      expect(await cards.findById('dlCard')).toMatchObject({ status: 'failed' });
    } finally {
      await database.close();
    }
  });

  it('the email events consumer starts without sharp and records a bounce in MySQL', async () => {
    const database = openDatabase(loadConfig({ DATABASE_URL: t.url }).database);
    const cards = new SqlCardRepository(database.db);
    try {
      // The design the dead-letter test inserted.
      await cards.insert(
        cardRecord('evCard', {
          ...DUE_29_NOV_23_UTC,
          designId: 'dl-design',
          status: 'sent',
          sentAt: Date.UTC(2026, 10, 29, 23),
          sesMessageId: 'ses-evCard',
        }),
      );
      const dir = bundle('email-events', []);
      dirs.push(dir);
      expect(await invoke(dir, snsEvent(bounce('ses-evCard')), env)).toEqual({
        ok: { recorded: 1, unchanged: 0, ignored: 0 },
      });
      expect(await cards.findById('evCard')).toMatchObject({ deliveryProblem: { kind: 'bounced' } });
      expect(await invoke(dir, snsEvent('not json', 'sns-bad'), env)).toEqual({
        error: 'SES events not handled: sns-bad: SNS message is not JSON',
      });
    } finally {
      await database.close();
    }
  });

  it('thumbnailer starts with sharp copied beside it and ignores keys outside originals/', async () => {
    const dir = bundle('thumbnailer', ['sharp']);
    dirs.push(dir);
    expect(await invoke(dir, { detail: { object: { key: 'originals/noSuchDesign' } } }, env)).toEqual({
      ok: [{ designId: 'noSuchDesign', result: 'skipped' }],
    });
  });
});
