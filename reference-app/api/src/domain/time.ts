import { DateTime, IANAZone } from 'luxon';
import { AppError } from './errors';

/** YYYY-MM-DDTHH:mm or YYYY-MM-DDTHH:mm:ss, no offset: a wall-clock time in the card's zone. */
export const LOCAL_TIME_PATTERN = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;
export const MAX_AHEAD_MONTHS = 3;

export function isValidTimeZone(zone: string): boolean {
  // Only named IANA zones: fixed offsets such as "UTC+3" are not what a person picks.
  return zone.length <= 64 && IANAZone.isValidZone(zone) && !/^[+-]|^UTC[+-]/i.test(zone);
}

export interface ResolvedTime {
  /** Normalised wall-clock time (always with seconds). */
  local: string;
  /** Epoch ms of the instant. */
  utc: number;
}

/**
 * Resolves a wall-clock time in an IANA zone to an instant, through the zone's own offsets
 * (Intl data via luxon), never a hard-coded daylight-saving rule.
 * - A time that does not exist (skipped by a spring-forward gap) is rejected.
 * - A time that exists twice (fall-back overlap) resolves to its FIRST occurrence, the same
 *   rule iCalendar (RFC 5545, 3.3.5) uses, so the card never arrives an hour late.
 */
export function resolveLocalTime(input: string, zone: string): ResolvedTime {
  const m = LOCAL_TIME_PATTERN.exec(input);
  if (!m) throw timeError('invalid_time', 'sendAt must look like YYYY-MM-DDTHH:mm[:ss] (local time, no offset)');
  if (!isValidTimeZone(zone))
    throw timeError(
      'invalid_time_zone',
      `unknown time zone "${zone}" (use an IANA name such as Europe/Berlin)`,
      'timeZone',
    );
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '00'].map(Number) as number[];
  const naive = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(naive);
  if (
    back.getUTCFullYear() !== y ||
    back.getUTCMonth() !== mo - 1 ||
    back.getUTCDate() !== d ||
    h > 23 ||
    mi > 59 ||
    s > 59
  ) {
    throw timeError('invalid_time', `${input} is not a calendar date and time`);
  }
  const tz = IANAZone.create(zone);
  const day = 24 * 3600 * 1000;
  const offsets = new Set([tz.offset(naive - day), tz.offset(naive), tz.offset(naive + day)]);
  const candidates = [...offsets]
    .map((offsetMin) => naive - offsetMin * 60_000)
    .filter((instant) => tz.offset(instant) * 60_000 === naive - instant)
    .sort((a, b) => a - b);
  if (candidates.length === 0) {
    throw timeError(
      'nonexistent_local_time',
      `${input} does not exist in ${zone} (the clocks skip it for daylight saving)`,
    );
  }
  const local = `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6] ?? '00'}`;
  return { local, utc: candidates[0] };
}

/** Resolves and checks the window now < sendAt <= now + 3 months (months counted in the card's zone). */
export function resolveSendAt(input: string, zone: string, now: number): ResolvedTime {
  const resolved = resolveLocalTime(input, zone);
  if (resolved.utc <= now) throw timeError('send_at_in_past', `sendAt ${input} (${zone}) is not in the future`);
  const limit = DateTime.fromMillis(now, { zone }).plus({ months: MAX_AHEAD_MONTHS }).toMillis();
  if (resolved.utc > limit) {
    throw timeError('send_at_too_far', `sendAt ${input} (${zone}) is more than ${MAX_AHEAD_MONTHS} months ahead`);
  }
  return resolved;
}

function timeError(code: string, message: string, path: 'sendAt' | 'timeZone' = 'sendAt'): AppError {
  return new AppError(400, 'validation_failed', message, [{ path, code, message }]);
}

/**
 * The same wall-clock time one day later in the zone (luxon moves a time that falls in a
 * spring-forward gap forward), as the card stores it.
 */
export function sameTimeNextDay(utc: number, zone: string): ResolvedTime {
  const next = DateTime.fromMillis(utc, { zone }).plus({ days: 1 });
  return { local: next.toFormat("yyyy-MM-dd'T'HH:mm:ss"), utc: next.toMillis() };
}
