/**
 * The sre-kit alerting annotations (spec/tier-controls.ts): per-tier control and the low-traffic guard, from
 * OpenSLO `metadata.annotations` and Sloth `alerting.annotations`.
 */
import { parse } from 'yaml';
import { defaultBurnRatePolicy, defaultMinEvents } from '../src/math';
import { renderPrometheusRules } from '../src/prometheus';
import { formatDiagnostic, loadSpecTexts } from '../src/spec';

const openslo = (annotations: string, sli = 'ratio') => `apiVersion: openslo/v1
kind: SLO
metadata:
  name: checkout
  annotations:
${annotations}
spec:
  service: shop
  indicator:
    metadata: { name: checkout-errors }
    spec:
${
  sli === 'ratio'
    ? `      ratioMetric:
        counter: true
        bad:
          metricSource: { type: Prometheus, spec: { query: 'sum(rate(errors_total[{{.window}}]))' } }
        total:
          metricSource: { type: Prometheus, spec: { query: 'sum(rate(requests_total[{{.window}}]))' } }`
    : `      ratioMetric:
        counter: false
        rawType: failure
        raw:
          metricSource: { type: Prometheus, spec: { query: 'avg_over_time(error_ratio[{{.window}}])' } }`
}
  timeWindow:
    - duration: 30d
      isRolling: true
  budgetingMethod: Occurrences
  objectives:
    - target: 0.999
`;

const sloth = (annotations: string) => `version: prometheus/v1
service: shop
slos:
  - name: checkout
    objective: 99.9
    sli:
      events:
        error_query: sum(rate(errors_total[{{.window}}]))
        total_query: sum(rate(requests_total[{{.window}}]))
    alerting:
      name: CheckoutBurn
      annotations:
        summary: checkout is burning
${annotations}
`;

const load = (file: string, text: string) => loadSpecTexts([{ file, text }]);
const messages = (set: ReturnType<typeof load>) => set.diagnostics.map(formatDiagnostic);

describe('per-tier control', () => {
  it('disables a tier and moves another, keeping names; the policy, not a copy, carries the change', () => {
    const set = load('c.yaml', openslo('    sre-kit/tier.page-6h: disabled\n    sre-kit/tier.ticket-1d: page'));
    const [slo] = set.slos;
    expect(slo.alerting.policy.tiers.map((t) => [t.name, t.severity])).toEqual([
      ['page-1h', 'page'],
      ['ticket-1d', 'page'],
      ['ticket-3d', 'ticket'],
    ]);
    expect(slo.alerting.tierChanges?.map((c) => [c.tier, c.change])).toEqual([
      ['page-6h', 'disabled'],
      ['ticket-1d', 'page'],
    ]);
    // Warnings, not errors: the spec still loads.
    expect(set.diagnostics.map((d) => d.severity)).toEqual(['warning', 'warning']);
    // The Prometheus page alert now ORs page-1h and ticket-1d, each with its own `tier` label.
    const rules = renderPrometheusRules(set.slos).files[0].content;
    expect(rules).not.toContain('"tier", "page-6h"');
    // ticket-1d moved into the page alert: routed as critical, still labelled with its own name.
    type Rule = { alert?: string; expr: string; labels?: Record<string, string> };
    const alerts = (parse(rules) as { groups: { rules: Rule[] }[] }).groups
      .flatMap((g) => g.rules)
      .filter((r) => r.alert);
    const page = alerts.find((r) => r.labels?.sloth_severity === 'page')!;
    const ticket = alerts.find((r) => r.labels?.sloth_severity === 'ticket')!;
    expect(page.labels?.severity).toBe('critical');
    expect(page.expr).toContain('"tier", "ticket-1d"');
    expect(page.expr).toContain('"tier", "page-1h"');
    expect(ticket.expr).not.toContain('"tier", "ticket-1d"');
    expect(ticket.expr).toContain('"tier", "ticket-3d"');
  });

  it('refuses unknown tiers and settings, and a guard that is not a whole number', () => {
    const set = load(
      'c.yaml',
      openslo('    sre-kit/tier.page-6x: disabled\n    sre-kit/tier.page-1h: off\n    sre-kit/min-events: "2.5"'),
    );
    expect(messages(set)).toEqual([
      expect.stringMatching(
        /sre-kit\/tier\.page-6x"\]: no tier "page-6x" in this SLO's policy \(did you mean "page-6h"\?\)/,
      ),
      expect.stringMatching(/unknown tier setting "off" \(write disabled, page or ticket\)/),
      expect.stringMatching(/min-events must be a whole number of events, got "2\.5"/),
    ]);
  });

  it('warns when every tier is disabled', () => {
    const all = defaultBurnRatePolicy(30 * 86400).tiers.map((t) => `    sre-kit/tier.${t.name}: disabled`);
    const set = load('c.yaml', openslo(all.join('\n')));
    expect(set.slos[0].alerting.enabled).toBe(false);
    expect(messages(set).some((m) => m.includes('every burn-rate tier is disabled'))).toBe(true);
  });
});

describe('the low-traffic guard in the spec', () => {
  it('defaults on for OpenSLO, per tier overridable, "0" turns it off', () => {
    const tiers = (annotations: string) => load('c.yaml', openslo(annotations)).slos[0].alerting.policy.tiers;
    const n = defaultMinEvents(defaultBurnRatePolicy(30 * 86400).tiers, 0.999);
    expect(tiers('    sre-kit/runbook: https://runbooks.example/c').map((t) => t.minEvents)).toEqual([n, n, n, n]);
    expect(tiers('    sre-kit/min-events: "0"\n    sre-kit/min-events.page-1h: "40"').map((t) => t.minEvents)).toEqual([
      40,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('leaves raw error-ratio SLIs unguarded, and says so when asked', () => {
    const quiet = load('c.yaml', openslo('    sre-kit/runbook: https://runbooks.example/c', 'raw'));
    expect(quiet.slos[0].alerting.policy.tiers.every((t) => t.minEvents === undefined)).toBe(true);
    expect(messages(quiet)).toEqual([]);
    const asked = load('c.yaml', openslo('    sre-kit/min-events: "100"', 'raw'));
    expect(messages(asked)).toEqual([expect.stringMatching(/raw error-ratio SLI has no event count/)]);
  });

  it('is off for Sloth specs until alerting.annotations asks, and the keys never reach the alert', () => {
    const plain = load('s.yaml', sloth(''));
    expect(plain.slos[0].alerting.policy.tiers.every((t) => t.minEvents === undefined)).toBe(true);
    const asked = load('s.yaml', sloth('        sre-kit/min-events: "100"\n        sre-kit/tier.ticket-1d: disabled'));
    expect(asked.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const [slo] = asked.slos;
    expect(slo.alerting.policy.tiers.map((t) => [t.name, t.minEvents])).toEqual([
      ['page-1h', 100],
      ['page-6h', 100],
      ['ticket-3d', 100],
    ]);
    expect(slo.alerting.annotations).toEqual({ summary: 'checkout is burning' });
    const rules = renderPrometheusRules(asked.slos).files[0].content;
    expect(rules).toContain('slo:sli_events:count6h');
    expect(rules).toContain('clamp_min(slo:sli_events:count6h');
    expect(rules).not.toContain('sre-kit/');
  });
});

describe('annotation values at their edges', () => {
  const guards = (set: ReturnType<typeof load>) => set.slos[0].alerting.policy.tiers.map((t) => t.minEvents);

  it.each(['1e3', '99999999999999999999'])('refuses min-events "%s": not a whole number it can count to', (text) => {
    const set = load('c.yaml', openslo(`    sre-kit/min-events: "${text}"`));
    expect(messages(set)).toEqual([
      `c.yaml:6:25: metadata.annotations["sre-kit/min-events"]: min-events must be a whole number of events, got "${text}" (for example "200"; "0" turns the guard off)`,
    ]);
  });

  it('refuses a per-tier guard for a tier the policy does not have, keeping the others', () => {
    const set = load('c.yaml', openslo('    sre-kit/min-events.page-6x: "40"'));
    expect(messages(set)).toEqual([
      `c.yaml:6:5: metadata.annotations["sre-kit/min-events.page-6x"]: no tier "page-6x" in this SLO's policy (did you mean "page-6h"?)`,
    ]);
    expect(guards(set)).not.toContain(40);
  });

  it('reads a tier setting written with spaces around it', () => {
    const set = load('c.yaml', openslo('    sre-kit/tier.page-6h: " disabled "'));
    expect(set.slos[0].alerting.policy.tiers.map((t) => t.name)).toEqual(['page-1h', 'ticket-1d', 'ticket-3d']);
  });

  it('says a setting that changes nothing can go, and records no change', () => {
    const set = load('c.yaml', openslo('    sre-kit/tier.page-1h: page'));
    expect(messages(set)).toEqual([
      'c.yaml:6:27: metadata.annotations["sre-kit/tier.page-1h"]: warning: tier page-1h already is a page tier (remove this annotation)',
    ]);
    expect(set.slos[0].alerting.tierChanges).toBeUndefined();
  });

  it('tells how to keep what a change loses', () => {
    const set = load('c.yaml', openslo('    sre-kit/tier.ticket-3d: disabled'));
    expect(set.diagnostics.map((d) => d.hint)).toEqual(['keep the tier, or accept the later detection']);
  });

  it('says every tier is disabled on the annotations, with what to do', () => {
    const all = defaultBurnRatePolicy(30 * 86400).tiers.map((t) => `    sre-kit/tier.${t.name}: disabled`);
    expect(messages(load('c.yaml', openslo(all.join('\n'))))[0]).toBe(
      'c.yaml:5:3: metadata.annotations: warning: every burn-rate tier is disabled: this SLO alerts on nothing (keep at least one tier)',
    );
  });

  it('names the fix when a raw error-ratio SLI asks for the guard', () => {
    expect(messages(load('c.yaml', openslo('    sre-kit/min-events: "100"', 'raw')))).toEqual([
      'c.yaml:6:5: metadata.annotations["sre-kit/min-events"]: warning: a raw error-ratio SLI has no event count, so the low-traffic guard cannot apply (use a ratio SLI (good or bad, and total))',
    ]);
  });

  it('guards only the tier a Sloth spec names, and keeps that key out of the alert too', () => {
    const set = load('s.yaml', sloth('        sre-kit/min-events.page-1h: "100"'));
    expect(messages(set)).toEqual([]);
    expect(guards(set)).toEqual([100, undefined, undefined, undefined]);
    expect(set.slos[0].alerting.annotations).toEqual({ summary: 'checkout is burning' });
  });
});
