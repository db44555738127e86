/**
 * Every Sloth example in the shared corpus must render to the same rules as
 * Sloth's own output in _gen: same groups, record/alert names, labels,
 * annotations and (whitespace-normalised) expressions. Deliberate differences,
 * all documented in the README: one YAML document per file, and the
 * `sloth_version` label of `sloth_slo_info`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments, parse } from 'yaml';
import { loadSpecTexts } from '../../src/spec';
import {
  applyAlertWindows,
  normalisePromql,
  renderPrometheusRules,
  type PrometheusRuleGroup,
} from '../../src/prometheus';

const CORPUS = join(__dirname, '..', '..', '..', '..', '..', 'shared', 'corpus', 'sloth');
const EXTRA = { cmd: 'examplesgen.sh' };

function load(files: string[]) {
  const set = loadSpecTexts(files.map((f) => ({ file: f, text: readFileSync(join(CORPUS, f), 'utf8') })));
  expect(set.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return set;
}

type Rule = {
  record?: string;
  alert?: string;
  expr: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
};

function normalise(groups: { name: string; rules: Rule[] }[]) {
  return groups.map((g) => ({
    name: g.name,
    rules: g.rules.map((r) => {
      const labels = { ...r.labels };
      if (r.record === 'sloth_slo_info') delete labels.sloth_version;
      return { ...r, expr: normalisePromql(String(r.expr)), labels };
    }),
  }));
}

const specs = readdirSync(CORPUS).filter((f) => f.endsWith('.yml'));

describe('Prometheus rules match Sloth generated output', () => {
  it('covers the whole corpus', () => {
    expect(specs.sort()).toEqual([
      'getting-started.yml',
      'home-wifi.yml',
      'kubernetes-apiserver.yml',
      'multifile.yml',
      'no-alerts.yml',
      'raw-home-wifi.yml',
    ]);
  });

  it.each(specs)('%s', (file) => {
    const set = load([file]);
    const rendering = renderPrometheusRules(set.slos, { extraLabels: EXTRA });
    expect(rendering.skipped).toEqual([]);
    expect(rendering.files).toHaveLength(1);
    const ours = parse(rendering.files[0].content) as { groups: { name: string; rules: Rule[] }[] };
    const expected = parseAllDocuments(readFileSync(join(CORPUS, '_gen', file), 'utf8'))
      .map((d) => d.toJS() as { groups?: { name: string; rules: Rule[] }[] } | null)
      .flatMap((d) => d?.groups ?? []);
    expect(normalise(ours.groups)).toEqual(normalise(expected));
  });
});

function tiersOf(groups: readonly PrometheusRuleGroup[]) {
  const alerts = groups.find((g) => g.name.startsWith('sloth-slo-alerts-'));
  return (alerts?.rules ?? []).map((r) => ({
    severity: r.labels?.sloth_severity,
    conditions: [...r.expr.matchAll(/ratio_rate(\w+)\{[^}]*\} > \(([\d.e+-]+) \*/g)].map((m) => `${m[1]}@${m[2]}`),
  }));
}

describe('custom AlertWindows', () => {
  it('custom-30d: windows and factors of the windows file', () => {
    const set = load(['getting-started.yml', 'windows/custom-30d.yaml']);
    const slos = applyAlertWindows(set.slos, set.alertWindows, 30 * 86400);
    const { files } = renderPrometheusRules(slos);
    const groups = parse(files[0].content).groups as PrometheusRuleGroup[];
    expect(groups[0].rules.map((r) => r.record)).toEqual(
      ['2m', '15m', '30m', '1h', '3h', '12h', '1d12h', '30d'].map((w) => `slo:sli_error:ratio_rate${w}`),
    );
    // Period ratio averages the page-quick short window (2m), as Sloth does.
    expect(groups[0].rules[7].expr).toContain('sum_over_time(slo:sli_error:ratio_rate2m{');
    expect(tiersOf(groups)).toEqual([
      { severity: 'page', conditions: ['2m@14.4', '30m@14.4', '15m@4.8', '3h@4.8'] },
      { severity: 'ticket', conditions: ['1h@3', '12h@3', '3h@1', '1d12h@1'] },
    ]);
  });

  it('7d: the period and its factors (budget % x 168 h / long window)', () => {
    const set = load(['getting-started.yml', 'windows/7d.yaml']);
    const slos = applyAlertWindows(set.slos, set.alertWindows, 7 * 86400);
    const groups = parse(renderPrometheusRules(slos).files[0].content).groups as PrometheusRuleGroup[];
    expect(groups[1].rules.find((r) => r.record === 'slo:time_period:days')?.expr).toBe('vector(7)');
    expect(tiersOf(groups)).toEqual([
      { severity: 'page', conditions: ['5m@13.44', '1h@13.44', '30m@3.5', '6h@3.5'] },
      { severity: 'ticket', conditions: ['2h@1.4', '1d@1.4', '6h@0.98', '3d@0.98'] },
    ]);
  });

  it('names the missing period', () => {
    const set = load(['getting-started.yml', 'windows/7d.yaml']);
    expect(() => applyAlertWindows(set.slos, set.alertWindows, 28 * 86400)).toThrow(
      'no AlertWindows for an SLO period of 28d (loaded: 7d)',
    );
  });
});
