import { withMinEvents } from '../src/math';
import { formatDiagnostic, loadSpecTexts } from '../src/spec';

const SLO = (extra: string, annotations = '') => `apiVersion: openslo/v1
kind: SLO
metadata:
  name: checkout
  labels:
    team: [payments, web]
${annotations}spec:
  service: shop
  indicatorRef: checkout-errors
  timeWindow:
    - duration: 7d
      isRolling: true
  budgetingMethod: Occurrences
  objectives:
    - targetPercent: 99.5
${extra}`;

const SLI = `apiVersion: openslo/v1
kind: SLI
metadata:
  name: checkout-errors
spec:
  ratioMetric:
    bad:
      metricSource:
        metricSourceRef: shop-cloudwatch
        spec: { namespace: Shop, metricName: CheckoutFailed, stat: Sum }
    total:
      metricSource:
        metricSourceRef: shop-cloudwatch
        spec: { namespace: Shop, metricName: CheckoutStarted, stat: Sum }
---
apiVersion: openslo/v1
kind: DataSource
metadata:
  name: shop-cloudwatch
spec:
  type: CloudWatch
  connectionDetails: { region: eu-central-1 }
`;

const POLICY = `apiVersion: openslo/v1
kind: AlertPolicy
metadata:
  name: checkout-burn
spec:
  alertWhenBreaching: true
  conditions:
    - conditionRef: fast-burn
    - kind: AlertCondition
      metadata: { name: slow-burn }
      spec:
        severity: low
        condition: { kind: burnrate, op: gte, threshold: 1, lookbackWindow: 1d, alertAfter: 30m }
  notificationTargets:
    - targetRef: payments-oncall
---
apiVersion: openslo/v1
kind: AlertCondition
metadata:
  name: fast-burn
spec:
  severity: critical
  condition: { kind: burnrate, op: gt, threshold: 10, lookbackWindow: 1h, alertAfter: 5m }
---
apiVersion: openslo/v1
kind: AlertNotificationTarget
metadata:
  name: payments-oncall
spec:
  target: slack
`;

function load(...texts: string[]) {
  return loadSpecTexts(texts.map((text, i) => ({ file: `f${i}.yaml`, text })));
}

describe('OpenSLO references and sre-kit extensions', () => {
  it('resolves indicatorRef, metricSourceRef, alertPolicyRef and conditionRef across files into tiers', () => {
    const set = load(SLO('  alertPolicies:\n    - alertPolicyRef: checkout-burn\n'), POLICY, SLI);
    expect(set.diagnostics.map(formatDiagnostic)).toEqual([]);
    const [slo] = set.slos;
    expect(slo.objective).toBe(0.995);
    expect(slo.labels).toEqual({ team: 'payments,web' });
    expect(slo.indicator).toMatchObject({
      kind: 'ratio',
      bad: { type: 'CloudWatch', kind: 'metric', namespace: 'Shop', metricName: 'CheckoutFailed' },
    });
    // Burn rate = threshold; short window = long / 12; budget fraction = burnRate x long / period.
    expect(slo.alerting.policy).toEqual({
      periodSeconds: 7 * 86400,
      tiers: [
        {
          name: 'fast-burn',
          severity: 'page',
          longWindowSeconds: 3600,
          shortWindowSeconds: 300,
          burnRate: 10,
          budgetFraction: (10 * 3600) / (7 * 86400),
          // The default low-traffic guard: one error is 2/3 of the only page's threshold (10 x 0.5 %).
          minEvents: Math.ceil(1.5 / (10 * (1 - 0.995))),
        },
        {
          name: 'slow-burn',
          severity: 'ticket',
          longWindowSeconds: 86400,
          shortWindowSeconds: 7200,
          burnRate: 1,
          budgetFraction: 1 / 7,
          minEvents: Math.ceil(1.5 / (10 * (1 - 0.995))),
        },
      ],
    });
    expect(set.dataSources).toMatchObject([{ name: 'shop-cloudwatch', type: 'CloudWatch' }]);
    expect(set.notificationTargets).toMatchObject([{ name: 'payments-oncall', target: 'slack' }]);
  });

  it('uses a named AlertWindows policy through the sre-kit/alert-windows annotation, and the runbook', () => {
    const windows = `apiVersion: sloth.slok.dev/v1
kind: AlertWindows
metadata: { name: weekly }
spec:
  sloPeriod: 7d
  page:
    quick: { errorBudgetPercent: 8, shortWindow: 5m, longWindow: 1h }
    slow: { errorBudgetPercent: 12.5, shortWindow: 30m, longWindow: 6h }
  ticket:
    quick: { errorBudgetPercent: 20, shortWindow: 2h, longWindow: 1d }
    slow: { errorBudgetPercent: 42, shortWindow: 6h, longWindow: 3d }
`;
    const annotations =
      '  annotations:\n    sre-kit/alert-windows: weekly\n    sre-kit/runbook: https://runbooks.example/checkout\n    owner: payments\n';
    const set = load(SLO('', annotations), SLI, windows);
    expect(set.diagnostics.map(formatDiagnostic)).toEqual([]);
    const [slo] = set.slos;
    // The named windows, each tier given the SLO's default low-traffic guard.
    expect(slo.alerting.policy).toEqual(withMinEvents(set.alertWindows.weekly, slo.objective, undefined));
    expect(slo.alerting.policy.tiers.map((t) => t.burnRate)).toEqual([13.44, 3.5, 1.4, 0.98]);
    expect(slo.alerting.runbookUrl).toBe('https://runbooks.example/checkout');
    expect(slo.alerting.annotations).toEqual({ owner: 'payments' });

    const thirty = windows.replace('sloPeriod: 7d', 'sloPeriod: 30d');
    const mismatch = load(SLO('', annotations), SLI, thirty);
    expect(mismatch.diagnostics.map(formatDiagnostic)).toEqual([
      'f0.yaml:8:28: metadata.annotations["sre-kit/alert-windows"]: AlertWindows "weekly" is for a 30d period but the SLO period is 7d (declared at f2.yaml:1:1)',
      // The same percentages over 30 d make the slowest tier 4.2x: said where the percentage is written.
      'f2.yaml:11:33: spec.ticket.slow.errorBudgetPercent: warning: no tier fires below 4.2x (the lowest is ticket-3d): ' +
        'burns from 1x to 4.2x go undetected and exhaust the 30d budget in 7d3h to 30d unseen ' +
        '(lower that tier to 1x, 1.5x at most, or add a 1x ticket tier over a long window such as 3d; errorBudgetPercent 10 over 3d is 1x)',
    ]);
  });

  it('warns where AlertWindows percentages make a tier fire on burns that never exhaust the budget', () => {
    // The 30 d workbook percentages carried over to 7 d: 1.4x page, 0.7x and 0.23x tickets.
    const workbook7d = `apiVersion: sloth.slok.dev/v1
kind: AlertWindows
metadata: { name: weekly }
spec:
  sloPeriod: 1w
  page:
    quick: { errorBudgetPercent: 2, shortWindow: 5m, longWindow: 1h }
    slow: { errorBudgetPercent: 5, shortWindow: 30m, longWindow: 6h }
  ticket:
    quick: { errorBudgetPercent: 10, shortWindow: 2h, longWindow: 1d }
    slow: { errorBudgetPercent: 10, shortWindow: 6h, longWindow: 3d }
`;
    const set = load(workbook7d);
    expect(set.alertWindows.weekly.periodSeconds).toBe(7 * 86400);
    expect(set.diagnostics.map(formatDiagnostic)).toEqual([
      'f0.yaml:8:33: spec.page.slow.errorBudgetPercent: warning: tier page-6h pages at 1.4x: burns from 1.4x to 3x ' +
        'page needlessly, the 7d budget lasts 2d8h or more at them ' +
        '(page at 3x or more and leave slower burns to a ticket tier; errorBudgetPercent 10.71 over 6h is 3x)',
      'f0.yaml:10:34: spec.ticket.quick.errorBudgetPercent: warning: tier ticket-1d fires at 0.7x: burns from 0.7x ' +
        'to 1x alert needlessly, they never exhaust the 7d budget (a steady 0.7x burn leaves 30 % of it) ' +
        '(fire at 1x or more; about 0.9x is tolerated; errorBudgetPercent 14.29 over 1d is 1x)',
      'f0.yaml:11:33: spec.ticket.slow.errorBudgetPercent: warning: tier ticket-3d fires at 0.2333x: burns from ' +
        '0.2333x to 1x alert needlessly, they never exhaust the 7d budget (a steady 0.2333x burn leaves 76.7 % of it) ' +
        '(fire at 1x or more; about 0.9x is tolerated; errorBudgetPercent 42.86 over 3d is 1x)',
    ]);
  });

  it('warns at the threshold of OpenSLO conditions that page needlessly or leave slow burns unseen', () => {
    const policy = POLICY.replace('threshold: 10, lookbackWindow: 1h', 'threshold: 2, lookbackWindow: 1h').replace(
      'threshold: 1, lookbackWindow: 1d',
      'threshold: 1.6, lookbackWindow: 1d',
    );
    const set = load(SLO('  alertPolicies:\n    - alertPolicyRef: checkout-burn\n'), policy, SLI);
    expect(set.diagnostics.map(formatDiagnostic)).toEqual([
      'f1.yaml:13:58: spec.conditions[1].spec.condition.threshold: warning: no tier fires below 1.6x (the lowest is slow-burn): ' +
        'burns from 1x to 1.6x go undetected and exhaust the 7d budget in 4d9h to 7d unseen ' +
        '(lower that tier to 1x, 1.5x at most, or add a 1x ticket tier over a long window such as 3d)',
      'f1.yaml:23:51: spec.condition.threshold: warning: tier fast-burn pages at 2x: burns from 2x to 3x page ' +
        'needlessly, the 7d budget lasts 2d8h or more at them (page at 3x or more and leave slower burns to a ticket tier)',
    ]);
  });

  it('falls back to the default tiers for the period, dropping none at 7 d, written 7d or 1w', () => {
    const set = load(SLO(''), SLI);
    expect(set.diagnostics).toEqual([]);
    expect(set.slos[0].alerting.policy.tiers.map((t) => t.burnRate)).toEqual([3.36, 3, 1, 1]);
    const week = load(SLO('').replace('duration: 7d', 'duration: 1w'), SLI).slos[0];
    expect(week.alerting.policy).toEqual(set.slos[0].alerting.policy);
  });

  it('reads raw ratios with rawType and the Sloth Kubernetes CRD', () => {
    const raw = `apiVersion: openslo/v1
kind: SLO
metadata: { name: raw }
spec:
  service: shop
  indicator:
    spec:
      ratioMetric:
        rawType: success
        raw:
          metricSource:
            type: Prometheus
            spec: { query: 'avg_over_time(up[{{.window}}])' }
  timeWindow: [{ duration: 1M, isRolling: false, calendar: { startTime: '2024-01-01 00:00:00', timeZone: UTC } }]
  budgetingMethod: Occurrences
  objectives: [{ target: 0.99 }]
---
apiVersion: sloth.slok.dev/v1
kind: PrometheusServiceLevel
metadata: { name: crd }
spec:
  service: api
  slos:
    - name: avail
      objective: 99
      sli: { raw: { error_ratio_query: 'rate(errors[{{.window}}])' } }
      alerting: { page_alert: { disable: true } }
`;
    const set = load(raw);
    expect(set.diagnostics.map(formatDiagnostic)).toEqual([]);
    const byName = Object.fromEntries(set.slos.map((s) => [s.name, s]));
    expect(byName.raw.indicator).toEqual({
      kind: 'rawErrorRatio',
      rawType: 'success',
      errorRatio: { type: 'Prometheus', query: 'avg_over_time(up[{{.window}}])' },
    });
    expect(byName.raw.period).toEqual({ seconds: 30 * 86400, rolling: false, calendarUnit: 'Month' });
    expect(byName['api-avail'].alerting).toMatchObject({ enabled: true, page: { disabled: true } });
  });
});
