import { App, Annotations, CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import type { IConstruct } from 'constructs';
import { catalogueEntry, parseAlarmDescription } from '@sre-kit/core';
import {
  AlarmCatalogue,
  AlarmFamily,
  AlarmSeverity,
  AlarmThreshold,
  AlertTopics,
  ApplicationLoadBalancerAlarms,
  DimensionAlarms,
  EcsServiceAlarms,
  LambdaFunctionAlarms,
  NatGatewayAlarms,
  RdsAlarms,
  type CatalogueEntryProps,
  type FamilyAlarms,
  type LambdaFunctionAlarmsProps,
  type NatGatewayAlarmsProps,
} from '../src';
import { newStack } from './helpers';

/*
 * What a user of the family constructs relies on: the options, the synth-time errors and the dashboard
 * segment. Alarms are read from their L1 resources rather than from a synthesized template: every synth
 * validates the whole app again, which is most of a test's time on a busy machine.
 */

const quiet = { service: 'shop', allowAlarmsWithoutActions: true };

function lambdaAlarms(scope: Stack, id: string, options: Partial<LambdaFunctionAlarmsProps> = {}): FamilyAlarms {
  return new LambdaFunctionAlarms(scope, id, {
    ...quiet,
    functionName: `shop-${id}`,
    properties: { timeoutMs: 3000 },
    ...options,
  });
}

function natAlarms(scope: Stack, id: string, options: Partial<NatGatewayAlarmsProps> = {}): FamilyAlarms {
  return new NatGatewayAlarms(scope, id, { ...quiet, natGatewayId: 'nat-0abc', ...options });
}

/** The L1 of the alarm a family drew for a catalogue id. */
function cfnAlarm(family: FamilyAlarms, catalogueId: string): cloudwatch.CfnAlarm {
  const alarm = family.alarmFor(catalogueId);
  if (!alarm) throw new Error(`${family.node.path} drew no ${catalogueId}`);
  return alarm.node.defaultChild as cloudwatch.CfnAlarm;
}

function descriptionOf(cfn: cloudwatch.CfnAlarm) {
  return parseAlarmDescription(cfn.alarmDescription!);
}

function dimensionsOf(cfn: cloudwatch.CfnAlarm): Record<string, unknown> {
  const list: { name: string; value: unknown }[] = Stack.of(cfn).resolve(cfn.dimensions) ?? [];
  return Object.fromEntries(list.map((d) => [d.name, d.value]));
}

function warningsOf(scope: IConstruct): string[] {
  return scope.node.metadata.filter((m) => m.type === 'aws:cdk:warning').map((m) => String(m.data));
}

function errorOf(build: () => unknown): string {
  try {
    build();
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected an error');
}

/** A registered entry on plain dimensions (a user's own family). */
function entry(id: string, dimensionNames: string[], over: Partial<CatalogueEntryProps> = {}): CatalogueEntryProps {
  return {
    id,
    title: id,
    metric: { namespace: 'Shop/Tables', metricName: id.split('.')[1]!, dimensionNames, statistic: 'Sum' },
    threshold: AlarmThreshold.fixed(1),
    comparison: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 1,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    severity: AlarmSeverity.WARNING,
    runbook: `Look at ${id}.`,
    ...over,
  };
}

function registerTable(app: App, entries: CatalogueEntryProps[]): void {
  AlarmCatalogue.of(app).registerFamily({ name: 'table', entries });
}

describe('DimensionAlarms', () => {
  test('takes exactly one of family and familyName', () => {
    const { stack } = newStack('OneFamily');
    const nat = { ...quiet, dimensions: { NatGatewayId: 'nat-0abc' } };
    const both = errorOf(
      () => new DimensionAlarms(stack, 'both', { ...nat, family: AlarmFamily.NAT_GATEWAY, familyName: 'natgateway' }),
    );
    expect(both).toMatch(/^OneFamily\/both: exactly one of family or familyName/);
    expect(both).toContain('(got {"family":"natgateway","familyName":"natgateway"})');
    const byEnum = new DimensionAlarms(stack, 'enum', { ...nat, family: AlarmFamily.NAT_GATEWAY });
    const byName = new DimensionAlarms(stack, 'name', { ...nat, familyName: 'natgateway' });
    expect(byEnum.alarms.length).toBeGreaterThan(0);
    expect(byName.alarms).toHaveLength(byEnum.alarms.length);
  });

  test('refuses a dimension that is empty or not a string', () => {
    const { stack } = newStack('Values');
    const fn = (id: string, value: unknown) => () =>
      new DimensionAlarms(stack, id, {
        ...quiet,
        family: AlarmFamily.LAMBDA,
        dimensions: { FunctionName: value as string },
        properties: { timeoutMs: 3000 },
      });
    expect(errorOf(fn('empty', ''))).toMatch(/^Values\/empty: dimension FunctionName has no value \(got ""\)/);
    expect(errorOf(fn('number', 5))).toMatch(/^Values\/number: dimension FunctionName has no value \(got 5\)/);
  });

  test("refuses a Region other than the stack's; in the stack's Region WAF alarms get Rule=ALL", () => {
    const { stack } = newStack('Regions');
    const waf = (id: string, region: string) =>
      new DimensionAlarms(stack, id, {
        ...quiet,
        family: AlarmFamily.WAF,
        dimensions: { WebACL: 'acl', Region: region },
      });
    expect(errorOf(() => waf('far', 'us-east-1'))).toMatch(
      /^Regions\/far: metrics of Region us-east-1 cannot be alarmed on from a stack in eu-west-1 \(got "us-east-1"\)/,
    );
    expect(dimensionsOf(cfnAlarm(waf('near', 'eu-west-1'), 'waf.blocked-requests'))).toEqual({
      WebACL: 'acl',
      Rule: 'ALL',
      Region: 'eu-west-1',
    });
  });

  test('draws a CloudFront web ACL (attributes scope) without a Region dimension', () => {
    const { stack } = newStack('Edge', 'us-east-1');
    const cloudFront = new DimensionAlarms(stack, 'edge', {
      ...quiet,
      family: AlarmFamily.WAF,
      dimensions: { WebACL: 'edge-acl' },
      attributes: { scope: 'CLOUDFRONT' },
    });
    expect(dimensionsOf(cfnAlarm(cloudFront, 'waf.blocked-requests'))).toEqual({ WebACL: 'edge-acl', Rule: 'ALL' });
    expect(warningsOf(cloudFront)).toEqual([]);
  });

  test('a web ACL with attributes but no scope is a regional one', () => {
    const { stack } = newStack('Regional', 'eu-west-1');
    const regional = new DimensionAlarms(stack, 'acl', {
      ...quiet,
      family: AlarmFamily.WAF,
      dimensions: { WebACL: 'acl', Region: 'eu-west-1' },
      attributes: { captcha: 'true' },
    });
    expect(dimensionsOf(cfnAlarm(regional, 'waf.blocked-requests'))).toEqual({
      WebACL: 'acl',
      Rule: 'ALL',
      Region: 'eu-west-1',
    });
  });

  test('draws account-level entries only when no dimension is given', () => {
    const { stack } = newStack('Account');
    const ses = new DimensionAlarms(stack, 'account', { ...quiet, familyName: 'ses', dimensions: {} });
    expect(ses.alarmNames).toEqual(
      AlarmCatalogue.of(stack)
        .entryIds('ses')
        .map((id) => `shop-account-${id}`),
    );
    const fn = new DimensionAlarms(stack, 'fn', {
      ...quiet,
      family: AlarmFamily.LAMBDA,
      dimensions: { FunctionName: 'shop-fn' },
      properties: { timeoutMs: 3000 },
      overrides: { 'lambda.claimed-account-concurrency': { enabled: true } },
    });
    expect(fn.alarmFor('lambda.errors')).toBeDefined();
    expect(fn.alarmFor('lambda.claimed-account-concurrency')).toBeUndefined();
  });

  test('draws only the entries whose dimensions are all given', () => {
    const { stack } = newStack('Partial');
    const alb = new DimensionAlarms(stack, 'alb', {
      ...quiet,
      family: AlarmFamily.ALB,
      dimensions: { LoadBalancer: 'app/shop/0123456789abcdef' },
    });
    expect(alb.alarmNames).toEqual(['shop-alb-alb.elb-5xx-rate', 'shop-alb-alb.rejected-connections']);
  });

  test('draws each entry once per set of dimension names, in whatever order the entry lists them', () => {
    const { app, stack } = newStack('Sets');
    registerTable(app, [
      entry('table.by-table', ['TableName']),
      entry('table.by-operation', ['Operation']),
      entry('table.both', ['TableName', 'Operation']),
      entry('table.both-reversed', ['Operation', 'TableName']),
    ]);
    const table = new DimensionAlarms(stack, 't', {
      ...quiet,
      familyName: 'table',
      dimensions: { TableName: 'orders', Operation: 'Query' },
    });
    expect(table.alarmNames).toEqual(
      ['table.by-table', 'table.by-operation', 'table.both', 'table.both-reversed'].map((id) => `shop-t-${id}`),
    );
    expect(dimensionsOf(cfnAlarm(table, 'table.by-table'))).toEqual({ TableName: 'orders' });
    expect(dimensionsOf(cfnAlarm(table, 'table.by-operation'))).toEqual({ Operation: 'Query' });
    expect(dimensionsOf(cfnAlarm(table, 'table.both-reversed'))).toEqual({ TableName: 'orders', Operation: 'Query' });
  });

  test('fails when no alarm of the family can be drawn from the dimensions', () => {
    const { stack } = newStack('NoTarget');
    expect(
      errorOf(
        () =>
          new DimensionAlarms(stack, 'fn', { ...quiet, family: AlarmFamily.LAMBDA, dimensions: { QueueName: 'q' } }),
      ),
    ).toMatch(/^NoTarget\/fn: no lambda alarm can be drawn from these dimensions \(got \{"QueueName":"q"\}\)/);
  });

  test('leaves a precondition on a dimension that concatenates text and a token to sre verify', () => {
    const { app, stack } = newStack('Concat');
    const precondition = {
      dimension: 'TableName',
      resourceType: 'AWS::DynamoDB::Table',
      reason: 'the table must be defined in the assembly',
      fix: 'monitor a table of this app',
    };
    registerTable(app, [entry('table.reads', ['TableName'], { preconditions: [precondition] })]);
    const stage = new CfnParameter(stack, 'Stage');
    const table = new DimensionAlarms(stack, 't', {
      ...quiet,
      familyName: 'table',
      dimensions: { TableName: `orders-${stage.valueAsString}` },
    });
    expect(table.alarmNames).toEqual(['shop-t-table.reads']);
  });
});

describe('options every family takes', () => {
  test('treatMissingData, runbookUrl and runbook overrides change the alarm; without them the catalogue stands', () => {
    const { stack } = newStack('Options');
    const catalogue = catalogueEntry('lambda.errors')!;
    const plain = cfnAlarm(lambdaAlarms(stack, 'plain'), 'lambda.errors');
    expect(plain.treatMissingData).toBe(catalogue.treatMissingData);
    expect(descriptionOf(plain).metadata!.runbook).toContain(catalogue.runbook.slice(0, 40));
    expect(descriptionOf(plain).text).toContain(catalogue.runbook.slice(0, 40));

    const tuned = cfnAlarm(
      lambdaAlarms(stack, 'tuned', {
        overrides: {
          'lambda.errors': {
            treatMissingData: cloudwatch.TreatMissingData.BREACHING,
            runbookUrl: 'https://runbooks.example/errors',
            runbook: 'Page the payments team.',
          },
        },
      }),
      'lambda.errors',
    );
    expect(tuned.treatMissingData).toBe('breaching');
    expect(descriptionOf(tuned).metadata!.runbook).toBe('https://runbooks.example/errors');
    expect(descriptionOf(tuned).text).toContain('Page the payments team.');

    const linked = cfnAlarm(
      lambdaAlarms(stack, 'linked', { runbookBaseUrl: 'https://runbooks.example/shop' }),
      'lambda.errors',
    );
    expect(descriptionOf(linked).metadata!.runbook).toBe('https://runbooks.example/shop/lambda.errors');
  });

  test('family defaults hold for every field an override of the same id leaves unset', () => {
    const { stack } = newStack('Layers');
    const layered = lambdaAlarms(stack, 'fn', {
      defaults: {
        'lambda.errors': {
          threshold: 7,
          evaluationPeriods: 4,
          datapointsToAlarm: 2,
          severity: AlarmSeverity.INFO,
          treatMissingData: cloudwatch.TreatMissingData.BREACHING,
          runbookUrl: 'https://runbooks.example/errors',
          runbook: 'Page the payments team.',
        },
        'lambda.throttles': { enabled: false },
      },
      overrides: {
        'lambda.errors': { period: Duration.minutes(5) },
        'lambda.throttles': { period: Duration.minutes(5) },
      },
    });
    const errors = cfnAlarm(layered, 'lambda.errors');
    expect([
      errors.threshold,
      errors.period,
      errors.evaluationPeriods,
      errors.datapointsToAlarm,
      errors.treatMissingData,
    ]).toEqual([7, 300, 4, 2, 'breaching']);
    expect(descriptionOf(errors).metadata).toMatchObject({
      severity: 'info',
      runbook: 'https://runbooks.example/errors',
    });
    expect(descriptionOf(errors).text).toContain('Page the payments team.');
    expect(layered.alarmFor('lambda.throttles')).toBeUndefined();
  });

  test('alarms with actions are enabled; alarms without any fail validation unless allowed', () => {
    const { stack } = newStack('Actions');
    const paged = natAlarms(stack, 'paged', {
      actions: new AlertTopics(stack, 'Topics'),
      allowAlarmsWithoutActions: false,
    });
    const alarm = cfnAlarm(paged, 'natgateway.error-port-allocation');
    expect(alarm.actionsEnabled).toBe(true);
    expect(stack.resolve(alarm.alarmActions)).toHaveLength(1);
    expect(paged.node.validate()).toEqual([]);
    const silent = natAlarms(stack, 'silent', { allowAlarmsWithoutActions: false });
    const problems = silent.node.validate();
    expect(problems).toHaveLength(silent.alarms.length);
    expect(problems[0]).toMatch(/^alarm Actions\/silent\/\S+ has no alarm action/);
    expect(natAlarms(stack, 'dashboards').node.validate()).toEqual([]);
  });

  test('the service must start with a letter or digit and hold only letters, digits, _ . -', () => {
    const { stack } = newStack('Services');
    for (const [id, service] of [
      ['lead', '-shop'],
      ['tail', 'shop!'],
      ['space', 'sh op'],
    ]) {
      const message = errorOf(() => natAlarms(stack, id!, { service }));
      expect(message).toMatch(new RegExp(`^Services/${id}: service must`));
      expect(message).toContain(`(got ${JSON.stringify(service)})`);
    }
    for (const service of ['1shop', 'shop_1.a-b', 's'])
      expect(natAlarms(stack, service, { service }).service).toBe(service);
  });

  test('alarm names replace each run of characters CloudWatch names cannot hold with a dash', () => {
    const { stack } = newStack('Names');
    const family = natAlarms(stack, 'gw', { stage: 'dev', resourceId: 'edge: gw' });
    const name = 'dev-shop-edge-gw-natgateway.error-port-allocation';
    expect(family.alarmNames[0]).toBe(name);
    expect(cfnAlarm(family, 'natgateway.error-port-allocation').alarmName).toBe(name);
  });
});

describe('resource names checked at synth', () => {
  test('a target group full name is exactly targetgroup/<name>/<id>', () => {
    const { stack } = newStack('Groups');
    const alb = (id: string, name: string) =>
      new ApplicationLoadBalancerAlarms(stack, id, {
        ...quiet,
        loadBalancerFullName: 'app/shop/0123456789abcdef',
        targetGroupFullNames: [name],
      });
    expect(alb('ok', 'targetgroup/shop-web/0123456789abcdef').alarmNames.length).toBeGreaterThan(0);
    for (const [id, name] of [
      ['arn', 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/shop-web/0123456789abcdef'],
      ['extra', 'targetgroup/shop-web/0123456789abcdef/extra'],
      ['short', 'targetgroup/shop-web'],
    ])
      expect(errorOf(() => alb(id, name))).toContain(`Groups/${id}: target group full name`);
  });

  test('an empty NAT gateway id is refused', () => {
    const { stack } = newStack('Nat');
    expect(errorOf(() => natAlarms(stack, 'nat', { natGatewayId: '' }))).toMatch(/^Nat\/nat: natGatewayId is required/);
  });
});

describe('thresholds', () => {
  test('a number the resource does not expose can come from an override or a family default of that id', () => {
    const { stack } = newStack('Numbers');
    const byName = (id: string, options: Partial<LambdaFunctionAlarmsProps>) =>
      new LambdaFunctionAlarms(stack, id, { ...quiet, functionName: 'shop-fn', ...options });
    const duration = (family: FamilyAlarms) => cfnAlarm(family, 'lambda.duration').threshold;
    expect(duration(byName('overridden', { overrides: { 'lambda.duration': { threshold: 5000 } } }))).toBe(5000);
    expect(duration(byName('defaulted', { defaults: { 'lambda.duration': { threshold: 6000 } } }))).toBe(6000);
    const other = errorOf(() =>
      byName('other', {
        properties: { concurrencyQuota: 500 },
        overrides: { 'lambda.errors': { threshold: 1 } },
        defaults: { 'lambda.errors': { threshold: 2 } },
      }),
    );
    expect(other).toMatch(
      /^Numbers\/other: lambda.duration derives its threshold from the resource property "timeoutMs"/,
    );
    expect(other).toContain('(got {"concurrencyQuota":500})');
  });

  test('a threshold no number backs fails naming the alarm and the property', () => {
    const { app, stack } = newStack('Unbacked');
    registerTable(app, [
      entry('table.errors', ['TableName'], { threshold: AlarmThreshold.percentOf(10, 'budgetPercent') }),
    ]);
    expect(
      errorOf(
        () => new DimensionAlarms(stack, 't', { ...quiet, familyName: 'table', dimensions: { TableName: 'orders' } }),
      ),
    ).toMatch(
      /^Unbacked\/t: table.errors derives its threshold from the resource property "budgetPercent".* \(got \{\}\)/,
    );
    expect(
      errorOf(() => natAlarms(stack, 'nan', { overrides: { 'natgateway.error-port-allocation': { threshold: NaN } } })),
    ).toMatch(
      /^Unbacked\/nan: natgateway.error-port-allocation derives its threshold from the resource property "threshold"/,
    );
  });

  test('a period or a datapoint count CloudWatch rejects fails naming the alarm and the values', () => {
    const { stack } = newStack('Windows');
    const tune = (id: string, props: object) =>
      natAlarms(stack, id, { overrides: { 'natgateway.error-port-allocation': props } });
    const period = errorOf(() => tune('period', { period: Duration.seconds(45) }));
    expect(period).toMatch(/^Windows\/period: natgateway.error-port-allocation: /);
    expect(period).toContain('(got {"periodSeconds":45,');
    expect(errorOf(() => tune('datapoints', { evaluationPeriods: 2, datapointsToAlarm: 3 }))).toMatch(
      /^Windows\/datapoints: natgateway.error-port-allocation: datapointsToAlarm .*\(got 3\)/,
    );
    const even = cfnAlarm(
      tune('even', { evaluationPeriods: 2, datapointsToAlarm: 2 }),
      'natgateway.error-port-allocation',
    );
    expect([even.evaluationPeriods, even.datapointsToAlarm]).toEqual([2, 2]);
  });
});

describe('dashboard segment', () => {
  test('the summary widget is full width and grows a row per four alarms, up to 6; none without alarms', () => {
    const { stack } = newStack('Summary');
    const off = { enabled: false };
    const summary = (family: FamilyAlarms) => family.summaryWidgets().map((w) => [w.width, w.height]);
    const none = natAlarms(stack, 'none', {
      overrides: { 'natgateway.error-port-allocation': off, 'natgateway.packets-drop-rate': off },
    });
    expect(none.summaryWidgets()).toEqual([]);
    const one = natAlarms(stack, 'one', { resourceId: 'gw-1', overrides: { 'natgateway.packets-drop-rate': off } });
    expect(summary(one)).toEqual([[24, 3]]);
    expect((one.summaryWidgets()[0] as cloudwatch.AlarmStatusWidget).toJson()[0].properties.title).toBe(
      'natgateway: gw-1',
    );
    const four = lambdaAlarms(stack, 'four');
    expect(four.alarms).toHaveLength(4);
    expect(summary(four)).toEqual([[24, 3]]);
    const five = lambdaAlarms(stack, 'five', {
      overrides: { 'lambda.claimed-account-concurrency': { enabled: true } },
    });
    expect(five.alarms).toHaveLength(5);
    expect(summary(five)).toEqual([[24, 4]]);
    const many = new RdsAlarms(stack, 'db', {
      ...quiet,
      instanceIdentifiers: ['db-1', 'db-2', 'db-3', 'db-4'],
      properties: { maxConnections: 400, memoryBytes: 4 * 1024 ** 3, allocatedStorageBytes: 100 * 1024 ** 3 },
    });
    expect(many.alarms.length).toBeGreaterThan(16);
    expect(summary(many)).toEqual([[24, 6]]);
  });

  test('widgets() heads the alarm widgets with the family and resource; alarmFor finds each alarm by id', () => {
    const { stack } = newStack('Segment');
    const family = natAlarms(stack, 'gw');
    const widgets = family.widgets();
    expect(widgets).toHaveLength(1 + family.alarms.length);
    expect((widgets[0] as cloudwatch.TextWidget).toJson()[0].properties.markdown).toBe('### natgateway: gw');
    expect(family.alarmFor('natgateway.error-port-allocation')).toBe(family.alarms[0]);
    expect(family.alarmFor('natgateway.packets-drop-rate')).toBe(family.alarms[1]);
    expect(family.alarmFor('lambda.errors')).toBeUndefined();
  });
});

describe('warnings name the alarm so they can be acknowledged', () => {
  const acknowledged = (family: FamilyAlarms, id: string) => {
    const before = warningsOf(family);
    Annotations.of(family).acknowledgeWarning(id);
    return { before, after: warningsOf(family) };
  };

  test('an entry no target has dimensions for', () => {
    const { stack } = newStack('NoTg');
    const alb = new ApplicationLoadBalancerAlarms(stack, 'alb', {
      ...quiet,
      loadBalancerFullName: 'app/shop/0123456789abcdef',
    });
    const { before, after } = acknowledged(alb, '@sre-kit/cdk:no-target:alb.unhealthy-host-count');
    expect(before.some((w) => w.startsWith('alb.unhealthy-host-count needs dimensions'))).toBe(true);
    expect(after).toEqual(before.filter((w) => !w.startsWith('alb.unhealthy-host-count')));
    expect(after.length).toBeGreaterThan(0);
  });

  test('an entry whose metric is not published (Container Insights off)', () => {
    const { stack } = newStack('Insights');
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, maxAzs: 1 });
    const cluster = new ecs.Cluster(stack, 'Cluster', { vpc });
    const task = new ecs.FargateTaskDefinition(stack, 'Task');
    task.addContainer('app', { image: ecs.ContainerImage.fromRegistry('nginx') });
    const ecsService = new ecs.FargateService(stack, 'Service', { cluster, taskDefinition: task });
    const web = new EcsServiceAlarms(stack, 'web', { ...quiet, ecsService });
    const { before, after } = acknowledged(web, '@sre-kit/cdk:unpublished:ecs.running-task-count');
    expect(before.some((w) => w.startsWith('ecs.running-task-count was not created'))).toBe(true);
    expect(after).toEqual(before.filter((w) => !w.startsWith('ecs.running-task-count')));
  });
});
