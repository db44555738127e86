/**
 * PromQL in specs is parsed with Prometheus' grammar, and a syntax error is
 * reported at the character of the query it concerns, in the YAML file, whatever
 * the scalar style. Expected positions are computed from the fixture text.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { formatDiagnostic, loadSpecFiles, loadSpecTexts, promqlSyntaxError, type Diagnostic } from '../src/spec';
import { dashboardWithQuery as dashboard, slo, slothWithErrorQuery } from './spec-errors/builders';

const FILE = 'bad.yaml';

/** 1-based line and column of the `occurrence`-th `needle` (1 = first) in `text`. */
function positionOf(text: string, needle: string, occurrence = 1): { line: number; col: number } {
  let index = -1;
  for (let n = 0; n < occurrence; n++) {
    index = text.indexOf(needle, index + 1);
    if (index < 0) throw new Error(`fixture has no ${needle}`);
  }
  const before = text.slice(0, index).split('\n');
  return { line: before.length, col: before[before.length - 1].length + 1 };
}

function promqlErrors(text: string): Diagnostic[] {
  return loadSpecTexts([{ file: FILE, text }]).diagnostics.filter((d) => d.message.startsWith('PromQL'));
}

function openSloWithBadQuery(query: string): string {
  return slo({
    [`          metricSource:
            type: CloudWatch
            spec:
              namespace: AWS/ApplicationELB
              metricName: HTTPCode_Target_5XX_Count
              dimensions: { LoadBalancer: app/api/1 }
              stat: Sum
`]: `          metricSource:
            type: Prometheus
            spec:
              query: ${query}
`,
  });
}

// `sum(` is never closed: the error belongs on that parenthesis, not at the end of the query.
const STYLES: [string, string][] = [
  ['plain', 'sum(rate(http_requests_total{code=~"5.."}[{{.window}}])'],
  ['double-quoted', '"sum(rate(http_requests_total{code=~\\"5..\\"}[{{.window}}])"'],
  ['single-quoted', `'sum(rate(http_requests_total{code=~''5..''}[{{.window}}])'`],
  ['literal block', '|\n                sum by (route) (\n                  rate(http_requests_total[{{.window}}])'],
  ['folded block', '>-\n                sum(\n                  rate(http_requests_total[{{.window}}])'],
];

describe('PromQL syntax errors are located in the YAML file', () => {
  it.each(STYLES)('an unclosed parenthesis in an OpenSLO %s query points at it', (_style, query) => {
    const text = openSloWithBadQuery(query);
    const errors = promqlErrors(text);
    expect(errors.map(formatDiagnostic)).toHaveLength(1);
    const opener = query.includes('sum by') ? 'sum by (route) (' : 'sum(';
    const at = positionOf(text, opener);
    expect(errors[0]).toMatchObject({
      file: FILE,
      line: at.line,
      col: at.col + opener.length - 1,
      path: 'spec.indicator.spec.ratioMetric.bad.metricSource.spec.query',
      message: 'PromQL syntax error: "(" is never closed',
      hint: 'add the matching ")"',
    });
  });

  it.each(STYLES)('an unclosed parenthesis in a Sloth %s error_query points at it', (_style, query) => {
    const text = slothWithErrorQuery(query.replace(/\n {16}/g, '\n          '));
    const errors = promqlErrors(text);
    expect(errors).toHaveLength(1);
    const opener = query.includes('sum by') ? 'sum by (route) (' : 'sum(';
    const at = positionOf(text, opener);
    expect(formatDiagnostic(errors[0])).toBe(
      `${FILE}:${at.line}:${at.col + opener.length - 1}: slos[0].sli.events.error_query: PromQL syntax error: "(" is never closed (add the matching ")")`,
    );
  });

  it('maps positions after a {{.window}} placeholder back to what was written', () => {
    const text = slothWithErrorQuery('sum(rate(x[{{ .window }}])) bogus');
    const [error] = promqlErrors(text);
    expect(error).toMatchObject({ ...positionOf(text, 'bogus'), message: 'PromQL syntax error: unexpected "bogus"' });
  });

  it('names a function Prometheus does not have, at its name', () => {
    const text = slothWithErrorQuery('sum(rates(http_requests_total{code="500"}[{{.window}}]))');
    const [error] = promqlErrors(text);
    expect(error).toMatchObject({
      ...positionOf(text, 'rates('),
      message: 'PromQL syntax error: "rates" is not a PromQL function',
    });
  });

  it('points at a closing bracket that closes nothing, after escapes in a double-quoted query', () => {
    const text = slothWithErrorQuery('"sum(rate(x{path=\\"/a\\\\\\"b\\"}[{{.window}}])))"');
    const [error] = promqlErrors(text);
    expect(error).toMatchObject({ ...positionOf(text, ')', 3), message: 'PromQL syntax error: ")" closes nothing' });
  });

  it('checks the Prometheus queries of dashboard specs with Grafana interval variables', () => {
    const good = dashboard('sum(rate(http_requests_total[$__rate_interval]))');
    const bad = dashboard('sum(rate(http_requests_total[$__rate_interval])');
    const withVariable = dashboard('sum(rate($metric[$__rate_interval])'); // expansion unknown: not judged
    expect(loadSpecTexts([{ file: FILE, text: good }]).diagnostics.map(formatDiagnostic)).toEqual([]);
    expect(promqlErrors(bad)).toMatchObject([positionOf(bad, 'sum(')].map((p) => ({ ...p, col: p.col + 3 })));
    expect(promqlErrors(withVariable)).toEqual([]);
  });
});

describe('promqlSyntaxError follows the Prometheus grammar', () => {
  it.each([
    'sum by (route) (rate(http_requests_total{status=~"5.."}[{{.window}}]))',
    'histogram_quantile(0.99, sum by (le) (rate(x_bucket[{{.window}}]))) > 0.3',
    '1 - (sum(rate(ok[{{.window}}])) / sum(rate(all[{{.window}}])))',
    'sum(rate(x[{{.window}}] offset 1h)) and on() vector(1)',
  ])('accepts %s', (query) => {
    expect(promqlSyntaxError(query, 'sloth')).toBeUndefined();
  });

  it.each([
    ['sum(rate(x[{{.window}}]) +', /ends too early|never closed/],
    ['rate(x[{{.window}}]) +', /ends too early/],
    ['sum(rate(x[{{.window}})])', /"\)" closes the "\["/],
    ['rate(x{a="b"[{{.window}}])', /"\[" .*|"\{" is never closed|closes/],
    ['sum rate(x[{{.window}}])', /unexpected/],
  ])('rejects %s', (query, message) => {
    expect(promqlSyntaxError(query, 'sloth')?.message).toMatch(message);
  });
});

describe('specs written elsewhere still validate', () => {
  // The CI clone has shared/ next to the repository folder; a worktree elsewhere names it.
  const CORPUS = process.env.SRE_KIT_CORPUS ?? join(__dirname, '../../../../shared/corpus');
  const ROOT = join(__dirname, '../../..');
  const files = [
    ...['openslo', 'sloth', 'sloth/windows'].flatMap((dir) =>
      readdirSync(join(CORPUS, dir))
        .filter((f) => /\.ya?ml$/.test(f))
        .map((f) => join(CORPUS, dir, f)),
    ),
    join(ROOT, 'slos'),
    join(ROOT, 'alarms'),
  ];

  it('every PromQL query of the corpus and of slos/ parses, and none is reported', async () => {
    const queries: string[] = [];
    for (const file of files) {
      const set = await loadSpecFiles([file]);
      expect(set.diagnostics.filter((d) => d.message.startsWith('PromQL')).map(formatDiagnostic)).toEqual([]);
      for (const s of set.slos) {
        const sources =
          s.indicator.kind === 'ratio'
            ? [s.indicator.bad ?? s.indicator.good, s.indicator.total]
            : s.indicator.kind === 'rawErrorRatio'
              ? [s.indicator.errorRatio]
              : [];
        for (const source of sources) if (source?.type === 'Prometheus') queries.push(source.query);
      }
    }
    // The check ran on real queries, and they really are valid PromQL.
    expect(queries.length).toBeGreaterThanOrEqual(10);
    for (const query of queries) expect(promqlSyntaxError(query, 'sloth')).toBeUndefined();
  });
});
