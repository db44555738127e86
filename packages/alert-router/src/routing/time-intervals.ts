/** Mute time intervals: weekdays and HH:MM ranges evaluated in the interval's IANA zone. */
import { expandWeekdays, type TimeInterval } from '@sre-kit/core';

export type IntervalTest = (at: Date) => boolean;

export function compileTimeInterval(interval: TimeInterval): IntervalTest {
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: interval.location || 'UTC',
      weekday: 'long',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
  } catch {
    throw new Error(`time interval ${interval.name}: unknown time zone ${interval.location}`);
  }
  let days: Set<string>;
  try {
    days = new Set(interval.weekdays.flatMap(expandWeekdays));
  } catch (err) {
    throw new Error(`time interval ${interval.name}: ${(err as Error).message}`);
  }
  const ranges = interval.times.map((t) => {
    const start = minutes(interval.name, t.start);
    const end = minutes(interval.name, t.end);
    if (end <= start) throw new Error(`time interval ${interval.name}: ${t.start}-${t.end} ends before it starts`);
    return { start, end };
  });
  return (at) => {
    const parts = Object.fromEntries(format.formatToParts(at).map((p) => [p.type, p.value]));
    const day = String(parts.weekday).toLowerCase();
    const minute = Number(parts.hour) * 60 + Number(parts.minute);
    if (days.size > 0 && !days.has(day)) return false;
    return ranges.length === 0 || ranges.some((r) => minute >= r.start && minute < r.end);
  };
}

function minutes(name: string, hhmm: string): number {
  const m = /^(\d{2}):(\d{2})$/.exec(hhmm);
  const value = m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
  if (!m || Number(m[2]) > 59 || value > 24 * 60) throw new Error(`time interval ${name}: "${hhmm}" is not HH:MM`);
  return value;
}
