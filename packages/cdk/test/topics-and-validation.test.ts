/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized CloudFormation is untyped JSON */
import { Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as subs from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { NoopAlarmActionStrategy, SnsAlarmActionStrategy } from 'cdk-monitoring-constructs';
import { AwsSolutionsChecks } from 'cdk-nag';
import {
  AlarmSeverity,
  AlertTopics,
  ApplicationLoadBalancerAlarms,
  LambdaFunctionAlarms,
  NatGatewayAlarms,
  RdsAlarms,
  S3BucketAlarms,
  SeverityActions,
  ServiceLevelObjective,
  WebAclAlarms,
  WebAclScope,
  type IAlertTopicsConsumer,
} from '../src';
import { newStack } from './helpers';

describe('AlertTopics', () => {
  const { stack } = newStack('Topics');
  const key = new kms.Key(stack, 'Key');
  const topics = new AlertTopics(stack, 'Alerts', {
    topicNamePrefix: 'shop-alerts',
    encryptionKey: key,
    emails: [{ address: 'oncall@example.com' }, { address: 'all@example.com', severities: [AlarmSeverity.INFO] }],
  });
  const seen: AlertTopics[] = [];
  const router: IAlertTopicsConsumer = {
    bindToTopics: (t) => {
      seen.push(t);
      t.addSubscriptionToAll(new subs.SqsSubscription(new sqs.Queue(stack, 'RouterQueue', { enforceSSL: true })));
    },
  };
  topics.connect(router);
  topics.connect(router);
  const template = Template.fromStack(stack);

  test('one topic per severity, KMS-encrypted, named by severity', () => {
    for (const severity of ['critical', 'warning', 'info'])
      template.hasResourceProperties('AWS::SNS::Topic', {
        TopicName: `shop-alerts-${severity}`,
        KmsMasterKeyId: { 'Fn::GetAtt': [stack.getLogicalId(key.node.defaultChild as kms.CfnKey), 'Arn'] },
      });
    template.resourceCountIs('AWS::SNS::Topic', 3);
  });

  test('every topic denies publishing without TLS', () => {
    const policies = Object.values(template.findResources('AWS::SNS::TopicPolicy'));
    expect(policies).toHaveLength(3);
    for (const policy of policies)
      expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({
          Effect: 'Deny',
          Action: 'sns:Publish',
          Principal: '*',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }),
      );
  });

  test('emails subscribe to critical and warning by default, or to the severities given', () => {
    const emails = Object.values(
      template.findResources('AWS::SNS::Subscription', { Properties: { Protocol: 'email' } }),
    );
    const ref = (t: any) => ({ Ref: stack.getLogicalId(t.node.defaultChild) });
    expect(emails.map((e) => [e.Properties.Endpoint, e.Properties.TopicArn])).toEqual([
      ['oncall@example.com', ref(topics.critical)],
      ['oncall@example.com', ref(topics.warning)],
      ['all@example.com', ref(topics.info)],
    ]);
  });

  test('connect() binds a consumer (the alert router) once, and it can subscribe to all topics', () => {
    expect(seen).toEqual([topics]);
    template.resourceCountIs('AWS::SNS::Subscription', 3 + 3);
  });

  test('createEncryptionKey makes a rotating key CloudWatch may use, with no cdk-nag finding', () => {
    const { app, stack: s } = newStack('Key');
    new AlertTopics(s, 'Alerts', { createEncryptionKey: true });
    expect(new AwsSolutionsChecks(app).validateScope(s).violations.map((v) => v.ruleName)).toEqual([]);
    const t = Template.fromStack(s);
    t.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    const statements = Object.values(t.findResources('AWS::KMS::Key'))[0].Properties.KeyPolicy.Statement;
    expect(statements).toContainEqual(
      expect.objectContaining({
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      }),
    );
  });

  test('a bad email address names the construct and the value', () => {
    const { stack: s } = newStack('Mail');
    expect(() => new AlertTopics(s, 'Alerts', { emails: [{ address: 'oncall' }] })).toThrow(
      /Mail\/Alerts: invalid email address .*\(got "oncall"\)\. Fix:/,
    );
  });
});

describe('bad input fails at synth time with the path, the value and the fix', () => {
  const cases: [string, (s: any) => unknown, RegExp][] = [
    [
      'lambda without a function',
      (s) => new LambdaFunctionAlarms(s, 'fn', { service: 'shop', allowAlarmsWithoutActions: true }),
      /Bad\/fn: exactly one of lambdaFunction or functionName is required/,
    ],
    [
      'an unknown catalogue id',
      (s) =>
        new LambdaFunctionAlarms(s, 'fn', {
          service: 'shop',
          functionName: 'f',
          overrides: { 'lambda.error': { enabled: false } },
        }),
      /unknown catalogue id in overrides for family lambda \(got "lambda.error"\)\. Fix: use one of: lambda.errors/,
    ],
    [
      'a service name with spaces',
      (s) => new LambdaFunctionAlarms(s, 'fn', { service: 'my shop', functionName: 'f' }),
      /service must be letters, digits/,
    ],
    [
      'RDS without maxConnections',
      (s) => new RdsAlarms(s, 'db', { service: 'shop', instanceIdentifiers: ['db'] }),
      /rds.database-connections derives its threshold from the resource property "maxConnections".*Fix: pass properties: \{ maxConnections: <number> \}/,
    ],
    [
      'an imported bucket without filterId',
      (s) =>
        new S3BucketAlarms(s, 'b', { service: 'shop', bucket: s3.Bucket.fromBucketName(s, 'Imp', 'other-bucket') }),
      /request-metrics configuration cannot be added.*pass its id as filterId/,
    ],
    [
      'a malformed load balancer name',
      (s) => new ApplicationLoadBalancerAlarms(s, 'alb', { service: 'shop', loadBalancerFullName: 'shop' }),
      /loadBalancerFullName is not app\/<name>\/<id> \(got "shop"\)/,
    ],
    [
      'a CloudFront ACL outside us-east-1',
      (s) => new WebAclAlarms(s, 'waf', { service: 'shop', webAclName: 'cf', scope: WebAclScope.CLOUDFRONT }),
      /published in us-east-1.*\(got "eu-west-1"\)\. Fix: put these alarms in a stack deployed to us-east-1/,
    ],
    [
      'a period CloudWatch rejects',
      (s) =>
        new NatGatewayAlarms(s, 'nat', {
          service: 'shop',
          natGatewayId: 'nat-1',
          overrides: { 'natgateway.error-port-allocation': { period: Duration.seconds(90) } },
        }),
      /period 90s must be 10, 20, 30 or a multiple of 60 seconds/,
    ],
  ];
  test.each(cases)('%s', (_name, build, message) => {
    const { stack } = newStack('Bad');
    expect(() => build(stack)).toThrow(message);
  });

  test('a CloudFront ACL in us-east-1 has no Region dimension and reads us-east-1', () => {
    const { stack } = newStack('Edge', 'us-east-1');
    new WebAclAlarms(stack, 'waf', {
      service: 'shop',
      webAclName: 'cf',
      scope: WebAclScope.CLOUDFRONT,
      allowAlarmsWithoutActions: true,
    });
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
      Dimensions: [
        { Name: 'Rule', Value: 'ALL' },
        { Name: 'WebACL', Value: 'cf' },
      ],
    });
  });
});

describe('alarms without actions', () => {
  test('are an error at synth, naming each alarm', () => {
    const { app, stack } = newStack('Quiet');
    new NatGatewayAlarms(stack, 'nat', { service: 'shop', natGatewayId: 'nat-1' });
    expect(() => app.synth()).toThrow(/Quiet\/nat\/shop-nat-natgateway.error-port-allocation has no alarm action/);
  });

  test('unless opted out', () => {
    const { app, stack } = newStack('OptOut');
    new NatGatewayAlarms(stack, 'nat', { service: 'shop', natGatewayId: 'nat-1', allowAlarmsWithoutActions: true });
    expect(() => app.synth()).not.toThrow();
  });

  test('an action strategy that adds nothing counts as no action; real strategies per severity work', () => {
    const { app, stack } = newStack('Strategies');
    const topics = new AlertTopics(stack, 'T');
    new NatGatewayAlarms(stack, 'nat', {
      service: 'shop',
      natGatewayId: 'nat-1',
      actions: SeverityActions.fromStrategies({
        critical: new SnsAlarmActionStrategy({ onAlarmTopic: topics.critical }),
        warning: new NoopAlarmActionStrategy(),
      }),
    });
    expect(() => app.synth()).toThrow(/packets-drop-rate has no alarm action/);
    expect(() => app.synth()).not.toThrow(/error-port-allocation has no alarm action/);
  });

  test('an alarm feeding a composite alarm with actions counts as having one', () => {
    const { app, stack } = newStack('Feeds');
    const topics = new AlertTopics(stack, 'T');
    const m = new cloudwatch.Metric({ namespace: 'X', metricName: 'Y', statistic: 'Sum' });
    new ServiceLevelObjective(stack, 'Slo', {
      sloName: 's',
      service: 'shop',
      objective: 0.99,
      badMetric: m,
      totalMetric: m,
      actions: topics,
    });
    expect(() => app.synth()).not.toThrow();
  });
});
