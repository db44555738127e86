/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized CloudFormation is untyped JSON */
/**
 * The alarm-metadata contract across the seam: every kind of alarm the kit makes is synthesized
 * in a real CDK app, turned into the SNS and EventBridge notifications CloudWatch would send
 * (name and description exactly as in the template, no tags), and fed through the real router
 * code: its classification, its route and its Slack post must say what the construct meant.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudWatchClient, DescribeAlarmsCommand, ListTagsForResourceCommand } from '@aws-sdk/client-cloudwatch';
import { App, Aws, Duration, Stack } from 'aws-cdk-lib';
import { HttpCodeTarget } from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Template } from 'aws-cdk-lib/assertions';
import { mockClient } from 'aws-sdk-client-mock';
import {
  AlertRouter as RouterEngine,
  alarmDefinitionFromTemplate,
  cloudWatchBudgetReader,
  cloudWatchNotifications,
  cloudWatchTagLookup,
  createHandler,
  MemoryStore,
  readInbound,
  renderSlack,
  RouteTree,
  silentLogger,
  TagEnricher,
  type AlarmDefinition,
  type AlarmEvent,
} from '@sre-kit/alert-router';
import { ALARM_METADATA_TAGS, loadSpecFilesSync, type AlarmMetadata } from '@sre-kit/core';
import { FakeSlack } from '../../alert-router/test/helpers/fake-slack';
import { shopResources } from '../examples/shop-resources';
import { AlertRouter, SreKit, SreTagKeys } from '../src';

const ROOT = join(__dirname, '..', '..', '..');
const BUNDLE = join(ROOT, 'packages', 'alert-router', 'dist', 'lambda', 'index.js');
const handlerBundle = existsSync(BUNDLE) ? BUNDLE : join(__dirname, 'helpers.ts');
const REGION = 'eu-west-1';
const ACCOUNT = '123456789012';
const RUNBOOKS = 'https://runbooks.example.com/alarms';

const routingFile = join(mkdtempSync(join(tmpdir(), 'contract-')), 'routing.yaml');
writeFileSync(
  routingFile,
  `apiVersion: sre-kit/v1
kind: AlertRouting
metadata:
  name: shop
spec:
  receivers:
    - name: page
      slack: [{ channel: '#page', webhookSecret: shop/slack/page }]
    - name: team
      slack: [{ channel: '#team', webhookSecret: shop/slack/team }]
  route:
    receiver: team
    routes:
      - matchers: { severity: critical }
        receiver: page
`,
);

// Every kind of alarm: the seven families, two SLOs (30 d, and 28 d with a runbook URL holding a
// region token), their window alarms, suppressors and tier composites, the router's own alarms.
const app = new App();
const stack = new Stack(app, 'Contract', { env: { account: ACCOUNT, region: REGION } });
const shop = shopResources(stack);
const kit = new SreKit(stack, 'Sre', {
  service: 'shop',
  emails: [{ address: 'oncall@example.com' }],
  dashboards: true,
  runbookBaseUrl: RUNBOOKS,
});
kit.monitorLambda('api', shop.apiFunction);
kit.monitorEcsService('web', shop.webService);
kit.monitorBucket('uploads', shop.uploads);
kit.monitorLoadBalancer('alb', shop.loadBalancer, { targetGroups: [shop.targetGroup] });
kit.monitorDatabaseInstance('db', shop.database);
kit.monitorWebAcl('waf', shop.webAcl);
kit.monitorNatGateways('nat', shop.vpc);
const alb = shop.loadBalancer.metrics;
const badMetric = alb.httpCodeTarget(HttpCodeTarget.TARGET_5XX_COUNT);
kit.addSlo({ sloName: 'checkout-availability', objective: 0.999, badMetric, totalMetric: alb.requestCount() });
const searchRunbook = `https://runbooks.example.com/slo/search?region=${Aws.REGION}`;
kit.addSlo({
  sloName: 'search-availability',
  objective: 0.995,
  period: Duration.days(28),
  badMetric,
  totalMetric: alb.requestCount(),
  runbookUrl: searchRunbook,
});
const router = new AlertRouter(stack, 'Router', {
  routingFile,
  topics: kit.topics!,
  operatorEmails: ['sre@example.com'],
  handlerBundle,
});
const resources: Record<string, { Type: string; Properties: Record<string, any> }> =
  Template.fromStack(stack).toJSON().Resources;

const deployed = { region: REGION, accountId: ACCOUNT, stackName: 'Contract' };
const alarmNameOf = (logicalId: string) => alarmDefinitionFromTemplate(resources, logicalId, deployed).AlarmName;

interface SynthesizedAlarm {
  readonly logicalId: string;
  readonly definition: AlarmDefinition;
  readonly tags: Record<string, string>;
}

const synthesized: SynthesizedAlarm[] = Object.entries(resources)
  .filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm' || r.Type === 'AWS::CloudWatch::CompositeAlarm')
  .map(([logicalId, r]) => ({
    logicalId,
    definition: alarmDefinitionFromTemplate(resources, logicalId, deployed),
    tags: Object.fromEntries((r.Properties.Tags ?? []).map((t: any) => [t.Key, t.Value])),
  }));
const byName = new Map(synthesized.map((a) => [a.definition.AlarmName, a]));
const time = new Date('2026-12-05T21:00:00Z');

function notificationsOf(a: SynthesizedAlarm) {
  const d = a.definition;
  return cloudWatchNotifications(d, {
    state: 'ALARM',
    time,
    region: REGION,
    accountId: ACCOUNT,
    datapoints: d.AlarmRule === undefined ? [typeof d.Threshold === 'number' ? d.Threshold * 2 + 1 : 1] : undefined,
    triggeringChildren: d.AlarmRule === undefined ? undefined : [{ name: 'child', state: 'ALARM' }],
  });
}

async function classify(a: SynthesizedAlarm): Promise<{ sns: AlarmEvent; eventBridge: AlarmEvent }> {
  const n = notificationsOf(a);
  const [sns, eventBridge] = await Promise.all([readInbound(n.sns), readInbound(n.eventBridge)]);
  expect(sns.rejected).toEqual([]);
  expect(eventBridge.rejected).toEqual([]);
  return { sns: sns.events[0], eventBridge: eventBridge.events[0] };
}

const routing = loadSpecFilesSync([routingFile]).routings[0];
const tree = new RouteTree(routing);
const receiversOf = (e: AlarmEvent) => tree.match(e, time).map((m) => m.receiver.name);

/** What each alarm must say, from the constructs' own model (not from the descriptions). */
function expected(): Map<string, Partial<AlarmMetadata> & { route: string }> {
  const out = new Map<string, Partial<AlarmMetadata> & { route: string }>();
  for (const f of kit.families)
    for (const c of f._created)
      out.set(c.alarmName, {
        severity: c.resolved.severity,
        family: f.family,
        service: 'shop',
        resource: f.resourceId,
        catalogueId: c.resolved.catalogueId,
        runbook: `${RUNBOOKS}/${c.resolved.catalogueId}`,
        route: c.resolved.severity === 'critical' ? 'page' : 'team',
      });
  for (const slo of kit.slos) {
    const period = slo.sloName === 'search-availability' ? 28 * 86400 : 30 * 86400;
    const runbook =
      slo.sloName === 'search-availability' ? `https://runbooks.example.com/slo/search?region=${REGION}` : undefined;
    for (const tier of slo._tiers) {
      const severity = tier.severity === 'page' ? 'critical' : 'warning';
      const common = {
        severity,
        family: 'slo',
        service: 'shop',
        slo: slo.sloName,
        objective: slo.objective,
        periodSeconds: period,
        runbook,
        dashboard: 'shop-slo',
        route: severity === 'critical' ? 'page' : 'team',
      } as const;
      out.set(`shop-${slo.sloName}-${tier.name}`, {
        ...common,
        tier: tier.name,
        role: 'tier',
        burnRate: tier.burnRate,
        longWindowSeconds: tier.longWindowSeconds,
        shortWindowSeconds: tier.shortWindowSeconds,
        longAlarm: `shop-${slo.sloName}-${tier.name}-long`,
      });
      for (const w of ['long', 'short'] as const)
        if (byName.has(`shop-${slo.sloName}-${tier.name}-${w}`))
          out.set(`shop-${slo.sloName}-${tier.name}-${w}`, { ...common, tier: tier.name, role: 'window', window: w });
    }
  }
  for (const a of router.alarms) {
    const logicalId = stack.getLogicalId(a.node.defaultChild as any);
    const check = a.node.id.replace(/Alarm$/, '').toLowerCase();
    out.set(alarmNameOf(logicalId), {
      family: 'alert-router',
      resource: 'shop',
      catalogueId: `alert-router.${check}`,
      route: 'team',
    });
  }
  return out;
}

describe('alarm-metadata contract: synthesized alarms through the real router', () => {
  const want = expected();

  it('covers every kind of alarm the kit makes', () => {
    const families = new Set(synthesized.map((a) => a.tags[SreTagKeys.FAMILY]));
    expect([...families].sort()).toEqual([
      'alb',
      'alert-router',
      'ecs',
      'lambda',
      'natgateway',
      'rds',
      's3',
      'slo',
      'waf',
    ]);
    const roles = synthesized.filter((a) => a.tags[SreTagKeys.FAMILY] === 'slo').map((a) => a.definition);
    expect(roles.some((d) => d.AlarmName.endsWith('-faster-firing'))).toBe(true);
    expect(roles.some((d) => d.AlarmName.endsWith('-long'))).toBe(true);
    // Every synthesized alarm has an expectation, and every expectation an alarm (suppressors below).
    const suppressors = synthesized.filter((a) => a.definition.AlarmName.endsWith('-faster-firing'));
    expect(new Set([...want.keys(), ...suppressors.map((s) => s.definition.AlarmName)])).toEqual(
      new Set(byName.keys()),
    );
  });

  it('classifies each alarm from its SNS and EventBridge notification alike, and routes it', async () => {
    for (const a of synthesized) {
      const name = a.definition.AlarmName;
      const { sns, eventBridge } = await classify(a);
      expect({ name, metadata: eventBridge.metadata }).toEqual({ name, metadata: sns.metadata });
      const suppressor = name.endsWith('-faster-firing');
      const { route, ...fields } = suppressor
        ? { ...want.get(name.replace(/-faster-firing$/, '')), route: undefined }
        : want.get(name)!;
      if (suppressor) {
        expect({ name, role: sns.metadata.role, slo: sns.metadata.slo }).toEqual({
          name,
          role: 'suppressor',
          slo: fields.slo,
        });
        continue;
      }
      for (const [k, v] of Object.entries(fields))
        expect({ name, field: k, value: (sns.metadata as any)[k] }).toEqual({ name, field: k, value: v });
      expect({ name, receivers: receiversOf(sns) }).toEqual({ name, receivers: [route] });
      expect(receiversOf(eventBridge)).toEqual([route]);
    }
  });

  it('puts SLO, tier, burn, budget, runbook and dashboard in the post of an SLO page', async () => {
    const page = byName.get('shop-search-availability-page-1h')!;
    const { sns } = await classify(page);
    const post = JSON.stringify(renderSlack([sns]));
    expect(renderSlack([sns]).text).toBe('🔴 FIRING · CRITICAL · shop-search-availability-page-1h');
    for (const text of [
      'SLO search-availability (objective 99.5%, over 28d)',
      'Tier page-1h (1h and 5m windows)',
      'Burn rate at least ',
      'Budget left over the 28d period: not available',
      'A full 28d budget is gone in',
      `<https://runbooks.example.com/slo/search?region=${REGION}|Runbook>`,
      `<https://${REGION}.console.aws.amazon.com/cloudwatch/home?region=${REGION}#dashboards/dashboard/shop-slo|Dashboard>`,
    ])
      expect(post).toContain(text.replace(/&/g, '&amp;'));
    // Every block within Slack's limits (section text 3000, header 150, at most 50 blocks).
    const message = renderSlack([sns]);
    expect(message.blocks.length).toBeLessThanOrEqual(50);
    for (const b of message.blocks as any[]) {
      if (b.type === 'header') expect(b.text.text.length).toBeLessThanOrEqual(150);
      if (b.type === 'section' && b.text) expect(b.text.text.length).toBeLessThanOrEqual(3000);
    }
  });

  it('keeps every description within 1,024 characters and the tags in step with core', () => {
    for (const a of synthesized) expect(a.definition.AlarmDescription!.length).toBeLessThanOrEqual(1024);
    const keys = Object.fromEntries(Object.entries(SreTagKeys).filter(([, v]) => typeof v === 'string'));
    for (const key of Object.values(ALARM_METADATA_TAGS)) expect(Object.values(keys)).toContain(key);
  });

  describe('in the Lambda handler', () => {
    const cw = mockClient(CloudWatchClient);
    beforeEach(() => cw.reset());

    it('a failed tag lookup and a failed budget lookup never demote or delay a page', async () => {
      cw.on(ListTagsForResourceCommand).rejects(new Error('AccessDenied'));
      cw.on(DescribeAlarmsCommand).rejects(new Error('Throttling'));
      const client = new CloudWatchClient({ region: REGION });
      const slack = new FakeSlack();
      const hook = await slack.start();
      const engine = new RouterEngine({
        routing,
        store: new MemoryStore(),
        resolveWebhook: () => Promise.reject(new Error('no secret lookups in this test')),
        slackUrlOverride: `${hook}/hook`,
        paceMs: 0,
        log: silentLogger,
      });
      const warnings: string[] = [];
      const handler = createHandler({
        router: engine,
        enricher: new TagEnricher(cloudWatchTagLookup(client), { onError: (_, e) => warnings.push(e.message) }),
        budget: cloudWatchBudgetReader({ client, timeoutMs: 500 }),
      });
      const page = byName.get('shop-checkout-availability-page-1h')!;
      const own = byName.get(alarmNameOf(stack.getLogicalId(router.alarms[0].node.defaultChild as any)))!;
      try {
        for (const [event, receiver] of [
          [notificationsOf(page).sns, 'page'],
          [notificationsOf(page).eventBridge, 'page'],
          [notificationsOf(own).sns, 'team'],
        ] as const) {
          const started = Date.now();
          const summary = await handler(event);
          expect(Date.now() - started).toBeLessThan(5000);
          expect(summary.outcomes.map((o) => [o.status, o.receiver])).toEqual([['delivered', receiver]]);
        }
      } finally {
        await slack.stop();
      }
      // Only the router's own alarm (no severity by design) asked for tags; the pages never needed them.
      expect(cw.commandCalls(ListTagsForResourceCommand)).toHaveLength(1);
      expect(warnings).toEqual(['AccessDenied']);
      const pagePost = JSON.stringify(slack.received[0].body);
      expect(pagePost).toContain('CRITICAL');
      expect(pagePost).toContain('Budget left over the 30d period: unknown (Throttling)');
    });
  });
});

describe('alarm-metadata contract at synth', () => {
  it('fails naming the construct and the alarm when the metadata cannot fit the description', () => {
    const other = new Stack(new App(), 'TooLong', { env: { account: ACCOUNT, region: REGION } });
    const bad = new SreKit(other, 'Sre', { service: 'shop', emails: [{ address: 'oncall@example.com' }] });
    const metric = shop.loadBalancer.metrics.requestCount();
    bad.addSlo({
      sloName: 'checkout',
      objective: 0.999,
      badMetric: metric,
      totalMetric: metric,
      runbookUrl: `https://runbooks.example.com/${'x'.repeat(1000)}`,
    });
    // The kit creates its SLOs at synth, once placement is decided.
    expect(() => Template.fromStack(other)).toThrow(
      /TooLong\/Sre\/Slo-checkout: the alarm description cannot hold the sre-kit metadata \(got "alarm shop-checkout-page-1h-long: its sre-kit metadata needs \d+ characters but CloudWatch allows 1024 .*runbook 1029/,
    );
  });
});
