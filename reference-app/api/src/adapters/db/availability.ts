import type { CompiledQuery, DatabaseConnection, Dialect, Driver, QueryResult, TransactionSettings } from 'kysely';
import type { Pool, PoolConnection } from 'mysql2';
import { databaseUnavailable } from '../../domain/errors';

/**
 * The adapter boundary for "the database is not there": driver errors that mean unreachable,
 * frozen, overloaded or read-only become one AppError (503 `database_unavailable`) whose message
 * is ours; the driver's text stays in `cause` for the log. Everything else (a constraint, a bad
 * query) passes through untouched, so callers that catch a duplicate key still see it.
 */

const MYSQL_UNAVAILABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR',
  'PROTOCOL_ENQUEUE_AFTER_QUIT',
  'ER_CON_COUNT_ERROR',
  'ER_TOO_MANY_USER_CONNECTIONS',
  'ER_SERVER_SHUTDOWN',
  'ER_LOCK_WAIT_TIMEOUT',
  'ER_QUERY_INTERRUPTED',
  'ER_OPTION_PREVENTS_STATEMENT', // --read-only (an RDS failover in progress)
  'ER_CLIENT_INTERACTION_TIMEOUT',
]);

// SQLite: another writer holds the lock past busy_timeout, the file or its folder is read-only,
// the disk is full or failing.
const SQLITE_UNAVAILABLE = /^SQLITE_(BUSY|LOCKED|READONLY|IOERR|FULL|CANTOPEN)/;

export function isUnavailable(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return false;
  return MYSQL_UNAVAILABLE.has(code) || SQLITE_UNAVAILABLE.test(code);
}

const mapError = (err: unknown): unknown => (isUnavailable(err) ? databaseUnavailable(err) : err);

// InnoDB picks a victim when concurrent writers lock in opposite orders. An INSERT ... SELECT
// (the message cap in one statement) also takes the table's AUTO-INC lock, and a deadlock found
// while waiting for that lock is reported as 1467 "Failed to read auto-increment value" rather than
// 1213. Either way the statement was rolled back whole, so running it again is safe.
const MYSQL_CONFLICT = new Set(['ER_LOCK_DEADLOCK', 'ER_AUTOINC_READ_FAILED']);

/** A row refused because its primary key is taken (MySQL names the key; SQLite has its own code). */
export function isPrimaryKeyTaken(err: unknown): boolean {
  const e = err as { code?: unknown } | null;
  return e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || isKeyTaken(err, 'PRIMARY');
}

/** A row refused by the unique key `name` on MySQL/MariaDB, which name the key in the message. */
export function isKeyTaken(err: unknown, name: string): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  return (
    e?.code === 'ER_DUP_ENTRY' &&
    typeof e.message === 'string' &&
    new RegExp(`for key '(\\w+\\.)?${name}'`).test(e.message)
  );
}

export function isWriteConflict(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && MYSQL_CONFLICT.has(code);
}

/**
 * Runs one autocommit statement again when InnoDB chose it as a deadlock victim, with a short
 * jittered pause so the racers spread out. Only for a single statement outside a transaction: a
 * deadlock inside a transaction rolls back all of it, which a statement retry cannot repair.
 * After `attempts` the conflict is reported as the database being unavailable (503 + Retry-After),
 * which is what it is to the client: busy, try again.
 */
export async function retryOnConflict<T>(
  work: () => Promise<T>,
  attempts = 5,
  /** Another error that running the work again can cure (a made id that was already taken). */
  alsoRetry: (err: unknown) => boolean = () => false,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (err) {
      if (!isWriteConflict(err) && !alsoRetry(err)) throw err;
      if (attempt >= attempts) throw databaseUnavailable(err);
      await new Promise((r) => setTimeout(r, Math.random() * 5 * attempt));
    }
  }
}

// A thunk, not a promise: some drivers (better-sqlite3 under Kysely) throw before returning one.
async function mapped<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw mapError(err);
  }
}

class GuardedConnection implements DatabaseConnection {
  constructor(readonly inner: DatabaseConnection) {}

  executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    return mapped(() => this.inner.executeQuery<R>(query));
  }

  async *streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    try {
      yield* this.inner.streamQuery<R>(query, chunkSize);
    } catch (err) {
      throw mapError(err);
    }
  }
}

const unwrap = (c: DatabaseConnection): DatabaseConnection => (c instanceof GuardedConnection ? c.inner : c);

class GuardedDriver implements Driver {
  constructor(private readonly inner: Driver) {}
  init(): Promise<void> {
    return mapped(() => this.inner.init());
  }
  async acquireConnection(): Promise<DatabaseConnection> {
    return new GuardedConnection(await mapped(() => this.inner.acquireConnection()));
  }
  beginTransaction(c: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return mapped(() => this.inner.beginTransaction(unwrap(c), settings));
  }
  commitTransaction(c: DatabaseConnection): Promise<void> {
    return mapped(() => this.inner.commitTransaction(unwrap(c)));
  }
  rollbackTransaction(c: DatabaseConnection): Promise<void> {
    return mapped(() => this.inner.rollbackTransaction(unwrap(c)));
  }
  releaseConnection(c: DatabaseConnection): Promise<void> {
    return this.inner.releaseConnection(unwrap(c));
  }
  destroy(): Promise<void> {
    return this.inner.destroy();
  }
}

/** The dialect with its driver behind the boundary above (any Kysely dialect). */
export function guardedDialect(dialect: Dialect): Dialect {
  return {
    createAdapter: () => dialect.createAdapter(),
    createDriver: () => new GuardedDriver(dialect.createDriver()),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createIntrospector: (db) => dialect.createIntrospector(db),
  };
}

export interface MysqlTimeouts {
  /** Longest wait for a pooled connection, including opening a new one (TCP + handshake). */
  acquireMs: number;
  /** Longest a statement may run; 0 for none (migrations). */
  queryMs: number;
}

type QueryCallback = (err: unknown, result?: unknown) => void;
type MysqlPoolLike = {
  getConnection(cb: (err: unknown, c?: unknown) => void): void;
  end(cb: (err?: unknown) => void): void;
};

/**
 * The pool Kysely's MysqlDialect sees: getConnection gives up after `acquireMs` (mysql2 pools have
 * no acquire time-out of their own), and every query carries mysql2's per-query `timeout`. A
 * connection whose query timed out or failed fatally is destroyed instead of returned: its
 * protocol state is unknown (a frozen server may answer the old query later).
 */
export function boundedPool(pool: Pool, t: MysqlTimeouts): MysqlPoolLike {
  // One wrapper per pooled connection, so Kysely's own per-connection cache keeps working.
  const wrappers = new WeakMap<PoolConnection, ReturnType<typeof wrapNew>>();
  const wrap = (raw: PoolConnection) => {
    let w = wrappers.get(raw);
    if (!w) wrappers.set(raw, (w = wrapNew(raw)));
    return w;
  };
  const wrapNew = (raw: PoolConnection) => {
    let broken = false;
    return {
      query(sql: string, values: unknown[], cb?: QueryCallback) {
        const options = { sql, values, ...(t.queryMs > 0 ? { timeout: t.queryMs } : {}) };
        if (!cb) return raw.query(options);
        return raw.query(options, (err: unknown, result: unknown) => {
          if (err && (isUnavailable(err) || (err as { fatal?: boolean }).fatal)) broken = true;
          cb(err, result);
        });
      },
      release() {
        if (broken) raw.destroy();
        else raw.release();
      },
    };
  };
  return {
    getConnection(cb) {
      let settled = false;
      const timer = setTimeout(() => {
        settled = true;
        cb(Object.assign(new Error(`no database connection within ${t.acquireMs} ms`), { code: 'ETIMEDOUT' }));
      }, t.acquireMs);
      pool.getConnection((err, raw) => {
        if (settled) {
          // Too late for its caller: hand it back for the next one.
          if (!err) raw.release();
          return;
        }
        settled = true;
        clearTimeout(timer);
        if (err) cb(err);
        else cb(null, wrap(raw));
      });
    },
    end: (cb) => pool.end(cb),
  };
}
