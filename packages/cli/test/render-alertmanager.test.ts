/**
 * `sre render alertmanager`: the rendered configuration passes Alertmanager's own checks
 * (amtool check-config), and Alertmanager routes every label set to the receivers the router
 * picks from the same spec (amtool config routes test against RouteTree.matchLabels).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { RouteTree } from '@sre-kit/alert-router';
import { loadSpecFiles, toPrometheusLabels, type AlertRouting } from '@sre-kit/core';
import { runSre } from './run';

const AMTOOL = process.env.AMTOOL ?? 'amtool';
const REPO = join(__dirname, '..', '..', '..');
const FIXTURE = join(__dirname, 'fixtures', 'alertmanager', 'routing.yaml');

function amtool(args: readonly string[]): string {
  try {
    return execFileSync(AMTOOL, args, { encoding: 'utf8', stdio: 'pipe' });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`amtool ${args.join(' ')} failed:\n${e.stdout ?? ''}${e.stderr ?? e.message}`);
  }
}

async function routingOf(path: string): Promise<AlertRouting> {
  const specs = await loadSpecFiles([path]);
  expect(specs.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return specs.routings[0];
}

/** Receiver names Alertmanager picks for a label set, in tree order. */
function alertmanagerReceivers(config: string, labels: Record<string, string>): string[] {
  const pairs = Object.entries(labels).map(([k, v]) => `${k}=${v}`);
  return amtool(['config', 'routes', 'test', `--config.file=${config}`, ...pairs])
    .trim()
    .split(',')
    .filter(Boolean);
}

describe('sre render alertmanager', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sre-am-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("renders GoodGreets' alarms/routing.yaml to a configuration amtool accepts", async () => {
    const out = join(dir, 'goodgreets.yml');
    const run = await runSre([
      'render',
      'alertmanager',
      '--out',
      out,
      '--secrets-dir',
      '/run/am',
      join(REPO, 'alarms'),
    ]);
    expect(run.code).toBe(0);
    expect(amtool(['check-config', out])).toContain('SUCCESS');
    const config = parse(readFileSync(out, 'utf8')) as {
      route: { group_by: string[]; routes: { matchers: string[]; receiver: string }[] };
      receivers: { name: string; slack_configs?: { api_url_file: string; channel: string }[] }[];
    };
    // The router's `alarm` is Alertmanager's `alertname`.
    expect(config.route.group_by).toEqual(['service', 'alertname']);
    expect(config.route.routes[0]).toMatchObject({ matchers: ['severity="critical"'], receiver: 'page' });
    expect(config.receivers.find((r) => r.name === 'page')?.slack_configs).toEqual([
      { api_url_file: '/run/am/goodgreets/slack/page', channel: '#goodgreets-page', send_resolved: true },
    ]);
  });

  it('routes every label set to the receivers the router picks (parity with amtool)', async () => {
    const out = join(dir, 'parity.yml');
    expect((await runSre(['render', 'alertmanager', '--out', out, FIXTURE])).code).toBe(0);
    expect(amtool(['check-config', out])).toContain('SUCCESS');
    // A bot-token target posts to chat.postMessage with the token file as bearer credentials.
    const audit = (
      parse(readFileSync(out, 'utf8')) as { receivers: { name: string; slack_configs?: unknown[] }[] }
    ).receivers.find((r) => r.name === 'audit');
    expect(audit?.slack_configs).toEqual([
      {
        api_url: 'https://slack.com/api/chat.postMessage',
        http_config: { authorization: { credentials_file: '/etc/alertmanager/secrets/shop/slack/audit-bot' } },
        channel: '#audit',
        send_resolved: true,
      },
    ]);
    const tree = new RouteTree(await routingOf(FIXTURE));
    const cases: Record<string, string>[] = [];
    for (const severity of ['critical', 'warning', 'info', 'none'])
      for (const service of ['shop', 'cart', 'shopping', 'other'])
        for (const family of ['rds', 'lambda'])
          for (const alarm of ['OrdersReplicaLag', 'OrdersCpu'])
            for (const extra of [{}, { team: 'payments' }, { slo: 'checkout' }])
              cases.push({ severity, service, family, alarm, ...extra });
    const noon = new Date('2026-03-04T12:00:00Z');
    const mismatches: string[] = [];
    for (const labels of cases) {
      const router = tree.matchLabels(labels, noon).map((m) => m.receiver.name);
      const alertmanager = alertmanagerReceivers(out, toPrometheusLabels(labels));
      if (router.join() !== alertmanager.join())
        mismatches.push(`${JSON.stringify(labels)}: router ${router.join()} alertmanager ${alertmanager.join()}`);
    }
    expect(mismatches).toEqual([]);
    // The cases reach every receiver, so the comparison exercises the whole tree.
    const reached = new Set(cases.flatMap((l) => tree.matchLabels(l, noon).map((m) => m.receiver.name)));
    expect([...reached].sort()).toEqual(['audit', 'db', 'fallback', 'page', 'quiet']);
  }, 120_000);

  it('routes the alerts `sre render prometheus` writes like the router routes the same SLO alarms', async () => {
    const rulesDir = join(dir, 'rules');
    const spec = join(__dirname, 'fixtures', 'prometheus', 'shop-openslo.yaml');
    expect((await runSre(['render', 'prometheus', '--out', rulesDir, spec])).code).toBe(0);
    const config = join(dir, 'goodgreets-for-rules.yml');
    expect((await runSre(['render', 'alertmanager', '--out', config, join(REPO, 'alarms')])).code).toBe(0);
    const tree = new RouteTree(await routingOf(join(REPO, 'alarms', 'routing.yaml')));
    const groups = (
      parse(readFileSync(join(rulesDir, 'shop-openslo.rules.yml'), 'utf8')) as {
        groups: { rules: { alert?: string; labels?: Record<string, string> }[] }[];
      }
    ).groups;
    const alerts = groups.flatMap((g) => g.rules).filter((r) => r.alert);
    expect(alerts.length).toBeGreaterThan(0);
    for (const a of alerts) {
      const promLabels = { alertname: a.alert!, ...a.labels };
      // What the router sees for the CloudWatch alarm of the same tier: severity from the tier.
      const routerLabels = {
        alarm: a.alert!,
        severity: a.labels!.sloth_severity === 'page' ? 'critical' : 'warning',
        family: 'slo',
        service: a.labels!.service,
      };
      const router = tree.matchLabels(routerLabels, new Date()).map((m) => m.receiver.name);
      expect(alertmanagerReceivers(config, promLabels)).toEqual(router);
    }
    expect(new Set(alerts.map((a) => alertmanagerReceivers(config, { alertname: a.alert!, ...a.labels })[0]))).toEqual(
      new Set(['page', 'team']),
    );
  });

  it('refuses input without exactly one AlertRouting', async () => {
    const run = await runSre([
      'render',
      'alertmanager',
      join(__dirname, 'fixtures', 'prometheus', 'shop-openslo.yaml'),
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('found 0 AlertRouting specs');
  });
});
