/**
 * The edges of the PromQL syntax check of spec queries, as `sre validate` shows them: which character of a
 * multi-line query the diagnostic points at (line and column in the YAML file), what it names, and what it
 * quotes of the rest of the query. PromQL strings and comments hide brackets, `{{.window}}` stands for a
 * range, and the end of the text is where a parser finds what is missing. Positions come from the fixture text.
 */
import { formatDiagnostic, loadSpecTexts, promqlSyntaxError } from '../src/spec';
import { dashboardWithQuery as dashboard, slothWithErrorQuery } from './spec-errors/builders';

const FILE = 'slo.yaml';
const PATH = 'slos[0].sli.events.error_query';
const PARSE_HINT = 'the query must parse as Prometheus does (check it with promtool or the Prometheus query page)';

/** `line:col` (1-based) of the `occurrence`-th `needle` in `text`, moved `shift` characters to the right. */
function where(text: string, needle: string, shift = 0, occurrence = 1): string {
  let index = -1;
  for (let n = 0; n < occurrence; n++) {
    index = text.indexOf(needle, index + 1);
    if (index < 0) throw new Error(`fixture has no ${needle}`);
  }
  const before = text.slice(0, index + shift).split('\n');
  return `${before.length}:${before[before.length - 1].length + 1}`;
}

/** `lines` as a YAML block scalar under error_query: `|` keeps the final newline, `|-` strips it. */
function block(lines: string[], indicator: '|' | '|-' = '|'): string {
  return `${indicator}\n${lines.map((line) => `          ${line}`).join('\n')}`;
}

/** The PromQL diagnostics of a spec, as `sre validate` prints them. */
function promqlErrors(text: string): string[] {
  return loadSpecTexts([{ file: FILE, text }])
    .diagnostics.filter((d) => d.message.startsWith('PromQL'))
    .map(formatDiagnostic);
}

function printed(position: string, message: string, hint: string): string {
  return `${FILE}:${position}: ${PATH}: PromQL syntax error: ${message} (${hint})`;
}

describe('brackets inside PromQL strings are text, not brackets', () => {
  it.each([
    ['a double-quoted value with a bracket', 'sum(rate(http_requests_total{path="/a(b"}[{{.window}}])'],
    ['a single-quoted value with a bracket', "sum(rate(http_requests_total{path='/a(b'}[{{.window}}])"],
    // A raw string has no escapes: its final backslash does not hide the closing backquote.
    ['a back-quoted value ending in a backslash', 'sum(rate(http_requests_total{path=~`C:\\`}[{{.window}}])'],
  ])('after %s, the unclosed sum( is reported', (_case, query) => {
    const text = slothWithErrorQuery(query);
    expect(promqlErrors(text)).toEqual([
      printed(where(text, 'sum(', 3), '"(" is never closed', 'add the matching ")"'),
    ]);
  });

  it('a string left open runs to the end of the query, hiding the brackets after it', () => {
    const text = slothWithErrorQuery('sum(rate(http_requests_total{path="/a}[{{.window}}]))');
    expect(promqlErrors(text)).toEqual([printed(where(text, '{path'), '"{" is never closed', 'add the matching "}"')]);
  });
});

describe('a # comment in a multi-line query hides brackets up to the end of its line', () => {
  it('a bracket in a comment is not the unclosed one', () => {
    const text = slothWithErrorQuery(
      block(['sum by (route) (  # 5xx only (no 4xx', '  rate(http_requests_total{code=~"5.."}[{{.window}}])']),
    );
    expect(promqlErrors(text)).toEqual([printed(where(text, '(  #'), '"(" is never closed', 'add the matching ")"')]);
  });

  it('the line after a comment is checked: its unclosed sum( is reported there', () => {
    const text = slothWithErrorQuery(
      block([
        'sum(rate(http_requests_total{code=~"5.."}[{{.window}}]))  # errors',
        '  / sum(rate(http_requests_total[{{.window}}])',
      ]),
    );
    expect(promqlErrors(text)).toEqual([
      printed(where(text, 'sum(', 3, 2), '"(" is never closed', 'add the matching ")"'),
    ]);
  });

  it('a comment may end the query, without a final newline', () => {
    const text = slothWithErrorQuery(block(['sum(', '  rate(http_requests_total[{{.window}}])  # per route'], '|-'));
    expect(promqlErrors(text)).toEqual([
      printed(where(text, 'sum(', 3), '"(" is never closed', 'add the matching ")"'),
    ]);
  });
});

describe('a diagnostic next to a {{.window}} placeholder points at what was written', () => {
  it('a unit written after the placeholder (which has its own) is pointed at, just after the placeholder', () => {
    const text = slothWithErrorQuery('sum(rate(http_requests_total[{{.window}}m]))');
    expect(promqlErrors(text)).toEqual([printed(where(text, '}}m', 2), 'unexpected "m]))"', PARSE_HINT)]);
  });

  it('a placeholder where a range selector is missing is pointed at its first character', () => {
    const text = slothWithErrorQuery('sum(rate(http_requests_total {{.window}}))');
    const errors = promqlErrors(text);
    expect(errors).toHaveLength(1);
    // What the message quotes of the placeholder is not stated here: only where it points.
    const located = `${FILE}:${where(text, '{{.window}}))')}: ${PATH}: PromQL syntax error: `;
    expect(errors[0].slice(0, located.length)).toBe(located);
  });
});

describe('what the diagnostic says', () => {
  it('a closing bracket that closes nothing: remove it, or add its opener', () => {
    const text = slothWithErrorQuery('sum(rate(http_requests_total[{{.window}}])))');
    expect(promqlErrors(text)).toEqual([
      printed(where(text, ')))', 2), '")" closes nothing', 'remove it or add the "(" it closes'),
    ]);
  });

  it('a closing bracket of the wrong kind: close the open one with its own first', () => {
    const text = slothWithErrorQuery('sum(rate(http_requests_total[{{.window}})])');
    expect(promqlErrors(text)).toEqual([
      printed(where(text, '}})', 2), '")" closes the "[" opened before it', 'close "[" with "]" first'),
    ]);
  });

  it('a function Prometheus does not have links to the list of those it has', () => {
    const text = slothWithErrorQuery('sum(rates(http_requests_total[{{.window}}]))');
    expect(promqlErrors(text)).toEqual([
      printed(
        where(text, 'rates('),
        '"rates" is not a PromQL function',
        'see https://prometheus.io/docs/prometheus/latest/querying/functions/',
      ),
    ]);
  });

  it('an unexpected token is quoted up to 20 characters', () => {
    const text = slothWithErrorQuery('sum(rate(http_requests_total[{{.window}}])) http_requests_total_by_route');
    expect(promqlErrors(text)).toEqual([
      printed(where(text, 'http_requests_total_by'), 'unexpected "http_requests_total_"', PARSE_HINT),
    ]);
  });

  it('an unexpected token on the last line of a literal block (which ends with a newline) is pointed at', () => {
    const text = slothWithErrorQuery(block(['sum(rate(http_requests_total[{{.window}}]))', '  bogus']));
    expect(promqlErrors(text)).toEqual([printed(where(text, 'bogus'), 'unexpected "bogus"', PARSE_HINT)]);
  });

  it('an invisible U+FEFF pasted into a query: the diagnostic points past it, at the next token', () => {
    const query = 'sum(rate(ok[5m]))\uFEFF / sum(rate(all[5m]))';
    expect(promqlSyntaxError(query, 'sloth')).toEqual({
      index: query.indexOf('/'),
      message: 'PromQL syntax error: unexpected "/"',
      hint: PARSE_HINT,
    });
  });
});

describe('Grafana queries', () => {
  const errorsOf = (text: string) =>
    loadSpecTexts([{ file: FILE, text }]).diagnostics.filter((d) => d.message.startsWith('PromQL'));

  it('with only interval variables are checked; with a dashboard variable, they are left to the dashboard', () => {
    const bad = dashboard('sum(rate(http_requests_total[$__rate_interval])');
    expect(errorsOf(bad).map(formatDiagnostic)).toEqual([
      `${FILE}:${where(bad, 'sum(', 3)}: spec.widgets[0].queries[0].prometheus: PromQL syntax error: "(" is never closed (add the matching ")")`,
    ]);
    expect(errorsOf(dashboard('sum(rate(http_requests_total{job="$job"}[$__rate_interval])'))).toEqual([]);
  });
});
