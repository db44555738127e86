/**
 * Bad specs, one problem each: every one must be reported at the right file,
 * line and path with its specific message. The line is marked in the YAML
 * with `# <-`, so the cases stay readable and the assertion stays exact.
 */
import { formatDiagnostic, loadSpecTexts } from '../src/spec';
import { ALARM_CASES } from './spec-errors/alarm-cases';
import { planSloAlarms } from '../src/math';
import { expectReported, FILE, GOOD_SOURCE, slo, splitSli } from './spec-errors/builders';
import { SLO_CASES } from './spec-errors/slo-cases';

const CASES = [...SLO_CASES, ...ALARM_CASES];

describe('bad specs are rejected with a located, specific message', () => {
  it('has at least 25 distinct cases', () => {
    expect(new Set(CASES.map((c) => c.name)).size).toBeGreaterThanOrEqual(25);
    expect(new Set(CASES.map((c) => c.yaml)).size).toBe(CASES.length);
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => expectReported(c));
});

describe('validation as a whole', () => {
  it('reports every problem of a file at once, in file order', () => {
    const text = slo({
      'target: 0.999': 'target: 1.5',
      '  budgetingMethod: Occurrences': '  budgetingMethod: Sometimes',
      'duration: 30d': 'duration: forever',
    });
    const { diagnostics, slos } = loadSpecTexts([{ file: FILE, text }]);
    expect(slos).toEqual([]);
    expect(diagnostics.map((d) => d.path)).toEqual([
      'spec.timeWindow[0].duration',
      'spec.budgetingMethod',
      'spec.objectives[0].target',
    ]);
  });

  it('formats a diagnostic as file:line:col: path: message (hint)', () => {
    const { diagnostics } = loadSpecTexts([{ file: FILE, text: slo({ 'target: 0.999': 'target: 99.9' }) }]);
    expect(diagnostics.map(formatDiagnostic)).toEqual([
      'bad.yaml:35:15: spec.objectives[0].target: objective 99.9 is out of range (for a percentage write targetPercent: 99.9 or target: 0.999)',
    ]);
  });

  it('resolves references across files in any order and reports a shared SLI problem once', () => {
    const sli = `apiVersion: openslo/v1
kind: SLI
metadata:
  name: shared
spec:
  ratioMetric:
    good:
${GOOD_SOURCE.replace(/^ {4}/gm, '')}`;
    const user = (name: string) =>
      slo({ '  name: api-availability': `  name: ${name}` }).replace(
        / {2}indicator:\n[\s\S]*?(?= {2}timeWindow)/,
        '  indicatorRef: shared\n',
      );
    const { diagnostics } = loadSpecTexts([
      { file: 'a.yaml', text: user('one') },
      { file: 'b.yaml', text: user('two') },
      { file: 'sli.yaml', text: sli },
    ]);
    expect(diagnostics.map(formatDiagnostic)).toEqual([
      'sli.yaml:6:3: spec.ratioMetric.total: ratioMetric is missing total (add total: with a metricSource counting all events)',
    ]);
  });

  it('accepts an SLI whose window alarms reference exactly 10 metrics, as many as planSloAlarms counts', () => {
    const { diagnostics, slos } = loadSpecTexts([{ file: FILE, text: splitSli(5, 5) }]);
    expect(diagnostics.map(formatDiagnostic)).toEqual([]);
    expect(planSloAlarms(slos[0]).metricsPerAlarm).toBe(10);
  });

  it('counts the alarm metrics of an over-limit SLI as the alarm plan does, once per SLO however many objectives', () => {
    const text = splitSli(4, 7).replace(
      '    - displayName: good\n      target: 0.999\n',
      '    - displayName: good\n      target: 0.999\n    - displayName: strict\n      target: 0.9995\n',
    );
    const { diagnostics, slos } = loadSpecTexts([{ file: FILE, text }]);
    expect(slos).toHaveLength(2);
    expect(diagnostics.map(formatDiagnostic)).toEqual([
      'bad.yaml:10:5: spec.indicator.spec: each burn-rate window alarm would reference 11 metrics (bad 4 + total 7); ' +
        'a CloudWatch alarm may use at most 10 (sum the series upstream into one metric per side, ' +
        'or use a metric that already is the error ratio as ratioMetric.raw)',
    ]);
    expect(planSloAlarms(slos[0]).metricsPerAlarm).toBe(11);
  });

  it("reports an over-limit shared SLI on each SLO's indicatorRef", () => {
    const over = splitSli(6, 5);
    const sli = `apiVersion: openslo/v1\nkind: SLI\nmetadata:\n  name: shared\n${over
      .slice(over.indexOf('    spec:\n'), over.indexOf('  timeWindow:'))
      .replace(/^ {4}/gm, '')}`;
    const user = over.replace(/ {2}indicator:\n[\s\S]*?(?= {2}timeWindow)/, '  indicatorRef: shared\n');
    const { diagnostics } = loadSpecTexts([
      { file: 'a.yaml', text: user },
      { file: 'sli.yaml', text: sli },
    ]);
    expect(diagnostics.map((d) => `${d.file}:${d.line}:${d.col}: ${d.path}: ${d.message}`)).toEqual([
      'a.yaml:7:17: spec.indicatorRef: each burn-rate window alarm would reference 11 metrics (bad 6 + total 5); ' +
        'a CloudWatch alarm may use at most 10',
    ]);
  });

  it('never throws on arbitrary text', () => {
    for (const text of ['', '---', '- a\n- b', 'just text', '{', 'apiVersion: [1]', 'version: 3\nslos: 4']) {
      expect(() => loadSpecTexts([{ file: FILE, text }])).not.toThrow();
    }
    expect(loadSpecTexts([{ file: FILE, text: 'just text' }]).diagnostics[0]).toMatchObject({
      line: 1,
      col: 1,
      message: 'expected a spec document, got string "just text"',
    });
  });
});
