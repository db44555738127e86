/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized CloudFormation is untyped JSON; JS callers pass any */
import { App, CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { ALARM_PRECONDITIONS_METADATA, catalogueEntry, type ThresholdRule } from '@sre-kit/core';
import {
  AlarmCatalogue,
  AlarmSeverity,
  AlarmThreshold,
  ApplicationLoadBalancerAlarms,
  DimensionAlarms,
  EcsServiceAlarms,
  LambdaFunctionAlarms,
  NatGatewayAlarms,
  QueueRole,
  RdsAlarms,
  S3BucketAlarms,
  SqsQueueAlarms,
  WebAclAlarms,
  WebAclScope,
  type CatalogueEntryProps,
  type CatalogueMetricProps,
} from '../src';
import { CatalogueRegistrationError } from '../src/errors';
import { alarmsByName, dims, newStack } from './helpers';

const quiet = { service: 'shop', allowAlarmsWithoutActions: true };

/** The percentOf rule of a built-in entry, so expected thresholds follow the catalogue. */
function percentRule(id: string): Extract<ThresholdRule, { kind: 'percentOf' }> {
  const rule = catalogueEntry(id)!.threshold;
  if (rule.kind !== 'percentOf') throw new Error(`${id} is not a percentOf entry`);
  return rule;
}

const metric = (over: Partial<CatalogueMetricProps> = {}): CatalogueMetricProps => ({
  namespace: 'Shop/Jobs',
  metricName: 'Waiting',
  dimensionNames: ['Queue'],
  statistic: 'Maximum',
  ...over,
});

/** An entry of a user family `jobs`, as the extension API takes it. */
const entry = (over: Partial<CatalogueEntryProps> = {}): CatalogueEntryProps => ({
  id: 'jobs.waiting',
  title: 'Jobs waiting',
  metric: metric(),
  threshold: AlarmThreshold.fixed(10),
  comparison: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
  evaluationPeriods: 3,
  treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  severity: AlarmSeverity.WARNING,
  runbook: 'Jobs pile up: check the workers.',
  ...over,
});

/** Registers `jobs` with `entries` in a fresh app and monitors one queue of it. */
function drawJobs(entries: CatalogueEntryProps[], properties?: Record<string, number>) {
  const { app, stack } = newStack('Jobs');
  AlarmCatalogue.of(app).registerFamily({ name: 'jobs', entries });
  new DimensionAlarms(stack, 'q', { ...quiet, familyName: 'jobs', dimensions: { Queue: 'orders' }, properties });
  const template = Template.fromStack(stack);
  return { template, alarms: alarmsByName(template) };
}

function expectRefused(register: () => void, message: RegExp): void {
  expect(register).toThrow(CatalogueRegistrationError);
  expect(register).toThrow(message);
}

function warningsOf(stack: Stack, pattern: string) {
  return Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp(pattern));
}

describe('AlarmCatalogue registrations', () => {
  it('refuses a family without a valid name, JS callers included, as a registration error', () => {
    const catalogue = AlarmCatalogue.of(new App());
    expectRefused(() => catalogue.registerFamily(undefined as any), /^family: name: must be lower-case/);
    expectRefused(
      () => catalogue.registerFamily({ name: undefined as any, entries: [entry()] }),
      /^family: name: must be lower-case/,
    );
    expect(catalogue.hasFamily('jobs')).toBe(false);
  });

  it('refuses a family with no entries, or none given', () => {
    const catalogue = AlarmCatalogue.of(new App());
    expectRefused(
      () => catalogue.registerFamily({ name: 'jobs', entries: [] }),
      /^family jobs: entries: .*\(got \[\]\)/,
    );
    expectRefused(
      () => catalogue.registerFamily({ name: 'jobs', entries: undefined as any }),
      /^family jobs: entries: .*\(got nothing\)/,
    );
    expect(catalogue.families).not.toContain('jobs');
  });

  it('refuses two entries of one id in the same registration', () => {
    const catalogue = AlarmCatalogue.of(new App());
    expectRefused(
      () => catalogue.registerFamily({ name: 'jobs', entries: [entry(), entry({ title: 'Again' })] }),
      /^entry jobs.waiting: id: is already registered/,
    );
    expect(catalogue.hasFamily('jobs')).toBe(false);
  });

  it('refuses a missing entry or metric with a registration error naming the field', () => {
    const catalogue = AlarmCatalogue.of(new App());
    expectRefused(() => catalogue.registerEntry('lambda', undefined as any), /^entry undefined: threshold: /);
    expectRefused(
      () =>
        catalogue.registerFamily({
          name: 'jobs',
          entries: [entry({ metric: undefined, expression: 'm', expressionMetrics: { m: undefined as any } })],
        }),
      /^entry jobs.waiting: expression.metrics.m.namespace: /,
    );
  });

  it('reads an entry with expression metrics but no expression as an empty expression', () => {
    expectRefused(
      () =>
        AlarmCatalogue.of(new App()).registerFamily({
          name: 'jobs',
          entries: [entry({ metric: undefined, expressionMetrics: { waiting: metric() } })],
        }),
      /^entry jobs.waiting: expression.metrics.waiting: is not used by the expression/,
    );
  });
});

describe('what a registered entry draws', () => {
  it('renders metric, statistic and fixed dimensions next to the resource ones', () => {
    const { alarms } = drawJobs([
      entry({ metric: metric({ dimensionNames: ['Queue', 'Stage'], fixedDimensions: { Stage: 'all' } }) }),
    ]);
    const p = alarms.get('shop-q-jobs.waiting')!.props;
    expect(p).toMatchObject({ Namespace: 'Shop/Jobs', MetricName: 'Waiting', Statistic: 'Maximum', Threshold: 10 });
    expect(dims(p.Dimensions)).toEqual({ Queue: 'orders', Stage: 'all' });
  });

  it('takes a percentOf threshold from the property, else from its fallback', () => {
    const waiting = entry({ threshold: AlarmThreshold.percentOf(50, 'capacity', 40) });
    expect(drawJobs([waiting], { capacity: 300 }).alarms.get('shop-q-jobs.waiting')!.props.Threshold).toBe(150);
    expect(drawJobs([waiting]).alarms.get('shop-q-jobs.waiting')!.props.Threshold).toBe(40);
  });

  it('carries every precondition field to the alarm metadata sre verify reads', () => {
    const precondition = {
      dimension: 'Queue',
      resourceType: 'AWS::SQS::Queue',
      nameProperty: 'QueueName',
      reason: 'the queue must exist',
      fix: 'monitor a queue of this app',
    };
    const { template, alarms } = drawJobs([entry({ preconditions: [precondition] })]);
    const resource = template.toJSON().Resources[alarms.get('shop-q-jobs.waiting')!.logicalId];
    expect(resource.Metadata[ALARM_PRECONDITIONS_METADATA]).toEqual([precondition]);
  });
});

describe('alb', () => {
  it('wants exactly one load balancer, given as app/<name>/<id>', () => {
    const { stack } = newStack('AlbInput');
    expect(() => new ApplicationLoadBalancerAlarms(stack, 'none', quiet)).toThrow(
      /exactly one of loadBalancer or loadBalancerFullName .*\(got \{"loadBalancer":false\}\)/,
    );
    for (const [id, name] of [
      ['bare', 'shop'],
      ['prefixed', 'x/app/shop/abc'],
      ['extra', 'app/shop/abc/def'],
    ])
      expect(() => new ApplicationLoadBalancerAlarms(stack, id!, { ...quiet, loadBalancerFullName: name })).toThrow(
        /loadBalancerFullName is not app\/<name>\/<id>/,
      );
  });

  it('draws the target-group alarms once per L2 target group, numbered', () => {
    const { stack } = newStack('AlbGroups');
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-1', availabilityZones: ['eu-west-1a'] });
    const groups = ['Web', 'Api'].map((id) => new elbv2.ApplicationTargetGroup(stack, id, { vpc, port: 80 }));
    new ApplicationLoadBalancerAlarms(stack, 'alb', {
      ...quiet,
      loadBalancerFullName: 'app/shop/abc',
      targetGroups: groups,
    });
    const alarms = alarmsByName(Template.fromStack(stack));
    groups.forEach((tg, i) =>
      expect(dims(alarms.get(`shop-alb-alb.unhealthy-host-count-tg${i + 1}`)!.props.Dimensions)).toEqual({
        LoadBalancer: 'app/shop/abc',
        TargetGroup: { 'Fn::GetAtt': [stack.getLogicalId(tg.node.defaultChild as any), 'TargetGroupFullName'] },
      }),
    );
  });
});

describe('ecs', () => {
  function importedService(stack: Stack) {
    const cluster = ecs.Cluster.fromClusterAttributes(stack, 'Cluster', {
      clusterName: 'shop',
      vpc: ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-1', availabilityZones: ['eu-west-1a'] }),
    });
    return ecs.FargateService.fromFargateServiceAttributes(stack, 'Service', { cluster, serviceName: 'web' });
  }

  it('wants the L2 service or both names, never a mix', () => {
    const { stack } = newStack('EcsInput');
    const ecsService = importedService(stack);
    const exactlyOne = /exactly one of ecsService or clusterName \+ ecsServiceName/;
    expect(() => new EcsServiceAlarms(stack, 'none', quiet)).toThrow(/\(got \{"ecsService":false\}\)/);
    expect(() => new EcsServiceAlarms(stack, 'cluster', { ...quiet, clusterName: 'shop' })).toThrow(exactlyOne);
    expect(() => new EcsServiceAlarms(stack, 'svc+c', { ...quiet, ecsService, clusterName: 'shop' })).toThrow(
      exactlyOne,
    );
    expect(() => new EcsServiceAlarms(stack, 'svc+s', { ...quiet, ecsService, ecsServiceName: 'web' })).toThrow(
      exactlyOne,
    );
    const byNames = new EcsServiceAlarms(stack, 'names', {
      ...quiet,
      clusterName: 'shop',
      ecsServiceName: 'web',
      properties: { ephemeralStorageGiB: 20 },
    });
    expect(byNames.alarmFor('ecs.cpu-utilization')).toBeDefined();
  });

  it('keeps the Container Insights alarms for a service of an imported cluster (its setting is unknown)', () => {
    const { stack } = newStack('EcsImported');
    new EcsServiceAlarms(stack, 'web', {
      ...quiet,
      ecsService: importedService(stack),
      properties: { ephemeralStorageGiB: 20 },
    });
    const taskCount = alarmsByName(Template.fromStack(stack)).get('shop-web-ecs.running-task-count')!.props;
    expect(taskCount.Namespace).toBe('ECS/ContainerInsights');
    expect(dims(taskCount.Dimensions)).toEqual({ ClusterName: 'shop', ServiceName: 'web' });
  });

  it('with Container Insights off, leaves out an alarm that reads any Container Insights metric', () => {
    const { app, stack } = newStack('EcsMixed');
    const names = { dimensionNames: ['ClusterName', 'ServiceName'], statistic: 'Average' };
    AlarmCatalogue.of(app).registerEntry(
      'ecs',
      entry({
        id: 'ecs.cpu-per-task',
        metric: undefined,
        expression: 'cpu / tasks',
        expressionMetrics: {
          cpu: { ...names, namespace: 'AWS/ECS', metricName: 'CPUUtilization' },
          tasks: { ...names, namespace: 'ECS/ContainerInsights', metricName: 'RunningTaskCount' },
        },
      }),
    );
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, maxAzs: 1 });
    const cluster = new ecs.Cluster(stack, 'Cluster', { vpc });
    const taskDefinition = new ecs.FargateTaskDefinition(stack, 'Task');
    taskDefinition.addContainer('app', { image: ecs.ContainerImage.fromRegistry('nginx') });
    const ecsService = new ecs.FargateService(stack, 'Service', { cluster, taskDefinition });
    const family = new EcsServiceAlarms(stack, 'web', { ...quiet, ecsService });
    expect(family.alarmFor('ecs.cpu-per-task')).toBeUndefined();
    expect(family.alarmFor('ecs.cpu-utilization')).toBeDefined();
    expect(warningsOf(stack, 'ecs.cpu-per-task was not created: Container Insights is off')).toHaveLength(1);
  });

  it('asks for the ephemeral storage of a Fargate task when its size is only known at deploy time', () => {
    const { stack } = newStack('EcsStorage');
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, maxAzs: 1 });
    const cluster = new ecs.Cluster(stack, 'Cluster', { vpc, containerInsightsV2: ecs.ContainerInsights.ENHANCED });
    const ephemeralStorageGiB = new CfnParameter(stack, 'Storage', { type: 'Number' }).valueAsNumber;
    const taskDefinition = new ecs.FargateTaskDefinition(stack, 'Task', { ephemeralStorageGiB });
    taskDefinition.addContainer('app', { image: ecs.ContainerImage.fromRegistry('nginx') });
    const ecsService = new ecs.FargateService(stack, 'Service', { cluster, taskDefinition });
    expect(() => new EcsServiceAlarms(stack, 'web', { ...quiet, ecsService })).toThrow(
      /derives its threshold from the resource property "ephemeralStorageGiB", which this ecs resource does not expose/,
    );
  });
});

describe('lambda', () => {
  const fnWith = (stack: Stack, props: Partial<lambda.FunctionProps> = {}) =>
    new lambda.Function(stack, 'F', {
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => {}'),
      ...props,
    });
  const concurrency = percentRule('lambda.concurrent-executions');
  const duration = percentRule('lambda.duration');
  const thresholds = (stack: Stack, id: string) => {
    const alarms = alarmsByName(Template.fromStack(stack));
    return [
      alarms.get(`shop-${id}-lambda.concurrent-executions`)!.props.Threshold,
      alarms.get(`shop-${id}-lambda.duration`)!.props.Threshold,
    ];
  };

  it('wants exactly one of the function or its name', () => {
    const { stack } = newStack('FnInput');
    expect(() => new LambdaFunctionAlarms(stack, 'none', quiet)).toThrow(
      /exactly one of lambdaFunction or functionName .*\(got \{"lambdaFunction":false\}\)/,
    );
  });

  it('caps a larger concurrencyQuota at the reserved concurrency, keeping the other properties, with an acknowledgeable warning', () => {
    const { stack } = newStack('FnCapped');
    const lambdaFunction = fnWith(stack, { reservedConcurrentExecutions: 20, timeout: Duration.seconds(10) });
    new LambdaFunctionAlarms(stack, 'fn', {
      ...quiet,
      lambdaFunction,
      properties: { concurrencyQuota: 1000, timeoutMs: 5000 },
    });
    expect(thresholds(stack, 'fn')).toEqual([(concurrency.percent / 100) * 20, (duration.percent / 100) * 5000]);
    const warnings = warningsOf(stack, 'concurrencyQuota 1000 is above');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.entry.data).toMatch(
      /uses 20\. Fix: .* set it to 20 \[ack: @sre-kit\/cdk:reserved-concurrency\]$/,
    );
  });

  it.each([20, 10])('keeps a concurrencyQuota of %i, at or under the reserved 20, without a warning', (quota) => {
    const { stack } = newStack('FnUnder');
    new LambdaFunctionAlarms(stack, 'fn', {
      ...quiet,
      lambdaFunction: fnWith(stack, { reservedConcurrentExecutions: 20 }),
      properties: { concurrencyQuota: quota },
    });
    expect(thresholds(stack, 'fn')[0]).toBe((concurrency.percent / 100) * quota);
    expect(warningsOf(stack, 'reserved concurrency')).toEqual([]);
  });

  it("derives the duration threshold from CloudFormation's 3 s default when the function sets no timeout", () => {
    const { stack } = newStack('FnDefault');
    new LambdaFunctionAlarms(stack, 'fn', { ...quiet, lambdaFunction: fnWith(stack) });
    expect(thresholds(stack, 'fn')[1]).toBe((duration.percent / 100) * 3000);
  });

  it('derives nothing from a timeout or reserved concurrency only known at deploy time', () => {
    const { stack } = newStack('FnTokens');
    const fn = fnWith(stack);
    const cfn = fn.node.defaultChild as lambda.CfnFunction;
    cfn.reservedConcurrentExecutions = new CfnParameter(stack, 'Reserved', { type: 'Number' }).valueAsNumber;
    new LambdaFunctionAlarms(stack, 'fn', { ...quiet, lambdaFunction: fn });
    cfn.timeout = new CfnParameter(stack, 'Timeout', { type: 'Number' }).valueAsNumber;
    expect(() => new LambdaFunctionAlarms(stack, 'late', { ...quiet, lambdaFunction: fn })).toThrow(
      /lambda.duration derives its threshold from the resource property "timeoutMs", which this lambda resource does not expose/,
    );
    // Without a reserved concurrency the alarm keeps the catalogue's share of the account quota.
    expect(thresholds(stack, 'fn')[0]).toBe(concurrency.fallback);
  });
});

describe('nat', () => {
  it('forVpc monitors each NAT gateway of the VPC as <resourceId>-<n>', () => {
    const { stack } = newStack('Nat');
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 2, maxAzs: 2 });
    const gateways = vpc.publicSubnets.map((s) => (s.node.findChild('NATGateway') as ec2.CfnNatGateway).ref);
    const byId = NatGatewayAlarms.forVpc(stack, 'nat', vpc, quiet);
    expect(byId.map((f) => [f.node.id, f.resourceId])).toEqual([
      ['nat1', 'nat-1'],
      ['nat2', 'nat-2'],
    ]);
    const named = NatGatewayAlarms.forVpc(stack, 'egress', vpc, { ...quiet, resourceId: 'out' });
    expect(named.map((f) => f.resourceId)).toEqual(['out-1', 'out-2']);
    const alarms = alarmsByName(Template.fromStack(stack));
    gateways.forEach((ref, i) =>
      expect(
        dims(alarms.get(`shop-out-${i + 1}-natgateway.error-port-allocation`)!.props.Dimensions).NatGatewayId,
      ).toEqual(stack.resolve(ref)),
    );
  });

  it('forVpc fails naming the VPC when it has no NAT gateway', () => {
    const { stack } = newStack('NoNat');
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, maxAzs: 1 });
    expect(() => NatGatewayAlarms.forVpc(stack, 'nat', vpc, quiet)).toThrow(/VPC NoNat\/Vpc has no NAT gateways/);
  });
});

describe('rds', () => {
  const props = { maxConnections: 100, memoryBytes: 2 * 1024 ** 3, allocatedStorageBytes: 20 * 1024 ** 3 };

  it('wants exactly one source of instance identifiers, and at least one identifier', () => {
    const { stack } = newStack('DbInput');
    const instance = rds.DatabaseInstance.fromDatabaseInstanceAttributes(stack, 'Db', {
      instanceIdentifier: 'shop-db',
      instanceEndpointAddress: 'db.example.com',
      port: 5432,
      securityGroups: [],
    });
    expect(() => new RdsAlarms(stack, 'two', { ...quiet, instance, instanceIdentifiers: ['shop-db'] })).toThrow(
      /exactly one of instance, cluster or instanceIdentifiers .*\(got 2\)/,
    );
    for (const [id, instanceIdentifiers] of [
      ['empty', []],
      ['null', null],
    ] as const)
      expect(() => new RdsAlarms(stack, id, { ...quiet, instanceIdentifiers: instanceIdentifiers as any })).toThrow(
        /no DB instance identifiers to monitor/,
      );
  });

  it('turns free storage off for a cluster only, under what the caller sets', () => {
    const { stack } = newStack('DbStorage');
    const cluster = rds.DatabaseCluster.fromDatabaseClusterAttributes(stack, 'C', {
      clusterIdentifier: 'shop',
      instanceIdentifiers: ['shop-1'],
    });
    const optedIn = new RdsAlarms(stack, 'cluster', {
      ...quiet,
      cluster,
      properties: props,
      defaults: { 'rds.free-storage-space': { enabled: true } },
    });
    const byId = new RdsAlarms(stack, 'ids', { ...quiet, instanceIdentifiers: ['shop-db'], properties: props });
    expect(optedIn.alarmFor('rds.free-storage-space')).toBeDefined();
    expect(byId.alarmFor('rds.free-storage-space')).toBeDefined();
  });

  it('derives storage and max_connections from an L2 instance, and asks for what it cannot know', () => {
    const { stack } = newStack('DbDerived');
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, maxAzs: 2 });
    const engine = rds.DatabaseInstanceEngine.mysql({ version: rds.MysqlEngineVersion.VER_8_0_45 });
    const instance = (id: string, extra: Partial<rds.DatabaseInstanceProps> = {}) =>
      new rds.DatabaseInstance(stack, id, {
        engine,
        vpc,
        vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
        instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.MEDIUM),
        ...extra,
      });
    new RdsAlarms(stack, 'sized', { ...quiet, instance: instance('Sized', { allocatedStorage: 50 }) });
    const needs = (property: string) => new RegExp(`derives its threshold from the resource property "${property}"`);
    const unsized = instance('Unsized');
    (unsized.node.defaultChild as rds.CfnDBInstance).allocatedStorage = undefined;
    expect(() => new RdsAlarms(stack, 'unsized', { ...quiet, instance: unsized })).toThrow(
      needs('allocatedStorageBytes'),
    );
    // A CfnParameter the L2 stringifies reads as a plain number string, yet deploys as a Ref.
    const size = new CfnParameter(stack, 'Size', { type: 'Number' }).valueAsNumber;
    expect(
      () => new RdsAlarms(stack, 'param', { ...quiet, instance: instance('Param', { allocatedStorage: size }) }),
    ).toThrow(needs('allocatedStorageBytes'));
    const parameterGroup = new rds.ParameterGroup(stack, 'Params', { engine, parameters: { max_connections: '50' } });
    expect(() => new RdsAlarms(stack, 'tuned', { ...quiet, instance: instance('Tuned', { parameterGroup }) })).toThrow(
      needs('maxConnections'),
    );
    const storage = alarmsByName(Template.fromStack(stack)).get('shop-sized-rds.free-storage-space')!.props;
    expect(storage.Threshold).toBe((percentRule('rds.free-storage-space').percent / 100) * 50 * 1024 ** 3);
  });
});

describe('s3', () => {
  const family = (stack: Stack, bucket: s3.IBucket) =>
    new S3BucketAlarms(stack, `${bucket.node.id}Alarms`, { ...quiet, bucket });

  it('wants exactly one of bucket or bucketName, and a filterId for a bucket it cannot configure', () => {
    const { stack } = newStack('S3Input');
    expect(() => new S3BucketAlarms(stack, 'none', quiet)).toThrow(
      /exactly one of bucket or bucketName .*\(got \{"bucket":false\}\)/,
    );
    expect(() => family(stack, s3.Bucket.fromBucketName(stack, 'Imported', 'other'))).toThrow(
      /request-metrics configuration cannot be added \(got "S3Input\/Imported"\)/,
    );
  });

  it('reuses only a configuration without prefix or tags (an empty tag set filters nothing)', () => {
    const { stack } = newStack('S3Tags');
    const tagged = family(stack, new s3.Bucket(stack, 'Tagged', { metrics: [{ id: 'T', tagFilters: { team: 'a' } }] }));
    const untagged = family(stack, new s3.Bucket(stack, 'NoTags', { metrics: [{ id: 'Whole', tagFilters: {} }] }));
    expect([tagged.filterId, tagged.addedMetricsConfiguration]).toEqual(['EntireBucket', true]);
    expect([untagged.filterId, untagged.addedMetricsConfiguration]).toEqual(['Whole', false]);
  });

  it('reads configurations set on the L1 bucket (an escape hatch)', () => {
    const { stack } = newStack('S3Escape');
    const bucket = new s3.Bucket(stack, 'B');
    (bucket.node.defaultChild as s3.CfnBucket).metricsConfigurations = [
      { id: 'Prefix', prefix: 'a/' },
      { id: 'Tags', tagFilters: [{ key: 'team', value: 'a' }] },
      { id: 'AccessPoint', accessPointArn: 'arn:aws:s3:eu-west-1:123456789012:accesspoint/ap' },
      { id: 'Whole' },
    ];
    expect(family(stack, bucket).filterId).toBe('Whole');
  });

  it('adds its configuration to an L1 list set by an escape hatch, which the L2 no longer renders', () => {
    const { stack } = newStack('S3EscapeAdd');
    const bucket = new s3.Bucket(stack, 'B');
    (bucket.node.defaultChild as s3.CfnBucket).metricsConfigurations = [{ id: 'Prefix', prefix: 'a/' }];
    expect(family(stack, bucket).addedMetricsConfiguration).toBe(true);
    Template.fromStack(stack).hasResourceProperties('AWS::S3::Bucket', {
      MetricsConfigurations: [{ Id: 'Prefix', Prefix: 'a/' }, { Id: 'EntireBucket' }],
    });
  });
});

describe('sqs', () => {
  const age = (threshold: number) => ({ 'sqs.oldest-message-age': { threshold } });

  it('wants one known role and exactly one of queue or queueName', () => {
    const { stack } = newStack('SqsInput');
    expect(() => new SqsQueueAlarms(stack, 'role', { ...quiet, queueName: 'q', role: 'POISON' as QueueRole })).toThrow(
      /unknown queue role \(got "POISON"\)/,
    );
    expect(() => new SqsQueueAlarms(stack, 'none', quiet)).toThrow(
      /exactly one of queue or queueName .*\(got \{"queue":false\}\)/,
    );
  });

  it("holds the age threshold to SQS's default retention of 4 days when the queue sets none", () => {
    const { stack } = newStack('SqsDefault');
    const queue = new sqs.Queue(stack, 'Q');
    const days4 = 4 * 86400;
    expect(() => new SqsQueueAlarms(stack, 'q', { ...quiet, queue, overrides: age(days4) })).toThrow(
      new RegExp(`retention period of 4 days.*Fix: .*below ${days4}`),
    );
    expect(new SqsQueueAlarms(stack, 'ok', { ...quiet, queue, overrides: age(days4 - 1) }).alarms).toHaveLength(2);
  });

  it('holds only the age alarm to the retention period (the backlog threshold is in minutes)', () => {
    const { stack } = newStack('SqsBacklog');
    const queue = new sqs.Queue(stack, 'Q', { retentionPeriod: Duration.minutes(1) });
    const family = new SqsQueueAlarms(stack, 'q', {
      ...quiet,
      queue,
      overrides: { ...age(30), 'sqs.backlog-minutes': { threshold: 120 } },
    });
    expect(alarmsByName(Template.fromStack(stack)).get('shop-q-sqs.backlog-minutes')!.props.Threshold).toBe(120);
    expect(family.alarms).toHaveLength(2);
  });
});

describe('waf', () => {
  it('wants exactly one of webAcl or webAclName, and a known scope', () => {
    const { stack } = newStack('WafInput', 'us-east-1');
    expect(() => new WebAclAlarms(stack, 'none', quiet)).toThrow(
      /exactly one of webAcl or webAclName .*\(got \{"webAcl":false\}\)/,
    );
    expect(() => new WebAclAlarms(stack, 'x', { ...quiet, webAclName: 'acl', scope: 'GLOBAL' as WebAclScope })).toThrow(
      /unknown web ACL scope \(got "GLOBAL"\)/,
    );
  });

  it('draws a CloudFront ACL without a Region dimension in us-east-1, or a stack of unknown region', () => {
    const { stack: east } = newStack('WafEast', 'us-east-1');
    const webAcl = new wafv2.CfnWebACL(east, 'Acl', {
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: 'edge', sampledRequestsEnabled: true },
    });
    new WebAclAlarms(east, 'edge', { ...quiet, webAcl });
    const blocked = alarmsByName(Template.fromStack(east)).get('shop-edge-waf.blocked-requests')!.props;
    expect(dims(blocked.Dimensions)).toEqual({ WebACL: 'edge', Rule: 'ALL' });

    const agnostic = new Stack(new App(), 'WafAgnostic');
    const family = new WebAclAlarms(agnostic, 'edge', { ...quiet, webAclName: 'edge', scope: WebAclScope.CLOUDFRONT });
    expect(family.alarms).toHaveLength(1);
  });

  it('refuses a CloudFront ACL in a stack of another region', () => {
    const { stack } = newStack('WafWest', 'eu-west-1');
    expect(
      () => new WebAclAlarms(stack, 'edge', { ...quiet, webAclName: 'edge', scope: WebAclScope.CLOUDFRONT }),
    ).toThrow(/CloudFront web ACL metrics are published in us-east-1.*\(got "eu-west-1"\)/);
  });
});
