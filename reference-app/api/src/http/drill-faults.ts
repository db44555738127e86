/**
 * A fault switch for drills (`npm run drill`): for a while, a share of API requests fails with a
 * 500 and every API request waits a little longer, so the SLO alerts can be watched firing on real
 * engines. It exists only when DRILL_FAULTS is set (off by default; loadConfig refuses it next to
 * any AWS adapter), and its control endpoint answers loopback clients only, whatever HOST is.
 */
import express, { type NextFunction, type Request, type Response } from 'express';

export interface DrillFault {
  /** Share of API requests answered 500 (0..1). */
  readonly errorRatio: number;
  /** Added to every API request before it is handled. */
  readonly latencyMs: number;
  /** Epoch milliseconds when the fault ends by itself. */
  readonly until: number;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
const MAX_SECONDS = 3600;

export class DrillFaults {
  private fault: DrillFault | undefined;

  constructor(private readonly now: () => number = Date.now) {}

  /** The fault in force, if any. */
  current(): DrillFault | undefined {
    if (this.fault && this.fault.until <= this.now()) this.fault = undefined;
    return this.fault;
  }

  /** Applies the fault in force to API requests. */
  readonly middleware = (_req: Request, res: Response, next: NextFunction): void => {
    const fault = this.current();
    if (!fault) return next();
    const act = (): void => {
      if (Math.random() < fault.errorRatio) {
        res.status(500).json({ error: { code: 'drill_fault', message: 'injected by the drill fault switch' } });
      } else next();
    };
    if (fault.latencyMs > 0) setTimeout(act, fault.latencyMs);
    else act();
  };

  /** `GET|PUT|DELETE /_drill/fault`, loopback clients only. */
  router(): express.Router {
    const router = express.Router();
    router.use((req, res, next) => {
      // The socket's address, never X-Forwarded-For: a proxy cannot lend a remote client loopback.
      if (!LOOPBACK.has(req.socket.remoteAddress ?? '')) {
        res.status(404).json({ error: { code: 'not_found', message: 'not found' } });
        return;
      }
      next();
    });
    router.get('/fault', (_req, res) => {
      res.json({ fault: this.current() ?? null });
    });
    router.put('/fault', express.json({ limit: 1024 }), (req, res) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const errorRatio = Number(body.errorRatio ?? 0);
      const latencyMs = Number(body.latencyMs ?? 0);
      const seconds = Number(body.durationSeconds);
      const problems = [
        !(errorRatio >= 0 && errorRatio <= 1) && 'errorRatio must be between 0 and 1',
        !(Number.isInteger(latencyMs) && latencyMs >= 0 && latencyMs <= 30_000) &&
          'latencyMs must be a whole number from 0 to 30000',
        !(seconds > 0 && seconds <= MAX_SECONDS) && `durationSeconds must be from 1 to ${MAX_SECONDS}`,
      ].filter(Boolean);
      if (problems.length > 0) {
        res.status(400).json({ error: { code: 'invalid_fault', message: problems.join('; ') } });
        return;
      }
      this.fault = { errorRatio, latencyMs, until: this.now() + seconds * 1000 };
      res.json({ fault: this.fault });
    });
    router.delete('/fault', (_req, res) => {
      this.fault = undefined;
      res.json({ fault: null });
    });
    return router;
  }
}
