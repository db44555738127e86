/**
 * Maintenance windows in a review: the buckets a window marked
 * `excludeFromReview` covers leave the SLI, the budget, the burn rates and the
 * tier replay, as if nothing had been served then. The time grid stays (the
 * buckets are emptied, not removed), so every window keeps its length.
 * A bucket counts as inside when at least half of it lies inside a window:
 * with one-minute data that is the window to the minute; with coarser
 * buckets it neither drops a bucket a window only grazes nor keeps one it
 * mostly covers.
 */
import type { SeriesPoint } from '../math/budget';
import type { MaintenanceWindow } from '../model/alarms';
import type { WindowOccurrence } from '../maintenance/windows';

/** What the review is told: the windows covering the SLO, with their openings over the data. */
export interface ReviewWindow {
  readonly window: Pick<MaintenanceWindow, 'name' | 'category' | 'reason'>;
  readonly occurrences: readonly WindowOccurrence[];
}

/** One opening as the review lists it, clipped to the review range. */
export interface ExcludedOpening {
  readonly window: string;
  readonly category: string;
  readonly reason: string;
  readonly start: number;
  readonly end: number;
  readonly seconds: number;
}

export interface ReviewExclusions {
  /** Time inside [from, to) left out (overlapping windows counted once). */
  readonly seconds: number;
  /** Same, inside the SLO period ending at `to` (the budget and the verdict). */
  readonly periodSeconds: number;
  /** Events and bad events inside the range that were left out. */
  readonly events: number;
  readonly badEvents: number;
  readonly openings: readonly ExcludedOpening[];
}

/** Sorted, merged [start, end) intervals of every opening. */
function merged(windows: readonly ReviewWindow[]): [number, number][] {
  const all = windows.flatMap((w) => w.occurrences.map((o) => [o.start, o.end] as [number, number]));
  all.sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const iv of all) {
    const last = out[out.length - 1];
    if (last && iv[0] <= last[1]) last[1] = Math.max(last[1], iv[1]);
    else out.push([...iv]);
  }
  return out;
}

function coveredSeconds(intervals: readonly [number, number][], from: number, to: number): number {
  return intervals.reduce((s, [a, b]) => s + Math.max(0, Math.min(b, to) - Math.max(a, from)), 0);
}

/** The series with the buckets inside a window emptied; `cut` lists the buckets emptied. */
export function withoutWindows(
  series: readonly SeriesPoint[],
  windows: readonly ReviewWindow[],
  stepSeconds: number,
): { series: readonly SeriesPoint[]; cut: readonly SeriesPoint[] } {
  const intervals = merged(windows);
  if (intervals.length === 0) return { series, cut: [] };
  const out: SeriesPoint[] = [];
  const cut: SeriesPoint[] = [];
  let k = 0;
  for (const p of series) {
    while (k < intervals.length && intervals[k][1] <= p.t) k++;
    let inside = 0;
    for (let j = k; j < intervals.length && intervals[j][0] < p.t + stepSeconds; j++)
      inside += Math.max(0, Math.min(intervals[j][1], p.t + stepSeconds) - Math.max(intervals[j][0], p.t));
    if (inside * 2 >= stepSeconds) {
      cut.push(p);
      out.push({ t: p.t, good: 0, total: 0 });
    } else out.push(p);
  }
  return { series: out, cut };
}

export function summariseExclusions(
  windows: readonly ReviewWindow[],
  cut: readonly SeriesPoint[],
  range: { from: number; to: number; periodFrom: number },
): ReviewExclusions {
  const intervals = merged(windows);
  const inRange = cut.filter((p) => p.t >= range.from && p.t < range.to);
  const openings: ExcludedOpening[] = windows
    .flatMap((w) =>
      w.occurrences.map((o) => {
        const start = Math.max(o.start, range.from);
        const end = Math.min(o.end, range.to);
        return {
          window: w.window.name,
          category: w.window.category,
          reason: w.window.reason,
          start,
          end,
          seconds: Math.max(0, end - start),
        };
      }),
    )
    .filter((o) => o.seconds > 0)
    .sort((a, b) => a.start - b.start || a.window.localeCompare(b.window));
  return {
    seconds: coveredSeconds(intervals, range.from, range.to),
    periodSeconds: coveredSeconds(intervals, range.periodFrom, range.to),
    events: inRange.reduce((s, p) => s + p.total, 0),
    badEvents: inRange.reduce((s, p) => s + Math.max(0, p.total - p.good), 0),
    openings,
  };
}
