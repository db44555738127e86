/** Terminal and Markdown renderings of the review tables. */
import type { SloReview } from '../analyse';
import { rangeLine, sloSection, summaryTable, type Table } from './tables';

export function textTable(t: Table): string {
  const widths = t.headers.map((h, i) => Math.max(h.length, ...t.rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  const body = t.rows.length === 0 ? ['(none)'] : t.rows.map(line);
  return [t.title, line(t.headers), widths.map((w) => '-'.repeat(w)).join('  '), ...body].join('\n');
}

export function reviewToText(reviews: readonly SloReview[]): string {
  const parts = [`SLO review ${rangeLine(reviews)}`, textTable(summaryTable(reviews))];
  for (const r of reviews) {
    const s = sloSection(r);
    const verdict = `== ${s.heading}: ${s.verdict.level.toUpperCase()} - ${s.verdict.message}`;
    parts.push([verdict, ...s.notes.map((n) => `note: ${n}`)].join('\n'), ...s.tables.map(textTable));
  }
  return `${parts.join('\n\n')}\n`;
}

/** Pipes and backslashes would break a Markdown table cell. */
export function mdCell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function mdTable(t: Table, level = '###'): string {
  const rows = t.rows.length === 0 ? [t.headers.map((_, i) => (i === 0 ? '(none)' : ''))] : t.rows;
  return [
    `${level} ${t.title}`,
    '',
    `| ${t.headers.map(mdCell).join(' | ')} |`,
    `| ${t.headers.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(mdCell).join(' | ')} |`),
  ].join('\n');
}

const BADGE = { ok: '✅', caution: '⚠️', freeze: '🛑' } as const;

export function reviewToMarkdown(reviews: readonly SloReview[]): string {
  const parts = [`# SLO review`, '', `Range: ${rangeLine(reviews)}`, '', mdTable(summaryTable(reviews), '##')];
  for (const r of reviews) {
    const s = sloSection(r);
    parts.push(
      '',
      `## ${mdCell(s.heading)}`,
      '',
      `${BADGE[s.verdict.level]} **${s.verdict.level}**: ${mdCell(s.verdict.message)}`,
      ...s.notes.flatMap((n) => ['', `> Note: ${mdCell(n)}`]),
    );
    for (const t of s.tables) parts.push('', mdTable(t));
  }
  return `${parts.join('\n')}\n`;
}
