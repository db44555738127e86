/**
 * PromQL syntax checking with the Prometheus project's own grammar
 * (`@prometheus-io/lezer-promql`, the parser behind the Prometheus UI), so a
 * query that Prometheus would refuse is a located `sre validate` error instead
 * of a promtool failure after rendering. Queries are templates: Sloth's
 * `{{.window}}` and Grafana's interval variables are replaced by a duration
 * first, and every position found in the parsed text is mapped back to the
 * character the user wrote.
 */
import type * as LezerPromql from '@prometheus-io/lezer-promql' with { 'resolution-mode': 'import' };
import type { At } from './reader';

let grammar: typeof LezerPromql.parser | undefined;
/**
 * Loaded on first use, so what imports core without checking specs (the alert router's
 * Lambda bundle) neither loads nor bundles it. The package is an ES module with a CommonJS
 * build behind its `require` export, but declares its types for `import` only.
 */
function promqlParser(): typeof LezerPromql.parser {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  grammar ??= (require('@prometheus-io/lezer-promql') as typeof LezerPromql).parser;
  return grammar;
}

/**
 * The placeholders each kind of query template may hold, all of them ranges:
 * Sloth's window (any spacing, as `withWindow` substitutes it when rendering) and
 * Grafana's built-in interval variables (`$__rate_interval`, `${__interval}`, `$__range`).
 */
const PLACEHOLDERS = {
  sloth: /\{\{\s*\.window\s*\}\}/g,
  grafana: /\$(?:__(?:rate_interval|interval|range)\b|\{__(?:rate_interval|interval|range)\})/g,
} as const;
export type PromqlTemplate = keyof typeof PLACEHOLDERS;
/** What a placeholder becomes while parsing: any valid range does. */
const STAND_IN = '5m';

export interface PromqlSyntaxError {
  /** Index into the query as written (before placeholder substitution). */
  readonly index: number;
  readonly message: string;
  readonly hint: string;
}

interface Substituted {
  readonly text: string;
  /** Index in `text` -> index in the query as written. */
  readonly original: (index: number) => number;
}

function substitute(query: string, placeholder: RegExp): Substituted {
  const pieces: { textFrom: number; origFrom: number; origLength: number }[] = [];
  let text = '';
  let at = 0;
  for (const m of query.matchAll(placeholder)) {
    text += query.slice(at, m.index);
    pieces.push({ textFrom: text.length, origFrom: m.index, origLength: m[0].length });
    text += STAND_IN;
    at = m.index + m[0].length;
  }
  text += query.slice(at);
  const original = (index: number): number => {
    let shift = 0;
    for (const piece of pieces) {
      if (index < piece.textFrom) break;
      // Inside a stand-in: point at the placeholder itself.
      if (index < piece.textFrom + STAND_IN.length) return piece.origFrom;
      shift = piece.origFrom + piece.origLength - (piece.textFrom + STAND_IN.length);
    }
    return index + shift;
  };
  return { text, original };
}

const OPENERS: Readonly<Record<string, string>> = { '(': ')', '[': ']', '{': '}' };
const CLOSERS = new Set(Object.values(OPENERS));

/**
 * The first bracket that does not pair up, outside string literals and comments:
 * a parser reports an unclosed `(` only at the end of the query, while the user
 * needs to see the bracket that was never closed.
 */
function unpairedBracket(text: string): { index: number; message: string; hint: string } | undefined {
  const open: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"' || c === "'" || c === '`') {
      for (i++; i < text.length && text[i] !== c; i++) if (text[i] === '\\' && c !== '`') i++;
    } else if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c in OPENERS) open.push(i);
    else if (CLOSERS.has(c)) {
      const opener = open.pop();
      if (opener === undefined)
        return { index: i, message: `"${c}" closes nothing`, hint: `remove it or add the "(" it closes` };
      if (OPENERS[text[opener]] !== c) {
        return {
          index: i,
          message: `"${c}" closes the "${text[opener]}" opened before it`,
          hint: `close "${text[opener]}" with "${OPENERS[text[opener]]}" first`,
        };
      }
    }
  }
  const unclosed = open.at(-1);
  if (unclosed === undefined) return undefined;
  const opener = text[unclosed];
  return { index: unclosed, message: `"${opener}" is never closed`, hint: `add the matching "${OPENERS[opener]}"` };
}

/** The first syntax error of a PromQL query template, or undefined when Prometheus' grammar accepts it. */
export function promqlSyntaxError(query: string, template: PromqlTemplate): PromqlSyntaxError | undefined {
  const { text, original } = substitute(query, PLACEHOLDERS[template]);
  let errorAt: number | undefined;
  promqlParser()
    .parse(text)
    .iterate({
      enter: (node) => {
        if (errorAt !== undefined) return false;
        if (node.type.isError) errorAt = node.from;
        return undefined;
      },
    });
  if (errorAt === undefined) return undefined;
  const bracket = unpairedBracket(text);
  if (bracket)
    return { ...bracket, message: `PromQL syntax error: ${bracket.message}`, index: original(bracket.index) };
  // The grammar knows PromQL's function names: `name(` it cannot place is a function it does not know.
  const call = text[errorAt] === '(' ? /([A-Za-z_][A-Za-z0-9_]*)\s*$/.exec(text.slice(0, errorAt)) : null;
  if (call)
    return {
      index: original(call.index),
      message: `PromQL syntax error: "${call[1]}" is not a PromQL function`,
      hint: 'see https://prometheus.io/docs/prometheus/latest/querying/functions/',
    };
  const rest = text.slice(errorAt).trimStart();
  const near = rest === '' ? 'the query ends too early' : `unexpected "${rest.split(/\s/)[0].slice(0, 20)}"`;
  return {
    index: original(errorAt + (text.slice(errorAt).length - rest.length)),
    message: `PromQL syntax error: ${near}`,
    hint: 'the query must parse as Prometheus does (check it with promtool or the Prometheus query page)',
  };
}

/**
 * Reports a syntax error of the PromQL query in `at` at its own line and column.
 * Grafana queries using dashboard variables other than the interval ones are
 * skipped: their expansion is only known to the dashboard.
 */
export function checkPromql(at: At, query: string, template: PromqlTemplate): void {
  if (template === 'grafana' && query.replace(PLACEHOLDERS.grafana, '').includes('$')) return;
  const problem = promqlSyntaxError(query, template);
  if (problem) at.errorInValue(problem.index, problem.message, problem.hint);
}
