import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, MysqlDialect, SqliteDialect, sql } from 'kysely';
import { createPool } from 'mysql2';
import type { DB } from './schema';

export type Dialect = 'sqlite' | 'mysql';

export interface Database {
  db: Kysely<DB>;
  dialect: Dialect;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** mysql://user:pass@host:port/db switches to MySQL; otherwise SQLite at sqliteFile. */
  url?: string;
  sqliteFile: string;
  poolSize?: number;
}

export function openDatabase(options: DatabaseOptions): Database {
  if (options.url && /^mysql:\/\//.test(options.url)) return openMysql(options.url, options.poolSize ?? 10);
  if (options.url) throw new Error(`DATABASE_URL must start with mysql:// (got "${options.url.split(':')[0]}:")`);
  return openSqlite(options.sqliteFile);
}

function openSqlite(file: string): Database {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const handle = new SqliteDatabase(file);
  // WAL lets readers proceed during a write; busy_timeout rides out the scheduler's short writes.
  handle.pragma('journal_mode = WAL');
  handle.pragma('busy_timeout = 5000');
  handle.pragma('foreign_keys = ON');
  handle.pragma('synchronous = NORMAL');
  const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: handle }) });
  return {
    db,
    dialect: 'sqlite',
    ping: async () => void (await sql`select 1`.execute(db)),
    close: () => db.destroy(),
  };
}

function openMysql(url: string, poolSize: number): Database {
  const pool = createPool({
    uri: url,
    connectionLimit: poolSize,
    // BIGINT epoch-ms columns come back as JS numbers (all our values are < 2^53).
    supportBigNumbers: true,
    bigNumberStrings: false,
    timezone: 'Z',
    charset: 'utf8mb4',
    enableKeepAlive: true,
  });
  const db = new Kysely<DB>({ dialect: new MysqlDialect({ pool }) });
  return {
    db,
    dialect: 'mysql',
    ping: async () => void (await sql`select 1`.execute(db)),
    close: () => db.destroy(),
  };
}
