/**
 * The file source of `sre review`: good/total counts per SLO and time bucket,
 * as CSV or JSON. Parsing is line-oriented so a month of one-minute data for
 * fifty SLOs (two million rows) streams through without holding the text.
 *
 * CSV: a header `slo,timestamp,good,total`, then one row per SLO and bucket.
 * JSON: `{"series": {"<slo>": [{"t": ..., "good": n, "total": n}, ...]}}`.
 * Timestamps are ISO 8601 (`2026-11-01T00:00:00Z`) or epoch seconds; a row's
 * timestamp is the start of its bucket.
 */
import type { SeriesPoint } from '../math/budget';

export interface DataProblem {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly path: string;
  readonly message: string;
  readonly hint?: string;
}

export class DataFileError extends Error {
  constructor(readonly problems: readonly DataProblem[]) {
    super(problems.map(formatDataProblem).join('\n'));
    this.name = 'DataFileError';
  }
}

export function formatDataProblem(p: DataProblem): string {
  return `${p.file}:${p.line}:${p.col}: ${p.path}: ${p.message}${p.hint ? ` (${p.hint})` : ''}`;
}

/** Columnar series per SLO: three parallel number arrays keep two million points in a few dozen MB. */
export class SeriesTable {
  private readonly columns = new Map<string, { t: number[]; good: number[]; total: number[] }>();

  add(slo: string, t: number, good: number, total: number): void {
    let c = this.columns.get(slo);
    if (!c) this.columns.set(slo, (c = { t: [], good: [], total: [] }));
    c.t.push(t);
    c.good.push(good);
    c.total.push(total);
  }

  get sloNames(): string[] {
    return [...this.columns.keys()];
  }

  has(slo: string): boolean {
    return this.columns.has(slo);
  }

  /**
   * The SLO's points sorted by time, restricted to [from, to) when given;
   * duplicate timestamps are summed (two files, or two metrics per bucket).
   */
  series(slo: string, from = -Infinity, to = Infinity): SeriesPoint[] {
    const c = this.columns.get(slo);
    if (!c) return [];
    const order = c.t.map((_, i) => i).filter((i) => c.t[i] >= from && c.t[i] < to);
    order.sort((a, b) => c.t[a] - c.t[b]);
    const out: SeriesPoint[] = [];
    for (const i of order) {
      const last = out[out.length - 1];
      if (last && last.t === c.t[i])
        out[out.length - 1] = { t: last.t, good: last.good + c.good[i], total: last.total + c.total[i] };
      else out.push({ t: c.t[i], good: c.good[i], total: c.total[i] });
    }
    return out;
  }

  /** Frees an SLO's columns once it has been reviewed. */
  drop(slo: string): void {
    this.columns.delete(slo);
  }
}

/** Epoch seconds from ISO 8601 or a number of seconds; undefined when neither. */
export function parseTimestamp(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms / 1000;
}

const CSV_HEADER = ['slo', 'timestamp', 'good', 'total'];

/** Feeds CSV lines one at a time; problems are collected (up to a limit) and thrown by `finish`. */
export class CsvSeriesParser {
  private readonly problems: DataProblem[] = [];
  private header?: Map<string, number>;
  private lineNo = 0;

  constructor(
    private readonly file: string,
    readonly table = new SeriesTable(),
    private readonly maxProblems = 20,
  ) {}

  line(raw: string): void {
    this.lineNo++;
    if (this.standardOrder && this.fastRow(raw)) return;
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (text.trim() === '' || text.startsWith('#')) return;
    const cells = text.split(',').map((c) => c.trim());
    if (!this.header) {
      this.readHeader(cells);
      return;
    }
    const at = (name: string): string => cells[this.header?.get(name) ?? -1] ?? '';
    const colOf = (name: string): number =>
      cells.slice(0, this.header?.get(name) ?? 0).reduce((n, c) => n + c.length + 1, 1);
    const slo = at('slo');
    if (slo === '') return this.problem(colOf('slo'), 'slo', 'empty SLO name', 'name the SLO as in its spec');
    const t = parseTimestamp(at('timestamp'));
    if (t === undefined)
      return this.problem(
        colOf('timestamp'),
        'timestamp',
        `not a timestamp: "${at('timestamp')}"`,
        'use ISO 8601 or epoch seconds',
      );
    const good = Number(at('good'));
    const total = Number(at('total'));
    if (at('good') === '' || !(good >= 0))
      return this.problem(colOf('good'), 'good', `not a count: "${at('good')}"`, 'a number >= 0');
    if (at('total') === '' || !(total >= 0))
      return this.problem(colOf('total'), 'total', `not a count: "${at('total')}"`, 'a number >= 0');
    if (good > total)
      return this.problem(
        colOf('good'),
        'good',
        `good (${good}) exceeds total (${total})`,
        'good events are a subset of all events',
      );
    this.table.add(slo, t, good, total);
  }

  finish(): SeriesTable {
    if (!this.header && this.problems.length === 0)
      this.problem(1, 'header', 'no header row', `start the file with "${CSV_HEADER.join(',')}"`);
    if (this.problems.length > 0) throw new DataFileError(this.problems);
    return this.table;
  }

  /** True once the header is exactly `slo,timestamp,good,total`: rows then take the allocation-light path. */
  private standardOrder = false;

  /**
   * Two million rows spend most of their time allocating cells; a well-formed row in the standard column order
   * is parsed with indexOf instead. Anything unusual returns false and takes the general path (and its errors).
   */
  private fastRow(raw: string): boolean {
    const a = raw.indexOf(',');
    const b = raw.indexOf(',', a + 1);
    const c = raw.indexOf(',', b + 1);
    if (a <= 0 || b < 0 || c < 0 || raw.indexOf(',', c + 1) >= 0) return false;
    const tText = raw.slice(a + 1, b);
    const t = /^\d+$/.test(tText) ? Number(tText) : undefined;
    const goodText = raw.slice(b + 1, c);
    const totalText = raw.slice(c + 1);
    const good = goodText === '' ? NaN : Number(goodText);
    const total = totalText === '' ? NaN : Number(totalText);
    if (t === undefined || !(good >= 0) || !(total >= good)) return false;
    // Comments and names with surrounding blanks go the general way (which skips or trims them).
    if (raw.charCodeAt(0) === 35 || raw.charCodeAt(0) === 32 || raw.charCodeAt(a - 1) === 32) return false;
    this.table.add(raw.slice(0, a), t, good, total);
    return true;
  }

  private readHeader(cells: string[]): void {
    this.standardOrder = cells.join(',').toLowerCase() === CSV_HEADER.join(',');
    const header = new Map(cells.map((c, i) => [c.toLowerCase(), i]));
    const missing = CSV_HEADER.filter((c) => !header.has(c));
    if (missing.length > 0)
      this.problem(1, 'header', `missing column(s) ${missing.join(', ')}`, `the header is "${CSV_HEADER.join(',')}"`);
    this.header = header;
  }

  private problem(col: number, path: string, message: string, hint?: string): void {
    if (this.problems.length < this.maxProblems)
      this.problems.push({ file: this.file, line: this.lineNo, col, path, message, hint });
  }
}

/** Parses the JSON form; every problem names the JSON path of the bad value. */
export function parseJsonSeries(file: string, text: string, table = new SeriesTable()): SeriesTable {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new DataFileError([{ file, line: 1, col: 1, path: '$', message: `invalid JSON: ${(err as Error).message}` }]);
  }
  const problems: DataProblem[] = [];
  const problem = (path: string, message: string, hint?: string): void => {
    if (problems.length < 20) problems.push({ file, line: 1, col: 1, path, message, hint });
  };
  const series = (doc as { series?: unknown } | null)?.series;
  if (typeof series !== 'object' || series === null || Array.isArray(series)) {
    problem('series', 'missing object "series"', 'write {"series": {"<slo>": [{"t": ..., "good": n, "total": n}]}}');
    throw new DataFileError(problems);
  }
  for (const [slo, points] of Object.entries(series as Record<string, unknown>)) {
    if (!Array.isArray(points)) {
      problem(`series.${slo}`, 'not an array of points');
      continue;
    }
    points.forEach((p: unknown, i) => {
      const path = `series.${slo}[${i}]`;
      const point = p as { t?: unknown; good?: unknown; total?: unknown } | null;
      const t = typeof point?.t === 'string' || typeof point?.t === 'number' ? parseTimestamp(point.t) : undefined;
      if (t === undefined) return problem(`${path}.t`, 'not a timestamp', 'ISO 8601 or epoch seconds');
      const { good, total } = point as { good: unknown; total: unknown };
      if (typeof good !== 'number' || good < 0) return problem(`${path}.good`, 'not a count >= 0');
      if (typeof total !== 'number' || total < 0) return problem(`${path}.total`, 'not a count >= 0');
      if (good > total) return problem(`${path}.good`, `good (${good}) exceeds total (${total})`);
      table.add(slo, t, good, total);
    });
  }
  if (problems.length > 0) throw new DataFileError(problems);
  return table;
}
