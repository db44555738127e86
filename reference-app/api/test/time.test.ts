import { resolveLocalTime, resolveSendAt } from '../src/domain/time';
import { AppError } from '../src/domain/errors';

const code = (fn: () => unknown): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (err) {
    return ((err as AppError).details as Array<{ code: string }>)[0]?.code;
  }
};

describe('resolveLocalTime', () => {
  it('converts with the zone offset in force on that date (summer and winter)', () => {
    expect(new Date(resolveLocalTime('2026-07-01T12:00', 'Europe/Berlin').utc).toISOString()).toBe(
      '2026-07-01T10:00:00.000Z',
    );
    expect(new Date(resolveLocalTime('2026-12-01T12:00', 'Europe/Berlin').utc).toISOString()).toBe(
      '2026-12-01T11:00:00.000Z',
    );
    expect(new Date(resolveLocalTime('2026-07-01T12:00:30', 'America/New_York').utc).toISOString()).toBe(
      '2026-07-01T16:00:30.000Z',
    );
    // Half-hour zone and a southern-hemisphere DST zone.
    expect(new Date(resolveLocalTime('2026-01-15T09:00', 'Asia/Kolkata').utc).toISOString()).toBe(
      '2026-01-15T03:30:00.000Z',
    );
    expect(new Date(resolveLocalTime('2026-01-15T09:00', 'Australia/Sydney').utc).toISOString()).toBe(
      '2026-01-14T22:00:00.000Z',
    );
  });

  it('rejects times inside a spring-forward gap', () => {
    expect(code(() => resolveLocalTime('2026-03-29T02:30', 'Europe/Berlin'))).toBe('nonexistent_local_time');
    expect(code(() => resolveLocalTime('2026-03-08T02:00', 'America/New_York'))).toBe('nonexistent_local_time');
    // The minutes either side of the gap exist.
    expect(new Date(resolveLocalTime('2026-03-29T01:59', 'Europe/Berlin').utc).toISOString()).toBe(
      '2026-03-29T00:59:00.000Z',
    );
    expect(new Date(resolveLocalTime('2026-03-29T03:00', 'Europe/Berlin').utc).toISOString()).toBe(
      '2026-03-29T01:00:00.000Z',
    );
  });

  it('resolves a fall-back time that happens twice to its first occurrence', () => {
    expect(new Date(resolveLocalTime('2026-10-25T02:30', 'Europe/Berlin').utc).toISOString()).toBe(
      '2026-10-25T00:30:00.000Z',
    );
    expect(new Date(resolveLocalTime('2026-11-01T01:30', 'America/New_York').utc).toISOString()).toBe(
      '2026-11-01T05:30:00.000Z',
    );
  });

  it('rejects malformed times, impossible dates and unknown zones', () => {
    expect(code(() => resolveLocalTime('2026-02-30T10:00', 'Europe/Berlin'))).toBe('invalid_time');
    expect(code(() => resolveLocalTime('2026-01-01T24:00', 'Europe/Berlin'))).toBe('invalid_time');
    expect(code(() => resolveLocalTime('2026-01-01T10:00Z', 'Europe/Berlin'))).toBe('invalid_time');
    expect(code(() => resolveLocalTime('tomorrow', 'Europe/Berlin'))).toBe('invalid_time');
    expect(code(() => resolveLocalTime('2026-01-01T10:00', 'Mars/Olympus'))).toBe('invalid_time_zone');
    expect(code(() => resolveLocalTime('2026-01-01T10:00', 'UTC+3'))).toBe('invalid_time_zone');
  });
});

describe('resolveSendAt', () => {
  const now = Date.UTC(2026, 0, 31, 12, 0, 0);
  it('accepts the future up to three months ahead in the card zone', () => {
    expect(resolveSendAt('2026-01-31T13:01', 'Europe/Berlin', now).local).toBe('2026-01-31T13:01:00');
    expect(resolveSendAt('2026-04-30T13:00', 'Europe/Berlin', now).utc).toBeGreaterThan(now);
  });
  it('rejects the past, now, and more than three months ahead', () => {
    expect(code(() => resolveSendAt('2026-01-31T13:00', 'Europe/Berlin', now))).toBe('send_at_in_past');
    expect(code(() => resolveSendAt('2025-12-31T13:00', 'Europe/Berlin', now))).toBe('send_at_in_past');
    expect(code(() => resolveSendAt('2026-05-01T13:00', 'Europe/Berlin', now))).toBe('send_at_too_far');
  });
});
