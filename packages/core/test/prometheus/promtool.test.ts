/**
 * The rendered rules, run by Prometheus itself: `promtool check rules`
 * validates them and `promtool test rules` proves the page alert fires within
 * two one-minute evaluations of a full outage and that nothing fires at a burn rate of 0.5.
 * promtool comes from Debian's `prometheus` package (.ci/run installs it).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { loadSpecTexts } from '../../src/spec';
import { renderPrometheusRules } from '../../src/prometheus';
import { promtool } from './promtool';

const CORPUS = join(__dirname, '..', '..', '..', '..', '..', 'shared', 'corpus', 'sloth');

describe('promtool', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sre-prom-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const specFiles = [
    'getting-started.yml',
    'home-wifi.yml',
    'kubernetes-apiserver.yml',
    'multifile.yml',
    'no-alerts.yml',
    'raw-home-wifi.yml',
  ];
  const set = loadSpecTexts(specFiles.map((f) => ({ file: f, text: readFileSync(join(CORPUS, f), 'utf8') })));
  const { files } = renderPrometheusRules(set.slos);
  for (const f of files) writeFileSync(join(dir, f.name), f.content);

  it('accepts every rendered rule file', () => {
    const out = promtool(['check', 'rules', ...files.map((f) => join(dir, f.name))]);
    expect(out).toContain('SUCCESS');
    expect(out).not.toMatch(/FAILED/);
  });

  it('fires the page alert within two minutes of a full outage and stays quiet at burn rate 0.5', () => {
    // Rendered alone: multifile.yml defines the same SLO id, and the test must run exactly one copy.
    const single = loadSpecTexts([
      { file: 'getting-started.yml', text: readFileSync(join(CORPUS, 'getting-started.yml'), 'utf8') },
    ]);
    const rules = join(dir, 'single', 'getting-started.rules.yml');
    mkdirSync(join(dir, 'single'));
    writeFileSync(rules, renderPrometheusRules(single.slos).files[0].content);
    const series = (code: string) => `http_request_duration_seconds_count{job="myservice",code="${code}"}`;
    const base = {
      owner: 'myteam',
      repo: 'myorg/myservice',
      tier: '2',
      sloth_id: 'myservice-requests-availability',
      sloth_service: 'myservice',
      sloth_slo: 'requests-availability',
    };
    const annotations = (severity: string) => ({
      summary: "High error rate on 'myservice' requests responses",
      title: `(${severity}) myservice requests-availability SLO error budget burn rate is too fast.`,
    });
    const page = {
      exp_labels: {
        ...base,
        category: 'availability',
        routing_key: 'myteam',
        severity: 'pageteam',
        sloth_severity: 'page',
      },
      exp_annotations: annotations('page'),
    };
    const ticket = {
      exp_labels: {
        ...base,
        category: 'availability',
        severity: 'slack',
        slack_channel: '#alerts-myteam',
        sloth_severity: 'ticket',
      },
      exp_annotations: annotations('ticket'),
    };
    const outage = {
      rule_files: [rules],
      evaluation_interval: '1m',
      tests: [
        {
          // Three healthy hours at 1000 requests/min, then every request fails from minute 180.
          interval: '1m',
          input_series: [
            { series: series('200'), values: '0+1000x180 180000+0x60' },
            { series: series('500'), values: '0x180 1000+1000x60' },
          ],
          alert_rule_test: [
            { eval_time: '180m', alertname: 'MyServiceHighErrorRate', exp_alerts: [] },
            // 1 min of errors is 1.7 % of the hour (> 14.4 x 0.1 %): the SLI rules see it at 181m and the alert
            // group, evaluated concurrently as in Prometheus, one evaluation later.
            { eval_time: '182m', alertname: 'MyServiceHighErrorRate', exp_alerts: [page, ticket] },
            { eval_time: '200m', alertname: 'MyServiceHighErrorRate', exp_alerts: [page, ticket] },
          ],
        },
      ],
    };
    const quiet = {
      rule_files: [rules],
      evaluation_interval: '5m',
      tests: [
        {
          // 1 failure in 2000 requests: a burn rate of 0.5 for 3.5 days never alerts.
          interval: '5m',
          input_series: [
            { series: series('200'), values: '0+9995x1008' },
            { series: series('500'), values: '0+5x1008' },
          ],
          alert_rule_test: ['1h', '6h', '1d', '3d', '3d12h'].map((t) => ({
            eval_time: t,
            alertname: 'MyServiceHighErrorRate',
            exp_alerts: [],
          })),
          promql_expr_test: [
            {
              // Rounded: rate() extrapolation leaves ~1e-13 of float noise.
              expr: 'round(slo:current_burn_rate:ratio, 0.001)',
              eval_time: '3d',
              exp_samples: [
                {
                  labels: `{${Object.entries({ ...base, sloth_window: '5m' })
                    .map(([k, v]) => `${k}="${v}"`)
                    .join(',')}}`,
                  value: 0.5,
                },
              ],
            },
          ],
        },
      ],
    };
    for (const [name, tests] of Object.entries({ outage, quiet })) {
      const testFile = join(dir, `${name}.test.yml`);
      writeFileSync(testFile, stringify(tests, { aliasDuplicateObjects: false }));
      expect(promtool(['test', 'rules', testFile])).toContain('SUCCESS');
    }
  });
});
