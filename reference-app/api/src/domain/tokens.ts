import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 16 random bytes = 128 bits, base64url (22 chars): used for ids. */
export const newId = (): string => randomBytes(16).toString('base64url');

/** 32 random bytes = 256 bits for capability tokens (share and owner links). */
export const newToken = (): string => randomBytes(32).toString('base64url');

export const hashToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

/** Constant-time comparison of a presented token with a stored SHA-256 hex digest. */
export function tokenMatches(presented: string, storedHash: string): boolean {
  const a = Buffer.from(hashToken(presented), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;
export const ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;
