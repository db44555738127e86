/**
 * The review as tables (headings + rows of text). Text, Markdown and HTML
 * all draw these same tables, so the three formats never disagree on a figure.
 */
import { formatDuration } from '../../duration';
import type { SloReview } from '../analyse';

export interface Table {
  readonly title: string;
  readonly headers: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

export interface ReviewSection {
  readonly heading: string;
  readonly verdict: SloReview['verdict'];
  /** What the figures could not see (history, period data), said next to the verdict. */
  readonly notes: readonly string[];
  readonly tables: readonly Table[];
}

export function pct(x: number | undefined, digits = 3): string {
  if (x === undefined || !Number.isFinite(x)) return 'n/a';
  return `${(x * 100).toFixed(digits)} %`;
}

export function iso(t: number): string {
  return new Date(t * 1000).toISOString().replace('.000Z', 'Z');
}

/** `1h30m`, `52s`; `0s` for zero. */
export function dur(seconds: number): string {
  const s = Math.round(seconds);
  return s <= 0 ? '0s' : formatDuration(s);
}

function num(x: number): string {
  return Number.isFinite(x) ? (Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(2)) : 'n/a';
}

export function summaryTable(reviews: readonly SloReview[]): Table {
  return {
    title: 'Summary',
    headers: [
      'SLO',
      'objective',
      'attainment',
      'range spent',
      'period budget left',
      'period minutes left',
      'pages',
      'tickets',
      'verdict',
    ],
    rows: reviews.map((r) => [
      `${r.service}/${r.slo}`,
      pct(r.objective),
      pct(r.attainment),
      pct(r.period.spentInRange, 1),
      `${pct(r.period.remaining, 1)} of ${dur(r.period.seconds)}${r.period.complete ? '' : ' (partial)'}`,
      `${num(r.period.remainingMinutes)} of ${num(r.period.totalMinutes)}`,
      String(countFirings(r, 'page')),
      String(countFirings(r, 'ticket')),
      r.verdict.level,
    ]),
  };
}

/** Firings of one severity's tiers inside the range (pages, tickets). */
export function countFirings(r: SloReview, severity: 'page' | 'ticket'): number {
  return r.tiers.filter((t) => t.severity === severity).reduce((n, t) => n + t.intervals.length, 0);
}

export function sloSection(r: SloReview): ReviewSection {
  const windows: Table = {
    title: 'Burn rate per window',
    headers: ['window', 'current', 'worst', 'worst at'],
    rows: r.windows.map((w) => [dur(w.windowSeconds), num(w.current), num(w.worst), w.worstAt ? iso(w.worstAt) : '-']),
  };
  const tiers: Table = {
    title: 'Alert tiers replayed over the data',
    headers: ['tier', 'severity', 'burn rate', 'min events', 'fired', 'firing time', 'intervals'],
    rows: r.tiers.map((t) => [
      t.tier,
      t.severity,
      num(t.burnRate),
      // The low-traffic guard the replay applied, as the alarms and rules do.
      t.minEvents > 0 ? String(t.minEvents) : '-',
      String(t.intervals.length),
      dur(t.firingSeconds),
      t.intervals.length === 0
        ? '-'
        : t.intervals
            .slice(0, 5)
            .map(
              (iv) =>
                `${iso(iv.start)} +${dur(iv.seconds)}${iv.sinceBefore ? ' (firing since before the range)' : ''}` +
                `${iv.end === undefined ? ' (still firing)' : ''}`,
            )
            .join('; ') + (t.intervals.length > 5 ? `; ... ${t.intervals.length - 5} more` : ''),
    ]),
  };
  const incidents: Table = {
    title: 'Incidents that burned most budget',
    headers: ['start', 'duration', 'bad events', 'period budget spent', 'peak error ratio'],
    rows: r.incidents.map((i) => [
      iso(i.start),
      dur(i.end - i.start),
      num(i.badEvents),
      pct(i.budgetSpent, 1),
      pct(i.peakErrorRatio, 2),
    ]),
  };
  const period: Table = {
    title: `Budget over the SLO period (${dur(r.period.seconds)} ending ${iso(r.to)})`,
    headers: [
      'data from',
      'good / total',
      'attainment',
      'budget spent',
      'budget left',
      'minutes left',
      'spent in range',
    ],
    rows: [
      [
        r.period.dataFrom === undefined ? 'no data' : iso(r.period.dataFrom),
        `${r.period.good} / ${r.period.total}`,
        pct(r.period.total > 0 ? r.period.good / r.period.total : undefined),
        pct(r.period.spent, 1),
        pct(r.period.remaining, 1),
        `${num(r.period.remainingMinutes)} of ${num(r.period.totalMinutes)}`,
        pct(r.period.spentInRange, 1),
      ],
    ],
  };
  const facts: Table = {
    title: 'Budget of the range alone',
    headers: [
      'objective',
      'attainment',
      'good / total',
      'budget spent',
      'budget left',
      'minutes left',
      'empty buckets',
    ],
    rows: [
      [
        pct(r.objective),
        pct(r.attainment),
        `${r.good} / ${r.total}`,
        pct(r.budget.spent, 1),
        pct(r.budget.remaining, 1),
        `${num(r.budget.remainingMinutes)} of ${num(r.budget.totalMinutes)}`,
        String(r.emptyBuckets),
      ],
    ],
  };
  const excluded: Table[] = r.excluded
    ? [
        {
          title: 'Maintenance windows left out of the figures',
          headers: ['window', 'category', 'start', 'left out', 'reason'],
          rows: r.excluded.openings.map((o) => [o.window, o.category, iso(o.start), dur(o.seconds), o.reason]),
        },
      ]
    : [];
  return {
    heading: `${r.service}/${r.slo}`,
    verdict: r.verdict,
    notes: notesOf(r),
    tables: [period, facts, ...excluded, windows, tiers, incidents],
  };
}

/** Says plainly which figures rest on less data than they need. */
export function notesOf(r: SloReview): string[] {
  const notes: string[] = [];
  const p = r.period;
  if (!p.complete) {
    notes.push(
      p.dataFrom === undefined
        ? `no data in the ${dur(p.seconds)} period ending ${iso(r.to)}: the period budget and the verdict have nothing to judge`
        : `data covers ${dur(r.to - p.dataFrom)} of the ${dur(p.seconds)} period (from ${iso(p.dataFrom)}, not ${iso(p.from)}): ` +
            'the period budget and the verdict count only those events',
    );
  }
  if (!r.history.complete) {
    notes.push(
      `alert tiers replayed with ${dur(r.history.availableSeconds)} of history before the range where the longest window ` +
        `needs ${dur(r.history.neededSeconds)}: firings early in the range may differ from what the deployed alarms raised`,
    );
  }
  if (r.excluded) {
    const x = r.excluded;
    const names = [...new Set(x.openings.map((o) => o.window))];
    notes.push(
      `maintenance windows left out ${dur(x.seconds)} of the range (${Math.round(x.events)} events, ${Math.round(x.badEvents)} bad) ` +
        `and ${dur(x.periodSeconds)} of the ${dur(r.period.seconds)} period` +
        `${names.length > 0 ? ` (${names.join(', ')})` : ''}: the SLI, the budget and the tier replay count the rest`,
    );
  }
  if (r.tierChanges.length > 0) {
    const said = r.tierChanges.map((c) =>
      c.change === 'disabled' ? `${c.tier} disabled` : `${c.tier} made a ${c.change}`,
    );
    notes.push(`tiers replayed as the spec changed them: ${said.join(', ')}`);
  }
  return notes;
}

export function rangeLine(reviews: readonly SloReview[]): string {
  if (reviews.length === 0) return 'no SLOs reviewed';
  return `${iso(reviews[0].from)} .. ${iso(reviews[0].to)} (${dur(reviews[0].to - reviews[0].from)}, ${dur(reviews[0].stepSeconds)} buckets)`;
}
