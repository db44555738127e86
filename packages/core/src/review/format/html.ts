/**
 * A self-contained HTML review: inline CSS and SVG only (no script, no CDN),
 * every text from data escaped.
 */
import type { SloReview } from '../analyse';
import { escapeXml, lineChart } from './svg';
import { dur, rangeLine, sloSection, summaryTable, type Table } from './tables';

const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#7f7f7f'];
const LEVEL_COLOR = { ok: '#2ca02c', caution: '#e6a100', freeze: '#d62728' } as const;

export function htmlTable(t: Table): string {
  const head = t.headers.map((h) => `<th>${escapeXml(h)}</th>`).join('');
  const rows =
    t.rows.length === 0
      ? `<tr><td colspan="${t.headers.length}">(none)</td></tr>`
      : t.rows.map((r) => `<tr>${r.map((c) => `<td>${escapeXml(c)}</td>`).join('')}</tr>`).join('');
  return `<h3>${escapeXml(t.title)}</h3><table><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table>`;
}

function charts(r: SloReview): string {
  const c = r.chart;
  const sliValues = [...c.sli.filter((v): v is number => v !== null), r.objective];
  const sli = lineChart({
    title: 'SLI vs objective',
    t: c.t,
    lines: [{ name: 'SLI', values: c.sli, color: PALETTE[0] }],
    thresholds: [{ value: r.objective, label: `objective ${(r.objective * 100).toFixed(3)} %`, color: '#d62728' }],
    yMin: Math.max(0, Math.min(...sliValues) - (1 - r.objective)),
    yMax: 1,
    yFormat: (v) => `${(v * 100).toFixed(2)}%`,
  });
  const budget = lineChart({
    title: 'Error budget of the SLO period remaining (burn-down over the range)',
    t: c.t,
    lines: [{ name: 'budget left', values: c.budgetRemaining, color: PALETTE[2] }],
    thresholds: [{ value: 0, label: 'exhausted', color: '#d62728' }],
    yMax: 1,
    yMin: Math.min(0, ...c.budgetRemaining),
    yFormat: (v) => `${(v * 100).toFixed(0)}%`,
  });
  const windows = Object.keys(c.burnRates).map(Number);
  const burn = lineChart({
    title: 'Burn rate per window (dashed: tier thresholds)',
    t: c.t,
    lines: windows.map((w, i) => ({
      name: dur(w),
      values: c.burnRates[String(w)],
      color: PALETTE[i % PALETTE.length],
    })),
    thresholds: r.tiers.map((t) => ({
      value: t.burnRate,
      label: `${t.tier} x${t.burnRate}`,
      color: t.severity === 'page' ? '#d62728' : '#e6a100',
    })),
    yMin: 0,
    yFormat: (v) => `x${v.toFixed(1)}`,
  });
  return `<div class="charts">${sli}${budget}${burn}</div>`;
}

export function reviewToHtml(reviews: readonly SloReview[]): string {
  const sections = reviews.map((r) => {
    const s = sloSection(r);
    return (
      `<section><h2>${escapeXml(s.heading)}</h2>` +
      `<p class="verdict" style="border-color:${LEVEL_COLOR[s.verdict.level]}"><b>${s.verdict.level}</b>: ${escapeXml(s.verdict.message)}</p>` +
      s.notes.map((n) => `<p class="note">Note: ${escapeXml(n)}</p>`).join('') +
      charts(r) +
      s.tables.map(htmlTable).join('') +
      `</section>`
    );
  });
  return htmlPage(`SLO review ${rangeLine(reviews)}`, [
    `<h1>SLO review</h1><p>${escapeXml(rangeLine(reviews))}</p>`,
    htmlTable(summaryTable(reviews)),
    ...sections,
  ]);
}

/** A whole self-contained page: the reports' one stylesheet inline, `title` escaped, `body` already HTML. */
export function htmlPage(title: string, body: readonly string[]): string {
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeXml(title)}</title>`,
    '<style>body{font:14px system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:.5em 0 1em}' +
      'th,td{border:1px solid #ccc;padding:3px 8px;text-align:left}th{background:#f4f4f4}' +
      '.verdict{border-left:6px solid;padding:4px 10px;background:#fafafa}.charts svg{display:block;margin:8px 0}.note{color:#8a5a00}</style>',
    '</head><body>',
    ...body,
    '</body></html>',
    '',
  ].join('\n');
}
