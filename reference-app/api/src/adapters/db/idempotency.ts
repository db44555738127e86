import type { Kysely } from 'kysely';
import { AppError } from '../../domain/errors';
import type { IdempotencyStore, Reservation } from '../../http/idempotency';
import type { DB } from './schema';

export interface IdempotencyTimes {
  /** How long an answer is kept and replayed. */
  ttlMs: number;
  /**
   * How long a first request that never finished (process killed, answer lost and the release
   * failed) holds its key: retries meanwhile get 409, afterwards they run again.
   */
  leaseMs: number;
}

export const IDEMPOTENCY_TIMES: IdempotencyTimes = { ttlMs: 24 * 3600_000, leaseMs: 60_000 };

/** Idempotency-Key answers in the app's own database (table idempotency_keys, migration 003). */
export class SqlIdempotencyStore implements IdempotencyStore {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly times: IdempotencyTimes = IDEMPOTENCY_TIMES,
  ) {}

  async reserve(keyHash: string, requestHash: string, now: number): Promise<Reservation> {
    // Two rounds at most: the second follows the removal of an expired or abandoned row.
    for (let round = 0; round < 2; round++) {
      try {
        await this.db
          .insertInto('idempotency_keys')
          .values({ key_hash: keyHash, request_hash: requestHash, created_at: now })
          .execute();
        return { kind: 'new' };
      } catch (err) {
        // The database is away (mapped at the adapter boundary): nothing to compare with.
        if (err instanceof AppError) throw err;
        const row = await this.db
          .selectFrom('idempotency_keys')
          .selectAll()
          .where('key_hash', '=', keyHash)
          .executeTakeFirst();
        // The primary key refuses a second insert; anything else is a real failure.
        if (!row) throw err;
        const createdAt = Number(row.created_at);
        const abandoned = row.status_code === null && createdAt <= now - this.times.leaseMs;
        if (createdAt <= now - this.times.ttlMs || abandoned) {
          await this.db
            .deleteFrom('idempotency_keys')
            .where('key_hash', '=', keyHash)
            .where('created_at', '=', row.created_at)
            .execute();
          continue;
        }
        if (row.request_hash !== requestHash) return { kind: 'mismatch' };
        if (row.status_code === null) return { kind: 'in_flight' };
        return { kind: 'replay', status: Number(row.status_code), body: row.response ?? '', location: row.location };
      }
    }
    return { kind: 'in_flight' };
  }

  async complete(keyHash: string, status: number, body: string, location: string | null): Promise<void> {
    await this.db
      .updateTable('idempotency_keys')
      .set({ status_code: status, response: body, location })
      .where('key_hash', '=', keyHash)
      .execute();
  }

  async release(keyHash: string): Promise<void> {
    await this.db
      .deleteFrom('idempotency_keys')
      .where('key_hash', '=', keyHash)
      .where('status_code', 'is', null)
      .execute();
  }

  async purgeExpired(now: number): Promise<void> {
    await this.db
      .deleteFrom('idempotency_keys')
      .where('created_at', '<', now - this.times.ttlMs)
      .execute();
  }
}
