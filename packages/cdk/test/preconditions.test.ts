/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized CloudFormation is untyped JSON */
import { Duration } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as rds from 'aws-cdk-lib/aws-rds';
import { assemblyFromTemplates, verifyAssembly } from '@sre-kit/core';
import { EcsServiceAlarms, LambdaFunctionAlarms, MetricsContract, RdsAlarms } from '../src';
import { alarmsByName, newStack } from './helpers';

/** Constructs refuse what `sre verify` would reject: the same preconditions, checked at synth. */

const inline = (s: any, id: string, extra: Partial<lambda.FunctionProps> = {}) =>
  new lambda.Function(s, id, {
    runtime: lambda.Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => {}'),
    ...extra,
  });

describe('lambda', () => {
  test('an imported function without timeoutMs fails, naming the construct and the property', () => {
    const { stack } = newStack('Imported');
    const fn = lambda.Function.fromFunctionName(stack, 'Other', 'other-fn');
    expect(
      () =>
        new LambdaFunctionAlarms(stack, 'fn', { service: 'shop', lambdaFunction: fn, allowAlarmsWithoutActions: true }),
    ).toThrow(
      /^Imported\/fn: lambda.duration derives its threshold from the resource property "timeoutMs", which this lambda resource does not expose.*Fix: pass properties: \{ timeoutMs: <number> \}/,
    );
    new LambdaFunctionAlarms(stack, 'ok', {
      service: 'shop',
      lambdaFunction: fn,
      properties: { timeoutMs: 5000 },
      allowAlarmsWithoutActions: true,
    });
    expect(alarmsByName(Template.fromStack(stack)).get('shop-ok-lambda.duration')!.props.Threshold).toBe(4500);
  });

  test('a misspelt property is rejected with a did-you-mean, like an unknown catalogue id', () => {
    const { stack } = newStack('Typo');
    expect(
      () =>
        new LambdaFunctionAlarms(stack, 'fn', {
          service: 'shop',
          lambdaFunction: inline(stack, 'F'),
          properties: { timeoutMS: 1000 },
          allowAlarmsWithoutActions: true,
        }),
    ).toThrow(/^Typo\/fn: unknown property for family lambda.*\(got "timeoutMS"\)\. Fix: did you mean "timeoutMs"\?/);
  });

  test('reserved concurrency is the concurrency cap, even over a larger concurrencyQuota (with a warning)', () => {
    const { stack } = newStack('Reserved');
    const fn = inline(stack, 'F', { reservedConcurrentExecutions: 20, timeout: Duration.seconds(10) });
    new LambdaFunctionAlarms(stack, 'derived', {
      service: 'shop',
      lambdaFunction: fn,
      allowAlarmsWithoutActions: true,
    });
    const given = new LambdaFunctionAlarms(stack, 'given', {
      service: 'shop',
      lambdaFunction: fn,
      properties: { concurrencyQuota: 1000 },
      allowAlarmsWithoutActions: true,
    });
    const names = alarmsByName(Template.fromStack(stack));
    expect(names.get('shop-derived-lambda.concurrent-executions')!.props.Threshold).toBe(18);
    expect(names.get('shop-given-lambda.concurrent-executions')!.props.Threshold).toBe(18);
    const warnings = Annotations.fromStack(stack).findWarning(
      `/${given.node.path}`,
      Match.stringLikeRegexp('reserved concurrency 20'),
    );
    expect(warnings).toHaveLength(1);
    // Without reserved concurrency the account quota's share stays.
    const { stack: plain } = newStack('Plain');
    new LambdaFunctionAlarms(plain, 'fn', {
      service: 'shop',
      lambdaFunction: inline(plain, 'F'),
      allowAlarmsWithoutActions: true,
    });
    expect(alarmsByName(Template.fromStack(plain)).get('shop-fn-lambda.concurrent-executions')!.props.Threshold).toBe(
      900,
    );
  });
});

describe('ecs', () => {
  function service(insights: ecs.ContainerInsights | undefined) {
    const { stack } = newStack(`Ecs${insights ?? 'Off'}`);
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, maxAzs: 1 });
    const cluster = new ecs.Cluster(stack, 'Cluster', { vpc, ...(insights ? { containerInsightsV2: insights } : {}) });
    const task = new ecs.FargateTaskDefinition(stack, 'Task');
    task.addContainer('app', { image: ecs.ContainerImage.fromRegistry('nginx') });
    const svc = new ecs.FargateService(stack, 'Service', { cluster, taskDefinition: task });
    const family = new EcsServiceAlarms(stack, 'web', {
      service: 'shop',
      ecsService: svc,
      allowAlarmsWithoutActions: true,
    });
    return { stack, family, template: Template.fromStack(stack) };
  }

  test('Container Insights off: its alarms are left out with a warning naming the construct and the fix', () => {
    const { stack, family, template } = service(undefined);
    expect([...alarmsByName(template).keys()].sort()).toEqual([
      'shop-web-ecs.cpu-utilization',
      'shop-web-ecs.memory-utilization',
    ]);
    template.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { Namespace: 'ECS/ContainerInsights' }, 0);
    const warnings = Annotations.fromStack(stack).findWarning(
      `/${family.node.path}`,
      Match.stringLikeRegexp(
        'ecs.running-task-count was not created: Container Insights is off on cluster .*Cluster.*Fix: enable it',
      ),
    );
    expect(warnings).toHaveLength(1);
    // What the construct made, sre verify accepts.
    expect(verifyAssembly(assemblyFromTemplates({ S: template.toJSON() })).dead).toEqual([]);
  });

  test('Container Insights on: the task-count alarm exists and verify accepts it', () => {
    const { template } = service(ecs.ContainerInsights.ENHANCED);
    const names = alarmsByName(template);
    expect(names.get('shop-web-ecs.running-task-count')!.props.Namespace).toBe('ECS/ContainerInsights');
    expect(verifyAssembly(assemblyFromTemplates({ S: template.toJSON() })).dead).toEqual([]);
  });
});

describe('rds', () => {
  const replicaLag = { 'rds.replica-lag': { enabled: true } };
  function instances() {
    const { stack } = newStack('Db');
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, maxAzs: 2 });
    const engine = rds.DatabaseInstanceEngine.mysql({ version: rds.MysqlEngineVersion.VER_8_0_45 });
    const instanceType = ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.MEDIUM);
    const vpcSubnets = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
    const primary = new rds.DatabaseInstance(stack, 'Primary', {
      engine,
      vpc,
      vpcSubnets,
      instanceType,
      multiAz: true,
      storageEncrypted: true,
    });
    const replica = new rds.DatabaseInstanceReadReplica(stack, 'Replica', {
      sourceDatabaseInstance: primary,
      vpc,
      vpcSubnets,
      instanceType,
    });
    return { stack, primary, replica };
  }

  test('ReplicaLag asked for on a primary (Multi-AZ) fails at synth; on a read replica it is created', () => {
    const { stack, primary, replica } = instances();
    const common = { service: 'shop', allowAlarmsWithoutActions: true, overrides: replicaLag };
    expect(() => new RdsAlarms(stack, 'primary', { ...common, instance: primary })).toThrow(
      /^Db\/primary: rds.replica-lag: ReplicaLag is published only for read replicas, and Db\/Primary is not one.*Fix: remove 'rds.replica-lag': \{ enabled: true \}/,
    );
    new RdsAlarms(stack, 'replica', {
      ...common,
      instance: replica,
      properties: { maxConnections: 300, allocatedStorageBytes: 20 * 1024 ** 3 },
    });
    expect(alarmsByName(Template.fromStack(stack)).get('shop-replica-rds.replica-lag')!.props.MetricName).toBe(
      'ReplicaLag',
    );
  });
});

describe('MetricsContract', () => {
  test('travels as SreKit::PublishedMetrics metadata on the publishing resource; a bad one fails', () => {
    const { stack } = newStack('Contract');
    const fn = inline(stack, 'F');
    MetricsContract.declare(fn, { namespace: 'Shop', metrics: [{ name: 'Orders', dimensions: [['Env']] }] });
    MetricsContract.declare(fn, { namespace: 'Shop', metrics: [{ pattern: '^shop_', dimensions: [[]] }] });
    const resource = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function'))[0] as any;
    expect(resource.Metadata['SreKit::PublishedMetrics']).toEqual([
      { namespace: 'Shop', metrics: [{ name: 'Orders', dimensions: [['Env']] }] },
      { namespace: 'Shop', metrics: [{ pattern: '^shop_', dimensions: [[]] }] },
    ]);
    expect(() => MetricsContract.declare(fn, { namespace: 'Shop', metrics: [{ dimensions: [] }] })).toThrow(
      /Contract\/F: metrics contract .metrics\[0\]: name or pattern is required/,
    );
  });
});
