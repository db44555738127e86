import { createHash } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { AppError } from '../domain/errors';
import type { Clock } from '../domain/ports';

export type Reservation =
  | { kind: 'new' }
  | { kind: 'replay'; status: number; body: string; location: string | null }
  | { kind: 'mismatch' }
  | { kind: 'in_flight' };

/** Where keys and first answers are kept (adapters/db/idempotency.ts: the app's own database). */
export interface IdempotencyStore {
  /** Claims the key for this request, or says what an earlier request with it got. */
  reserve(keyHash: string, requestHash: string, now: number): Promise<Reservation>;
  complete(keyHash: string, status: number, body: string, location: string | null): Promise<void>;
  /** Frees a key whose request was refused or failed, so a retry runs again. */
  release(keyHash: string): Promise<void>;
}

export interface Idempotency {
  store: IdempotencyStore;
  clock: Clock;
  logger: Logger;
}

const KEY = /^[\x21-\x7e]{1,255}$/;
const sha256 = (text: string | Buffer): string => createHash('sha256').update(text).digest('hex');

/** What identifies "the same request" for a multipart upload: its parts, not its random boundary. */
export function fingerprint(...parts: Array<string | Buffer | undefined>): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(sha256(p ?? '')).update('\n');
  return h.digest('hex');
}

/**
 * `Idempotency-Key` on a POST: the first request with a key runs and its success (2xx) is kept for
 * 24 h; the same key with the same request gets that answer again (`Idempotent-Replayed: true`)
 * without running anything; with a different request 409 `idempotency_key_reused`; while the first
 * still runs 409 `idempotency_key_in_flight`. A refusal or failure frees the key (nothing was
 * stored: a refused write changes nothing). Without the header nothing changes.
 *
 * Resolves true when it answered (a replay); otherwise the caller runs the request.
 */
export async function idempotent(
  i: Idempotency,
  req: Request,
  res: Response,
  // A thunk: most requests carry no key, and hashing a 12 MB upload for nothing is not free.
  requestHash: () => string,
): Promise<boolean> {
  const key = req.get('idempotency-key');
  if (key === undefined) return false;
  if (!KEY.test(key))
    throw new AppError(400, 'invalid_idempotency_key', 'Idempotency-Key must be 1 to 255 visible ASCII characters', [
      { path: 'header.Idempotency-Key', message: 'must be 1 to 255 visible ASCII characters' },
    ]);
  // Scoped to the route (and its token): the same key on another card is another request.
  const keyHash = sha256(`${req.method} ${req.baseUrl}${req.path}\n${key}`);
  const found = await i.store.reserve(keyHash, requestHash(), i.clock.now());
  switch (found.kind) {
    case 'replay':
      res.status(found.status).set('Idempotent-Replayed', 'true').set('Cache-Control', 'no-store');
      if (found.location) res.location(found.location);
      res.type('application/json').send(found.body);
      return true;
    case 'mismatch':
      throw new AppError(
        409,
        'idempotency_key_reused',
        'this Idempotency-Key was already used with a different request; use a new key for a new request',
      );
    case 'in_flight':
      res.set('Retry-After', '1');
      throw new AppError(409, 'idempotency_key_in_flight', 'a request with this Idempotency-Key is still running');
  }
  // For handlers that can write the key with their own row (messages), closing the gap between
  // the write and the record below.
  res.locals.idempotencyKey = keyHash;
  // The outcome is recorded before the answer is written, so a retry that follows the answer sees
  // it: a success is kept, a refusal or failure frees the key (res.json ends in res.send too).
  let settled = false;
  const send = res.send.bind(res);
  res.send = (body?: unknown) => {
    if (settled) return send(body);
    settled = true;
    const ok = res.statusCode >= 200 && res.statusCode < 300;
    const text = typeof body === 'string' ? body : JSON.stringify(body ?? null);
    (ok ? i.store.complete(keyHash, res.statusCode, text, res.get('location') ?? null) : i.store.release(keyHash))
      .catch((err: unknown) =>
        // Answer anyway: after a success the key stays claimed until its lease ends (no second write).
        i.logger.warn({ reqId: req.id, err: (err as Error).message }, 'idempotency outcome not recorded'),
      )
      .finally(() => send(body));
    return res;
  };
  // A client that goes away does not stop the handler, which still ends in res.send: nothing else to
  // watch. A process killed mid-request leaves the key claimed until its lease ends.
  return false;
}

/**
 * The middleware for JSON routes (after the body parser): the parsed body is the request, less the
 * `ignore`d fields (proofs such as a CAPTCHA answer, which a retry may carry anew).
 */
export function idempotentJson(i: Idempotency, ignore: readonly string[] = []): RequestHandler {
  return (req, res, next) => {
    const hash = () => {
      const b: unknown = req.body;
      const request =
        ignore.length > 0 && b !== null && typeof b === 'object' && !Array.isArray(b)
          ? Object.fromEntries(Object.entries(b).filter(([k]) => !ignore.includes(k)))
          : b;
      return sha256(JSON.stringify(request ?? null));
    };
    idempotent(i, req, res, hash).then((answered) => {
      if (!answered) next();
    }, next);
  };
}
