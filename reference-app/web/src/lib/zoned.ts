// Wall-clock time in an IANA zone <-> instants, with Intl only (no time-zone database shipped).
// The API takes sendAt as local time plus a zone, so the site must know when that moment really
// is (countdown, "that's 14:00 your time") and spot times that do not exist (DST gaps).

export interface Wall {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function partsFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export function isValidTimeZone(timeZone: string): boolean {
  if (!timeZone) return false;
  try {
    partsFormatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

export function browserTimeZone(): string {
  try {
    return currentZoneName(Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC');
  } catch {
    return 'UTC';
  }
}

/**
 * Zones the IANA database renamed that browsers still list (and Chromium reports as the
 * browser's own zone) under the old name, because ICU keeps CLDR's original ids.
 */
const RENAMED: Record<string, string> = {
  'America/Buenos_Aires': 'America/Argentina/Buenos_Aires',
  'America/Catamarca': 'America/Argentina/Catamarca',
  'America/Coral_Harbour': 'America/Atikokan',
  'America/Cordoba': 'America/Argentina/Cordoba',
  'America/Godthab': 'America/Nuuk',
  'America/Indianapolis': 'America/Indiana/Indianapolis',
  'America/Jujuy': 'America/Argentina/Jujuy',
  'America/Louisville': 'America/Kentucky/Louisville',
  'America/Mendoza': 'America/Argentina/Mendoza',
  'Asia/Calcutta': 'Asia/Kolkata',
  'Asia/Katmandu': 'Asia/Kathmandu',
  'Asia/Rangoon': 'Asia/Yangon',
  'Asia/Saigon': 'Asia/Ho_Chi_Minh',
  'Atlantic/Faeroe': 'Atlantic/Faroe',
  'Europe/Kiev': 'Europe/Kyiv',
  'Pacific/Enderbury': 'Pacific/Kanton',
  'Pacific/Ponape': 'Pacific/Pohnpei',
  'Pacific/Truk': 'Pacific/Chuuk',
};

/** The current IANA name of a zone (the old one where this browser does not know the new). */
export function currentZoneName(zone: string): string {
  const renamed = RENAMED[zone];
  return renamed && isValidTimeZone(renamed) ? renamed : zone;
}

/** The wall clock in `timeZone` at instant `ms`. */
export function wallAt(ms: number, timeZone: string): Wall & { second: number } {
  const p: Record<string, number> = {};
  for (const part of partsFormatter(timeZone).formatToParts(new Date(ms))) {
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  }
  return { year: p.year, month: p.month, day: p.day, hour: p.hour % 24, minute: p.minute, second: p.second };
}

function wallToUtcMs(w: Wall, second = 0): number {
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, second);
}

/** Offset of the zone from UTC at instant `ms`, in milliseconds. */
function offsetAt(ms: number, timeZone: string): number {
  const w = wallAt(ms, timeZone);
  return wallToUtcMs(w, w.second) - (ms - (((ms % 1000) + 1000) % 1000));
}

/** Parses "YYYY-MM-DDTHH:mm[:ss]" (the API's sendAt format). */
export function parseWall(s: string): Wall | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(s);
  if (!m) return null;
  const w = { year: +m[1], month: +m[2], day: +m[3], hour: +m[4], minute: +m[5] };
  const d = new Date(Date.UTC(w.year, w.month - 1, w.day));
  if (d.getUTCMonth() !== w.month - 1 || d.getUTCDate() !== w.day || w.hour > 23 || w.minute > 59) return null;
  return w;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

export function formatWall(w: Wall): string {
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}`;
}

/**
 * The instant at which the wall clock in `timeZone` shows `w`, or null when that wall time does
 * not exist there (skipped by a daylight-saving jump). For repeated times (autumn) the earlier
 * instant is returned.
 */
export function wallToInstant(w: Wall, timeZone: string): number | null {
  const guess = wallToUtcMs(w);
  const candidates = new Set<number>();
  for (const probe of [guess - 86_400_000, guess, guess + 86_400_000]) {
    candidates.add(guess - offsetAt(probe, timeZone));
  }
  const matches = [...candidates]
    .filter((ms) => {
      const back = wallAt(ms, timeZone);
      return (
        back.year === w.year &&
        back.month === w.month &&
        back.day === w.day &&
        back.hour === w.hour &&
        back.minute === w.minute
      );
    })
    .sort((a, b) => a - b);
  return matches.length ? matches[0] : null;
}

/**
 * The instant a sendAt value from the API denotes: an ISO instant (with Z or an offset) as is,
 * a bare local time in the card's zone.
 */
export function sendAtInstant(sendAt: string, timeZone: string): number | null {
  if (/[zZ]$|[+-]\d{2}:?\d{2}$/.test(sendAt)) {
    const ms = Date.parse(sendAt);
    return Number.isNaN(ms) ? null : ms;
  }
  const w = parseWall(sendAt.replace(' ', 'T').slice(0, 19));
  return w && isValidTimeZone(timeZone) ? wallToInstant(w, timeZone) : null;
}

/** The date ("Tuesday 3 December 2026") and time ("09:00") of an instant, shown in `timeZone`. */
function dateAndTime(ms: number, timeZone: string, locale?: string): { date: string; time: string } {
  const date = new Intl.DateTimeFormat(locale, {
    timeZone,
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  }).format(ms);
  const time = new Intl.DateTimeFormat(locale, { timeZone, hour: '2-digit', minute: '2-digit' }).format(ms);
  return { date, time };
}

/** "Tuesday 3 December 2026 at 09:00" for an instant, shown in `timeZone`. */
export function describeInstant(ms: number, timeZone: string, locale?: string): string {
  const { date, time } = dateAndTime(ms, timeZone, locale);
  return `${date} at ${time}`;
}

/** A zone as people read it: "America/Los Angeles", "UTC". */
export const zoneName = (timeZone: string): string => timeZone.replace(/_/g, ' ');

/**
 * An instant as a person should see it (issue 15): in `timeZone` with that zone named, and, when
 * the viewer's own clock shows something else, the viewer's time too ("11:36 your time", or the
 * whole date when the day differs). `local` is null when both clocks agree (the same zone, or
 * zones with the same offset at that instant).
 */
export function zonedText(
  ms: number,
  timeZone: string,
  viewerZone: string = browserTimeZone(),
  locale?: string,
): { text: string; local: string | null } {
  const there = dateAndTime(ms, timeZone, locale);
  const here = dateAndTime(ms, viewerZone, locale);
  const text = `${there.date} at ${there.time} ${zoneName(timeZone)} time`;
  if (here.date === there.date && here.time === there.time) return { text, local: null };
  const local = here.date === there.date ? here.time : `${here.date} at ${here.time}`;
  return { text, local: `${local} your time, ${zoneName(viewerZone)}` };
}

/** Short zone name such as "CET" or "GMT+1" for display next to a time. */
export function zoneAbbreviation(ms: number, timeZone: string, locale?: string): string {
  const part = new Intl.DateTimeFormat(locale, { timeZone, timeZoneName: 'short' })
    .formatToParts(ms)
    .find((p) => p.type === 'timeZoneName');
  return part?.value ?? timeZone;
}

/** Adds calendar months to a wall date, clamping the day (31 Jan + 1 month = 28/29 Feb). */
export function addMonths(w: Wall, months: number): Wall {
  const first = new Date(Date.UTC(w.year, w.month - 1 + months, 1));
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  return { ...w, year: first.getUTCFullYear(), month: first.getUTCMonth() + 1, day: Math.min(w.day, last) };
}

/**
 * The IANA zones the browser knows under their current names, UTC first, then by name; the given
 * zone is always present. With `search`, only zones whose name contains every word of it (spaces
 * match underscores: "new york", "kolkata", "utc"), still keeping `include`.
 */
export function timeZoneList(include: string, search = ''): string[] {
  let zones: string[] = [];
  try {
    zones = (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];
  } catch {
    zones = [];
  }
  const set = new Set(zones.map(currentZoneName));
  set.delete('UTC');
  const words = search.toLowerCase().replace(/_/g, ' ').split(/\s+/).filter(Boolean);
  const matches = (z: string) => words.every((w) => z.toLowerCase().replace(/_/g, ' ').includes(w));
  const list = ['UTC', ...[...set].sort()].filter((z) => z === include || matches(z));
  if (include && !list.includes(include)) list.unshift(include);
  return list;
}

/** Days/hours/minutes/seconds until `target` from `now` (never negative). */
export function countdownParts(target: number, now: number) {
  let s = Math.max(0, Math.floor((target - now) / 1000));
  const days = Math.floor(s / 86400);
  s -= days * 86400;
  const hours = Math.floor(s / 3600);
  s -= hours * 3600;
  const minutes = Math.floor(s / 60);
  return { days, hours, minutes, seconds: s - minutes * 60, done: target <= now };
}
