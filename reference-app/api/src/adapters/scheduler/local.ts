import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Clock, DeliveryScheduler, ScheduledCard } from '../../domain/ports';
import type { DB } from '../db/schema';

export const jobKey = (cardId: string): string => `deliver:${cardId}`;

/** The durable local scheduler: one job row per card, in the same database as the cards. */
export class LocalScheduler implements DeliveryScheduler {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly clock: Clock,
  ) {}

  async schedule(card: ScheduledCard): Promise<void> {
    const now = this.clock.now();
    const reset = {
      run_at: card.sendAtUtc,
      status: 'pending',
      attempts: 0,
      lease_owner: null,
      lease_until: null,
      last_error: null,
      updated_at: now,
    };
    const updated = await this.db
      .updateTable('jobs')
      .set(reset)
      .where('job_key', '=', jobKey(card.id))
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) > 0) return;
    await this.db
      .insertInto('jobs')
      .values({ job_key: jobKey(card.id), card_id: card.id, ...reset })
      .execute();
  }

  reschedule(card: ScheduledCard): Promise<void> {
    return this.schedule(card);
  }

  async cancel(cardId: string): Promise<void> {
    await this.db
      .updateTable('jobs')
      .set({ status: 'cancelled', updated_at: this.clock.now() })
      .where('job_key', '=', jobKey(cardId))
      .where('status', '=', 'pending')
      .execute();
  }
}

export type JobOutcome = { kind: 'done' } | { kind: 'later'; runAt: number };

export interface SchedulerWorkerOptions {
  db: Kysely<DB>;
  clock: Clock;
  logger: Logger;
  run(cardId: string): Promise<JobOutcome>;
  /** Called once when a job exhausts its attempts. */
  giveUp(cardId: string, error: Error): Promise<void>;
  pollMs?: number;
  leaseMs?: number;
  maxAttempts?: number;
  /** Base of the exponential backoff between attempts. */
  backoffMs?: number;
}

/**
 * Polls due jobs and runs them under a lease: a job is claimed by one conditional UPDATE
 * (pending, due, lease free or expired), so two processes never run it at the same time, and a
 * crashed process's lease simply expires. Delivery itself is idempotent on the card's status.
 */
export class SchedulerWorker {
  private readonly owner = `${process.pid}-${randomBytes(6).toString('hex')}`;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly o: SchedulerWorkerOptions) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Stops polling and waits for the job in flight (graceful shutdown). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** One polling round; public so tests can drive it without timers. */
  async tick(): Promise<number> {
    const { db, clock } = this.o;
    const now = clock.now();
    const due = await db
      .selectFrom('jobs')
      .select(['id', 'card_id', 'attempts'])
      .where('status', '=', 'pending')
      .where('run_at', '<=', now)
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
      .orderBy('run_at')
      .limit(10)
      .execute();
    let ran = 0;
    for (const job of due) {
      if (this.stopped) break;
      if (await this.claim(Number(job.id), now)) {
        ran++;
        await this.runJob(Number(job.id), job.card_id, Number(job.attempts) + 1);
      }
    }
    return ran;
  }

  private async claim(id: number, now: number): Promise<boolean> {
    const result = await this.o.db
      .updateTable('jobs')
      .set((eb) => ({
        lease_owner: this.owner,
        lease_until: now + (this.o.leaseMs ?? 60_000),
        attempts: eb('attempts', '+', 1),
        updated_at: now,
      }))
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .where('run_at', '<=', now)
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  private async runJob(id: number, cardId: string, attempt: number): Promise<void> {
    const { clock, logger } = this.o;
    try {
      const outcome = await this.o.run(cardId);
      const set = outcome.kind === 'done' ? { status: 'done' } : { run_at: outcome.runAt, attempts: 0 };
      await this.release(id, set);
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      const max = this.o.maxAttempts ?? 8;
      const lastError = error.message.slice(0, 500);
      if (attempt >= max) {
        logger.error({ cardId, attempt, err: lastError }, 'delivery job gave up');
        await this.release(id, { status: 'failed', last_error: lastError });
        await this.o.giveUp(cardId, error);
        return;
      }
      const delay = Math.min((this.o.backoffMs ?? 5_000) * 2 ** (attempt - 1), 3_600_000);
      logger.warn({ cardId, attempt, retryInMs: delay, err: lastError }, 'delivery job failed, will retry');
      await this.release(id, { run_at: clock.now() + delay, last_error: lastError });
    }
  }

  /** Ends this process's lease with the given changes; a lost lease changes nothing. */
  private async release(id: number, set: { status?: string; run_at?: number; attempts?: number; last_error?: string }) {
    await this.o.db
      .updateTable('jobs')
      .set({ ...set, lease_owner: null, lease_until: null, updated_at: this.o.clock.now() })
      .where('id', '=', id)
      .where('lease_owner', '=', this.owner)
      .execute();
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick()
        .then(() => undefined)
        .catch((err: unknown) => this.o.logger.error({ err: (err as Error).message }, 'scheduler poll failed'))
        .finally(() => this.schedule(this.o.pollMs ?? 1_000));
    }, delay);
    this.timer.unref();
  }
}
