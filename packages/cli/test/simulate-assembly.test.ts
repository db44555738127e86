import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, NestedStack, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { AlertTopics, ServiceLevelObjective } from '@sre-kit/cdk';
import { defaultBurnRatePolicy, evaluatePolicy, parseScenario, scenarioTraffic } from '@sre-kit/core';
import { runSre } from './run';

const tmp = mkdtempSync(join(tmpdir(), 'sre-simasm-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A real assembly whose SLO alarms live in a nested stack and notify topics of the parent (nested parameters). */
function synthNested(): string {
  const outdir = join(tmp, 'cdk.out');
  const app = new App({ outdir });
  const parent = new Stack(app, 'Shop', { env: { account: '123456789012', region: 'eu-west-1' } });
  const topics = new AlertTopics(parent, 'Topics');
  const nested = new NestedStack(parent, 'Slos');
  const metric = (metricName: string) =>
    new cloudwatch.Metric({
      namespace: 'AWS/ApplicationELB',
      metricName,
      dimensionsMap: { LoadBalancer: 'app/shop/abc' },
      statistic: 'Sum',
    });
  new ServiceLevelObjective(nested, 'Availability', {
    sloName: 'availability',
    service: 'shop',
    objective: 0.999,
    badMetric: metric('HTTPCode_Target_5XX_Count'),
    totalMetric: metric('RequestCount'),
    actions: topics,
  });
  app.synth();
  return outdir;
}

describe('sre simulate --assembly', () => {
  const assembly = synthNested();

  it('reads SLO alarms from a nested stack and resolves their actions to the parent topics', async () => {
    const { stdout, stderr, code } = await runSre([
      'simulate',
      '--assembly',
      assembly,
      '--slo',
      'availability',
      '--scenario',
      'outage:100%:15m',
      '--at',
      '2026-12-07T10:00:00Z',
      '--json',
    ]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const doc = JSON.parse(stdout);
    expect(doc.version).toBe(1);
    const pages = doc.notifications.filter((n: { state: string }) => n.state === 'ALARM');
    expect(pages).toHaveLength(1);
    expect(pages[0].alarm).toMatch(/-page-1h$/);
    expect(pages[0].actions).toEqual([expect.stringMatching(/^arn:aws:sns:eu-west-1:123456789012:/)]);
    // Every tier went to ALARM: the window alarms and composites were all found and wired.
    const composites = doc.alarms.filter((a: { kind: string }) => a.kind === 'composite');
    const fired = new Set(
      doc.transitions.filter((t: { to: string }) => t.to === 'ALARM').map((t: { alarm: string }) => t.alarm),
    );
    for (const c of composites) expect(fired).toContain(c.name);
  });

  it('fires and resets every tier on the minute core evaluatePolicy (the executable definition) says', async () => {
    const scenario = 'degradation:5%:2h';
    const { stdout, code } = await runSre([
      'simulate',
      '--assembly',
      assembly,
      '--slo',
      'availability',
      '--scenario',
      scenario,
      '--at',
      '2026-12-07T10:00:00Z',
      '--json',
    ]);
    expect(code).toBe(0);
    const doc = JSON.parse(stdout);
    const policy = defaultBurnRatePolicy(30 * 86400);
    const span = Math.max(...policy.tiers.map((t) => t.longWindowSeconds));
    const traffic = scenarioTraffic(parseScenario(scenario), {
      stepSeconds: 60,
      warmupSeconds: span,
      tailSeconds: span,
    });
    const expected = evaluatePolicy(traffic.series, policy, 0.999, { stepSeconds: 60 }).tiers.map((t) => [
      t.tier.name,
      t.intervals.flatMap((iv) => [
        [iv.start - traffic.incidentStart, 'ALARM'],
        [iv.end! - traffic.incidentStart, 'OK'],
      ]),
    ]);
    const simulated = policy.tiers.map((tier) => [
      tier.name,
      doc.transitions
        .filter((t: { alarm: string }) => t.alarm.endsWith(`-${tier.name}`))
        .map((t: { offsetSeconds: number; to: string }) => [t.offsetSeconds, t.to]),
    ]);
    expect(simulated).toEqual(expected);
    expect(expected.every(([, changes]) => changes.length === 2)).toBe(true);
  });

  it('prints each state change with its time in text', async () => {
    const { stdout, code } = await runSre([
      'simulate',
      '--assembly',
      assembly,
      '--slo',
      'availability',
      '--scenario',
      'outage:100%:15m',
      '--at',
      '2026-12-07T10:00:00Z',
    ]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^ {2}2026-12-07T10:01:00Z {6}\+1m {2}\S+-page-1h {2}OK -> ALARM {2}\[notifies\]$/m);
  });

  it('fails clearly on a folder that is not an assembly and on an SLO without alarms', async () => {
    const empty = await runSre(['simulate', '--assembly', tmp, '--slo', 'x', '--scenario', 'outage:100%:5m']);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toContain(`${join(tmp, 'manifest.json')}: no such file (the cloud assembly manifest`);
    const unknown = await runSre(['simulate', '--assembly', assembly, '--slo', 'nope', '--scenario', 'outage:100%:5m']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain(
      'no alarm of the assembly is tagged sre-kit:slo=nope (SLOs with alarms: availability)',
    );
    const both = await runSre([
      'simulate',
      'slos',
      '--assembly',
      assembly,
      '--slo',
      'a',
      '--scenario',
      'outage:100%:5m',
    ]);
    expect(both.stderr).toContain('give spec paths or --assembly, not both');
  });
});
