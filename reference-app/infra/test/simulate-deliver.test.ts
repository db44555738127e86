/**
 * The chain from spec to pager, end to end: the real GoodGreets assembly (synthesized once), a full 5xx outage
 * on the API availability SLO evaluated as CloudWatch evaluates its synthesized alarms (`sre simulate
 * --assembly`), every notification CloudWatch would publish sent through the real alert router
 * (`--deliver`, alarms/routing.yaml) to a fake Slack webhook on 127.0.0.1.
 */
import { join } from 'node:path';
import { explainSlo, loadSpecFiles, planTierSuppression, type Slo } from '@sre-kit/core';
import { FakeSlack } from '../../../packages/alert-router/test/helpers/fake-slack';
import { runSre } from '../../../packages/cli/test/run';
import { synthesize } from './synth';

const ROOT = join(__dirname, '..', '..', '..');
const SLO = 'api-availability';
const OUTAGE = 'outage:100%:15m';

interface Transition {
  alarm: string;
  kind: string;
  offsetSeconds: number;
  from: string;
  to: string;
  actions: string;
}
interface Notification {
  alarm: string;
  state: string;
  offsetSeconds: number;
}
interface Outcome {
  status: string;
  alarmName?: string;
  state?: string;
  receiver?: string;
  target?: string;
}
interface SimulationDocument {
  alarms: { name: string; kind: string }[];
  transitions: Transition[];
  notifications: Notification[];
  delivery: { ok: boolean; deliveries: { outcomes: Outcome[] }[] };
}

describe(`sre simulate --assembly --deliver: ${OUTAGE} on GoodGreets ${SLO}`, () => {
  const slack = new FakeSlack();
  let doc: SimulationDocument;
  let slo: Slo;
  let composite: (tier: string) => string;

  beforeAll(async () => {
    const assembly = synthesize().app.outdir;
    const specs = await loadSpecFiles([join(ROOT, 'slos')]);
    slo = specs.slos.find((s) => s.name === SLO)!;
    const url = await slack.start();
    const run = await runSre([
      'simulate',
      '--assembly',
      assembly,
      '--slo',
      SLO,
      '--scenario',
      OUTAGE,
      '--at',
      '2026-12-07T10:00:00Z',
      '--deliver',
      '--config',
      join(ROOT, 'alarms', 'routing.yaml'),
      '--slack-url',
      `${url}/hook`,
      '--json',
    ]);
    if (run.code !== 0) throw new Error(`sre simulate exited ${run.code}: ${run.stderr}`);
    doc = JSON.parse(run.stdout) as SimulationDocument;
    const names = doc.alarms.filter((a) => a.kind === 'composite').map((a) => a.name);
    composite = (tier) => names.find((n) => n.endsWith(`-${tier}`))!;
  }, 300_000);

  afterAll(() => slack.stop());

  const tiers = () => planTierSuppression(slo.alerting.policy.tiers).order;
  const outcomes = () => doc.delivery.deliveries.flatMap((d) => d.outcomes);

  test('the fastest page tier fires within its explained detection time plus one evaluation minute', () => {
    const fastest = tiers()[0];
    const explained = explainSlo(slo).tiers.find((t) => t.name === fastest.name)!.fullOutage.detectionSeconds!;
    const fired = doc.transitions.find((t) => t.alarm === composite(fastest.name) && t.to === 'ALARM');
    expect(fired).toBeDefined();
    expect(fired!.offsetSeconds).toBeGreaterThanOrEqual(explained);
    expect(fired!.offsetSeconds).toBeLessThanOrEqual(explained + 60);
    expect(fired!.actions).toBe('notified');
  });

  test('every slower tier fires too, and its actions stay suppressed through the recovery', () => {
    for (const tier of tiers().slice(1)) {
      const fired = doc.transitions.filter((t) => t.alarm === composite(tier.name) && t.to === 'ALARM');
      expect(fired.map((t) => [tier.name, t.actions])).toEqual([[tier.name, 'suppressed']]);
    }
    expect(doc.notifications.map((n) => [n.alarm, n.state])).toEqual([
      [composite(tiers()[0].name), 'ALARM'],
      [composite(tiers()[0].name), 'OK'],
    ]);
  });

  test('exactly one Slack post pages, with the SLO and its runbook, and the recovery posts a resolved message', () => {
    expect(doc.delivery.ok).toBe(true);
    const delivered = outcomes().filter((o) => o.status === 'delivered' && o.target?.startsWith('slack:'));
    const page = composite(tiers()[0].name);
    expect(delivered.map((o) => [o.alarmName, o.state])).toEqual([
      [page, 'ALARM'],
      [page, 'OK'],
    ]);
    const posts = slack.delivered('/hook');
    expect(posts).toHaveLength(2);
    const [firing, resolved] = posts.map((p) => JSON.stringify(p.body));
    expect(firing).toContain('FIRING');
    expect(firing).toContain(page);
    expect(resolved).toContain('RESOLVED');
    expect(resolved).toContain(page);
    // What the alarm-metadata contract promises: a page is classified from the alarm itself (no tags on
    // this path), routed to the `page` receiver, and names its SLO and runbook.
    expect(delivered.map((o) => o.receiver)).toEqual(['page', 'page']);
    const sections = (posts[0].body.blocks ?? []).map((b) => JSON.stringify(b));
    // The SLO block the router renders only for an alarm it classified as an SLO tier (not the description).
    expect(sections.find((b) => b.includes('*Error budget*'))).toContain(`SLO ${SLO}`);
    expect(slo.alerting.runbookUrl).toMatch(/^https:\/\//);
    expect(firing).toContain(`<${slo.alerting.runbookUrl}|Runbook>`);
  });
});
