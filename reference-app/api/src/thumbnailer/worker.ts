import type { Logger } from 'pino';

/**
 * In-process stand-in for the EventBridge -> thumbnailer path: a small bounded-parallel queue.
 * Parallelism is the number of cores sharp may use, not more (each job is CPU-bound).
 */
export class ThumbnailQueue {
  private readonly pending: string[] = [];
  private readonly queued = new Set<string>();
  private active = 0;
  private idleWaiters: Array<() => void> = [];
  private closed = false;

  constructor(
    private readonly process: (designId: string) => Promise<void>,
    private readonly logger: Logger,
    private readonly concurrency = 2,
  ) {}

  enqueue(designId: string): void {
    if (this.closed || this.queued.has(designId)) return;
    this.queued.add(designId);
    this.pending.push(designId);
    this.pump();
  }

  /** Resolves when nothing is queued or running. */
  idle(): Promise<void> {
    if (this.active === 0 && this.pending.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops taking work and waits for the jobs in flight. */
  async close(): Promise<void> {
    this.closed = true;
    this.pending.length = 0;
    await this.idle();
  }

  private pump(): void {
    while (this.active < this.concurrency && this.pending.length > 0) {
      const id = this.pending.shift() as string;
      this.active++;
      this.process(id)
        .catch((err: unknown) =>
          this.logger.error({ designId: id, err: (err as Error).message }, 'thumbnail job failed'),
        )
        .finally(() => {
          this.active--;
          this.queued.delete(id);
          this.pump();
          if (this.active === 0 && this.pending.length === 0) {
            const waiters = this.idleWaiters;
            this.idleWaiters = [];
            waiters.forEach((w) => w());
          }
        });
    }
  }
}
