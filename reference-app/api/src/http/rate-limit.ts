import type { RequestHandler } from 'express';
import { AppError } from '../domain/errors';

/**
 * Fixed-window limit per client IP and bucket, in memory. Enough for one process; behind a
 * load balancer the WAF rate-based rule is the shared limit and this one is the backstop.
 */
export function rateLimit(bucket: string, perMinute: number, now: () => number = Date.now): RequestHandler {
  const windows = new Map<string, { start: number; count: number }>();
  let lastSweep = now();
  return (req, res, next) => {
    if (perMinute <= 0) return next();
    const t = now();
    if (t - lastSweep > 60_000) {
      for (const [k, w] of windows) if (t - w.start >= 60_000) windows.delete(k);
      lastSweep = t;
    }
    const key = req.ip ?? 'unknown';
    let w = windows.get(key);
    if (!w || t - w.start >= 60_000) {
      w = { start: t, count: 0 };
      windows.set(key, w);
    }
    w.count++;
    if (w.count > perMinute) {
      const retry = Math.ceil((w.start + 60_000 - t) / 1000);
      res.setHeader('Retry-After', String(retry));
      return next(
        new AppError(429, 'rate_limited', `too many ${bucket} requests; retry in ${retry} s`, {
          retryAfterSeconds: retry,
        }),
      );
    }
    next();
  };
}
