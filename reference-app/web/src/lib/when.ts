// The date/time/zone triple the forms edit, and its mapping to the API's sendAt + timeZone.
import { browserTimeZone, formatWall, parseWall, wallAt } from './zoned';

export interface When {
  date: string; // YYYY-MM-DD
  time: string; // HH:mm
  timeZone: string;
}

/** Tomorrow at 09:00 in the browser's zone: a sensible first suggestion. */
export function defaultWhen(now = Date.now(), timeZone = browserTimeZone()): When {
  const tomorrow = formatWall(wallAt(now + 86_400_000, timeZone));
  return { date: tomorrow.slice(0, 10), time: '09:00', timeZone };
}

export function toSendAt(w: When): string {
  return `${w.date}T${w.time.slice(0, 5)}`;
}

/** Splits the API's sendAt (local wall time, or an ISO instant shown in the card's zone). */
export function fromSendAt(sendAt: string, timeZone: string): When {
  const local = parseWall(sendAt.replace(' ', 'T').slice(0, 16));
  const isInstant = /[zZ]$|[+-]\d{2}:?\d{2}$/.test(sendAt);
  const wall = isInstant ? formatWall(wallAt(Date.parse(sendAt), timeZone)) : local ? formatWall(local) : '';
  return { date: wall.slice(0, 10), time: wall.slice(11, 16), timeZone };
}
