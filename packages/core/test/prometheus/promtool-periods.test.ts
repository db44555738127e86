/**
 * The default tiers for 7, 28, 30 and 90 day SLOs, run by Prometheus itself: OpenSLO specs rendered by the
 * real renderPrometheusRules, then `promtool test rules` on input series and times computed from the SLO math
 * (no expected number is copied from output). Two promises per period:
 *
 * - a steady 0.9x burn never alerts (under 1x the budget is never exhausted);
 * - a steady 2x burn after healthy history is ticketed, never paged (2x < 3x), within the detection time
 *   `explain` gives plus two evaluations, and still firing when 10 % of the budget is left.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { detectionTime, errorBudget, timeToExhaustion } from '../../src/math';
import { formatDiagnostic, loadSpecTexts } from '../../src/spec';
import { renderPrometheusRules, type PrometheusRuleGroup } from '../../src/prometheus';
import type { Slo } from '../../src/model/slo';
import { expectedAlert, promtool } from './promtool';

const MINUTE = 60;
const DAY = 86400;
const OBJECTIVE = 0.999;
/** Requests per minute: a round number of errors per minute at 0.9x and 2x keeps the counters exact. */
const RPM = 10000;

const spec = (duration: string) => `apiVersion: openslo/v1
kind: SLO
metadata:
  name: api-${duration}
spec:
  service: shop
  indicator:
    metadata:
      name: api-errors
    spec:
      ratioMetric:
        counter: true
        bad:
          metricSource:
            type: Prometheus
            spec:
              query: sum(rate(http_requests_total{job="api",code="500"}[{{.window}}]))
        total:
          metricSource:
            type: Prometheus
            spec:
              query: sum(rate(http_requests_total{job="api"}[{{.window}}]))
  timeWindow:
    - duration: ${duration}
      isRolling: true
  budgetingMethod: Occurrences
  objectives:
    - target: ${OBJECTIVE}
`;

const promDuration = (seconds: number): string => `${Math.round(seconds / MINUTE)}m`;
const ceilTo = (seconds: number, step: number): number => Math.ceil(seconds / step) * step;
const floorTo = (seconds: number, step: number): number => Math.floor(seconds / step) * step;

/** Counter series, one sample a minute: `minutes` minutes healthy, then `burn` until `total` minutes. */
function inputSeries(burn: number, healthyMinutes: number, totalMinutes: number) {
  const errorsPerMinute = Number((burn * errorBudget(OBJECTIVE) * RPM).toFixed(9));
  const okPerMinute = RPM - errorsPerMinute;
  const series = (code: string) => `http_requests_total{job="api",code="${code}"}`;
  const burnMinutes = totalMinutes - healthyMinutes;
  const ok =
    healthyMinutes > 0
      ? `0+${RPM}x${healthyMinutes} ${RPM * healthyMinutes + okPerMinute}+${okPerMinute}x${burnMinutes - 1}`
      : `0+${okPerMinute}x${burnMinutes}`;
  const bad =
    healthyMinutes > 0
      ? `0x${healthyMinutes} ${errorsPerMinute}+${errorsPerMinute}x${burnMinutes - 1}`
      : `0+${errorsPerMinute}x${burnMinutes}`;
  return [
    { series: series('200'), values: ok },
    { series: series('500'), values: bad },
  ];
}

describe.each([
  ['7d', 7 * DAY],
  ['28d', 28 * DAY],
  ['30d', 30 * DAY],
  ['90d', 90 * DAY],
])('promtool: default tiers of a %s SLO', (duration, period) => {
  const dir = mkdtempSync(join(tmpdir(), `sre-prom-${duration}-`));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const set = loadSpecTexts([{ file: `api-${duration}.yaml`, text: spec(duration) }]);
  const slo = set.slos[0] as Slo;
  const rendered = renderPrometheusRules(set.slos).files[0];
  const rulesFile = join(dir, rendered.name);
  writeFileSync(rulesFile, rendered.content);
  const groups = (parse(rendered.content) as { groups: PrometheusRuleGroup[] }).groups;
  const tiers = slo.alerting.policy.tiers;
  const longest = Math.max(...tiers.map((t) => t.longWindowSeconds));
  const ticket = expectedAlert(groups, 'ticket');

  const run = (name: string, test: object) => {
    const file = join(dir, `${name}.test.yml`);
    // Evaluations minutes apart read recorded series older than the 5 m lookback unless the recording groups run
    // first within each evaluation; promtool otherwise orders groups at random, and an alert group evaluated
    // first would see no data and pass a "never alerts" test for nothing.
    const group_eval_order = groups.map((g) => g.name);
    writeFileSync(
      file,
      stringify({ rule_files: [rulesFile], group_eval_order, ...test }, { aliasDuplicateObjects: false }),
    );
    expect(promtool(['test', 'rules', file])).toContain('SUCCESS');
  };

  it('loads without diagnostics and renders a period of that length', () => {
    expect(set.diagnostics.map(formatDiagnostic)).toEqual([]);
    expect(slo.period.seconds).toBe(period);
    expect(rendered.content).toContain(`slo:sli_error:ratio_rate${duration}`);
  });

  it('never alerts on a steady 0.9x burn', () => {
    // Every window is full after the longest one; a day more of steady state, checked every hour.
    const end = longest + DAY;
    const hours = Array.from({ length: end / 3600 }, (_, i) => (i + 1) * 3600);
    run('steady-0.9x', {
      // Evaluations cost promtool most of its time (each reads every window's samples); steady state needs few.
      evaluation_interval: '15m',
      tests: [
        {
          interval: '1m',
          input_series: inputSeries(0.9, 0, end / MINUTE),
          alert_rule_test: hours.map((t) => ({
            eval_time: promDuration(t),
            alertname: ticket.alertname,
            exp_alerts: [],
          })),
          promql_expr_test: [
            {
              // The input really is a 0.9x burn (rounded: rate() extrapolation leaves float noise).
              expr: 'round(slo:current_burn_rate:ratio, 0.001)',
              eval_time: promDuration(end),
              exp_samples: [{ labels: `{${labelText(groups[0].rules[0].labels ?? {})}}`, value: 0.9 }],
            },
          ],
        },
      ],
    });
  });

  it('tickets a steady 2x burn in the explained time and before 10 % of the budget is left, without paging', () => {
    const burn = 2;
    // Healthy history as long as the longest window, so no window starts out short.
    const start = longest;
    const tenPercentLeft = timeToExhaustion(burn, period, 0.9);
    const errorRatio = burn * errorBudget(OBJECTIVE);
    const detections = tiers.map((t) => detectionTime(t, OBJECTIVE, errorRatio, period).seconds);
    const firstTicket = Math.min(...tiers.map((t, i) => (t.severity === 'ticket' ? detections[i] : Infinity)));
    // The promises the math makes, before Prometheus checks them: no page tier sees 2x, a ticket does in time.
    tiers.forEach((t, i) => t.severity === 'page' && expect(detections[i]).toBe(Infinity));
    expect(firstTicket).toBeLessThan(tenPercentLeft);
    // Rules evaluated ~600 times over the run: hours of resolution against days of detection time, and the
    // 90 d case (43.5 days of samples) stays a few seconds of promtool.
    const end = start + tenPercentLeft;
    const evaluation = Math.max(5 * MINUTE, ceilTo(end / 600, 5 * MINUTE));
    // The first evaluation after the closed-form crossing, plus two for rate() extrapolation at the window edges.
    const detectedBy = ceilTo(start + firstTicket, evaluation) + 2 * evaluation;
    // One alert per firing tier (its `tier` label): the ticket tiers whose detection time has passed.
    const firing = (at: number) =>
      tiers
        .filter((t, i) => t.severity === 'ticket' && start + detections[i] <= at)
        .map((t) => expectedAlert(groups, 'ticket', { tier: t.name }).alert);
    const checks = [
      { at: start, alerts: [] },
      { at: detectedBy, alerts: firing(detectedBy) },
      { at: floorTo(end, evaluation), alerts: firing(floorTo(end, evaluation)) },
    ];
    run('steady-2x', {
      evaluation_interval: promDuration(evaluation),
      tests: [
        {
          interval: '1m',
          input_series: inputSeries(burn, start / MINUTE, ceilTo(end, MINUTE) / MINUTE + 1),
          alert_rule_test: checks.map((c) => ({
            eval_time: promDuration(c.at),
            alertname: ticket.alertname,
            exp_alerts: c.alerts,
          })),
        },
      ],
    });
  });
});

function labelText(labels: Readonly<Record<string, string>>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(',');
}
