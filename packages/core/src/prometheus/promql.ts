/**
 * Small PromQL text helpers shared by the rule generator and its tests. The
 * number formatting follows Go's `%v` for float64 because Sloth prints its
 * factors with Go templates: matching it keeps generated rules comparable with
 * Sloth's output for the same spec (0.0009999999999999432, 1e-05, ...).
 */
import { formatDuration } from '../duration';

/** Go's `%v` (strconv 'g', shortest) for a float64: exponent form below 1e-4 and from 1e6 up. */
export function goFloat(x: number): string {
  if (!Number.isFinite(x)) throw new RangeError(`not a finite number: ${x}`);
  if (x === 0) return '0';
  const [mantissa, exponentText] = x.toExponential().split('e');
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 6) {
    const sign = exponent < 0 ? '-' : '+';
    return `${mantissa}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  // Inside this range JavaScript and Go both print the shortest round-trip digits without an exponent.
  return String(x);
}

/** A duration as Prometheus writes it (`5m`, `1d12h`, `30d`). */
export function promDuration(seconds: number): string {
  return formatDuration(seconds);
}

/** Replaces Sloth's `{{.window}}` (any spacing) with a Prometheus duration. */
export function withWindow(query: string, seconds: number): string {
  return query.replace(/\{\{\s*\.window\s*\}\}/g, promDuration(seconds));
}

/** True when a query mentions the window placeholder, which every windowed SLI query needs. */
export function hasWindowPlaceholder(query: string): boolean {
  return /\{\{\s*\.window\s*\}\}/.test(query);
}

function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** `{a="1", b="2"}` with keys sorted, as Sloth writes its SLO id filters. */
export function labelFilter(labels: Readonly<Record<string, string>>): string {
  const parts = Object.keys(labels)
    .sort()
    .map((k) => `${k}="${escapeLabelValue(labels[k])}"`);
  return `{${parts.join(', ')}}`;
}

/**
 * Collapses insignificant whitespace so two renderings of the same PromQL
 * compare equal: runs of whitespace become one space, and no space is kept
 * next to brackets or commas. String literals are left untouched.
 */
export function normalisePromql(expr: string): string {
  let out = '';
  let i = 0;
  while (i < expr.length) {
    const c = expr[i];
    if (c === '"' || c === "'" || c === '`') {
      let j = i + 1;
      while (j < expr.length && expr[j] !== c) j += expr[j] === '\\' ? 2 : 1;
      out += expr.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    if (/\s/.test(c)) {
      while (i < expr.length && /\s/.test(expr[i])) i++;
      const next = expr[i] ?? '';
      if (out !== '' && next !== '' && !TIGHT.has(out[out.length - 1]) && !TIGHT.has(next)) out += ' ';
      continue;
    }
    out += c;
    i++;
  }
  return out;
}

/** Characters next to which whitespace never matters in PromQL. */
const TIGHT = new Set(['(', ')', '{', '}', '[', ']', ',']);
