import { ID_PATTERN, TOKEN_PATTERN, hashToken, newId, newToken, tokenMatches } from '../src/domain/tokens';

describe('capability tokens', () => {
  it('makes tokens of 256 bits and ids of 128 bits that the route patterns accept, never twice', () => {
    const tokens = new Set(Array.from({ length: 200 }, newToken));
    const ids = new Set(Array.from({ length: 200 }, newId));
    expect(tokens.size).toBe(200);
    expect(ids.size).toBe(200);
    for (const t of tokens) {
      expect(t).toMatch(TOKEN_PATTERN);
      expect(Buffer.from(t, 'base64url')).toHaveLength(32);
    }
    for (const id of ids) {
      expect(id).toMatch(ID_PATTERN);
      expect(Buffer.from(id, 'base64url')).toHaveLength(16);
    }
  });

  it('matches a presented token against its stored SHA-256 digest only', () => {
    const token = newToken();
    const stored = hashToken(token);
    expect(stored).toMatch(/^[0-9a-f]{64}$/);
    expect(tokenMatches(token, stored)).toBe(true);
    expect(tokenMatches(newToken(), stored)).toBe(false);
    // The digest itself is not a token: a leaked database row does not open the owner view.
    expect(tokenMatches(stored, stored)).toBe(false);
  });

  it('refuses, without throwing, a stored value that is not a whole digest (a damaged or truncated row)', () => {
    const token = newToken();
    const stored = hashToken(token);
    // A throw here would answer 500 where the owner check answers 404.
    expect(tokenMatches(token, stored.slice(0, 62))).toBe(false);
    expect(tokenMatches(token, '')).toBe(false);
    expect(tokenMatches(token, `${stored}00`)).toBe(false);
  });
});
