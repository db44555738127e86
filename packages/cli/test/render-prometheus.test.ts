/**
 * `sre render prometheus` on OpenSLO input (the Sloth corpus tests cover Sloth specs): a Prometheus ratio SLI
 * with bad events, one with good events, and a CloudWatch SLI in the same file that is skipped with a notice.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { promtool } from '../../core/test/prometheus/promtool';
import { runSre } from './run';

const SPEC = join(__dirname, 'fixtures', 'prometheus', 'shop-openslo.yaml');

interface Rule {
  record?: string;
  alert?: string;
  expr: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
type Groups = Array<{ name: string; rules: Rule[] }>;

describe('sre render prometheus, OpenSLO specs', () => {
  const out = mkdtempSync(join(tmpdir(), 'sre-prom-openslo-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));
  let run: Awaited<ReturnType<typeof runSre>>;
  let groups: Groups;
  const group = (name: string) => groups.find((g) => g.name === name)?.rules ?? [];

  beforeAll(async () => {
    run = await runSre(['render', 'prometheus', '--out', out, SPEC]);
    groups = (parse(await readFile(join(out, 'shop-openslo.rules.yml'), 'utf8')) as { groups: Groups }).groups;
  });

  it('renders the Prometheus SLOs into one file and skips the CloudWatch one with a notice', () => {
    expect(run.code).toBe(0);
    expect(readdirSync(out)).toEqual(['shop-openslo.rules.yml']);
    expect(run.stdout).toBe(
      `${join(out, 'shop-openslo.rules.yml')}: 2 SLO(s): shop-checkout-availability, shop-checkout-latency\n`,
    );
    expect(run.stderr).toBe(
      `sre render prometheus: skipped shop-checkout-edge-availability (${SPEC}): its SLI has no Prometheus source\n`,
    );
    expect(groups.map((g) => g.name)).toEqual([
      'sloth-slo-sli-recordings-shop-checkout-availability',
      'sloth-slo-meta-recordings-shop-checkout-availability',
      'sloth-slo-alerts-shop-checkout-availability',
      'sloth-slo-sli-recordings-shop-checkout-latency',
      'sloth-slo-meta-recordings-shop-checkout-latency',
      'sloth-slo-alerts-shop-checkout-latency',
    ]);
  });

  it('records the error ratio per alert window and over the period, with the Sloth labels and the SLO labels', () => {
    const sli = group('sloth-slo-sli-recordings-shop-checkout-availability');
    expect(sli.map((r) => r.record)).toEqual([
      ...['5m', '30m', '1h', '2h', '6h', '1d', '3d'].map((w) => `slo:sli_error:ratio_rate${w}`),
      // The events of each tier's long window, for the low-traffic guard (core's math/guard.ts).
      ...['1h', '6h', '1d', '3d'].map((w) => `slo:sli_events:count${w}`),
      'slo:sli_error:ratio_rate30d',
    ]);
    expect(
      sli
        .find((r) => r.record === 'slo:sli_events:count6h')!
        .expr.replace(/\s+/g, ' ')
        .trim(),
    ).toBe('(sum(rate(http_requests_total{job="checkout"}[6h]))) * 21600');
    expect(sli[0].expr.replace(/\s+/g, ' ').trim()).toBe(
      '(sum(rate(http_requests_total{job="checkout",code=~"5.."}[5m]))) / (sum(rate(http_requests_total{job="checkout"}[5m])))',
    );
    expect(sli[0].labels).toEqual({
      sloth_id: 'shop-checkout-availability',
      sloth_service: 'shop',
      sloth_slo: 'checkout-availability',
      sloth_window: '5m',
      team: 'payments',
    });
    // Good-event SLIs: the error ratio is the complement; the 28d period gets its own period ratio.
    const latency = group('sloth-slo-sli-recordings-shop-checkout-latency');
    expect(latency[0].expr.replace(/\s+/g, ' ').trim()).toBe(
      '1 - ( (sum(rate(http_request_duration_seconds_bucket{job="checkout",le="0.3"}[5m]))) / (sum(rate(http_request_duration_seconds_count{job="checkout"}[5m]))) )',
    );
    expect(latency.at(-1)?.record).toBe('slo:sli_error:ratio_rate28d');
  });

  it('marks the meta rules as coming from an OpenSLO spec (sloth_spec) with the objective and period', () => {
    const meta = group('sloth-slo-meta-recordings-shop-checkout-availability');
    const info = meta.find((r) => r.record === 'sloth_slo_info');
    expect(info?.labels).toMatchObject({
      sloth_spec: 'openslo/v1',
      sloth_version: 'sre-kit',
      sloth_objective: '99.9',
      sloth_id: 'shop-checkout-availability',
      team: 'payments',
    });
    // 99.9 / 100 as Go prints it, exactly as Sloth writes it for the same objective.
    expect(meta.find((r) => r.record === 'slo:objective:ratio')?.expr).toBe('vector(0.9990000000000001)');
    expect(
      group('sloth-slo-meta-recordings-shop-checkout-latency').find((r) => r.record === 'slo:time_period:days'),
    ).toMatchObject({ expr: 'vector(28)' });
  });

  it('alerts on page and ticket burn rates under the default alert name', () => {
    const alerts = group('sloth-slo-alerts-shop-checkout-availability');
    expect(alerts.map((a) => [a.alert, a.labels])).toEqual([
      // The router's labels (alarms/routing.yaml matches on them), so Alertmanager routes alike.
      [
        'ShopCheckoutAvailabilityBurnRate',
        { family: 'slo', service: 'shop', severity: 'critical', slo: 'checkout-availability', sloth_severity: 'page' },
      ],
      [
        'ShopCheckoutAvailabilityBurnRate',
        { family: 'slo', service: 'shop', severity: 'warning', slo: 'checkout-availability', sloth_severity: 'ticket' },
      ],
    ]);
    const budget = '0.0009999999999999432';
    expect(alerts[0].expr).toContain(
      `max(slo:sli_error:ratio_rate5m{sloth_id="shop-checkout-availability", sloth_service="shop", sloth_slo="checkout-availability"} > (14.4 * ${budget})) without (sloth_window)`,
    );
    expect(alerts[1].expr).toContain(`slo:sli_error:ratio_rate3d{`);
    expect(alerts[0].annotations?.title).toContain('(page)');
  });

  it('passes promtool check rules, and Prometheus computes the good-event error ratio', () => {
    const rules = join(out, 'shop-openslo.rules.yml');
    // 34 rules before the guard, and one events rule per guarded long window (4 tiers x 2 SLOs).
    expect(promtool(['check', 'rules', rules])).toContain('SUCCESS: 42 rules found');
    // 990 of 1000 requests a minute are fast: a 1 % error ratio.
    const test = join(out, 'latency.test.yml');
    writeFileSync(
      test,
      stringify({
        rule_files: [rules],
        evaluation_interval: '1m',
        tests: [
          {
            interval: '1m',
            input_series: [
              { series: 'http_request_duration_seconds_bucket{job="checkout",le="0.3"}', values: '0+990x60' },
              { series: 'http_request_duration_seconds_count{job="checkout"}', values: '0+1000x60' },
            ],
            promql_expr_test: [
              {
                expr: 'round(slo:sli_error:ratio_rate5m{sloth_slo="checkout-latency"}, 0.0001)',
                eval_time: '30m',
                exp_samples: [
                  {
                    labels:
                      '{sloth_id="shop-checkout-latency",sloth_service="shop",sloth_slo="checkout-latency",sloth_window="5m"}',
                    value: 0.01,
                  },
                ],
              },
            ],
          },
        ],
      }),
    );
    expect(promtool(['test', 'rules', test])).toContain('SUCCESS');
  });
});
