/**
 * Wall-clock time in an IANA zone <-> instants, with Intl only (core carries no
 * time-zone library). Maintenance windows are written the way people plan them
 * ("Sunday 03:00 Berlin time"), so the same local time must land on the right
 * instant on both sides of a daylight-saving change.
 */
export interface WallClock {
  readonly year: number;
  /** 1..12 */
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
}

const formats = new Map<string, Intl.DateTimeFormat>();

function formatFor(zone: string): Intl.DateTimeFormat {
  let f = formats.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formats.set(zone, f);
  }
  return f;
}

/** The wall clock in `zone` at epoch ms `at` (seconds dropped). */
export function wallClockAt(at: number, zone: string): WallClock {
  const parts: Record<string, number> = {};
  for (const p of formatFor(zone).formatToParts(at)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return { year: parts.year, month: parts.month, day: parts.day, hour: parts.hour, minute: parts.minute };
}

/** The zone's offset from UTC at `at`, in ms (Berlin in winter: +3600000). */
function offsetAt(at: number, zone: string): number {
  const w = wallClockAt(at, zone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute);
  return asUtc - (at - (((at % 60_000) + 60_000) % 60_000));
}

/**
 * The instant (epoch ms) a wall-clock time happens in `zone`. `exists` is false for a time the zone
 * skips (the hour clocks jump forward): the instant is then the one the pre-change offset gives,
 * which reads as the same time shifted past the gap, as cron does. A repeated time (clocks going
 * back) resolves to its first occurrence.
 */
export function instantOf(w: WallClock, zone: string): { at: number; exists: boolean } {
  const naive = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute);
  // Offsets before and after any change near this time: the earlier offset first gives the first occurrence.
  const before = offsetAt(naive - 86_400_000, zone);
  const after = offsetAt(naive + 86_400_000, zone);
  for (const offset of before >= after ? [before, after] : [after, before]) {
    const at = naive - offset;
    if (sameWallClock(wallClockAt(at, zone), w)) return { at, exists: true };
  }
  return { at: naive - before, exists: false };
}

function sameWallClock(a: WallClock, b: WallClock): boolean {
  return a.year === b.year && a.month === b.month && a.day === b.day && a.hour === b.hour && a.minute === b.minute;
}
