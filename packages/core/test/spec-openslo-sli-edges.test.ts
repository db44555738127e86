/**
 * Edges of OpenSLO indicators (inline `indicator`, `kind: SLI` documents): which ratio and threshold shapes are
 * refused, where, and what indicator an accepted one becomes.
 */
import { formatDiagnostic, loadSpecTexts } from '../src/spec';
import { slo } from './spec-errors/builders';

const load = (...texts: string[]) => loadSpecTexts(texts.map((text, i) => ({ file: `f${i}.yaml`, text })));

const prometheus = (query: string) => `{ metricSource: { type: Prometheus, spec: { query: '${query}' } } }`;
const ERRORS = prometheus('sum(rate(errors[{{.window}}]))');
const INDICATOR = / {2}indicator:\n[\s\S]*?(?= {2}timeWindow)/;
const RATIO_METRIC = / {6}ratioMetric:\n[\s\S]*?(?= {2}timeWindow)/;
const BAD = / {8}bad:\n[\s\S]*?(?= {8}total:)/;
/** The builders' SLO with lines put before its `bad:` source. */
const beforeBad = (lines: string) =>
  slo({ '      ratioMetric:\n        counter: true\n': `      ratioMetric:\n${lines}` });
const withBad = (side: string) => slo().replace(BAD, side);
const ratioMetric = (body: string) => slo().replace(RATIO_METRIC, body);
const RAW_HINT = '(a raw ratio is already the SLI)';

describe('a refused indicator is reported where it is written, and yields no SLO', () => {
  it.each([
    [
      'a side that is not a mapping',
      () => withBad('        bad: 5\n'),
      ['f0.yaml:13:14: spec.indicator.spec.ratioMetric.bad: expected bad (a mapping with metricSource), got number 5'],
    ],
    [
      'a ratioMetric that is not a mapping',
      () => ratioMetric('      ratioMetric: 5\n'),
      ['f0.yaml:11:20: spec.indicator.spec.ratioMetric: expected a mapping, got number 5'],
    ],
    [
      'raw without rawType',
      () => ratioMetric(`      ratioMetric:\n        raw: ${ERRORS}\n`),
      ['f0.yaml:11:7: spec.indicator.spec.ratioMetric.rawType: missing rawType (success or failure)'],
    ],
    [
      'a misspelt rawType',
      () => ratioMetric(`      ratioMetric:\n        rawType: sucess\n        raw: ${ERRORS}\n`),
      [
        'f0.yaml:12:18: spec.indicator.spec.ratioMetric.rawType: rawType must be success or failure, got "sucess" (did you mean "success"?)',
      ],
    ],
    [
      'good written before bad',
      () => beforeBad(`        good: ${ERRORS}\n`),
      [
        'f0.yaml:13:9: spec.indicator.spec.ratioMetric.bad: good and bad are both given (a ratio SLI counts either good or bad events over total: keep one)',
      ],
    ],
    [
      'good written after bad',
      () => slo({ '        total:\n': `        good: ${ERRORS}\n        total:\n` }),
      [
        'f0.yaml:21:9: spec.indicator.spec.ratioMetric.good: good and bad are both given (a ratio SLI counts either good or bad events over total: keep one)',
      ],
    ],
    [
      'a rawType close to failure',
      () => ratioMetric(`      ratioMetric:\n        rawType: failur\n        raw: ${ERRORS}\n`),
      [
        'f0.yaml:12:18: spec.indicator.spec.ratioMetric.rawType: rawType must be success or failure, got "failur" (did you mean "failure"?)',
      ],
    ],
    [
      'neither good nor bad',
      () => withBad(''),
      [
        'f0.yaml:11:7: spec.indicator.spec.ratioMetric: ratioMetric needs good or bad (add good: or bad: with a metricSource)',
      ],
    ],
    [
      'a bad side without metricSource',
      () => withBad('        bad: {}\n'),
      ['f0.yaml:13:9: spec.indicator.spec.ratioMetric.bad.metricSource: missing metricSource'],
    ],
    [
      'a good side without metricSource',
      () => withBad('        good: {}\n'),
      ['f0.yaml:13:9: spec.indicator.spec.ratioMetric.good.metricSource: missing metricSource'],
    ],
    [
      'an inline indicator without spec',
      () => slo().replace(INDICATOR, '  indicator:\n    metadata: { name: x }\n'),
      ['f0.yaml:7:3: spec.indicator.spec: missing indicator spec'],
    ],
    [
      'both thresholdMetric and ratioMetric',
      () =>
        slo({
          '    spec:\n      ratioMetric:': `    spec:\n      thresholdMetric: ${prometheus('x')}\n      ratioMetric:`,
        }),
      ['f0.yaml:12:7: spec.indicator.spec.ratioMetric: an SLI has either thresholdMetric or ratioMetric, not both'],
    ],
    [
      'no metric at all',
      () => slo().replace(INDICATOR, '  indicator:\n    spec:\n      description: nothing\n'),
      [
        'f0.yaml:8:5: spec.indicator.spec: the SLI has no metric (add ratioMetric (good|bad + total, or raw) or thresholdMetric)',
      ],
    ],
  ])('%s', (_name, text, expected) => {
    const set = load(text());
    expect(set.diagnostics.map(formatDiagnostic)).toEqual(expected);
    expect(set.slos).toEqual([]);
  });
});

describe('an indicator with a located problem still loads', () => {
  it.each([
    [
      'a counter flag that is not true/false',
      () => beforeBad('        counter: maybe\n'),
      ['f0.yaml:12:18: spec.indicator.spec.ratioMetric.counter: expected true or false, got string "maybe"'],
    ],
    [
      'good, bad and total next to raw',
      () => beforeBad(`        good: ${ERRORS}\n        rawType: failure\n        raw: ${ERRORS}\n`),
      [
        `f0.yaml:12:9: spec.indicator.spec.ratioMetric.good: "good" cannot be combined with "raw" ${RAW_HINT}`,
        `f0.yaml:15:9: spec.indicator.spec.ratioMetric.bad: "bad" cannot be combined with "raw" ${RAW_HINT}`,
        `f0.yaml:23:9: spec.indicator.spec.ratioMetric.total: "total" cannot be combined with "raw" ${RAW_HINT}`,
      ],
    ],
    [
      'rawType without raw',
      () => beforeBad('        rawType: success\n'),
      [
        'f0.yaml:12:18: spec.indicator.spec.ratioMetric.rawType: rawType needs raw (add raw: {metricSource: ...} or remove rawType)',
      ],
    ],
    [
      'a description that is not a string',
      () => slo({ '    spec:\n      ratioMetric:': '    spec:\n      description: [1]\n      ratioMetric:' }),
      ['f0.yaml:11:7: spec.indicator.spec.description: expected a string, got a list'],
    ],
  ])('%s', (_name, text, expected) => {
    const set = load(text());
    expect(set.diagnostics.map(formatDiagnostic)).toEqual(expected);
    expect(set.slos).toHaveLength(1);
  });
});

describe('every side of a ratio is evaluated per alert window', () => {
  const FIXED = prometheus('sum(rate(e[5m]))');
  const NO_WINDOW =
    'query has no {{.window}} placeholder (write the range as [{{.window}}] so each alert window gets its own range)';
  it.each([
    [
      'raw',
      () => ratioMetric(`      ratioMetric:\n        rawType: failure\n        raw: ${FIXED}\n`),
      'f0.yaml:13:65',
      'raw',
    ],
    ['bad', () => withBad(`        bad: ${FIXED}\n`), 'f0.yaml:13:65', 'bad'],
    ['good', () => withBad(`        good: ${FIXED}\n`), 'f0.yaml:13:66', 'good'],
  ])('a fixed range in %s is reported', (_name, text, at, side) => {
    expect(load(text()).diagnostics.map(formatDiagnostic)).toEqual([
      `${at}: spec.indicator.spec.ratioMetric.${side}.metricSource.spec.query: ${NO_WINDOW}`,
    ]);
  });
});

describe('the indicator of an accepted SLO', () => {
  it('counts good events over total when the SLI says good', () => {
    const set = load(withBad(`        good: ${ERRORS}\n`));
    expect(set.diagnostics).toEqual([]);
    expect(set.slos[0].indicator).toMatchObject({
      kind: 'ratio',
      good: { type: 'Prometheus', query: 'sum(rate(errors[{{.window}}]))' },
      total: { type: 'CloudWatch', metricName: 'RequestCount' },
    });
    expect(Object.keys(set.slos[0].indicator)).not.toContain('bad');
  });

  it('gives each SLO the SLI document it refers to, and checks an SLI no SLO uses', () => {
    const sli = (name: string, query: string) =>
      `apiVersion: openslo/v1
kind: SLI
metadata: { name: ${name} }
spec:
  description: ${name}
  ratioMetric:
    bad: ${prometheus(query)}
    total: ${prometheus('sum(rate(all[{{.window}}]))')}
`;
    const user = (name: string, ref: string) =>
      slo({ '  name: api-availability': `  name: ${name}` }).replace(INDICATOR, `  indicatorRef: ${ref}\n`);
    const set = load(
      user('one', 'first'),
      user('two', 'second'),
      sli('first', 'sum(rate(e1[{{.window}}]))'),
      sli('second', 'sum(rate(e2[{{.window}}]))'),
    );
    expect(set.diagnostics).toEqual([]);
    expect(set.slos.map((s) => s.indicator.kind === 'ratio' && s.indicator.bad)).toEqual([
      { type: 'Prometheus', query: 'sum(rate(e1[{{.window}}]))' },
      { type: 'Prometheus', query: 'sum(rate(e2[{{.window}}]))' },
    ]);
  });
});
