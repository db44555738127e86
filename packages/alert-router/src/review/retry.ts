/**
 * Exponential backoff with full jitter for CloudWatch throttling (GetMetricData
 * is limited to 50 TPS per account and region, DescribeAlarms lower still).
 */
export interface RetryOptions {
  /** Attempts in total, first included; default 8. */
  readonly maxAttempts?: number;
  /** First delay ceiling in ms; doubles each retry up to `maxDelayMs`. Default 200. */
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  /** Injected in tests so backoff costs no wall time. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  readonly onRetry?: (attempt: number, delayMs: number, err: unknown) => void;
}

const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'LimitExceededException',
]);

export function isThrottling(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } } | undefined;
  return THROTTLING.has(e?.name ?? '') || e?.$metadata?.httpStatusCode === 429;
}

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function withBackoff<T>(
  call: () => Promise<T>,
  options: RetryOptions = {},
): Promise<{ value: T; retries: number }> {
  const max = options.maxAttempts ?? 8;
  const base = options.baseDelayMs ?? 200;
  const cap = options.maxDelayMs ?? 20_000;
  const sleep = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    try {
      return { value: await call(), retries: attempt - 1 };
    } catch (err) {
      if (!isThrottling(err) || attempt >= max) throw err;
      const delay = Math.floor(random() * Math.min(cap, base * 2 ** (attempt - 1)));
      options.onRetry?.(attempt, delay, err);
      await sleep(delay);
    }
  }
}
