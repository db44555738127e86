/**
 * OpenSLO metric sources at their edges: every required part of a CloudWatch or Prometheus source, missing or of
 * the wrong type, is reported at that part; CloudWatch's statistic, dimension and metric-math rules hold on both
 * sides of each limit; and the source in the model is exactly what was written.
 */
import { loadSpecTexts, type Diagnostic } from '../src/spec';

const FILE = 's.yaml';
const SOURCE = 'spec.indicator.spec.ratioMetric.bad.metricSource';

/** An SLO whose bad side's metricSource is `source` (lines indented under `metricSource:`). */
const BASE = `apiVersion: openslo/v1
kind: SLO
metadata:
  name: api
spec:
  service: svc
  indicator:
    metadata: { name: e }
    spec:
      ratioMetric:
        counter: true
        bad:
          metricSource:
BAD        total:
          metricSource:
            type: CloudWatch
            spec: { namespace: N, metricName: T, stat: Sum }
  timeWindow:
    - duration: 30d
      isRolling: true
  budgetingMethod: Occurrences
  objectives:
    - target: 0.999
`;
const bad = (source: string) => BASE.replace('BAD', source);
/** A CloudWatch bad side whose spec lines are `spec` (indented 14). */
const cloudWatch = (spec: string) => bad(`            type: CloudWatch\n            spec:\n${spec}`);
const metric = (extra = '', stat = 'Sum') =>
  cloudWatch(`              namespace: N\n              metricName: B\n              stat: "${stat}"\n${extra}`);
const expression = (expr: string, metrics: string) =>
  cloudWatch(`              expression: ${expr}\n              metrics:\n${metrics}`);
const M1 = '                m1: { namespace: N, metricName: B, stat: Sum }\n';
const prometheus = (spec: string) => bad(`            type: Prometheus\n${spec}`);

/** `line:col path: message`, the path relative to the bad side's metricSource. */
const seen = (d: Diagnostic) =>
  `${d.file === FILE ? '' : `${d.file}:`}${d.line}:${d.col} ${d.path.replace(SOURCE, '~')}: ${d.severity === 'warning' ? 'warning: ' : ''}${d.message}`;
const load = (text: string, ...more: { file: string; text: string }[]) =>
  loadSpecTexts([{ file: FILE, text }, ...more]);
const badSide = (text: string) => {
  const [slo] = load(text).slos;
  return slo?.indicator.kind === 'ratio' ? slo.indicator.bad : undefined;
};

describe('a metric source missing a part, or with a part of the wrong type, is refused at that part', () => {
  it.each([
    [
      'metricSource not a mapping',
      BASE.replace('          metricSource:\nBAD', '          metricSource: 5\n'),
      ['13:25 ~: expected metricSource, got number 5'],
    ],
    [
      'metricSource empty',
      BASE.replace('          metricSource:\nBAD', '          metricSource:\n'),
      ['13:24 ~: missing metricSource'],
    ],
    [
      'no type',
      bad('            spec: { namespace: N, metricName: B, stat: Sum }\n'),
      ['13:11 ~: missing metricSource type'],
    ],
    ['CloudWatch without spec', bad('            type: CloudWatch\n'), ['13:11 ~.spec: missing metricSource.spec']],
    [
      'CloudWatch spec not a mapping',
      bad('            type: CloudWatch\n            spec: 5\n'),
      ['15:19 ~.spec: expected metricSource.spec, got number 5'],
    ],
    [
      'no namespace',
      cloudWatch('              metricName: B\n              stat: Sum\n'),
      ['15:13 ~.spec.namespace: missing namespace'],
    ],
    [
      'no metricName',
      cloudWatch('              namespace: N\n              stat: Sum\n'),
      ['15:13 ~.spec.metricName: missing metricName'],
    ],
    [
      'no stat',
      cloudWatch('              namespace: N\n              metricName: B\n'),
      ['15:13 ~.spec.stat: missing stat (statistic)'],
    ],
    [
      'an expression metric that is not a mapping',
      expression('m1', '                m1: 5\n'),
      ['18:21 ~.spec.metrics.m1: expected a CloudWatch metric (namespace, metricName, dimensions, stat), got number 5'],
    ],
    [
      'an expression metric left empty',
      expression('m1', '                m1:\n'),
      [
        '16:27 ~.spec.expression: expression uses "m1", which metrics does not define',
        '18:20 ~.spec.metrics.m1: missing a CloudWatch metric (namespace, metricName, dimensions, stat)',
      ],
    ],
    [
      'metrics not a mapping',
      cloudWatch('              expression: m1\n              metrics: 5\n'),
      ['17:24 ~.spec.metrics: expected metrics (a mapping of metric id to metric), got number 5'],
    ],
    [
      'an expression without metrics',
      cloudWatch('              expression: m1\n'),
      ['15:13 ~.spec.metrics: missing metrics (a mapping of metric id to metric)'],
    ],
    [
      'an expression over a metric with a problem',
      expression('m1 + m2', `${M1}                m2: { namespace: N, metricName: C }\n`),
      ['19:17 ~.spec.metrics.m2.stat: missing stat (statistic)'],
    ],
    ['Prometheus without spec', prometheus(''), ['13:11 ~.spec: missing metricSource.spec']],
    [
      'Prometheus spec not a mapping',
      prometheus('            spec: 5\n'),
      ['15:19 ~.spec: expected metricSource.spec, got number 5'],
    ],
    ['Prometheus without query', prometheus('            spec: {}\n'), ['15:13 ~.spec.query: missing query']],
    [
      'a type that is a typo',
      bad('            type: CloudWach\n            spec: {}\n'),
      ['14:19 ~.type: unknown metricSource type "CloudWach"'],
    ],
  ])('%s', (_name, text, expected) => {
    const set = load(text);
    expect(set.diagnostics.map(seen)).toEqual(expected);
    expect(set.slos).toEqual([]);
  });
});

describe('CloudWatch metrics', () => {
  it('keeps unit, region and account as written', () => {
    const text = metric(
      '              unit: Count\n              region: eu-west-1\n              accountId: 123456789012\n',
    );
    expect(load(text).diagnostics).toEqual([]);
    expect(badSide(text)).toStrictEqual({
      type: 'CloudWatch',
      kind: 'metric',
      namespace: 'N',
      metricName: 'B',
      dimensions: {},
      statistic: 'Sum',
      unit: 'Count',
      region: 'eu-west-1',
      accountId: '123456789012',
    });
  });

  it('adds no unit, region or account that was not written', () => {
    expect(badSide(metric())).toStrictEqual({
      type: 'CloudWatch',
      kind: 'metric',
      namespace: 'N',
      metricName: 'B',
      dimensions: {},
      statistic: 'Sum',
    });
  });

  it('refuses a unit CloudWatch does not know, at the unit', () => {
    expect(load(metric('              unit: Cnt\n')).diagnostics.map(seen)).toEqual([
      '19:21 ~.spec.unit: unknown CloudWatch unit "Cnt"',
    ]);
  });

  it("reads dimensions in the CloudWatch API's own list shape", () => {
    const text = metric(
      '              dimensions:\n                - { name: LoadBalancer, value: app/x }\n                - { name: Port, value: 443 }\n',
    );
    expect(load(text).diagnostics).toEqual([]);
    expect(badSide(text)).toMatchObject({ dimensions: { LoadBalancer: 'app/x', Port: '443' } });
  });

  it('reports each bad item of a dimension list at that item, keeping the good ones', () => {
    const text = metric(
      '              dimensions:\n                - 5\n                - { value: v }\n                - { name: a }\n                - { name: b, value: c, vlaue: d }\n',
    );
    expect(load(text).diagnostics.map(seen)).toEqual([
      '20:19 ~.spec.dimensions[0]: expected a {name, value} dimension, got number 5',
      '21:19 ~.spec.dimensions[1].name: missing dimension name',
      '22:19 ~.spec.dimensions[2].value: missing a string',
      '23:40 ~.spec.dimensions[3].vlaue: unknown field "vlaue"',
    ]);
    expect(badSide(text)).toMatchObject({ dimensions: { b: 'c' } });
  });

  it('refuses dimensions that are neither a mapping nor a list', () => {
    expect(load(metric('              dimensions: 5\n')).diagnostics.map(seen)).toEqual([
      '19:27 ~.spec.dimensions: expected a mapping of dimension names to values, got number 5',
    ]);
  });

  it.each(['Sum', 'p100', 'TM(10%:)', 'TM(:90%)', 'TC(:0.3)', 'PR(100:2000)'])('accepts the statistic %s', (stat) => {
    expect(load(metric('', stat)).diagnostics).toEqual([]);
  });

  it.each([
    ['TM(:)', 'TM(:) needs a lower or an upper bound'],
    ['PR(:)', 'PR(:) needs a lower or an upper bound'],
    ['p100.1', 'percentile p100.1 is above p100'],
  ])('refuses the statistic %s at the stat', (stat, message) => {
    expect(load(metric('', stat)).diagnostics.map(seen)).toEqual([`18:21 ~.spec.stat: ${message}`]);
  });
});

describe('CloudWatch metric math', () => {
  const metrics = (n: number) =>
    Array.from({ length: n }, (_, i) => `                m${i}: { namespace: N, metricName: B, stat: Sum }\n`).join('');
  const onMetrics = (text: string) => load(text).diagnostics.filter((d) => d.path === `${SOURCE}.spec.metrics`);

  it('allows 10 metrics in one expression and refuses 11 at metrics', () => {
    expect(onMetrics(expression('SUM(METRICS())', metrics(10)))).toEqual([]);
    expect(onMetrics(expression('SUM(METRICS())', metrics(11))).map(seen)).toEqual([
      '17:15 ~.spec.metrics: expression references 11 metrics; a CloudWatch alarm may use at most 10',
    ]);
  });

  it('reads an expression whose ids are all defined, ignoring words inside quoted SEARCH text', () => {
    const expr = `"m1 + m2 + SUM(SEARCH('{AWS/ApplicationELB,LoadBalancer} errors', 'Sum', 60)) + SUM(SEARCH(\\"{N} total\\", 'Sum', 60))"`;
    const text = expression(expr, `${M1}                m2: { namespace: N, metricName: C, stat: Sum }\n`);
    expect(load(text).diagnostics).toEqual([]);
    expect(badSide(text)).toMatchObject({
      kind: 'expression',
      metrics: { m1: { metricName: 'B' }, m2: { metricName: 'C' } },
    });
  });

  it('refuses a metric id CloudWatch would not accept, at the id', () => {
    expect(
      load(
        expression('SUM(METRICS())', '                M1: { namespace: N, metricName: B, stat: Sum }\n'),
      ).diagnostics.map(seen),
    ).toEqual(['18:17 ~.spec.metrics.M1: metric id "M1" is not valid']);
  });
});

describe('metricSourceRef and types', () => {
  const dataSource = (type: string) => ({
    file: 'd.yaml',
    text: `apiVersion: openslo/v1\nkind: DataSource\nmetadata:\n  name: prom\nspec:\n${type}  connectionDetails: {}\n`,
  });
  const QUERY = "            spec: { query: 'sum(rate(x[{{.window}}]))' }\n";

  it('takes the type from the DataSource', () => {
    const set = load(bad(`            metricSourceRef: prom\n${QUERY}`), dataSource('  type: Prometheus\n'));
    expect(set.diagnostics).toEqual([]);
    expect(set.slos[0].indicator).toMatchObject({ bad: { type: 'Prometheus', query: 'sum(rate(x[{{.window}}]))' } });
  });

  it('refuses a type that contradicts the DataSource, at the type', () => {
    const set = load(
      bad(`            metricSourceRef: prom\n            type: CloudWatch\n${QUERY}`),
      dataSource('  type: Prometheus\n'),
    );
    expect(set.diagnostics.map(seen)[0]).toBe(
      '15:19 ~.type: type "CloudWatch" contradicts DataSource "prom" of type "Prometheus"',
    );
  });

  it('leaves a DataSource without a type to be reported there, not again at each use', () => {
    const set = load(bad(`            metricSourceRef: prom\n${QUERY}`), dataSource(''));
    expect(set.diagnostics.map(seen)).toEqual(['d.yaml:5:1 spec.type: missing type']);
  });

  it('says how to declare an unknown DataSource when no name is close', () => {
    const [d] = load(bad('            metricSourceRef: nothing-like-it\n            spec: {}\n')).diagnostics;
    expect(seen(d)).toBe('14:30 ~.metricSourceRef: unknown DataSource "nothing-like-it"');
    expect(d.hint).toMatch(/declare a DataSource/);
  });

  it('keeps a source of another tool opaque, with a warning at its type', () => {
    const text = bad('            type: Datadog\n            spec: { query: x }\n');
    expect(load(text).diagnostics.map(seen)).toEqual([
      '14:19 ~.type: warning: metricSource type "Datadog" is kept but cannot be rendered',
    ]);
    expect(badSide(text)).toEqual({ type: 'Opaque', sourceType: 'Datadog', spec: { query: 'x' } });
  });
});
