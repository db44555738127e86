/**
 * Maintenance windows as Application Signals SLO exclusion windows (the SLO mode
 * where AWS computes attainment itself). A window's time zone has no place in
 * that API: its recurrence rules are cron or rate expressions without a zone,
 * read in UTC. A recurring window in a zone with daylight saving is therefore
 * written at the zone's standard-time offset, and a note says it shifts by the
 * daylight-saving difference for part of the year.
 */
import type { MaintenanceWindow } from '../model/alarms';
import type { Slo } from '../model/slo';
import { excludedWindowsOf, expandWeekdays, WEEKDAYS_FROM_SUNDAY } from './windows';
import { wallClockAt } from './zone';

/** One `ExclusionWindow` of `AWS::ApplicationSignals::ServiceLevelObjective`. */
export interface ExclusionWindowSpec {
  /** The window's name, category and reason (the API keeps 1,024 characters). */
  readonly reason: string;
  readonly durationMinutes: number;
  /** ISO instant of a one-off window. */
  readonly startTime?: string;
  /** `cron(minutes hours day-of-month month day-of-week year)`, in UTC, for a recurring one. */
  readonly recurrence?: string;
  /** What the mapping could not keep (a daylight-saving shift). */
  readonly note?: string;
}

const CRON_DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const MAX_REASON = 1024;

/** Minutes east of UTC at `at` in `zone`. */
function offsetMinutes(at: number, zone: string): number {
  const w = wallClockAt(at, zone);
  return Math.round((Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute) - at) / 60_000);
}

function recurring(w: MaintenanceWindow & { schedule: { kind: 'recurring' } }): ExclusionWindowSpec {
  const s = w.schedule;
  const year = new Date().getUTCFullYear();
  // January and July: one of them is daylight-saving time wherever a zone has it; standard time is the smaller offset.
  const offsets = [Date.UTC(year, 0, 15), Date.UTC(year, 6, 15)].map((t) => offsetMinutes(t, s.location));
  const standard = Math.min(...offsets);
  const [h, m] = s.start.split(':').map(Number);
  const utc = h * 60 + m - standard;
  const dayShift = Math.floor(utc / 1440);
  const minuteOfDay = utc - dayShift * 1440;
  const days = s.weekdays
    .flatMap(expandWeekdays)
    .map((d) => CRON_DAYS[(WEEKDAYS_FROM_SUNDAY.indexOf(d) + dayShift + 7) % 7]);
  const unique = [...new Set(days)];
  const cron =
    unique.length === 0
      ? `cron(${minuteOfDay % 60} ${Math.floor(minuteOfDay / 60)} * * ? *)`
      : `cron(${minuteOfDay % 60} ${Math.floor(minuteOfDay / 60)} ? * ${unique.join(',')} *)`;
  const shifted = offsets[0] !== offsets[1];
  return {
    reason: reasonOf(w),
    durationMinutes: Math.ceil(s.durationSeconds / 60),
    recurrence: cron,
    ...(shifted
      ? {
          note:
            `window ${w.name}: Application Signals reads recurrence rules in UTC, so ${s.start} ${s.location} is written ` +
            `at its standard-time offset and opens ${Math.abs(offsets[0] - offsets[1])} minutes early during daylight saving`,
        }
      : {}),
  };
}

function reasonOf(w: MaintenanceWindow): string {
  return `${w.name} (${w.category}): ${w.reason}`.slice(0, MAX_REASON);
}

/** The exclusion windows of `slo`: the maintenance windows marked excludeFromReview that cover it. */
export function applicationSignalsExclusions(windows: readonly MaintenanceWindow[], slo: Slo): ExclusionWindowSpec[] {
  return excludedWindowsOf(windows, slo).map((w) => {
    if (w.schedule.kind === 'recurring') return recurring(w as MaintenanceWindow & { schedule: { kind: 'recurring' } });
    const start = Date.parse(w.schedule.start);
    return {
      reason: reasonOf(w),
      durationMinutes: Math.ceil((Date.parse(w.schedule.end) - start) / 60_000),
      startTime: new Date(start).toISOString(),
    };
  });
}
