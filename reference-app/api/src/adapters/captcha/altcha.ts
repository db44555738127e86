import { createHash } from 'node:crypto';
import type { Captcha, CaptchaResult, Clock, ReplayGuard } from '../../domain/ports';

export interface AltchaOptions {
  hmacKey: string;
  replay: ReplayGuard;
  clock: Clock;
  /** Upper bound of the number the browser searches for: the proof-of-work cost. */
  maxNumber: number;
  ttlMs?: number;
}

interface AltchaLib {
  createChallenge(o: { hmacKey: string; maxNumber: number; expires: Date }): Promise<Record<string, unknown>>;
  verifySolution(payload: string, hmacKey: string, checkExpires: boolean): Promise<boolean>;
  extractParams(payload: { salt: string }): Record<string, string>;
}
// altcha-lib ships ESM typings next to a CommonJS build; we load the CommonJS build and type
// the three functions we use.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createChallenge, extractParams, verifySolution } = require('altcha-lib') as AltchaLib;

/**
 * Self-hosted proof of work (ALTCHA): the challenge is HMAC-signed and carries its expiry, so
 * the server keeps no state until a solution arrives; solutions are remembered until they
 * expire so each one is accepted once.
 */
export class AltchaCaptcha implements Captcha {
  readonly provider = 'altcha' as const;

  constructor(private readonly o: AltchaOptions) {}

  async challenge(): Promise<Record<string, unknown>> {
    const expires = new Date(this.o.clock.now() + (this.o.ttlMs ?? 10 * 60_000));
    const challenge = await createChallenge({ hmacKey: this.o.hmacKey, maxNumber: this.o.maxNumber, expires });
    return { ...challenge };
  }

  async verify(solution: string | undefined): Promise<CaptchaResult> {
    if (!solution) return { ok: false, code: 'captcha_missing', message: 'solve the CAPTCHA first (field "captcha")' };
    if (solution.length > 4096) return invalid();
    let decoded: { challenge?: unknown; salt?: unknown };
    try {
      decoded = JSON.parse(Buffer.from(solution, 'base64').toString('utf8')) as typeof decoded;
    } catch {
      return invalid();
    }
    let valid = false;
    try {
      valid = await verifySolution(solution, this.o.hmacKey, true);
    } catch {
      valid = false;
    }
    if (!valid || typeof decoded.challenge !== 'string' || typeof decoded.salt !== 'string') return invalid();
    const expiresSec = Number(extractParams({ salt: decoded.salt }).expires);
    const expiresAt = Number.isFinite(expiresSec) ? expiresSec * 1000 : this.o.clock.now() + 3_600_000;
    const key = createHash('sha256').update(decoded.challenge).digest('hex');
    if (!(await this.o.replay.remember(key, expiresAt))) {
      return {
        ok: false,
        code: 'captcha_replayed',
        message: 'this CAPTCHA solution was already used; solve a new one',
      };
    }
    return { ok: true, release: () => this.o.replay.forget(key) };
  }
}

const invalid = (): CaptchaResult => ({
  ok: false,
  code: 'captcha_invalid',
  message: 'the CAPTCHA solution is wrong or expired; solve a new one',
});
