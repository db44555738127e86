/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized CloudFormation is untyped JSON */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Duration, type Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DefaultDashboardFactory, MonitoringFacade } from 'cdk-monitoring-constructs';
import { defaultBurnRatePolicy } from '@sre-kit/core';
import { AlarmFamily, SloAlarmMode, SreKit, SreTagKeys } from '../src';
import { alarmsByName, compositesByName, dims, newStack, tagsOf } from './helpers';

const specs = join(__dirname, 'fixtures', 'specs');

describe('a kit applying specs', () => {
  const { stack } = newStack('Specs');
  const kit = new SreKit(stack, 'Sre', {
    service: 'shop',
    specPaths: [join(specs, 'slos'), join(specs, 'alarms')],
    dimensionValues: { LoadBalancer: 'app/shop/real' },
  });
  kit.monitorLambda('api', lambda.Function.fromFunctionName(stack, 'Api', 'shop-api'));
  const rest = kit.monitorSpecResources();
  const template = Template.fromStack(stack);
  const alarms = alarmsByName(template);

  test('a mapped resource gets the policy defaults, its overrides and the runbook base URL', () => {
    const errors = alarms.get('shop-api-lambda.errors')!.props;
    expect(errors.Threshold).toBe(2);
    expect(tagsOf(errors)[SreTagKeys.SEVERITY]).toBe('info');
    expect(tagsOf(errors)[SreTagKeys.RUNBOOK]).toBe('https://runbooks.example/alarms/lambda.errors');
    expect(alarms.get('shop-api-lambda.throttles')!.props.Threshold).toBe(3);
    // An imported function's timeout comes from the spec's properties (90 % of 6 s).
    expect(alarms.get('shop-api-lambda.duration')!.props.Threshold).toBe(5400);
    // The construct's name wins over the spec's placeholder.
    expect(JSON.stringify(dims(errors.Dimensions).FunctionName)).toContain(':function:shop-api');
  });

  test('monitorSpecResources covers the rest from the dimensions in the spec', () => {
    expect(rest).toEqual(['natgateway/nat-a']);
    expect(dims(alarms.get('shop-nat-a-natgateway.error-port-allocation')!.props.Dimensions)).toEqual({
      NatGatewayId: 'nat-0aaaaaaaaaaaaaaaa',
    });
  });

  test('spec SLOs become burn-rate alarms with the spec period tiers and the real dimension values', () => {
    const tiers = defaultBurnRatePolicy(28 * 86400).tiers;
    expect(kit.slos.map((s) => s.sloName)).toEqual(['checkout']);
    for (const tier of tiers) {
      const long = alarms.get(`shop-checkout-${tier.name}-long`)!.props;
      expect(long.Threshold).toBeCloseTo(tier.burnRate * 0.005, 12);
      const metric = long.Metrics.find((m: any) => m.Id === 'total');
      expect(dims(metric.MetricStat.Metric.Dimensions)).toEqual({ LoadBalancer: 'app/shop/real' });
    }
    expect(compositesByName(template).has('shop-checkout-page-1h')).toBe(true);
  });

  test('dashboards show the SLO metrics with the same real dimension values as the alarms', () => {
    const { stack: s2 } = newStack('SpecDashboards');
    const k2 = new SreKit(s2, 'Sre', {
      service: 'shop',
      specPaths: [join(specs, 'slos'), join(specs, 'alarms')],
      dimensionValues: { LoadBalancer: 'app/shop/real' },
      dashboards: true,
    });
    k2.monitorLambda('api', lambda.Function.fromFunctionName(s2, 'Api', 'shop-api'));
    k2.monitorSpecResources();
    const bodies = JSON.stringify(Template.fromStack(s2).findResources('AWS::CloudWatch::Dashboard'));
    expect(bodies).toContain('app/shop/real');
    expect(bodies).not.toContain('app/placeholder/0123456789abcdef');
  });

  test('the cost report counts what was created', () => {
    const report = kit.costReport();
    expect(report.metricAlarms).toBe(alarms.size);
    expect(report.lines.some((l) => l.owner === 'checkout' && l.category === 'compositeAlarms')).toBe(true);
  });
});

describe('alarms the kit did not create', () => {
  const metric = (metricName: string, seconds = 60) =>
    new cloudwatch.Metric({ namespace: 'Shop', metricName, period: Duration.seconds(seconds) });
  const alarmOn = (stack: Stack, id: string, m: cloudwatch.IMetric) =>
    new cloudwatch.Alarm(stack, id, { metric: m, threshold: 0, evaluationPeriods: 1 });

  test('are priced under their owner: one metric each, metric math per metric, composites as composites', () => {
    const { stack } = newStack('Priced');
    const kit = new SreKit(stack, 'Sre', { service: 'shop' });
    const single = alarmOn(stack, 'Single', metric('Depth'));
    const math = alarmOn(
      stack,
      'Math',
      new cloudwatch.MathExpression({ expression: 'a + b', usingMetrics: { a: metric('A'), b: metric('B') } }),
    );
    const fast = alarmOn(stack, 'Fast', metric('Depth', 10));
    const both = new cloudwatch.CompositeAlarm(stack, 'Both', { alarmRule: cloudwatch.AlarmRule.allOf(single, math) });
    expect(kit.costReport().metricAlarms).toBe(0);

    kit.priceAlarms('shop-queues', 'shop.queue-depth', [single, math, fast]);
    kit.priceAlarms('shop-queues', 'shop.both', [both]);
    const report = kit.costReport();
    expect({ metric: report.metricAlarms, composite: report.compositeAlarms }).toEqual({ metric: 3, composite: 1 });
    expect(report.lines.filter((l) => l.owner === 'shop-queues').map((l) => [l.item, l.category, l.quantity])).toEqual([
      ['shop.queue-depth', 'alarmMetrics', 3],
      ['shop.queue-depth', 'highResolutionAlarmMetrics', 1],
      ['shop.both', 'compositeAlarms', 1],
    ]);
    expect(report.totalUsd).toBeCloseTo(3 * 0.1 + 0.3 + 0.5, 4);
  });

  test('an alarm priced twice, or an item claimed by two owners, is an input error', () => {
    const { stack } = newStack('PricedTwice');
    const kit = new SreKit(stack, 'Sre', { service: 'shop' });
    const alarm = alarmOn(stack, 'Depth', metric('Depth'));
    kit.priceAlarms('queues', 'queue-depth', [alarm]);
    expect(() => kit.priceAlarms('queues', 'queue-depth', [alarm])).toThrow(/alarm is priced twice/);
    expect(() => kit.priceAlarms('mail', 'queue-depth', [alarmOn(stack, 'Other', metric('Other'))])).toThrow(
      /"queue-depth" already belongs to "queues"/,
    );
  });
});

describe('spec problems fail at synth', () => {
  test('a spec error names file, line and column', () => {
    const { stack } = newStack('BadSpec');
    expect(
      () => new SreKit(stack, 'Sre', { service: 'shop', specPaths: [join(__dirname, 'fixtures', 'bad-specs')] }),
    ).toThrow(/BadSpec\/Sre: the specs have 1 error\(s\):\n\s+.*policy\.yaml:12:13: .*lambda\.erors/);
  });

  test('a missing spec path is named', () => {
    const { stack } = newStack('Missing');
    expect(() => new SreKit(stack, 'Sre', { service: 'shop', specPaths: ['no/such/dir'] })).toThrow(
      /spec paths do not exist \(got \["no\/such\/dir"\]\)/,
    );
  });

  test('a spec resource not mapped to a construct fails validation with its file and line', () => {
    const { app, stack } = newStack('Unmapped');
    new SreKit(stack, 'Sre', { service: 'shop', specPaths: [join(specs, 'alarms')] });
    expect(() => app.synth()).toThrow(
      /shop\.yaml:13:11: lambda resource "api" is not mapped to a construct\. Fix: call kit\.monitorLambda\('api', \.\.\.\)/,
    );
  });
});

describe('splitting', () => {
  test('families and SLOs move to nested stacks past maxResourcesPerStack, each kept whole', () => {
    const { app, stack } = newStack('Split');
    const kit = new SreKit(stack, 'Sre', { service: 'fleet', maxResourcesPerStack: 100 });
    for (let i = 0; i < 12; i++)
      kit.monitorByDimensions(
        AlarmFamily.RDS,
        `db${i}`,
        { DBInstanceIdentifier: `db${i}` },
        { properties: { maxConnections: 100, memoryBytes: 1e9, allocatedStorageBytes: 1e10 } },
      );
    expect(kit.nestedStacks.length).toBeGreaterThan(0);
    const assembly = app.synth();
    const counts = [Template.fromStack(stack), ...kit.nestedStacks.map((n) => Template.fromStack(n))].map(
      (t) => Object.keys(t.toJSON().Resources).length,
    );
    for (const n of counts) expect(n).toBeLessThanOrEqual(100);
    // Every family's 8 alarms sit in one template.
    for (const family of kit.families) expect(new Set(family.alarms.map((a) => a.stack.stackName)).size).toBe(1);
    expect(assembly.getStackByName('Split').template.Resources).toBeDefined();
  });

  test('a CloudFormation-impossible limit is refused', () => {
    const { stack } = newStack('Limit');
    expect(() => new SreKit(stack, 'Sre', { service: 'shop', maxResourcesPerStack: 900 })).toThrow(
      /maxResourcesPerStack must be 0 or a whole number in \[100, 500\] \(got 900\)/,
    );
  });
});

describe('cdk-monitoring-constructs interop and guards', () => {
  test('families and SLOs become segments of a MonitoringFacade', () => {
    const { stack } = newStack('Facade');
    const facade = new MonitoringFacade(stack, 'Facade', {
      alarmFactoryDefaults: { actionsEnabled: true, alarmNamePrefix: 'shop' },
      metricFactoryDefaults: {},
      dashboardFactory: new DefaultDashboardFactory(stack, 'Dashboards', {
        dashboardNamePrefix: 'shop',
        createAlarmDashboard: true,
      }),
    });
    const kit = new SreKit(stack, 'Sre', { service: 'shop', monitoringFacade: facade, costAnnotation: false });
    kit.monitorNatGateway('nat', 'nat-1');
    const body = JSON.stringify(Template.fromStack(stack).findResources('AWS::CloudWatch::Dashboard'));
    const [nat] = kit.families;
    // The facade's alarm dashboard shows the family's alarms by ARN.
    for (const alarm of nat.alarms) expect(body).toContain(stack.getLogicalId(alarm.node.defaultChild as any));
  });

  test('the same resource id in two families (a function and a NAT gateway both "api") is two resources', () => {
    const { stack } = newStack('SharedIds');
    const kit = new SreKit(stack, 'Sre', { service: 'shop', costAnnotation: false });
    kit.monitorLambda('api', lambda.Function.fromFunctionName(stack, 'Fn', 'shop-api'), {
      properties: { timeoutMs: 3000 },
    });
    kit.monitorNatGateway('api', 'nat-1');
    const names = [...alarmsByName(Template.fromStack(stack)).keys()];
    expect(names).toEqual(
      expect.arrayContaining(['shop-api-lambda.errors', 'shop-api-natgateway.error-port-allocation']),
    );
    expect(() => kit.monitorLambda('api', lambda.Function.fromFunctionName(stack, 'Fn2', 'other'))).toThrow(
      /lambda resource "api" is monitored twice/,
    );
  });

  test('a WAF Region dimension from another region is refused', () => {
    const { stack } = newStack('Region');
    const kit = new SreKit(stack, 'Sre', { service: 'shop' });
    kit.monitorByDimensions(AlarmFamily.WAF, 'waf', { WebACL: 'acl', Region: 'us-west-2' });
    // Families are created at synth, once placement is decided: the error names the construct then.
    expect(() => Template.fromStack(stack)).toThrow(
      /Region\/Sre\/waf-waf: metrics of Region us-west-2 cannot be alarmed on from a stack in eu-west-1/,
    );
  });

  test('a Fargate service gives the ephemeral storage the threshold derives from', () => {
    const { stack } = newStack('Fargate');
    // Container Insights on: without it the storage alarm would never get data and is not made.
    const cluster = new ecs.Cluster(stack, 'Cluster', { containerInsightsV2: ecs.ContainerInsights.ENABLED });
    const task = new ecs.FargateTaskDefinition(stack, 'Task', { ephemeralStorageGiB: 50 });
    task.addContainer('c', { image: ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:stable') });
    const service = new ecs.FargateService(stack, 'Svc', { cluster, taskDefinition: task });
    new SreKit(stack, 'Sre', { service: 'shop' }).monitorEcsService('web', service);
    expect(
      alarmsByName(Template.fromStack(stack)).get('shop-web-ecs.ephemeral-storage-utilized')!.props.Threshold,
    ).toBe(40);
  });
});

describe('maintenance windows of the routing spec in APPLICATION_SIGNALS mode', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kit-windows-'));
  writeFileSync(
    join(dir, 'routing.yaml'),
    `apiVersion: sre-kit/v1
kind: AlertRouting
metadata: { name: shop }
spec:
  receivers: [{ name: team, email: [team@example.com] }]
  route: { receiver: team }
  maintenanceWindows:
    - name: db-patching
      reason: RDS patching (CHG-1234)
      matchers: { service: shop, slo: checkout }
      recurring: { weekdays: [sunday], start: '03:00', duration: 1h, location: Europe/Berlin }
    - name: mute-only
      reason: noisy alarms
      matchers: { service: shop }
      excludeFromReview: false
      recurring: { start: '01:00', duration: 30m }
    - name: migration
      category: deployment
      reason: Load balancer move
      matchers: { slo: checkout }
      once: { start: '2026-12-12T22:00:00Z', end: '2026-12-12T23:30:00Z' }
`,
  );
  const { stack } = newStack('Windows');
  const kit = new SreKit(stack, 'Sre', {
    service: 'shop',
    specPaths: [join(specs, 'slos'), join(specs, 'alarms'), dir],
    dimensionValues: { LoadBalancer: 'app/shop/real' },
    sloMode: SloAlarmMode.APPLICATION_SIGNALS,
  });
  kit.monitorSpecResources();
  const template = Template.fromStack(stack);

  test('the windows excluded from reviews become exclusion windows of the native SLO, in UTC', () => {
    const [slo] = Object.values(template.findResources('AWS::ApplicationSignals::ServiceLevelObjective')) as any[];
    expect(slo.Properties.ExclusionWindows).toEqual([
      {
        Window: { Duration: 60, DurationUnit: 'MINUTE' },
        Reason: 'db-patching (maintenance): RDS patching (CHG-1234)',
        RecurrenceRule: { Expression: 'cron(0 2 ? * SUN *)' },
      },
      {
        Window: { Duration: 90, DurationUnit: 'MINUTE' },
        Reason: 'migration (deployment): Load balancer move',
        StartTime: '2026-12-12T22:00:00.000Z',
      },
    ]);
  });

  test('a synth warning says the Berlin window shifts by an hour in summer', () => {
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('db-patching'));
    expect(warnings.map((w) => String(w.entry.data))).toEqual([
      expect.stringContaining('opens 60 minutes early during daylight saving'),
    ]);
  });
});
