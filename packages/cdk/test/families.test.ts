/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized CloudFormation is untyped JSON */
import { Duration, type Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import {
  ALARM_FAMILIES,
  catalogueFor,
  catalogueMetrics,
  parseAlarmDescription,
  type AlarmFamilyName,
  type CatalogueAlarm,
} from '@sre-kit/core';
import {
  AlarmSeverity,
  AlertTopics,
  ApplicationLoadBalancerAlarms,
  EcsServiceAlarms,
  LambdaFunctionAlarms,
  NatGatewayAlarms,
  RdsAlarms,
  S3BucketAlarms,
  SreTagKeys,
  WebAclAlarms,
  type FamilyAlarms,
} from '../src';
import { alarmsByName, dims, newStack, tagsOf, type CfnAlarm } from './helpers';

// Each test builds the stack it reads inside its own body, never at module level or in a describe body: jest
// evaluates those while collecting tests, so StrykerJS's per-test coverage would attribute the families' code to
// no test at all (its mutants then count as static, or uncovered). No memo either: it would credit the first test.

/** Dimension values fixed by the props below; the function and bucket names are refs, added per stack. */
const LITERAL_DIMENSIONS: Record<string, unknown> = {
  ClusterName: 'shop',
  ServiceName: 'shop-web',
  FilterId: 'EntireBucket',
  LoadBalancer: 'app/shop/0123456789abcdef',
  TargetGroup: 'targetgroup/shop-web/0123456789abcdef',
  DBInstanceIdentifier: 'shop-db',
  WebACL: 'shop-acl',
  Region: 'eu-west-1',
  NatGatewayId: 'nat-0abc',
};

/** Adds one family and the resource it watches (identifiers where the L2 would only add template noise). */
function addFamily(
  stack: Stack,
  topics: AlertTopics,
  name: AlarmFamilyName,
): { family: FamilyAlarms; refs: Record<string, unknown> } {
  const common = { service: 'shop', actions: topics };
  switch (name) {
    case 'lambda': {
      const fn = new lambda.Function(stack, 'Fn', {
        runtime: lambda.Runtime.NODEJS_24_X,
        handler: 'index.handler',
        code: lambda.Code.fromInline('exports.handler = async () => {}'),
        timeout: Duration.seconds(20),
      });
      return {
        family: new LambdaFunctionAlarms(stack, 'api', { ...common, lambdaFunction: fn }),
        refs: { FunctionName: { Ref: stack.getLogicalId(fn.node.defaultChild as lambda.CfnFunction) } },
      };
    }
    // A service given by name exposes no ephemeral storage: the threshold needs it passed.
    case 'ecs':
      return {
        family: new EcsServiceAlarms(stack, 'web', {
          ...common,
          clusterName: 'shop',
          ecsServiceName: 'shop-web',
          properties: { ephemeralStorageGiB: 30 },
        }),
        refs: {},
      };
    case 's3': {
      const bucket = new s3.Bucket(stack, 'Bucket');
      return {
        family: new S3BucketAlarms(stack, 'uploads', { ...common, bucket }),
        refs: { BucketName: { Ref: stack.getLogicalId(bucket.node.defaultChild as s3.CfnBucket) } },
      };
    }
    case 'alb':
      return {
        family: new ApplicationLoadBalancerAlarms(stack, 'alb', {
          ...common,
          loadBalancerFullName: 'app/shop/0123456789abcdef',
          targetGroupFullNames: ['targetgroup/shop-web/0123456789abcdef'],
          overrides: { 'alb.target-response-time-p99': { threshold: 1.5, severity: AlarmSeverity.CRITICAL } },
        }),
        refs: {},
      };
    case 'rds':
      return {
        family: new RdsAlarms(stack, 'db', {
          ...common,
          instanceIdentifiers: ['shop-db'],
          properties: { maxConnections: 400, memoryBytes: 4 * 1024 ** 3, allocatedStorageBytes: 100 * 1024 ** 3 },
        }),
        refs: {},
      };
    case 'waf': {
      const webAcl = new wafv2.CfnWebACL(stack, 'Acl', {
        scope: 'REGIONAL',
        defaultAction: { allow: {} },
        visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: 'shop-acl', sampledRequestsEnabled: true },
      });
      return { family: new WebAclAlarms(stack, 'waf', { ...common, webAcl }), refs: {} };
    }
    case 'natgateway':
      return { family: new NatGatewayAlarms(stack, 'nat', { ...common, natGatewayId: 'nat-0abc' }), refs: {} };
  }
}

/** A fresh stack holding one family: its synthesized alarms, the dimension values and topic refs they should use. */
function buildFamily(name: AlarmFamilyName) {
  const { stack } = newStack('Families');
  const topics = new AlertTopics(stack, 'Topics');
  const { family, refs } = addFamily(stack, topics, name);
  const template = Template.fromStack(stack);
  return {
    family,
    template,
    alarms: alarmsByName(template),
    resourceDimensions: { ...LITERAL_DIMENSIONS, ...refs },
    topicRef: {
      critical: { Ref: stack.getLogicalId(topics.critical.node.defaultChild as any) },
      warning: { Ref: stack.getLogicalId(topics.warning.node.defaultChild as any) },
      info: { Ref: stack.getLogicalId(topics.info.node.defaultChild as any) },
    },
  };
}

type BuiltFamily = ReturnType<typeof buildFamily>;

/** The threshold the catalogue rule gives for the properties this test passes. */
function expectedThreshold(entry: CatalogueAlarm): number {
  const props: Record<string, number> = {
    timeoutMs: 20000,
    ephemeralStorageGiB: 30,
    maxConnections: 400,
    memoryBytes: 4 * 1024 ** 3,
    allocatedStorageBytes: 100 * 1024 ** 3,
  };
  if (entry.id === 'alb.target-response-time-p99') return 1.5;
  const rule = entry.threshold;
  if (rule.kind === 'fixed') return rule.value;
  if (rule.kind === 'userDefined') return rule.suggested;
  // Without the property the fallback IS the threshold (core resolveThreshold).
  return props[rule.of] !== undefined ? (rule.percent / 100) * props[rule.of] : rule.fallback!;
}

function expectedDimensions(
  { resourceDimensions }: BuiltFamily,
  metricDims: readonly string[],
  fixed: Record<string, string> = {},
): Record<string, unknown> {
  return Object.fromEntries(metricDims.map((d) => [d, fixed[d] ?? resourceDimensions[d]]));
}

function findAlarm({ family, alarms }: BuiltFamily, entry: CatalogueAlarm): CfnAlarm | undefined {
  return alarms.get(`shop-${family.resourceId}-${entry.id}`);
}

describe.each(ALARM_FAMILIES)('%s family', (familyName) => {
  const entries = catalogueFor(familyName).filter((e) => e.enabledByDefault);

  test.each(entries.map((e) => [e.id, e] as const))('%s is exactly the catalogue alarm', (_id, entry) => {
    const built = buildFamily(familyName);
    const alarm = findAlarm(built, entry);
    expect(alarm).toBeDefined();
    const p = alarm!.props;
    expect(p.ComparisonOperator).toBe(entry.comparison);
    expect(p.Threshold).toBeCloseTo(expectedThreshold(entry), 10);
    expect(p.EvaluationPeriods).toBe(entry.evaluationPeriods);
    expect(p.DatapointsToAlarm).toBe(entry.datapointsToAlarm);
    expect(p.TreatMissingData).toBe(entry.treatMissingData);
    if (entry.metric) {
      expect(p.Namespace).toBe(entry.metric.namespace);
      expect(p.MetricName).toBe(entry.metric.metricName);
      expect(p.Period).toBe(entry.periodSeconds);
      const stat = entry.metric.statistic;
      if (/^p\d/.test(stat)) expect(p.ExtendedStatistic).toBe(stat);
      else expect(p.Statistic).toBe(stat);
      expect(dims(p.Dimensions)).toEqual(
        expectedDimensions(built, entry.metric.dimensionNames, entry.metric.fixedDimensions),
      );
    } else {
      // Metric math: the expression is returned, each catalogue metric is a hidden query at the alarm period.
      const queries: any[] = p.Metrics;
      const returned = queries.filter((q) => q.ReturnData !== false);
      expect(returned).toHaveLength(1);
      expect(returned[0].Expression).toBe(entry.expression!.expression);
      for (const [id, m] of Object.entries(entry.expression!.metrics)) {
        const q = queries.find((x) => x.Id === id);
        expect(q).toBeDefined();
        expect(q.MetricStat.Metric.Namespace).toBe(m.namespace);
        expect(q.MetricStat.Metric.MetricName).toBe(m.metricName);
        expect(q.MetricStat.Stat).toBe(m.statistic);
        expect(q.MetricStat.Period).toBe(entry.periodSeconds);
        expect(dims(q.MetricStat.Metric.Dimensions)).toEqual(
          expectedDimensions(built, m.dimensionNames, m.fixedDimensions),
        );
      }
      expect(queries).toHaveLength(catalogueMetrics(entry).length + 1);
    }
  });

  test.each(entries.map((e) => [e.id, e] as const))(
    '%s notifies the topic of its severity on ALARM and OK, and is tagged',
    (_id, entry) => {
      const built = buildFamily(familyName);
      const { family, topicRef } = built;
      const p = findAlarm(built, entry)!.props;
      const severity = entry.id === 'alb.target-response-time-p99' ? 'critical' : entry.severity;
      expect(p.AlarmActions).toEqual([topicRef[severity]]);
      expect(p.OKActions).toEqual([topicRef[severity]]);
      expect(p.AlarmDescription).toContain(`[${severity}]`);
      const { text, metadata, warnings } = parseAlarmDescription(p.AlarmDescription as string);
      expect(warnings).toEqual([]);
      expect(metadata).toMatchObject({
        severity,
        family: familyName,
        service: 'shop',
        resource: family.resourceId,
        catalogueId: entry.id,
      });
      expect(text).toContain(entry.runbook.slice(0, 40));
      const tags = tagsOf(p);
      expect(tags[SreTagKeys.SEVERITY]).toBe(severity);
      expect(tags[SreTagKeys.FAMILY]).toBe(familyName);
      expect(tags[SreTagKeys.SERVICE]).toBe('shop');
      expect(tags[SreTagKeys.RESOURCE]).toBe(family.resourceId);
      expect(tags[SreTagKeys.CATALOGUE_ID]).toBe(entry.id);
      expect(tags[SreTagKeys.RUNBOOK]).toMatch(/^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,256}$/u);
    },
  );

  test('creates no alarm for entries that are off by default', () => {
    const built = buildFamily(familyName);
    for (const entry of catalogueFor(familyName).filter((e) => !e.enabledByDefault))
      expect(findAlarm(built, entry)).toBeUndefined();
    expect(built.family.alarms).toHaveLength(entries.length);
  });
});

test('exactly the catalogue alarms exist, nothing else', () => {
  // All seven in one stack, as a user would deploy them: their alarms must not collide or add to each other.
  const { stack } = newStack('Families');
  const topics = new AlertTopics(stack, 'Topics');
  for (const name of ALARM_FAMILIES) addFamily(stack, topics, name);
  const alarms = alarmsByName(Template.fromStack(stack));
  const expected = ALARM_FAMILIES.reduce((n, f) => n + catalogueFor(f).filter((e) => e.enabledByDefault).length, 0);
  expect(alarms.size).toBe(expected);
});

test('the S3 family adds a whole-bucket request-metrics configuration', () => {
  const { template, family } = buildFamily('s3');
  template.hasResourceProperties('AWS::S3::Bucket', { MetricsConfigurations: [{ Id: 'EntireBucket' }] });
  expect((family as S3BucketAlarms).addedMetricsConfiguration).toBe(true);
});

test('the Lambda duration threshold derives from the function timeout', () => {
  const { alarms } = buildFamily('lambda');
  expect(alarms.get('shop-api-lambda.duration')!.props.Threshold).toBe(0.9 * 20000);
});

test('the WAF alarm uses the ACL metric name, Rule=ALL and the stack region', () => {
  const { alarms } = buildFamily('waf');
  expect(dims(alarms.get('shop-waf-waf.blocked-requests')!.props.Dimensions)).toEqual({
    WebACL: 'shop-acl',
    Rule: 'ALL',
    Region: 'eu-west-1',
  });
});

test('the NAT packet drop alarm is a percentage of packets in by metric math', () => {
  const { alarms } = buildFamily('natgateway');
  const metrics: any[] = alarms.get('shop-nat-natgateway.packets-drop-rate')!.props.Metrics;
  expect(
    metrics
      .map((m) => m.MetricStat?.Metric.MetricName)
      .filter(Boolean)
      .sort(),
  ).toEqual(['PacketsDropCount', 'PacketsInFromDestination', 'PacketsInFromSource']);
  expect(metrics.find((m) => m.Expression).Expression).toMatch(
    /100 \* FILL\(drops, 0\) \/ \(fromSource \+ fromDestination\)/,
  );
});

test('ALB 5XX alarms are rates over RequestCount, once for the LB and once per target group', () => {
  const { alarms } = buildFamily('alb');
  const elb = alarms.get('shop-alb-alb.elb-5xx-rate')!.props.Metrics as any[];
  expect(dims(elb.find((m) => m.Id === 'requests').MetricStat.Metric.Dimensions)).toEqual({
    LoadBalancer: 'app/shop/0123456789abcdef',
  });
  const target = alarms.get('shop-alb-alb.target-5xx-rate')!.props.Metrics as any[];
  expect(dims(target.find((m) => m.Id === 'requests').MetricStat.Metric.Dimensions)).toEqual({
    LoadBalancer: 'app/shop/0123456789abcdef',
    TargetGroup: 'targetgroup/shop-web/0123456789abcdef',
  });
});

test('the family segments expose alarm widgets for a cdk-monitoring-constructs facade', () => {
  const { family } = buildFamily('lambda');
  expect(family.alarmWidgets()).toHaveLength(family.alarms.length);
  expect(family.summaryWidgets()).toHaveLength(1);
});

describe('per-resource choices', () => {
  test('target group alarms are skipped with a warning when no target group is given', () => {
    const { stack: s } = newStack('NoTg');
    const t = new AlertTopics(s, 'T');
    const alb = new ApplicationLoadBalancerAlarms(s, 'alb', {
      service: 'shop',
      actions: t,
      loadBalancerFullName: 'app/shop/abc',
    });
    const names = alarmsByName(Template.fromStack(s));
    expect([...names.keys()].sort()).toEqual(['shop-alb-alb.elb-5xx-rate', 'shop-alb-alb.rejected-connections']);
    Annotations.fromStack(s).hasWarning(
      '/NoTg/alb',
      Match.stringLikeRegexp('alb.unhealthy-host-count needs dimensions \\[LoadBalancer, TargetGroup\\].*targetGroups'),
    );
    expect(alb.alarms).toHaveLength(2);
  });

  test('an override disables one alarm and re-tunes another; opting in enables an off-by-default one', () => {
    const { stack: s } = newStack('Overrides');
    const t = new AlertTopics(s, 'T');
    new LambdaFunctionAlarms(s, 'fn', {
      service: 'shop',
      actions: t,
      functionName: 'shop-fn',
      properties: { timeoutMs: 10000 },
      overrides: {
        'lambda.throttles': { enabled: false },
        'lambda.errors': {
          threshold: 5,
          period: Duration.minutes(5),
          evaluationPeriods: 2,
          datapointsToAlarm: 2,
          severity: AlarmSeverity.INFO,
        },
        'lambda.claimed-account-concurrency': { enabled: true },
      },
    });
    const names = alarmsByName(Template.fromStack(s));
    expect(names.has('shop-fn-lambda.throttles')).toBe(false);
    const errors = names.get('shop-fn-lambda.errors')!.props;
    expect([errors.Threshold, errors.Period, errors.EvaluationPeriods, errors.DatapointsToAlarm]).toEqual([
      5, 300, 2, 2,
    ]);
    expect(tagsOf(errors)[SreTagKeys.SEVERITY]).toBe('info');
    expect(dims(names.get('shop-fn-lambda.claimed-account-concurrency')!.props.Dimensions)).toEqual({});
    // Without the function construct the timeout comes from properties (never the 3 s default's 2.7 s).
    expect(names.get('shop-fn-lambda.duration')!.props.Threshold).toBe(9000);
  });

  test('a cluster gets per-member alarms and no free-storage alarm (Aurora storage grows by itself)', () => {
    const { stack: s } = newStack('Cluster');
    const t = new AlertTopics(s, 'T');
    const cluster = rds.DatabaseCluster.fromDatabaseClusterAttributes(s, 'C', {
      clusterIdentifier: 'shop',
      instanceIdentifiers: ['shop-1', 'shop-2'],
    });
    const family = new RdsAlarms(s, 'db', {
      service: 'shop',
      actions: t,
      cluster,
      properties: { maxConnections: 1000, memoryBytes: 16 * 1024 ** 3 },
    });
    const names = alarmsByName(Template.fromStack(s));
    expect(names.has('shop-db-rds.free-storage-space-db1')).toBe(false);
    expect(dims(names.get('shop-db-rds.cpu-utilization-db1')!.props.Dimensions)).toEqual({
      DBInstanceIdentifier: 'shop-1',
    });
    expect(dims(names.get('shop-db-rds.cpu-utilization-db2')!.props.Dimensions)).toEqual({
      DBInstanceIdentifier: 'shop-2',
    });
    const perMember = catalogueFor('rds').filter((e) => e.enabledByDefault && e.id !== 'rds.free-storage-space').length;
    expect(family.alarms).toHaveLength(2 * perMember);
  });

  test('an existing whole-bucket metrics configuration is reused, not duplicated', () => {
    const { stack: s } = newStack('Reuse');
    const t = new AlertTopics(s, 'T');
    const b = new s3.Bucket(s, 'B', { metrics: [{ id: 'prefix-only', prefix: 'a/' }, { id: 'All' }] });
    const family = new S3BucketAlarms(s, 'b', { service: 'shop', actions: t, bucket: b });
    expect(family.filterId).toBe('All');
    expect(family.addedMetricsConfiguration).toBe(false);
    Template.fromStack(s).hasResourceProperties('AWS::S3::Bucket', {
      MetricsConfigurations: [{ Id: 'prefix-only', Prefix: 'a/' }, { Id: 'All' }],
    });
  });
});
