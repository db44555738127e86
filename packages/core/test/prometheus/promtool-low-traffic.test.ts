/**
 * The low-traffic guard run by Prometheus itself (`promtool test rules`), on the case of pyrra#1925: a 99.9 %
 * 30 d SLO at 20 requests an hour, one request every 3 minutes. Rules rendered from the spec by the real
 * renderPrometheusRules; times and counts come from core's guard math, not from promtool output.
 *
 * - one failed request never pages over the following 7 hours (and, with the guard turned off by
 *   `sre-kit/min-events: "0"`, the same input does page: the test input really is the case);
 * - a full outage at that traffic pages within the bound outageDetectionAtTraffic gives (two failed requests,
 *   6 minutes, by the 6h page), and not one request earlier.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { errorsToFire, outageDetectionAtTraffic } from '../../src/math';
import { formatDiagnostic, loadSpecTexts } from '../../src/spec';
import { renderPrometheusRules, type PrometheusRuleGroup } from '../../src/prometheus';
import type { BurnRateTier, Slo } from '../../src/model/slo';
import { expectedAlert, promtool } from './promtool';

const MINUTE = 60;
const HOUR = 3600;
const PER_HOUR = 20;
/** One request per sample: the counters move by whole requests, as a real exporter's do. */
const INTERVAL = HOUR / PER_HOUR;
/** Healthy history filling every window, the 3d ticket's too, before anything happens. */
const WARMUP = 73 * HOUR;

const spec = (annotations: string) => `apiVersion: openslo/v1
kind: SLO
metadata:
  name: quiet-api
${annotations}spec:
  service: shop
  indicator:
    metadata:
      name: quiet-api-errors
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
    - duration: 30d
      isRolling: true
  budgetingMethod: Occurrences
  objectives:
    - target: 0.999
`;

/** Counter samples every INTERVAL: request i (from 1) fails when `failed(i)`. */
function inputSeries(samples: number, failed: (i: number) => boolean) {
  const ok: number[] = [0];
  const bad: number[] = [0];
  for (let i = 1; i < samples; i++) {
    ok.push(ok[i - 1] + (failed(i) ? 0 : 1));
    bad.push(bad[i - 1] + (failed(i) ? 1 : 0));
  }
  return [
    { series: 'http_requests_total{job="api",code="200"}', values: ok.join(' ') },
    { series: 'http_requests_total{job="api",code="500"}', values: bad.join(' ') },
  ];
}

const promDuration = (seconds: number): string => `${Math.round(seconds / MINUTE)}m`;

describe('promtool: the low-traffic guard at 20 requests an hour', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sre-prom-quiet-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const render = (name: string, annotations: string) => {
    const set = loadSpecTexts([{ file: `${name}.yaml`, text: spec(annotations) }]);
    expect(set.diagnostics.map(formatDiagnostic)).toEqual([]);
    const rendered = renderPrometheusRules(set.slos).files[0];
    const file = join(dir, `${name}.rules.yml`);
    writeFileSync(file, rendered.content);
    const groups = (parse(rendered.content) as { groups: PrometheusRuleGroup[] }).groups;
    return { slo: set.slos[0] as Slo, file, groups };
  };
  const guarded = render('guarded', '');
  const unguarded = render('unguarded', '  annotations:\n    sre-kit/min-events: "0"\n');
  const tiers = guarded.slo.alerting.policy.tiers;
  const pageTiers = tiers.filter((t) => t.severity === 'page');
  /** The tiers whose long window holds enough failed requests to fire at this traffic (errorsToFire). */
  const firingAfter = (errors: number, of: readonly BurnRateTier[]) =>
    of.filter((t) => errors >= errorsToFire(t, guarded.slo.objective, (PER_HOUR * t.longWindowSeconds) / HOUR));

  const run = (
    name: string,
    rules: ReturnType<typeof render>,
    samples: number,
    failed: (i: number) => boolean,
    checks: { at: number; tiers: readonly BurnRateTier[] }[],
  ) => {
    // Page and ticket alerts share one name (Sloth's); each firing tier is its own alert, told apart by `tier`.
    const page = expectedAlert(rules.groups, 'page');
    const test = {
      rule_files: [rules.file],
      // Recording groups first in every evaluation (promtool orders groups at random otherwise).
      group_eval_order: rules.groups.map((g) => g.name),
      // Evaluated at each sample: 3 days of history stay a few seconds of promtool.
      evaluation_interval: promDuration(INTERVAL),
      tests: [
        {
          interval: promDuration(INTERVAL),
          input_series: inputSeries(samples, failed),
          alert_rule_test: checks.map((c) => ({
            eval_time: promDuration(c.at),
            alertname: page.alertname,
            exp_alerts: c.tiers.map((t) => expectedAlert(rules.groups, t.severity, { tier: t.name }).alert),
          })),
        },
      ],
    };
    const path = join(dir, `${name}.test.yml`);
    writeFileSync(path, stringify(test, { aliasDuplicateObjects: false }));
    expect(promtool(['test', 'rules', path])).toContain('SUCCESS');
  };

  it('guards every page tier with the default N, which one error cannot cross at this traffic', () => {
    expect(guarded.groups.flatMap((g) => g.rules).some((r) => r.record === 'slo:sli_events:count6h')).toBe(true);
    for (const t of pageTiers) {
      expect(t.minEvents).toBeGreaterThan(0);
      // At 20 an hour the window holds fewer events than N, and one error is not enough to fire.
      expect((PER_HOUR * t.longWindowSeconds) / HOUR).toBeLessThan(t.minEvents!);
      expect(errorsToFire(t, guarded.slo.objective, (PER_HOUR * t.longWindowSeconds) / HOUR)).toBeGreaterThan(1);
    }
    expect(unguarded.slo.alerting.policy.tiers.every((t) => t.minEvents === undefined)).toBe(true);
  });

  // The single failed request is request k, after the warm-up.
  const k = WARMUP / INTERVAL;
  const errorAt = k * INTERVAL;
  const quietChecks = Array.from({ length: 28 }, (_, i) => errorAt + i * 15 * MINUTE);

  it('does not page on one failed request (and the same input pages without the guard)', () => {
    // With every window full, one error fires nothing at all, tickets included.
    expect(firingAfter(1, tiers)).toEqual([]);
    run(
      'one-error',
      guarded,
      k + 150,
      (i) => i === k,
      quietChecks.map((at) => ({ at, tiers: [] })),
    );
    // Unguarded, 15 minutes later: the 6h page's 30m short window still holds the error (1/10), its long window
    // reads 1/120 = 0.83 % > 6 x 0.1 %; the 1h page's 5m window has let it go.
    const unguardedTiers = unguarded.slo.alerting.policy.tiers;
    run('one-error-unguarded', unguarded, k + 150, (i) => i === k, [
      { at: errorAt + 15 * MINUTE, tiers: unguardedTiers.filter((t) => t.name === 'page-6h') },
    ]);
  });

  it('pages a full outage at this traffic within the bound, by the tier the bound names', () => {
    const bounds = pageTiers.map((t) => outageDetectionAtTraffic(t, guarded.slo.objective, PER_HOUR));
    const bound = Math.min(...bounds);
    const first = pageTiers[bounds.indexOf(bound)];
    expect(bound).toBeLessThanOrEqual(10 * MINUTE);
    expect(first.name).toBe('page-6h');
    // The outage starts right after request k - 1, the last one that succeeds; every request from k fails.
    const start = (k - 1) * INTERVAL;
    const errorsBy = Math.round(bound / INTERVAL);
    expect(firingAfter(errorsBy - 1, pageTiers)).toEqual([]);
    run('outage', guarded, k + 60, (i) => i >= k, [
      // One failed request short of the bound: no page (the guard holds), nor any ticket.
      { at: start + bound - INTERVAL, tiers: firingAfter(errorsBy - 1, tiers) },
      // At the bound the 6h page fires (with the tickets that need as few errors); the 1h page needs more.
      { at: start + bound, tiers: firingAfter(errorsBy, tiers) },
      // And a full outage keeps paging, every page tier by an hour in.
      { at: start + HOUR, tiers: firingAfter(PER_HOUR, tiers) },
    ]);
    expect(firingAfter(PER_HOUR, pageTiers)).toEqual(pageTiers);
  });
});
