/**
 * Whole-SLO checks and tier controls as a spec author meets them: duplicate names across formats, CloudWatch
 * window periods (only for CloudWatch SLIs, whatever the indicator kind), and what the tier annotations do to
 * the burn-rate tiers of threshold, raw and ratio SLIs.
 */
import { tierMinEvents } from '../src/math';
import { formatDiagnostic, loadSpecTexts } from '../src/spec';
import { EVENTS, slo, sloth } from './spec-errors/builders';

const load = (...texts: string[]) => loadSpecTexts(texts.map((text, i) => ({ file: `f${i}.yaml`, text })));

const INDICATOR = / {2}indicator:\n[\s\S]*?(?= {2}timeWindow)/;
const THRESHOLD_OBJECTIVE = { '      target: 0.999\n': '      target: 0.999\n      op: lte\n      value: 2\n' };
const CLOUDWATCH_THRESHOLD = `  indicator:
    spec:
      thresholdMetric:
        metricSource:
          type: CloudWatch
          spec: { namespace: Shop, metricName: Latency, stat: p99 }
`;
const prometheus = (query: string) => `{ metricSource: { type: Prometheus, spec: { query: '${query}' } } }`;
/** One ticket condition over `window`: its short window is window / 12. */
const condition = (window: string) => `  alertPolicies:
    - kind: AlertPolicy
      metadata: { name: p }
      spec:
        conditions:
          - kind: AlertCondition
            metadata: { name: odd }
            spec:
              severity: ticket
              condition: { kind: burnrate, op: gt, threshold: 1, lookbackWindow: ${window} }
`;
const annotated = (lines: string, patch: Record<string, string> = {}) =>
  slo({ '  name: api-availability\n': `  name: api-availability\n  annotations:\n${lines}`, ...patch });
const RAW_RATIO = / {6}ratioMetric:\n[\s\S]*?(?= {2}timeWindow)/;
const PERIOD_PROBLEM =
  'tier odd: the 7m30s window cannot be a CloudWatch alarm period: period 450s must be 10, 20, 30 or a multiple of 60 seconds ' +
  '(CloudWatch SLIs need windows of whole minutes up to 7d)';

describe('checks across SLOs', () => {
  it('refuses an SLO name used by two formats, and only that one', () => {
    const set = load(
      sloth(`    objective: 99.9\n${EVENTS}`),
      slo({ '  name: api-availability': '  name: myservice-availability' }),
      sloth(`    objective: 99.9\n${EVENTS}`).replace('name: availability', 'name: latency'),
    );
    expect(set.diagnostics.map(formatDiagnostic)).toEqual([
      'f0.yaml:4:11: slos[0].name: duplicate SLO name "myservice-availability" (first defined at f1.yaml:4:9; SLO names must be unique across all files)',
    ]);
  });
});

describe('CloudWatch alarm periods of the burn-rate windows', () => {
  it('are checked for a CloudWatch threshold SLI', () => {
    const set = load(slo(THRESHOLD_OBJECTIVE, condition('90m')).replace(INDICATOR, CLOUDWATCH_THRESHOLD));
    expect(set.diagnostics.map(formatDiagnostic)).toEqual([`f0.yaml:22:3: spec.alertPolicies: ${PERIOD_PROBLEM}`]);
  });

  it('are checked when one side of a ratio is CloudWatch', () => {
    const text = slo({}, condition('90m')).replace(
      / {8}total:\n[\s\S]*?(?= {2}timeWindow)/,
      `        total: ${prometheus('sum(rate(t[{{.window}}]))')}\n`,
    );
    expect(load(text).diagnostics.map(formatDiagnostic)).toEqual([
      `f0.yaml:29:3: spec.alertPolicies: ${PERIOD_PROBLEM}`,
    ]);
  });

  it('are not checked for a Prometheus SLI', () => {
    const text = slo({}, condition('90m')).replace(
      / {8}bad:\n[\s\S]*?(?= {2}timeWindow)/,
      `        bad: ${prometheus('sum(rate(e[{{.window}}]))')}\n        total: ${prometheus('sum(rate(t[{{.window}}]))')}\n`,
    );
    const set = load(text);
    expect(set.diagnostics).toEqual([]);
    expect(set.slos[0].alerting.policy.tiers.map((t) => t.shortWindowSeconds)).toEqual([450]);
  });
});

describe('tier annotations', () => {
  it('disable a tier, warning on the annotation what that loses', () => {
    const set = load(annotated('    owner: me\n    sre-kit/tier.ticket-3d: disabled\n'));
    expect(set.diagnostics.map(formatDiagnostic)).toEqual([
      'f0.yaml:7:29: metadata.annotations["sre-kit/tier.ticket-3d"]: warning: disabling ticket-3d (ticket at 1x) means a 1x burn, ' +
        'which exhausts the 30d budget in 30d, fires no tier at all (it did after 3d) (keep the tier, or accept the later detection)',
    ]);
    expect(set.slos[0].alerting.policy.tiers.map((t) => t.name)).toEqual(['page-1h', 'page-6h', 'ticket-1d']);
  });

  it('give a threshold SLI no low-traffic guard, even when one tier asks for it, without a warning', () => {
    const set = load(
      annotated('    sre-kit/min-events: "0"\n    sre-kit/min-events.page-1h: "5"\n', THRESHOLD_OBJECTIVE).replace(
        INDICATOR,
        CLOUDWATCH_THRESHOLD,
      ),
    );
    expect(set.diagnostics).toEqual([]);
    expect(set.slos[0].alerting.policy.tiers.map(tierMinEvents)).toEqual([0, 0, 0, 0]);
  });

  it('warn on the min-events key that a raw error-ratio SLI cannot have the guard', () => {
    const text = annotated('    owner: me\n    sre-kit/min-events.page-1h: "5"\n').replace(
      RAW_RATIO,
      `      ratioMetric:\n        rawType: failure\n        raw: ${prometheus('sum(rate(e[{{.window}}]))')}\n`,
    );
    const set = load(text);
    expect(set.diagnostics.map(formatDiagnostic)).toEqual([
      'f0.yaml:7:5: metadata.annotations["sre-kit/min-events.page-1h"]: warning: a raw error-ratio SLI has no event count, ' +
        'so the low-traffic guard cannot apply (use a ratio SLI (good or bad, and total))',
    ]);
    expect(set.slos[0].alerting.policy.tiers.map(tierMinEvents)).toEqual([0, 0, 0, 0]);
  });

  it('leave Sloth tiers as Sloth writes them when no guard is asked', () => {
    const set = load(sloth(`    objective: 99.9\n${EVENTS}`));
    expect(set.diagnostics).toEqual([]);
    for (const tier of set.slos[0].alerting.policy.tiers) expect(Object.keys(tier)).not.toContain('minEvents');
  });
});
