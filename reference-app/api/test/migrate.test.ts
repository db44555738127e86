import { execFile, execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import SqliteDatabase from 'better-sqlite3';
import { type TestDb, createTestDb } from './helpers';

jest.setTimeout(60_000);

const API = join(__dirname, '..');
const SCRIPT = join(API, 'dist/migrate.js');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The built script as the deploy's one-off task runs it: its own process, only the environment given. */
async function migrate(env: Record<string, string>): Promise<Run> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [SCRIPT], {
      env: { PATH: process.env.PATH ?? '', ...env },
      timeout: 30_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout: string; stderr: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(() => {
  // Test the artefact the infra runs (dist/migrate.js), current with the sources.
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-b', API], { stdio: 'inherit' });
});

describe('dist/migrate.js', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb('sqlite');
  });
  afterAll(() => t.drop());

  it('creates the schema on SQLite, exits 0, and a second run is a no-op', async () => {
    const first = await migrate({ DATA_DIR: t.dataDir });
    expect(first).toMatchObject({ code: 0, stderr: '' });
    const report = JSON.parse(first.stdout) as { applied: string[]; dialect: string };
    expect(report.dialect).toBe('sqlite');
    expect(report.applied.length).toBeGreaterThan(0);
    const db = new SqliteDatabase(join(t.dataDir, 'goodgreets.sqlite'), { readonly: true });
    const tables = db.prepare("select name from sqlite_master where type = 'table' order by name").pluck().all();
    db.close();
    expect(tables).toEqual(expect.arrayContaining(['cards', 'captcha_uses', 'designs', 'jobs', 'messages']));

    const second = await migrate({ DATA_DIR: t.dataDir });
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ applied: [], count: 0 });
  });

  it('migrates MySQL from DB_* parts', async () => {
    const my = await createTestDb('mysql');
    try {
      const env = {
        DB_HOST: '127.0.0.1',
        DB_NAME: (my.url as string).split('/').pop() as string,
        DB_USER: 'root',
        DB_PASSWORD: '',
      };
      const run = await migrate(env);
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({ dialect: 'mysql' });
      expect(JSON.parse((await migrate(env)).stdout)).toMatchObject({ applied: [] });
    } finally {
      await my.drop();
    }
  });

  it('exits 2 with one line on a configuration error', async () => {
    const run = await migrate({ DB_HOST: '127.0.0.1', DB_USER: 'root', DB_PASSWORD: '' });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('goodgreets migrate: invalid configuration: DB_HOST needs DB_NAME (the database to use)\n');
  });

  it('exits 1 with one line, no stack trace, when the database is unreachable', async () => {
    const run = await migrate({ DB_HOST: '127.0.0.1', DB_PORT: '1', DB_NAME: 'x', DB_USER: 'root', DB_PASSWORD: '' });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^goodgreets migrate: .*ECONNREFUSED.*\n$/);
    expect(run.stderr.split('\n')).toHaveLength(2);
    expect(run.stderr).not.toMatch(/\bat /);
  });
});
