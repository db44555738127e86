/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized CloudFormation is untyped JSON */
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import {
  ALARM_CATALOGUE,
  ALARM_PRECONDITIONS_METADATA,
  assemblyFromTemplates,
  parseAlarmDescription,
  verifyAssembly,
} from '@sre-kit/core';
import {
  AlarmCatalogue,
  AlarmSeverity,
  AlarmThreshold,
  AlertTopics,
  DimensionAlarms,
  QueueRole,
  SesReputationAlarms,
  SqsQueueAlarms,
  SreKit,
  type CatalogueEntryProps,
} from '../src';
import { CatalogueRegistrationError } from '../src/errors';
import { alarmsByName, dims, newStack, tagsOf } from './helpers';

// Each test builds what it reads inside its own body, never at module level or in a describe body: jest evaluates
// those while collecting tests, so StrykerJS's per-test coverage would credit the catalogue's code to no test, and a
// mutant that made the build throw would fail the file's load (a "runtime error") instead of failing a test. The
// entries below are functions for the same reason: AlarmThreshold is code under test. No memo either: it would
// credit only the first test. Registrations are scoped to their App, so each fresh app registers its own.

/** A DynamoDB family as a user would write it: one plain metric and one metric-math entry. */
const throttles = (over: Partial<CatalogueEntryProps> = {}): CatalogueEntryProps => ({
  id: 'dynamodb.read-throttles',
  title: 'DynamoDB read throttles',
  metric: {
    namespace: 'AWS/DynamoDB',
    metricName: 'ReadThrottleEvents',
    dimensionNames: ['TableName'],
    statistic: 'Sum',
  },
  threshold: AlarmThreshold.userDefined(5, 'throttled reads per minute the callers absorb with retries'),
  comparison: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
  period: Duration.minutes(5),
  evaluationPeriods: 3,
  datapointsToAlarm: 2,
  treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  severity: AlarmSeverity.WARNING,
  runbook: 'Reads exceed the table capacity: check hot partition keys and switch to on-demand or raise RCUs.',
  ...over,
});

const errorRate = (): CatalogueEntryProps => ({
  id: 'dynamodb.system-error-rate',
  title: 'DynamoDB system errors (percent of requests)',
  expression: '100 * errors / MAX([requests, 1])',
  expressionMetrics: {
    errors: { namespace: 'AWS/DynamoDB', metricName: 'SystemErrors', dimensionNames: ['TableName'], statistic: 'Sum' },
    requests: {
      namespace: 'AWS/DynamoDB',
      metricName: 'ConsumedReadCapacityUnits',
      dimensionNames: ['TableName'],
      statistic: 'SampleCount',
    },
  },
  threshold: AlarmThreshold.percentOf(10, 'errorBudgetPercent'),
  comparison: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
  evaluationPeriods: 5,
  treatMissingData: cloudwatch.TreatMissingData.MISSING,
  severity: AlarmSeverity.CRITICAL,
  runbook:
    'DynamoDB returns 500s: check the AWS Health Dashboard, retry with backoff, fail over to a global table replica.',
  preconditions: [
    {
      dimension: 'TableName',
      resourceType: 'AWS::DynamoDB::Table',
      nameProperty: 'TableName',
      reason: 'the table must be defined in the assembly',
      fix: 'monitor a table of this app',
    },
  ],
});

function registerDynamo(scope: App | Stack): AlarmCatalogue {
  const catalogue = AlarmCatalogue.of(scope);
  catalogue.registerFamily({ name: 'dynamodb', entries: [throttles(), errorRate()] });
  return catalogue;
}

/** A fresh app with the DynamoDB family registered and one table monitored by it, synthesized. */
function buildUserFamily() {
  const { app, stack } = newStack('UserFamily');
  registerDynamo(app);
  const topics = new AlertTopics(stack, 'Topics');
  const table = new dynamodb.Table(stack, 'Orders', {
    partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
  });
  const family = new DimensionAlarms(stack, 'orders', {
    service: 'shop',
    actions: topics,
    familyName: 'dynamodb',
    dimensions: { TableName: table.tableName },
    properties: { errorBudgetPercent: 5 },
    overrides: { 'dynamodb.read-throttles': { threshold: 12, runbook: 'Orders table: page the checkout team.' } },
  });
  const template = Template.fromStack(stack);
  return { stack, topics, table, family, template, alarms: alarmsByName(template) };
}

describe('a family registered from user code', () => {
  it('draws every entry with the metric, statistic, threshold, period, datapoints, comparison and treat-missing given', () => {
    const { stack, table, alarms } = buildUserFamily();
    expect([...alarms.keys()].sort()).toEqual([
      'shop-orders-dynamodb.read-throttles',
      'shop-orders-dynamodb.system-error-rate',
    ]);
    const t = alarms.get('shop-orders-dynamodb.read-throttles')!.props;
    expect(t).toMatchObject({
      Namespace: 'AWS/DynamoDB',
      MetricName: 'ReadThrottleEvents',
      Statistic: 'Sum',
      Period: 300,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
      Threshold: 12,
    });
    expect(dims(t.Dimensions)).toEqual({ TableName: { Ref: stack.getLogicalId(table.node.defaultChild as any) } });
    const math = alarms.get('shop-orders-dynamodb.system-error-rate')!.props;
    // percentOf(10, errorBudgetPercent) of 5.
    expect(math.Threshold).toBeCloseTo(0.5);
    expect(math.ComparisonOperator).toBe('GreaterThanOrEqualToThreshold');
    expect(math.TreatMissingData).toBe('missing');
    const expression = math.Metrics.find((m: any) => m.Expression);
    expect(expression.Expression).toBe('100 * errors / MAX([requests, 1])');
    expect(
      math.Metrics.filter((m: any) => m.MetricStat).map((m: any) => [m.Id, m.MetricStat.Stat, m.MetricStat.Period]),
    ).toEqual([
      ['errors', 'Sum', 60],
      ['requests', 'SampleCount', 60],
    ]);
  });

  it('writes the alarm-metadata contract, routes by severity and carries the preconditions for sre verify', () => {
    const { stack, topics, family, template, alarms } = buildUserFamily();
    const t = alarms.get('shop-orders-dynamodb.read-throttles')!.props;
    const meta = parseAlarmDescription(t.AlarmDescription).metadata;
    expect(meta).toMatchObject({ family: 'dynamodb', service: 'shop', resource: 'orders', severity: 'warning' });
    expect(t.AlarmDescription).toContain('Orders table: page the checkout team.');
    expect(tagsOf(t)['sre-kit:family']).toBe('dynamodb');
    const math = alarms.get('shop-orders-dynamodb.system-error-rate')!;
    expect(parseAlarmDescription(math.props.AlarmDescription).metadata?.severity).toBe('critical');
    expect(math.props.AlarmActions).toEqual([{ Ref: stack.getLogicalId(topics.critical.node.defaultChild as any) }]);
    const resource = template.toJSON().Resources[math.logicalId];
    expect(resource.Metadata[ALARM_PRECONDITIONS_METADATA]).toEqual([
      expect.objectContaining({ resourceType: 'AWS::DynamoDB::Table' }),
    ]);
    expect(family.alarmNames).toHaveLength(2);
  });

  it('lets sre verify check the declared preconditions against the assembly', () => {
    const { template, alarms } = buildUserFamily();
    const json = template.toJSON();
    expect(verifyAssembly(assemblyFromTemplates({ UserFamily: json })).dead).toEqual([]);
    // The same alarm pointed at a table name no stack defines: dead, with the registered reason.
    const broken = structuredClone(json);
    const props = broken.Resources[alarms.get('shop-orders-dynamodb.system-error-rate')!.logicalId].Properties;
    for (const m of props.Metrics) if (m.MetricStat) m.MetricStat.Metric.Dimensions[0].Value = 'not-a-table';
    const dead = verifyAssembly(assemblyFromTemplates({ UserFamily: broken })).dead;
    expect(dead.map((d) => d.alarmName)).toEqual(['shop-orders-dynamodb.system-error-rate']);
    expect(dead[0]!.problems[0]!.reason).toMatch(/TableName="not-a-table" names no AWS::DynamoDB::Table/);
  });

  it('has sre verify check a precondition on a property of the named resource', () => {
    const { app, stack: s } = newStack('Reputation');
    AlarmCatalogue.of(app).registerFamily({
      name: 'mail',
      entries: [
        throttles({
          id: 'mail.bounces',
          metric: { namespace: 'Mail', metricName: 'Bounces', dimensionNames: ['ConfigurationSet'], statistic: 'Sum' },
          preconditions: [
            {
              dimension: 'ConfigurationSet',
              resourceType: 'AWS::SES::ConfigurationSet',
              property: 'ReputationOptions.ReputationMetricsEnabled',
              oneOf: ['true'],
              reason: 'reputation metrics are published only for configuration sets with them enabled',
              fix: 'set reputationMetrics: true on the configuration set',
            },
          ],
        }),
      ],
    });
    const set = new ses.ConfigurationSet(s, 'Set', { reputationMetrics: true });
    const monitor = (id: string, configurationSet: ses.ConfigurationSet) =>
      new DimensionAlarms(s, id, {
        service: 'shop',
        allowAlarmsWithoutActions: true,
        familyName: 'mail',
        dimensions: { ConfigurationSet: configurationSet.configurationSetName },
      });
    monitor('mail', set);
    // At synth, on a resource of the app: the same rule, reported where the mistake is made.
    const off = new ses.ConfigurationSet(s, 'Off', { reputationMetrics: false });
    expect(() => monitor('off', off)).toThrow(
      /Reputation\/off: mail.bounces: reputation metrics are published only for configuration sets with them enabled \(Reputation\/Off\/Resource: ReputationOptions.ReputationMetricsEnabled is "false" \(needs "true"\)\)/,
    );
    const json = Template.fromStack(s).toJSON();
    const published = [{ namespace: 'Mail', metrics: [{ name: 'Bounces', dimensions: [['ConfigurationSet']] }] }];
    const check = (t: any) => verifyAssembly(assemblyFromTemplates({ Reputation: t }), { published }).dead;
    expect(check(json)).toEqual([]);
    // After synth, in the assembly (a template edited or written by hand): sre verify reports it.
    const broken = structuredClone(json);
    const logicalId = s.getLogicalId(set.node.defaultChild as ses.CfnConfigurationSet);
    broken.Resources[logicalId].Properties.ReputationOptions.ReputationMetricsEnabled = false;
    const dead = check(broken);
    expect(dead.map((d) => d.alarmName)).toEqual(['shop-mail-mail.bounces']);
    expect(dead[0]!.problems[0]!.reason).toMatch(
      /only for configuration sets with them enabled \(Reputation\/Set.*: ReputationOptions.ReputationMetricsEnabled is "false" \(needs "true"\)\)/,
    );
  });

  it('adds an entry to a built-in family from code, drawn like the core ones', () => {
    const { app: app2, stack: s2 } = newStack('Extra');
    AlarmCatalogue.of(app2).registerEntry('lambda', {
      ...throttles(),
      id: 'lambda.iterator-age',
      title: 'Stream iterator age',
      metric: {
        namespace: 'AWS/Lambda',
        metricName: 'IteratorAge',
        dimensionNames: ['FunctionName'],
        statistic: 'Maximum',
      },
      threshold: AlarmThreshold.fixed(60000),
    });
    new DimensionAlarms(s2, 'fn', {
      service: 'shop',
      allowAlarmsWithoutActions: true,
      familyName: 'lambda',
      dimensions: { FunctionName: 'shop-fn' },
      properties: { timeoutMs: 3000 },
    });
    const names = [...alarmsByName(Template.fromStack(s2)).keys()];
    expect(names).toContain('shop-fn-lambda.iterator-age');
    expect(names).toContain('shop-fn-lambda.errors');
    // Scoped to its app: another app's catalogue never sees it.
    expect(AlarmCatalogue.of(new App()).entryIds('lambda')).not.toContain('lambda.iterator-age');
  });
});

describe('registrations the catalogue refuses', () => {
  const refuse = (entry: CatalogueEntryProps) => () =>
    AlarmCatalogue.of(new App()).registerFamily({ name: 'dynamodb', entries: [entry] });

  it.each<[string, () => CatalogueEntryProps, RegExp]>([
    [
      'a bad statistic',
      () => throttles({ metric: { ...throttles().metric!, statistic: 'Median' } }),
      /dynamodb.read-throttles: metric.statistic: unknown CloudWatch statistic "Median"/,
    ],
    [
      'a period CloudWatch rejects',
      () => throttles({ period: Duration.seconds(45) }),
      /dynamodb.read-throttles: period: period 45s/,
    ],
    [
      'more datapoints than periods',
      () => throttles({ datapointsToAlarm: 4 }),
      /dynamodb.read-throttles: datapointsToAlarm: .*\(got 4\)/,
    ],
    [
      'an id outside the family',
      () => throttles({ id: 'lambda.read-throttles' }),
      /entry lambda.read-throttles: id: .*"dynamodb.<slug>"/,
    ],
    [
      'both metric and expression',
      () => throttles({ expression: 'm1' }),
      /dynamodb.read-throttles: metric: give exactly one of metric or expression/,
    ],
    [
      'an anomaly-band comparison',
      () => throttles({ comparison: cloudwatch.ComparisonOperator.LESS_THAN_LOWER_OR_GREATER_THAN_UPPER_THRESHOLD }),
      /comparison: use one of .*\(got "LessThanLowerOrGreaterThanUpperThreshold"\)/,
    ],
    [
      'an expression reading an unknown id',
      () => ({ ...errorRate(), expression: '100 * errors / total' }),
      /system-error-rate: expression: uses "total", which is not one of its metrics/,
    ],
    [
      'a precondition on a dimension the metrics lack',
      () => ({ ...errorRate(), preconditions: [{ ...errorRate().preconditions![0]!, dimension: 'Table' }] }),
      /preconditions\[0\].dimension: not a dimension of the entry's metrics \(TableName\) \(got "Table"\)/,
    ],
    [
      'a threshold that is not an AlarmThreshold',
      () => throttles({ threshold: 5 as any }),
      /dynamodb.read-throttles: threshold: must be AlarmThreshold/,
    ],
  ])('%s', (_what, makeEntry, message) => {
    const entry = makeEntry();
    expect(refuse(entry)).toThrow(CatalogueRegistrationError);
    expect(refuse(entry)).toThrow(message);
  });

  it('refuses a second family of a taken name, a taken id, and an entry after the family was drawn', () => {
    const { app, stack } = newStack('Twice');
    const catalogue = registerDynamo(app);
    expect(() => catalogue.registerFamily({ name: 'sqs', entries: [throttles()] })).toThrow(
      /family sqs: name: is already registered/,
    );
    expect(() => catalogue.registerFamily({ name: 'Dynamo DB', entries: [throttles()] })).toThrow(
      /family: name: must be lower-case/,
    );
    expect(() => catalogue.registerEntry('dynamodb', throttles())).toThrow(
      /entry dynamodb.read-throttles: id: is already registered/,
    );
    expect(() => catalogue.registerEntry('nosuch', throttles())).toThrow(/family: is not registered/);
    new DimensionAlarms(stack, 'orders', {
      service: 'shop',
      allowAlarmsWithoutActions: true,
      familyName: 'dynamodb',
      dimensions: { TableName: 't' },
      properties: { errorBudgetPercent: 5 },
    });
    expect(() => catalogue.registerEntry('dynamodb', throttles({ id: 'dynamodb.late' }))).toThrow(
      /entry dynamodb.late: family: already has monitored resources/,
    );
  });

  it('fails at synth when a precondition dimension references a resource of another type', () => {
    const { app, stack } = newStack('WrongType');
    registerDynamo(app);
    const queue = new sqs.Queue(stack, 'Queue');
    expect(
      () =>
        new DimensionAlarms(stack, 'orders', {
          service: 'shop',
          allowAlarmsWithoutActions: true,
          familyName: 'dynamodb',
          dimensions: { TableName: queue.queueName },
          properties: { errorBudgetPercent: 5 },
        }),
    ).toThrow(
      /WrongType\/orders: dynamodb.system-error-rate: dimension TableName names WrongType\/Queue\/Resource, a AWS::SQS::Queue, not a AWS::DynamoDB::Table/,
    );
  });

  it('fails at synth naming the construct for an unregistered family or an unknown override id', () => {
    const { stack } = newStack('Unknown');
    expect(
      () =>
        new DimensionAlarms(stack, 'x', { service: 'shop', familyName: 'kinesis', dimensions: { StreamName: 's' } }),
    ).toThrow(/Unknown\/x: unknown alarm family \(got "kinesis"\).*registerFamily/);
    expect(
      () =>
        new SqsQueueAlarms(stack, 'q', {
          service: 'shop',
          queueName: 'q',
          overrides: { 'sqs.age': { threshold: 1 } },
        }),
    ).toThrow(/unknown catalogue id in overrides for family sqs \(got "sqs.age"\)/);
  });
});

/** A fresh stack with one queue of each role monitored, synthesized. */
function buildQueues() {
  const { stack } = newStack('Queues');
  const topics = new AlertTopics(stack, 'Topics');
  const work = new sqs.Queue(stack, 'Work', { retentionPeriod: Duration.days(2) });
  const dlq = new sqs.Queue(stack, 'Dlq');
  const consumed = new sqs.Queue(stack, 'Consumed');
  const common = { service: 'shop', actions: topics };
  new SqsQueueAlarms(stack, 'work', {
    ...common,
    queue: work,
    overrides: { 'sqs.oldest-message-age': { threshold: 1800 } },
  });
  new SqsQueueAlarms(stack, 'dlq', { ...common, queue: dlq, role: QueueRole.DEAD_LETTER });
  new SqsQueueAlarms(stack, 'consumed', { ...common, queue: consumed, role: QueueRole.CONSUMED_DEAD_LETTER });
  return {
    work,
    alarms: alarmsByName(Template.fromStack(stack)),
    queueRef: (q: sqs.Queue) => ({ 'Fn::GetAtt': [stack.getLogicalId(q.node.defaultChild as any), 'QueueName'] }),
  };
}

describe('the sqs family', () => {
  it('gives each role its alarms', () => {
    const { alarms } = buildQueues();
    expect([...alarms.keys()].sort()).toEqual([
      'shop-consumed-sqs.dead-letter-messages-sent',
      'shop-dlq-sqs.dead-letter-messages-visible',
      'shop-work-sqs.backlog-minutes',
      'shop-work-sqs.oldest-message-age',
    ]);
  });

  it('alarms on the oldest message age against the threshold, per queue', () => {
    const { work, alarms, queueRef } = buildQueues();
    const age = alarms.get('shop-work-sqs.oldest-message-age')!.props;
    expect(age).toMatchObject({ MetricName: 'ApproximateAgeOfOldestMessage', Statistic: 'Maximum', Threshold: 1800 });
    expect(dims(age.Dimensions)).toEqual({ QueueName: queueRef(work) });
  });

  it('alarms on messages visible relative to the drain rate', () => {
    const { alarms } = buildQueues();
    const backlog = alarms.get('shop-work-sqs.backlog-minutes')!.props;
    const ids = Object.fromEntries(
      backlog.Metrics.filter((m: any) => m.MetricStat).map((m: any) => [m.Id, m.MetricStat.Metric.MetricName]),
    );
    expect(ids).toEqual({ visible: 'ApproximateNumberOfMessagesVisible', deleted: 'NumberOfMessagesDeleted' });
    // Minutes of backlog at the deletes per minute, whatever the period.
    expect(backlog.Metrics.find((m: any) => m.Expression).Expression).toBe(
      'IF(FILL(deleted, 0) > 0, visible / (FILL(deleted, 0) * 60 / PERIOD(deleted)), visible)',
    );
    expect(backlog.Threshold).toBe(15);
  });

  it('alarms on any message in a dead-letter queue', () => {
    const { alarms } = buildQueues();
    const depth = alarms.get('shop-dlq-sqs.dead-letter-messages-visible')!.props;
    expect(depth).toMatchObject({
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 1,
    });
    expect(alarms.get('shop-consumed-sqs.dead-letter-messages-sent')!.props.MetricName).toBe('NumberOfMessagesSent');
  });

  it('fails synth for an age threshold the retention period makes unreachable', () => {
    const { stack: s } = newStack('Retention');
    const q = new sqs.Queue(s, 'Q', { retentionPeriod: Duration.hours(1) });
    expect(() => new SqsQueueAlarms(s, 'q', { service: 'shop', allowAlarmsWithoutActions: true, queue: q })).toThrow(
      /Retention\/q: sqs.oldest-message-age: its threshold 3600 s is not under the queue's retention period of 1 hour/,
    );
  });
});

/** A fresh stack with the SES account's reputation monitored, synthesized. */
function buildMail() {
  const { stack } = newStack('Mail');
  const topics = new AlertTopics(stack, 'Topics');
  new SesReputationAlarms(stack, 'account', { service: 'shop', actions: topics });
  return { alarms: alarmsByName(Template.fromStack(stack)) };
}

describe('the ses family', () => {
  it('warns at half of the SES review levels and pages at the review levels', () => {
    const { alarms } = buildMail();
    const row = (name: string) => {
      const a = alarms.get(name)!.props;
      return [
        a.Namespace,
        a.MetricName,
        a.Threshold,
        a.ComparisonOperator,
        parseAlarmDescription(a.AlarmDescription).metadata?.severity,
        a.Dimensions,
      ];
    };
    expect(row('shop-account-ses.bounce-rate')).toEqual([
      'AWS/SES',
      'Reputation.BounceRate',
      0.025,
      'GreaterThanOrEqualToThreshold',
      'warning',
      undefined,
    ]);
    expect(row('shop-account-ses.bounce-rate-review')).toEqual([
      'AWS/SES',
      'Reputation.BounceRate',
      0.05,
      'GreaterThanOrEqualToThreshold',
      'critical',
      undefined,
    ]);
    expect(row('shop-account-ses.complaint-rate')).toEqual([
      'AWS/SES',
      'Reputation.ComplaintRate',
      0.0005,
      'GreaterThanOrEqualToThreshold',
      'warning',
      undefined,
    ]);
    expect(row('shop-account-ses.complaint-rate-review')).toEqual([
      'AWS/SES',
      'Reputation.ComplaintRate',
      0.001,
      'GreaterThanOrEqualToThreshold',
      'critical',
      undefined,
    ]);
    for (const a of alarms.values())
      expect(a.props).toMatchObject({ Period: 3600, TreatMissingData: 'ignore', EvaluationPeriods: 1 });
  });
});

describe('SreKit with the registered families', () => {
  it('monitors queues, the SES account and a user family like the built-in ones, and prices them', () => {
    const { app, stack } = newStack('Kit');
    registerDynamo(app);
    const kit = new SreKit(stack, 'Sre', { service: 'shop', dashboards: true });
    kit.monitorQueue('jobs', new sqs.Queue(stack, 'Jobs'));
    kit.monitorSesReputation('account');
    kit.monitorFamily('dynamodb', 'orders', { TableName: 'orders' }, { properties: { errorBudgetPercent: 5 } });
    new ses.ConfigurationSet(stack, 'Mail');
    const template = Template.fromStack(stack);
    const families = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map(
      (r) => tagsOf(r.Properties)['sre-kit:family'],
    );
    expect(new Set(families)).toEqual(new Set(['sqs', 'ses', 'dynamodb']));
    const lines = kit.costReport().lines.map((l) => `${l.owner} ${l.item}`);
    expect(lines).toEqual(
      expect.arrayContaining(['sqs sqs.backlog-minutes', 'ses ses.bounce-rate', 'dynamodb dynamodb.read-throttles']),
    );
    expect(Annotations.fromStack(stack).findError('*', /./)).toEqual([]);
  });

  it('keeps the built-in families in the one catalogue, in core order', () => {
    const ids = AlarmCatalogue.of(new App()).families.flatMap((f) => AlarmCatalogue.of(new App()).entryIds(f));
    expect(ids.slice(0, ALARM_CATALOGUE.length)).toEqual(ALARM_CATALOGUE.map((e) => e.id));
  });
});
