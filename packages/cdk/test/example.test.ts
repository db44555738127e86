/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized CloudFormation is untyped JSON */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { monitorShop } from '../examples/monitor-shop';
import { shopResources } from '../examples/shop-resources';
import { SreTagKeys } from '../src';
import { alarmsByName, compositesByName, schemaFindings, tagsOf } from './helpers';

// The README's quickstart, synthesized exactly as written, with the CloudFormation schema validation
// aws-cdk-lib runs at synth left on, and cdk-nag's AwsSolutions pack over the whole stack.
const app = new App();
const stack = new Stack(app, 'Example', { env: { account: '123456789012', region: 'eu-west-1' } });
const shop = shopResources(stack);
const kit = monitorShop(stack, shop);
const template = Template.fromStack(stack);
const annotations = Annotations.fromStack(stack);
const alarms = alarmsByName(template);

test('the README shows the quickstart verbatim', () => {
  const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
  const example = readFileSync(join(__dirname, '..', 'examples', 'monitor-shop.ts'), 'utf8');
  const block = /<!-- example: examples\/monitor-shop\.ts -->\s*```ts\n([\s\S]*?)```/.exec(readme);
  expect(block?.[1]).toBe(example);
  expect(example.trimEnd().split('\n').length).toBeLessThan(20);
});

test('it monitors all seven families, the SLO and creates dashboards', () => {
  const families = new Set([...alarms.values()].map((a) => tagsOf(a.props)[SreTagKeys.FAMILY]));
  expect([...families].sort()).toEqual(['alb', 'ecs', 'lambda', 'natgateway', 'rds', 's3', 'slo', 'waf']);
  expect(kit.families.map((f) => `${f.family}/${f.resourceId}`)).toEqual([
    'lambda/api',
    'ecs/web',
    's3/uploads',
    'alb/alb',
    'rds/db',
    'waf/waf',
    'natgateway/nat-1',
  ]);
  expect([...compositesByName(template).keys()]).toEqual(
    expect.arrayContaining([
      'shop-checkout-availability-page-1h',
      'shop-checkout-availability-page-6h',
      'shop-checkout-availability-ticket-1d',
      'shop-checkout-availability-ticket-3d',
    ]),
  );
  template.resourceCountIs('AWS::CloudWatch::Dashboard', 4);
  expect(kit.nestedStacks).toHaveLength(0);
});

test('dimension values come from the constructs', () => {
  const ref = (c: any) => ({ Ref: stack.getLogicalId(c.node.defaultChild) });
  const dimsOf = (name: string) =>
    Object.fromEntries(alarms.get(name)!.props.Dimensions.map((d: any) => [d.Name, d.Value]));
  expect(dimsOf('shop-api-lambda.errors')).toEqual({ FunctionName: ref(shop.apiFunction) });
  expect(dimsOf('shop-db-rds.cpu-utilization')).toEqual({ DBInstanceIdentifier: ref(shop.database) });
  expect(dimsOf('shop-web-ecs.cpu-utilization').ServiceName).toEqual({
    'Fn::GetAtt': [stack.getLogicalId(shop.webService.node.defaultChild as any), 'Name'],
  });
  expect(dimsOf('shop-alb-alb.unhealthy-host-count')).toEqual({
    LoadBalancer: {
      'Fn::GetAtt': [stack.getLogicalId(shop.loadBalancer.node.defaultChild as any), 'LoadBalancerFullName'],
    },
    TargetGroup: {
      'Fn::GetAtt': [stack.getLogicalId(shop.targetGroup.node.defaultChild as any), 'TargetGroupFullName'],
    },
  });
  // The instance's 50 GiB allocated storage drives the free-storage threshold (10 %); db.t4g.medium has
  // 4 GiB (freeable memory below 25 %) and MySQL's default max_connections is memory / 12582880 = 341 (90 %).
  expect(alarms.get('shop-db-rds.free-storage-space')!.props.Threshold).toBe(5 * 1024 ** 3);
  expect(alarms.get('shop-db-rds.freeable-memory')!.props.Threshold).toBe(1024 ** 3);
  expect(alarms.get('shop-db-rds.database-connections')!.props.Threshold).toBeCloseTo(0.9 * 341, 10);
});

test('cdk-nag AwsSolutions: no unacknowledged finding on the kit’s own resources', () => {
  const report = new AwsSolutionsChecks(app).validateScope(stack);
  const findings = report.violations.flatMap((v) =>
    v.violatingResources.map((r: any) => ({ rule: v.ruleName, path: String(r.constructPath ?? r.resourceLogicalId) })),
  );
  const ours = findings.filter((f) => f.path.startsWith('Example/Sre') || f.path.startsWith('/Example/Sre'));
  expect(ours).toEqual([]);
  // The pack did run: the shop's own resources (VPC, ALB, RDS, ...) have findings the kit is not responsible for.
  expect(findings.length).toBeGreaterThan(0);
});

test('the synth-time annotation states the monthly cost from the core cost model', () => {
  const report = kit.costReport();
  expect(report.metricAlarms).toBe(alarms.size);
  expect(report.totalUsd).toBeGreaterThan(0);
  annotations.hasInfo(
    '/Example/Sre',
    Match.stringLikeRegexp(
      `estimated CloudWatch cost ${report.totalUsd.toFixed(2)} USD/month for ${alarms.size} metric alarms`,
    ),
  );
});

test('CloudFormation schema validation finds nothing on the kit or the example app', () => {
  expect(schemaFindings(app, 'Example/')).toEqual([]);
});

test('snapshot of the example stack', () => {
  // Dashboard bodies come from core's dashboard model and have their own tests; the snapshot pins the rest.
  const json = template.toJSON();
  for (const resource of Object.values<any>(json.Resources))
    if (resource.Type === 'AWS::CloudWatch::Dashboard') resource.Properties.DashboardBody = '(see the dashboard tests)';
  expect(json).toMatchSnapshot();
});

test('the README states the figures of the quickstart', () => {
  const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
  const report = kit.costReport();
  expect(readme).toContain(
    `That creates ${report.metricAlarms} metric alarms, ${report.compositeAlarms} composite alarms, 3 topics (email on critical and warning), ${report.dashboards} dashboards`,
  );
  expect(readme).toContain(
    `estimated CloudWatch cost ${report.totalUsd.toFixed(2)} USD/month for ${report.metricAlarms} metric alarms`,
  );
});
