/**
 * How loading sorts documents: Sloth by `version`, everything else by apiVersion and kind, each missing or
 * misplaced key reported where it belongs, and YAML that does not parse reported as YAML and nothing more.
 */
import { loadSpecTexts, type Diagnostic } from '../src/spec';

const FILE = 's.yaml';
const load = (text: string) => loadSpecTexts([{ file: FILE, text }]);
const seen = (d: Diagnostic) => `${d.file}:${d.line}:${d.col} ${d.path}: ${d.message}`;

const SERVICE = 'apiVersion: openslo/v1\nkind: Service\nmetadata:\n  name: svc\nspec: {}\n';
const RAW_SLOTH = `version: prometheus/v1
service: svc
slos:
  - name: a
    objective: 99
    sli:
      raw:
        error_ratio_query: sum(rate(e[{{.window}}]))
`;

describe('document classification', () => {
  it.each([
    ['apiVersion without kind', 'apiVersion: openslo/v1\n', ['s.yaml:1:1 kind: missing kind']],
    ['kind without apiVersion', 'kind: SLO\n', ['s.yaml:1:1 apiVersion: missing apiVersion']],
    [
      'OpenSLO without metadata',
      'apiVersion: openslo/v1\nkind: Service\nspec: {}\n',
      ['s.yaml:1:1 metadata: missing metadata with a name'],
    ],
    ['a Sloth version that is not text', 'version: [1]\n', ['s.yaml:1:1 version: expected a string, got a list']],
  ])('%s is reported once, at the missing or wrong key', (_name, text, expected) => {
    expect(load(text).diagnostics.map(seen)).toEqual(expected);
  });

  it('reads a document with apiVersion as that kind, even if it also has a Sloth version', () => {
    const set = load(SERVICE.replace('kind: Service\n', 'kind: Service\nversion: prometheus/v1\n'));
    expect(set.diagnostics.map(seen)).toEqual(['s.yaml:3:1 version: unknown field "version"']);
    expect(set.services.map((s) => s.name)).toEqual(['svc']);
    expect(set.slos).toEqual([]);
  });

  it('ignores the empty document after a trailing ---', () => {
    const set = load(`${RAW_SLOTH}---\n`);
    expect(set.diagnostics).toEqual([]);
    expect(set.slos.map((s) => s.name)).toEqual(['svc-a']);
  });

  it('accepts the Kubernetes metadata of a PrometheusServiceLevel', () => {
    const body = RAW_SLOTH.replace('version: prometheus/v1\n', '').replace(/^/gm, '  ').trimEnd();
    const set = load(
      `apiVersion: sloth.slok.dev/v1\nkind: PrometheusServiceLevel\nmetadata:\n  name: x\n  namespace: mon\n  labels: { a: b }\n  annotations: { c: d }\nspec:\n${body}\n`,
    );
    expect(set.diagnostics).toEqual([]);
    expect(set.slos.map((s) => s.name)).toEqual(['svc-a']);
  });

  const WINDOWS = `spec:
  sloPeriod: 7d
  page:
    quick: { errorBudgetPercent: 8, shortWindow: 5m, longWindow: 1h }
    slow: { errorBudgetPercent: 12.5, shortWindow: 30m, longWindow: 6h }
  ticket:
    quick: { errorBudgetPercent: 20, shortWindow: 2h, longWindow: 1d }
    slow: { errorBudgetPercent: 42, shortWindow: 6h, longWindow: 3d }
`;
  it.each([
    ['metadata that is not a mapping', 'metadata: 5\n', ['s.yaml:3:11 metadata: expected a mapping, got number 5']],
    [
      'an unknown metadata field',
      'metadata:\n  name: x\n  nmae: y\n',
      ['s.yaml:5:3 metadata.nmae: unknown field "nmae"'],
    ],
  ])('checks the metadata of AlertWindows: %s', (_name, metadata, expected) => {
    const set = load(`apiVersion: sloth.slok.dev/v1\nkind: AlertWindows\n${metadata}${WINDOWS}`);
    expect(set.diagnostics.map(seen)).toEqual(expected);
  });
});

describe('YAML that does not parse', () => {
  it('is reported as YAML, on one line each, with nothing read from the document', () => {
    const set = load('apiVersion: openslo/v1\nkind: Service\nmetadata:\n  name: svc\n   x: 1\n');
    expect(set.diagnostics.map(seen)).toEqual([
      's.yaml:4:9 (yaml): Nested mappings are not allowed in compact mappings',
      's.yaml:4:9 (yaml): Implicit keys need to be on a single line',
    ]);
    expect(set.services).toEqual([]);
  });
});

describe('standalone and shared documents', () => {
  it('checks an SLI that no SLO uses', () => {
    const set = load(
      'apiVersion: openslo/v1\nkind: SLI\nmetadata:\n  name: lonely\nspec:\n  ratioMetric:\n    counter: true\n',
    );
    expect(set.diagnostics.map((d) => d.path)).toEqual(['spec.ratioMetric', 'spec.ratioMetric.total']);
  });

  it('reports a problem of a condition shared by two SLOs once', () => {
    const slo = (name: string) => `apiVersion: openslo/v1
kind: SLO
metadata:
  name: ${name}
spec:
  service: svc
  indicator:
    metadata: { name: e }
    spec:
      ratioMetric:
        counter: true
        bad: { metricSource: { type: CloudWatch, spec: { namespace: N, metricName: B, stat: Sum } } }
        total: { metricSource: { type: CloudWatch, spec: { namespace: N, metricName: T, stat: Sum } } }
  timeWindow:
    - duration: 30d
      isRolling: true
  budgetingMethod: Occurrences
  objectives:
    - target: 0.999
  alertPolicies:
    - alertPolicyRef: burn
`;
    const policy = `apiVersion: openslo/v1
kind: AlertPolicy
metadata:
  name: burn
spec:
  conditions:
    - conditionRef: slow
---
apiVersion: openslo/v1
kind: AlertCondition
metadata:
  name: slow
spec:
  severity: ticket
  condition: { kind: burnrate, op: gt, threshold: 1, lookbackWindow: 60d }
`;
    const set = loadSpecTexts([
      { file: 'a.yaml', text: slo('one') },
      { file: 'b.yaml', text: slo('two') },
      { file: 'p.yaml', text: policy },
    ]);
    expect(set.diagnostics.filter((d) => d.file === 'p.yaml').map(seen)).toEqual([
      'p.yaml:15:70 spec.condition.lookbackWindow: lookbackWindow 60d is longer than the SLO period 30d',
    ]);
  });
});
