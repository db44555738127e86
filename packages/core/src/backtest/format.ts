/**
 * The backtest report. Markdown and HTML draw the same tables (the review's table renderers), so the two never
 * disagree on a figure; HTML adds an inline SVG of the budget over time. JSON is the data itself, versioned.
 */
import { formatBurnRate } from '../math/policy';
import { htmlPage, htmlTable } from '../review/format/html';
import { escapeXml, lineChart } from '../review/format/svg';
import { dur, iso, pct, type Table } from '../review/format/tables';
import { mdCell, mdTable } from '../review/format/text';
import type { BurnDetection, SloBacktest, VariantResult } from './run';

export const BACKTEST_FORMATS = ['markdown', 'md', 'html', 'json'] as const;
export type BacktestFormat = (typeof BACKTEST_FORMATS)[number];

const MAX_ROWS = 40;
const WEEK = 7 * 86400;
const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#9467bd'];

function day(t: number): string {
  return iso(t).slice(0, 10);
}

function capped(rows: string[][], width: number): string[][] {
  if (rows.length <= MAX_ROWS) return rows;
  const more = [`... ${rows.length - MAX_ROWS} more (see --format json)`, ...Array<string>(width - 1).fill('')];
  return [...rows.slice(0, MAX_ROWS), more];
}

function detectionText(d: BurnDetection | undefined): string {
  if (!d?.first) return 'missed';
  const page =
    d.first.severity === 'page' || d.pageAfterSeconds === undefined
      ? d.first.severity === 'page'
        ? ''
        : ', no page'
      : `, page after ${dur(d.pageAfterSeconds)}`;
  return `${d.first.tier} after ${dur(d.first.afterSeconds)} (${pct(d.budgetSpentAtDetection, 1)} of budget spent)${page}`;
}

function tiersText(v: VariantResult): string {
  return v.tiers.map((t) => `${t.tier} ${formatBurnRate(t.burnRate)}`).join(', ') || '(no tiers)';
}

function burnsTable(b: SloBacktest): Table {
  return {
    title: `Burns found in the data (${dur(b.burnWindowSeconds)} burn rate above 1x; threatening: ${pct(b.significantBudget, 0)} of the budget or more)`,
    headers: ['burn', 'start', 'duration', 'peak burn rate', 'bad events', 'period budget spent', 'threatens budget'],
    rows: b.burns.map((x) => [
      x.id,
      iso(x.start),
      dur(x.end - x.start),
      formatBurnRate(x.peakBurnRate),
      String(Math.round(x.badEvents)),
      pct(x.budgetSpent, 1),
      x.significant ? 'yes' : 'no',
    ]),
  };
}

function comparisonTable(b: SloBacktest): Table {
  const significant = b.burns.filter((x) => x.significant);
  const row = (label: string, cell: (v: VariantResult) => string): string[] => [label, ...b.variants.map(cell)];
  return {
    title: 'Policies compared',
    headers: ['', ...b.variants.map((v) => v.name)],
    rows: [
      row('from', (v) => v.source),
      row('tiers', tiersText),
      row('pages', (v) => String(v.pages)),
      row('tickets', (v) => String(v.tickets)),
      row('held back (a faster tier firing)', (v) => String(v.suppressed)),
      row('false alerts (no threatening burn)', (v) => String(v.falseAlerts)),
      row('threatening burns detected', (v) => `${significant.length - v.missed.length} of ${significant.length}`),
      row('missed', (v) => (v.missed.length === 0 ? 'none' : v.missed.join(', '))),
      ...significant.map((x) =>
        row(`time to detect ${x.id} (${day(x.start)}, ${pct(x.budgetSpent, 1)})`, (v) =>
          detectionText(v.detections.find((d) => d.burn === x.id)),
        ),
      ),
      row('budget policy', (v) => v.budgetPolicy),
      row('days changes restricted', (v) => String(v.restrictedDays)),
      row('days frozen (nothing ships)', (v) => String(v.freezeDays)),
      row('days per level', (v) =>
        Object.entries(v.daysAtLevel)
          .map(([level, n]) => `${level} ${n}`)
          .join(', '),
      ),
    ],
  };
}

function weeksTable(b: SloBacktest): Table {
  const weeks = b.variants[0]?.weeks ?? [];
  const lowest = (from: number): string => {
    const inWeek = b.budget.remaining.filter((_, i) => b.budget.t[i] > from && b.budget.t[i] <= from + WEEK);
    return inWeek.length === 0 ? '-' : pct(Math.min(...inWeek), 1);
  };
  return {
    title: 'Pages / tickets per week, and the lowest period budget left',
    headers: ['week from', ...b.variants.map((v) => v.name), 'budget left (lowest)'],
    rows: weeks.map((w, i) => [
      day(w.start),
      ...b.variants.map((v) => `${v.weeks[i].pages} / ${v.weeks[i].tickets}`),
      lowest(w.start),
    ]),
  };
}

function alertsTable(v: VariantResult): Table {
  const rows = v.alerts.map((a) => [
    a.tier,
    a.severity,
    iso(a.start),
    a.end === undefined ? 'still firing' : dur(a.end - a.start),
    a.notified ? 'sent' : 'held back',
    a.burn ?? `false alert${a.minorBurn ? ` (on ${a.minorBurn}, under the threshold)` : ''}`,
  ]);
  return {
    title: `Alerts under ${v.name}`,
    headers: ['tier', 'severity', 'fired', 'for', 'notification', 'burn'],
    rows: capped(rows, 6),
  };
}

function gateTable(v: VariantResult): Table {
  const rows = v.gateSpans.map((s) => [s.level, iso(s.from), iso(s.to), dur(s.to - s.from + 3600)]);
  return {
    title: `Deploy gate under ${v.name} (ErrorBudgetPolicy ${v.budgetPolicy}, hourly)`,
    headers: ['level', 'from', 'until', 'for about'],
    rows: capped(rows, 4),
  };
}

function notes(b: SloBacktest): string[] {
  const out: string[] = [];
  if (b.budget.completeFrom === undefined)
    out.push(
      `the data never covers a whole ${dur(b.periodSeconds)} period: every budget figure counts only the events it has`,
    );
  else if (b.budget.completeFrom > b.from + 3600)
    out.push(
      `budget figures before ${iso(b.budget.completeFrom)} count less than a whole ${dur(b.periodSeconds)} period of data`,
    );
  const shortest = Math.min(...b.variants.flatMap((v) => v.tiers.map((t) => t.shortWindowSeconds)));
  if (b.stepSeconds > shortest)
    out.push(
      `the data comes in ${dur(b.stepSeconds)} buckets, longer than the shortest alert window (${dur(shortest)}): ` +
        'shorter windows are judged on whole buckets, so detection times come in whole buckets and short bursts read ' +
        'diluted (CloudWatch keeps 1-minute data for 15 days and 5-minute data for 63: back-test recent ranges for finer buckets)',
    );
  // At low traffic a handful of failed requests is a sizable share of the budget: burns of noise then threaten it.
  if (b.oneEventBudget * 3 >= b.significantBudget)
    out.push(
      `one failed request spends ${pct(b.oneEventBudget, 2)} of the budget at this traffic: a few failures in an hour ` +
        `count as a threatening burn (--significant ${pct(b.significantBudget, 0)}); raise --significant, or lengthen ` +
        '--burn-window so that quiet hours are judged on more requests',
    );
  if (b.history.availableSeconds < b.history.neededSeconds)
    out.push(
      `the tier replay had ${dur(b.history.availableSeconds)} of history before the range where the longest window needs ` +
        `${dur(b.history.neededSeconds)}: alerts early in the range may differ from what the alarms raised`,
    );
  return out;
}

function sections(b: SloBacktest): { heading: string; summary: string; notes: string[]; tables: Table[] } {
  const significant = b.burns.filter((x) => x.significant).length;
  return {
    heading: `${b.service}/${b.slo}`,
    summary:
      `objective ${pct(b.objective)} over ${dur(b.periodSeconds)}; ${b.total} events in ${dur(b.stepSeconds)} buckets; ` +
      `${b.burns.length} burn(s), ${significant} threatening the budget; lowest budget left ` +
      `${pct(b.budget.lowest.remaining, 1)} at ${iso(b.budget.lowest.t)}` +
      (b.budget.completeFrom === undefined ? '' : ' (over whole periods of data)'),
    notes: notes(b),
    tables: [
      comparisonTable(b),
      burnsTable(b),
      weeksTable(b),
      ...b.variants.map(alertsTable),
      ...b.variants.map(gateTable),
    ],
  };
}

function rangeText(backtests: readonly SloBacktest[]): string {
  const b = backtests[0];
  if (!b) return 'no SLOs';
  return `${iso(b.from)} .. ${iso(b.to)} (${dur(b.to - b.from)}); policies: ${b.variants.map((v) => v.name).join(' vs ')}`;
}

export function backtestToMarkdown(backtests: readonly SloBacktest[]): string {
  const parts = ['# SLO backtest', '', `Range: ${mdCell(rangeText(backtests))}`];
  for (const b of backtests) {
    const s = sections(b);
    parts.push('', `## ${mdCell(s.heading)}`, '', mdCell(s.summary));
    for (const n of s.notes) parts.push('', `> Note: ${mdCell(n)}`);
    for (const t of s.tables) parts.push('', mdTable(t));
  }
  return `${parts.join('\n')}\n`;
}

function budgetChart(b: SloBacktest): string {
  // Each variant's level boundaries, dashed in its own colour (exhausted is the 0 line).
  const thresholds = b.variants.flatMap((v, i) =>
    v.levels.map((l) => ({
      value: l.remainingBelow,
      label: `${v.name}: ${l.level}`,
      color: PALETTE[(i + 1) % PALETTE.length],
    })),
  );
  return lineChart({
    title: `${dur(b.periodSeconds)} budget left (dashed: policy levels; shaded: threatening burns)`,
    t: b.budget.t,
    lines: [{ name: 'budget left', values: b.budget.remaining, color: PALETTE[0] }],
    thresholds,
    // Threatening burns shaded: the drops in the line are where they spent the budget.
    bands: b.burns
      .filter((x) => x.significant)
      .map((x) => ({ from: x.start, to: x.end, label: x.id, color: '#d62728' })),
    yMax: 1,
    yMin: Math.min(0, ...b.budget.remaining),
    yFormat: (x) => `${(x * 100).toFixed(0)}%`,
  });
}

export function backtestToHtml(backtests: readonly SloBacktest[]): string {
  const body = ['<h1>SLO backtest</h1>', `<p>${escapeXml(rangeText(backtests))}</p>`];
  for (const b of backtests) {
    const s = sections(b);
    body.push(
      `<section><h2>${escapeXml(s.heading)}</h2><p>${escapeXml(s.summary)}</p>`,
      ...s.notes.map((n) => `<p class="note">Note: ${escapeXml(n)}</p>`),
      `<div class="charts">${budgetChart(b)}</div>`,
      ...s.tables.map(htmlTable),
      '</section>',
    );
  }
  return htmlPage(`SLO backtest ${rangeText(backtests)}`, body);
}

export function backtestToJson(backtests: readonly SloBacktest[]): string {
  return `${JSON.stringify({ version: 1, backtests }, null, 2)}\n`;
}

export function formatBacktest(backtests: readonly SloBacktest[], format: BacktestFormat): string {
  if (format === 'html') return backtestToHtml(backtests);
  if (format === 'json') return backtestToJson(backtests);
  return backtestToMarkdown(backtests);
}
