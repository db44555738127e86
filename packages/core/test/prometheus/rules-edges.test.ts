/**
 * Rule shapes the Sloth corpus never reaches: good-event and unguarded or guarded SLIs,
 * custom tier sets, OpenSLO naming and routing labels, disabled alerts, skipped SLOs and
 * the rule file layout. Built from one small Sloth spec, varied per test.
 */
import { parse } from 'yaml';
import type { BurnRateTier, Slo } from '../../src/model/slo';
import { loadSpecTexts } from '../../src/spec';
import {
  applyAlertWindows,
  prometheusRuleGroups,
  prometheusUnsupportedReason,
  renderPrometheusRules,
  type PrometheusRule,
} from '../../src/prometheus';

const SPEC = `version: "prometheus/v1"
service: "my-svc"
labels:
  team: "core"
slos:
  - name: "req-avail"
    objective: 99.9
    sli:
      events:
        error_query: sum(rate(errs[{{.window}}]))
        total_query: sum(rate(reqs[{{.window}}]))
    alerting:
      name: SvcDown
`;

function baseSlo(file = 'svc.yml'): Slo {
  const set = loadSpecTexts([{ file, text: SPEC }]);
  expect(set.slos).toHaveLength(1);
  return set.slos[0];
}

const tier = (t: Partial<BurnRateTier> & Pick<BurnRateTier, 'name' | 'severity'>): BurnRateTier => ({
  longWindowSeconds: 3600,
  shortWindowSeconds: 300,
  burnRate: 14.4,
  budgetFraction: 0.02,
  ...t,
});

function withTiers(slo: Slo, tiers: BurnRateTier[], periodSeconds = slo.period.seconds): Slo {
  return {
    ...slo,
    period: { ...slo.period, seconds: periodSeconds },
    alerting: { ...slo.alerting, policy: { periodSeconds, tiers } },
  };
}

const asOpenSlo = (slo: Slo): Slo => ({
  ...slo,
  name: 'Api_avail',
  displayName: 'API availability',
  origin: { ...slo.origin, format: 'openslo' },
  alerting: { ...slo.alerting, pageAlertName: undefined, ticketAlertName: undefined },
});

const group = (slo: Slo, prefix: string) => prometheusRuleGroups(slo).find((g) => g.name.startsWith(prefix));
const records = (slo: Slo): PrometheusRule[] => group(slo, 'sloth-slo-sli-recordings-')!.rules as PrometheusRule[];
const alerts = (slo: Slo): PrometheusRule[] => (group(slo, 'sloth-slo-alerts-')?.rules ?? []) as PrometheusRule[];

const ID = { sloth_id: 'my-svc-req-avail', sloth_service: 'my-svc', sloth_slo: 'req-avail', team: 'core' };
const FILTER = '{sloth_id="my-svc-req-avail", sloth_service="my-svc", sloth_slo="req-avail"}';

describe('SLI recording rules', () => {
  it('records the events of each guarded long window once, shortest first, after the ratios', () => {
    const slo = withTiers(baseSlo(), [
      tier({ name: 'slow', severity: 'ticket', longWindowSeconds: 21600, shortWindowSeconds: 1800, minEvents: 50 }),
      tier({ name: 'fast', severity: 'page', minEvents: 100 }),
      tier({ name: 'fast-too', severity: 'page', longWindowSeconds: 3600, shortWindowSeconds: 600, minEvents: 10 }),
      tier({ name: 'free', severity: 'ticket', longWindowSeconds: 86400, shortWindowSeconds: 7200 }),
    ]);
    const rules = records(slo);
    expect(rules.map((r) => r.record)).toEqual([
      'slo:sli_error:ratio_rate5m',
      'slo:sli_error:ratio_rate10m',
      'slo:sli_error:ratio_rate30m',
      'slo:sli_error:ratio_rate1h',
      'slo:sli_error:ratio_rate2h',
      'slo:sli_error:ratio_rate6h',
      'slo:sli_error:ratio_rate1d',
      'slo:sli_events:count1h',
      'slo:sli_events:count6h',
      'slo:sli_error:ratio_rate30d',
    ]);
    expect(rules[7]).toEqual({
      record: 'slo:sli_events:count1h',
      expr: '(sum(rate(reqs[1h])))\n* 3600\n',
      labels: { ...ID, sloth_window: '1h' },
    });
    expect(rules[0].expr).toBe('(sum(rate(errs[5m])))\n/\n(sum(rate(reqs[5m])))\n');
    expect(Object.keys(rules[0].labels!)).toEqual(['sloth_id', 'sloth_service', 'sloth_slo', 'sloth_window', 'team']);
  });

  it('writes a good-event SLI as the complement of good over total', () => {
    const slo = baseSlo();
    const good: Slo = {
      ...slo,
      indicator: {
        kind: 'ratio',
        good: { type: 'Prometheus', query: 'sum(rate(ok[{{.window}}]))' },
        total: { type: 'Prometheus', query: 'sum(rate(reqs[{{.window}}]))' },
      },
    };
    expect(records(good)[0].expr).toBe('1 - (\n(sum(rate(ok[5m])))\n/\n(sum(rate(reqs[5m])))\n)\n');
  });

  it('averages the fastest page tier short window over the period', () => {
    const slo = withTiers(baseSlo(), [
      tier({ name: 'slow-page', severity: 'page', longWindowSeconds: 21600, shortWindowSeconds: 1800 }),
      tier({ name: 'ticket', severity: 'ticket', longWindowSeconds: 7200, shortWindowSeconds: 60 }),
      tier({ name: 'fast-page', severity: 'page', longWindowSeconds: 3600, shortWindowSeconds: 600 }),
    ]);
    const period = records(slo).at(-1)!;
    expect(period.record).toBe('slo:sli_error:ratio_rate30d');
    expect(period.expr).toBe(
      `sum_over_time(slo:sli_error:ratio_rate10m${FILTER}[30d])\n/ ignoring (sloth_window)\n` +
        `count_over_time(slo:sli_error:ratio_rate10m${FILTER}[30d])\n`,
    );
    const meta = group(slo, 'sloth-slo-meta-recordings-')!.rules;
    expect(meta.find((r) => r.record === 'slo:current_burn_rate:ratio')!.expr).toContain(
      `slo:sli_error:ratio_rate10m${FILTER}\n`,
    );
  });

  it('averages the shortest window of any tier when no tier pages', () => {
    const slo = withTiers(baseSlo(), [
      tier({ name: 'b', severity: 'ticket', longWindowSeconds: 7200, shortWindowSeconds: 900 }),
      tier({ name: 'a', severity: 'ticket', longWindowSeconds: 3600, shortWindowSeconds: 1800 }),
    ]);
    expect(records(slo).at(-1)!.expr).toContain(`sum_over_time(slo:sli_error:ratio_rate15m${FILTER}[30d])`);
  });

  it('writes no second period rule when a tier window is the period', () => {
    const slo = withTiers(
      baseSlo(),
      [tier({ name: 't', severity: 'ticket', longWindowSeconds: 21600, shortWindowSeconds: 1800 })],
      21600,
    );
    const group6h = group(slo, 'sloth-slo-sli-recordings-')!;
    expect(group6h.name).toBe('sloth-slo-sli-recordings-my-svc-req-avail');
    expect(group6h.rules.map((r) => r.record)).toEqual(['slo:sli_error:ratio_rate30m', 'slo:sli_error:ratio_rate6h']);
  });
});

describe('SLOs without a per-window Prometheus SLI are skipped with a reason', () => {
  const prom = (query: string) => ({ type: 'Prometheus' as const, query });
  const opaque = { type: 'Opaque' as const, sourceType: 'Datadog', spec: {} };
  it.each<[string, (s: Slo) => Slo]>([
    [
      'a threshold SLI',
      (s) => ({ ...s, indicator: { kind: 'threshold', metric: prom('x'), operator: 'lt', threshold: 1 } }),
    ],
    ['a raw ratio from another source', (s) => ({ ...s, indicator: { kind: 'rawErrorRatio', errorRatio: opaque } })],
    ['a raw ratio without {{.window}}', (s) => ({ ...s, indicator: { kind: 'rawErrorRatio', errorRatio: prom('x') } })],
    [
      'a total from another source',
      (s) => ({ ...s, indicator: { kind: 'ratio', bad: prom('e[{{.window}}]'), total: opaque } }),
    ],
    ['only a total', (s) => ({ ...s, indicator: { kind: 'ratio', bad: opaque, total: prom('t[{{.window}}]') } })],
    [
      'a bad query without {{.window}}',
      (s) => ({ ...s, indicator: { kind: 'ratio', bad: prom('e'), total: prom('t[{{.window}}]') } }),
    ],
  ])('%s', (_, change) => {
    const slo = change(baseSlo('dir/svc.yml'));
    const reason = prometheusUnsupportedReason(slo);
    expect(reason).toMatch(/\S/);
    expect(() => prometheusRuleGroups(slo)).toThrow();
    expect(renderPrometheusRules([slo])).toEqual({
      files: [],
      skipped: [{ slo: 'my-svc-req-avail', file: 'dir/svc.yml', reason }],
    });
  });

  it('renders a raw ratio that has the placeholder', () => {
    const slo: Slo = {
      ...baseSlo(),
      indicator: { kind: 'rawErrorRatio', errorRatio: { type: 'Prometheus', query: 'r[{{.window}}]' } },
    };
    expect(prometheusUnsupportedReason(slo)).toBeUndefined();
    expect(records(slo)[0].expr).toBe('(r[5m])');
  });
});

describe('meta rules', () => {
  it('names the spec format and the generator', () => {
    const info = (slo: Slo, version?: string) =>
      prometheusRuleGroups(slo, { generatorVersion: version })[1].rules.find((r) => r.record === 'sloth_slo_info')!;
    expect(info(baseSlo()).labels).toMatchObject({ sloth_spec: 'prometheus/v1', sloth_version: 'sre-kit' });
    expect(info(baseSlo(), 'v9').labels).toMatchObject({ sloth_version: 'v9' });
    expect(info(asOpenSlo(baseSlo())).labels).toMatchObject({ sloth_spec: 'openslo/v1', sloth_slo: 'Api_avail' });
  });
});

describe('alert rules', () => {
  const twoTiers = (slo: Slo) =>
    withTiers(slo, [
      tier({ name: 'page-fast', severity: 'page' }),
      tier({
        name: 'ticket-slow',
        severity: 'ticket',
        longWindowSeconds: 21600,
        shortWindowSeconds: 1800,
        burnRate: 6,
      }),
    ]);

  it('routes OpenSLO alerts by severity and names each firing tier', () => {
    const slo = twoTiers(asOpenSlo(baseSlo()));
    const [page, ticket] = alerts(slo);
    expect(page.alert).toBe('MySvcApiAvailBurnRate');
    expect(page.labels).toEqual({
      family: 'slo',
      service: 'my-svc',
      severity: 'critical',
      slo: 'Api_avail',
      sloth_severity: 'page',
    });
    expect(ticket.labels).toMatchObject({ family: 'slo', severity: 'warning', sloth_severity: 'ticket' });
    const f = '{sloth_id="my-svc-Api_avail", sloth_service="my-svc", sloth_slo="Api_avail"}';
    expect(page.expr).toBe(
      `label_replace((\n    max(slo:sli_error:ratio_rate5m${f} > (14.4 * 0.0009999999999999432)) without (sloth_window)\n    and\n` +
        `    max(slo:sli_error:ratio_rate1h${f} > (14.4 * 0.0009999999999999432)) without (sloth_window)\n), "tier", "page-fast", "", "")\n`,
    );
  });

  it('builds the default alert name from the words of service and name, whatever separates them', () => {
    const slo: Slo = { ...twoTiers(asOpenSlo(baseSlo())), name: '_api..avail_' };
    expect(alerts(slo).map((r) => r.alert)).toEqual(['MySvcApiAvailBurnRate', 'MySvcApiAvailBurnRate']);
  });

  it('uses the per-severity alert names, and no alert for a severity without tiers', () => {
    const slo = twoTiers(baseSlo());
    const named: Slo = { ...slo, alerting: { ...slo.alerting, pageAlertName: 'P', ticketAlertName: 'T' } };
    expect(alerts(named).map((r) => r.alert)).toEqual(['P', 'T']);
    const pageOnly = withTiers(baseSlo(), [tier({ name: 'p', severity: 'page' })]);
    expect(alerts(pageOnly).map((r) => r.labels?.sloth_severity)).toEqual(['page']);
  });

  it('leaves out disabled alerts, and the alert group when none is left', () => {
    const slo = twoTiers(baseSlo());
    const noPage: Slo = { ...slo, alerting: { ...slo.alerting, page: { disabled: true } } };
    expect(alerts(noPage).map((r) => r.labels?.sloth_severity)).toEqual(['ticket']);
    const off: Slo = { ...slo, alerting: { ...slo.alerting, enabled: false } };
    expect(prometheusRuleGroups(off).map((g) => g.name)).toEqual([
      'sloth-slo-sli-recordings-my-svc-req-avail',
      'sloth-slo-meta-recordings-my-svc-req-avail',
    ]);
  });
});

describe('AlertWindows', () => {
  it('leave OpenSLO SLOs as they are', () => {
    const open = asOpenSlo(baseSlo());
    const policy = { periodSeconds: 7 * 86400, tiers: [tier({ name: 'p', severity: 'page' })] };
    const [sloth, openslo] = applyAlertWindows([baseSlo(), open], { w: policy }, 7 * 86400);
    expect(sloth.period.seconds).toBe(7 * 86400);
    expect(openslo).toBe(open);
  });
});

describe('rule files', () => {
  it('get a header, a unique name per spec basename, and plain YAML without folding or aliases', () => {
    const long = 'x'.repeat(120);
    const slo = (file: string): Slo => {
      const s = baseSlo(file);
      return { ...s, labels: { ...s.labels, note: `${long} ${long}` } };
    };
    const { files } = renderPrometheusRules([slo('a/svc.yml'), slo('b/svc.yaml'), slo('c/svc.yml')]);
    expect(files.map((f) => f.name)).toEqual(['svc.rules.yml', 'svc-2.rules.yml', 'svc-3.rules.yml']);
    const content = files[1].content;
    expect(content.split('\n').slice(0, 2)).toEqual([
      '# Generated by sre-kit from svc.yaml: Sloth-compatible SLO rules.',
      '# Do not edit; regenerate with: sre render prometheus --out <dir> svc.yaml',
    ]);
    expect(content).toContain(`note: ${long} ${long}\n`);
    expect(content).not.toMatch(/[&*]a\d/);
    expect((parse(content) as { groups: unknown[] }).groups).toHaveLength(3);
  });
});
