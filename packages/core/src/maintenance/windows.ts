/**
 * When maintenance windows are open, and whom they cover. The alert router
 * asks "is this alarm inside an open window now?"; the SLO review asks "which
 * stretches of [from, to) are excluded for this SLO?". Both read the same
 * occurrences and the same matchers, so a window that muted a page is exactly
 * the time the review leaves out.
 */
import { compileMatchers, type CompiledMatcher, type Labels } from '../matchers';
import type { MaintenanceWindow, RecurringSchedule } from '../model/alarms';
import type { Slo } from '../model/slo';
import { instantOf, wallClockAt } from './zone';

/** Weekday names in JavaScript's getUTCDay order. */
export const WEEKDAYS_FROM_SUNDAY = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const DAY_MS = 86_400_000;

/** One opening of a window, epoch seconds, [start, end). */
export interface WindowOccurrence {
  readonly window: string;
  readonly start: number;
  readonly end: number;
}

/** `monday`, `saturday:sunday` (wrapping, as in timeIntervals) -> the day names; unknown names throw. */
export function expandWeekdays(spec: string): string[] {
  const [from, to, extra] = spec.toLowerCase().split(':');
  const a = WEEKDAYS_FROM_SUNDAY.indexOf(from);
  const b = to === undefined ? a : WEEKDAYS_FROM_SUNDAY.indexOf(to);
  if (a < 0 || b < 0 || extra !== undefined)
    throw new Error(`unknown weekday "${spec}" (use monday..sunday or a range like monday:friday)`);
  const out: string[] = [];
  for (let i = a; ; i = (i + 1) % 7) {
    out.push(WEEKDAYS_FROM_SUNDAY[i]);
    if (i === b) break;
  }
  return out;
}

function recurringOccurrences(name: string, s: RecurringSchedule, fromMs: number, toMs: number): WindowOccurrence[] {
  const days = new Set(s.weekdays.flatMap(expandWeekdays));
  const [hour, minute] = s.start.split(':').map(Number);
  const lengthMs = s.durationSeconds * 1000;
  // Walk local calendar days from the one an occurrence ending after `fromMs` could start on.
  const first = wallClockAt(fromMs - lengthMs - DAY_MS, s.location);
  const out: WindowOccurrence[] = [];
  for (let day = Date.UTC(first.year, first.month - 1, first.day); ; day += DAY_MS) {
    const date = new Date(day);
    if (day - 2 * DAY_MS > toMs) break;
    if (days.size > 0 && !days.has(WEEKDAYS_FROM_SUNDAY[date.getUTCDay()])) continue;
    const { at } = instantOf(
      { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate(), hour, minute },
      s.location,
    );
    if (at >= toMs) break;
    if (at + lengthMs > fromMs) out.push({ window: name, start: at / 1000, end: (at + lengthMs) / 1000 });
  }
  return out;
}

/** The openings of `w` that overlap [from, to) (epoch seconds), in time order, not clipped. */
export function windowOccurrences(w: MaintenanceWindow, from: number, to: number): WindowOccurrence[] {
  if (w.schedule.kind === 'once') {
    const start = Date.parse(w.schedule.start) / 1000;
    const end = Date.parse(w.schedule.end) / 1000;
    return end > from && start < to ? [{ window: w.name, start, end }] : [];
  }
  return recurringOccurrences(w.name, w.schedule, from * 1000, to * 1000);
}

/** The opening of `w` that contains `at` (epoch ms), if it is open then. */
export function openOccurrence(w: MaintenanceWindow, at: number): WindowOccurrence | undefined {
  const t = at / 1000;
  return windowOccurrences(w, t, t + 0.001).find((o) => o.start <= t && t < o.end);
}

export interface CompiledWindow {
  readonly window: MaintenanceWindow;
  readonly matches: CompiledMatcher;
}

/** Compiles every window's matchers once (a bad regular expression throws, naming the window). */
export function compileWindows(windows: readonly MaintenanceWindow[]): CompiledWindow[] {
  return windows.map((window) => {
    try {
      if (window.schedule.kind === 'recurring') window.schedule.weekdays.forEach(expandWeekdays);
      return { window, matches: compileMatchers(window.matchers) };
    } catch (err) {
      throw new Error(`maintenance window ${window.name}: ${(err as Error).message}`);
    }
  });
}

/** The windows open at `at` (epoch ms) whose matchers match `labels`, with the opening that covers it. */
export function openWindows(
  windows: readonly CompiledWindow[],
  labels: Labels,
  at: number,
): { window: MaintenanceWindow; occurrence: WindowOccurrence }[] {
  const out: { window: MaintenanceWindow; occurrence: WindowOccurrence }[] = [];
  for (const w of windows) {
    if (!w.matches(labels)) continue;
    const occurrence = openOccurrence(w.window, at);
    if (occurrence) out.push({ window: w.window, occurrence });
  }
  return out;
}

/**
 * The labels an SLO has as a whole, as its alarms carry them (family `slo`, service, slo) plus the
 * SLO's own labels. Per-alarm labels (severity, tier, alarm name) are not among them: a review covers
 * the SLO, not one of its alarms.
 */
export function sloLabels(slo: Slo): Labels {
  return { ...slo.labels, family: 'slo', service: slo.service, slo: slo.name };
}

/** Labels a window may match on and still say which SLOs a review excludes it from. */
export const SLO_WIDE_LABELS = ['family', 'service', 'slo'] as const;

/** Windows marked `excludeFromReview` whose matchers cover `slo` (reviews, Application Signals). */
export function excludedWindowsOf(windows: readonly MaintenanceWindow[], slo: Slo): MaintenanceWindow[] {
  const labels = sloLabels(slo);
  return compileWindows(windows.filter((w) => w.excludeFromReview))
    .filter((w) => w.matches(labels))
    .map((w) => w.window);
}

/** Windows marked `excludeFromReview` that cover `slo`, and their openings overlapping [from, to). */
export function reviewWindowsFor(
  windows: readonly MaintenanceWindow[],
  slo: Slo,
  from: number,
  to: number,
): { window: MaintenanceWindow; occurrences: WindowOccurrence[] }[] {
  return excludedWindowsOf(windows, slo)
    .map((window) => ({ window, occurrences: windowOccurrences(window, from, to) }))
    .filter((w) => w.occurrences.length > 0);
}
