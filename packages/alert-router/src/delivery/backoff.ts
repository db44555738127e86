/** Waiting policies shared by the Slack sender: full-jitter backoff and a per-hook pacer. */
export type Sleep = (ms: number) => Promise<void>;
export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** Full jitter (AWS Architecture Blog): uniformly random in [0, min(cap, base * 2^attempt)). */
export function backoffDelay(
  attempt: number,
  baseMs: number,
  capMs: number,
  random: () => number = Math.random,
): number {
  return Math.floor(random() * Math.min(capMs, baseMs * 2 ** attempt));
}

/** Seconds from a Retry-After header (delta-seconds or HTTP date); undefined when absent or unreadable. */
export function retryAfterMs(header: string | null | undefined, nowMs: number): number | undefined {
  if (!header) return undefined;
  const text = header.trim();
  const seconds = Number(text);
  // A number is delta-seconds, never a date: V8's Date.parse reads "-3600" as the year 3600, which made a
  // malformed negative header a wait of centuries instead of the sender's default wait.
  if (text !== '' && !Number.isNaN(seconds))
    return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/**
 * Slack allows about one message per second per webhook. Sends to the same URL
 * from one process queue up here so a burst does not earn 429s in the first place;
 * 429s still happen across concurrent Lambdas and are honoured by the sender.
 */
export class HookPacer {
  private readonly next = new Map<string, Promise<void>>();

  constructor(
    private readonly minIntervalMs: number,
    private readonly sleep: Sleep = realSleep,
  ) {}

  /** Resolves when `key` may send; the following caller waits minIntervalMs after this one is released. */
  async acquire(key: string): Promise<() => void> {
    const previous = this.next.get(key) ?? Promise.resolve();
    let release!: () => void;
    const done = new Promise<void>((resolve) => (release = resolve));
    const chained = previous.then(() => done).then(() => this.sleep(this.minIntervalMs));
    this.next.set(key, chained);
    await previous;
    return release;
  }
}
