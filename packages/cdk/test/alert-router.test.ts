/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized CloudFormation is untyped JSON */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { parseRoutingJson } from '@sre-kit/alert-router';
import { loadSpecTexts } from '@sre-kit/core';
import { AlertRouter, type AlertRouterProps } from '../src/alert-router/alert-router';
import { AlertTopics } from '../src/topics/alert-topics';
import { newStack } from './helpers';

const ROOT = join(__dirname, '..', '..', '..');
const BUNDLE = join(ROOT, 'packages', 'alert-router', 'dist', 'lambda', 'index.js');
// The bundle comes from `npm run build` (which `npm test` runs first); a stand-in keeps this suite independent.
const handlerBundle = existsSync(BUNDLE) ? BUNDLE : join(__dirname, 'helpers.ts');

const ROUTING_YAML = `apiVersion: sre-kit/v1
kind: AlertRouting
metadata:
  name: shop
spec:
  receivers:
    - name: page
      slack:
        - channel: '#page'
          webhookSecret: shop/slack/page
        - channel: '#incidents'
          botTokenSecret: shop/slack/bot
      email: [oncall@example.com]
    - name: team
      slack:
        - channel: '#team'
          webhookSecret: ssm:/shop/slack/team
      email: [oncall@example.com, lead@example.com]
  route:
    receiver: team
    routes:
      - matchers: { severity: critical }
        receiver: page
`;

function writeRouting(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'routing-')), 'routing.yaml');
  writeFileSync(file, text);
  return file;
}
const routingFile = writeRouting(ROUTING_YAML);

function synth(extra: Partial<AlertRouterProps> = {}) {
  const { app, stack } = newStack();
  const topics = new AlertTopics(stack, 'Topics');
  const router = new AlertRouter(stack, 'Router', {
    routingFile,
    topics,
    operatorEmails: ['sre@example.com'],
    handlerBundle,
    ...extra,
  });
  return { app, stack, router, template: Template.fromStack(stack) };
}

function policyStatements(template: Template): any[] {
  return Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
    (p: any) => p.Properties.PolicyDocument.Statement,
  );
}

describe('AlertRouter construct', () => {
  it('deploys the bundled function on the current Node.js runtime with the state table and email topic wired in', () => {
    const { template, router } = synth();
    expect(router.routingName).toBe('shop');
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Handler: 'index.handler',
      Architectures: ['arm64'],
      Environment: {
        Variables: {
          TABLE_NAME: { Ref: Match.stringLikeRegexp('RouterState') },
          EMAIL_TOPIC_ARN: { Ref: Match.stringLikeRegexp('RouterEmail') },
        },
      },
    });
  });

  it('subscribes to every severity topic with a dead-letter queue, and dead-letters failed invocations', () => {
    const { template } = synth();
    const subsList = Object.values(template.findResources('AWS::SNS::Subscription')).filter(
      (s: any) => s.Properties.Protocol === 'lambda',
    );
    expect(subsList).toHaveLength(3);
    for (const s of subsList as any[]) {
      expect(s.Properties.RedrivePolicy.deadLetterTargetArn['Fn::GetAtt'][0]).toMatch(/^RouterDeadLetters/);
    }
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 21600,
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RouterDeadLetters'), 'Arn'] } },
      },
    });
  });

  it('keeps idempotency state in DynamoDB with TTL and grants only the calls the store makes', () => {
    const { template } = synth();
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      BillingMode: 'PAY_PER_REQUEST',
    });
    const ddb = policyStatements(template).filter((s) =>
      [s.Action].flat().some((a: string) => a.startsWith('dynamodb:')),
    );
    expect(ddb).toHaveLength(1);
    expect([ddb[0].Action].flat().sort()).toEqual([
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
    ]);
  });

  it('grants read of exactly the named webhook and bot token secrets', () => {
    const statements = policyStatements(synth().template);
    const sm = statements.find((s) => s.Action === 'secretsmanager:GetSecretValue');
    const ssm = statements.find((s) => s.Action === 'ssm:GetParameter');
    expect(sm.Resource).toHaveLength(2);
    expect(JSON.stringify(sm.Resource)).toContain('secret:shop/slack/page-??????');
    expect(JSON.stringify(sm.Resource)).toContain('secret:shop/slack/bot-??????');
    expect(JSON.stringify(ssm.Resource)).toContain('parameter/shop/slack/team');
    // The one action on `*`: GetMetricData has no resource-level permissions.
    expect(statements.filter((s) => s.Resource === '*').map((s) => s.Action)).toEqual(['cloudwatch:GetMetricData']);
    const alarmReads = statements.find(
      (s) => Array.isArray(s.Action) && s.Action.includes('cloudwatch:DescribeAlarms'),
    );
    expect(alarmReads.Action).toEqual(['cloudwatch:ListTagsForResource', 'cloudwatch:DescribeAlarms']);
    expect(JSON.stringify(alarmReads.Resource)).toContain(':alarm:*');
  });

  it('reads no error budget when told not to: no CloudWatch read beyond tags, BUDGET_LOOKUP=false', () => {
    const { template } = synth({ readErrorBudget: false });
    const statements = policyStatements(template);
    expect(statements.filter((s) => s.Resource === '*')).toEqual([]);
    expect(JSON.stringify(statements)).not.toContain('DescribeAlarms');
    const env = Object.values(template.findResources('AWS::Lambda::Function')).map(
      (f: any) => f.Properties.Environment?.Variables ?? {},
    );
    expect(env.some((v) => v.BUDGET_LOOKUP === 'false')).toBe(true);
  });

  it('subscribes each address once, filtered to the receivers that list it', () => {
    const { template } = synth();
    const byEndpoint = Object.fromEntries(
      Object.values(template.findResources('AWS::SNS::Subscription'))
        .filter(
          (s: any) => s.Properties.Protocol === 'email' && String(s.Properties.TopicArn.Ref).startsWith('RouterEmail'),
        )
        .map((s: any) => [s.Properties.Endpoint, s.Properties.FilterPolicy]),
    );
    expect(byEndpoint).toEqual({
      'oncall@example.com': { receiver: ['page', 'team'] },
      'lead@example.com': { receiver: ['team'] },
    });
  });

  it('alarms on its own errors, throttles and dead letters, emailing the operators (not through itself)', () => {
    const { template } = synth();
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')) as any[];
    expect(alarms.map((a) => a.Properties.MetricName).sort()).toEqual([
      'ApproximateNumberOfMessagesVisible',
      'Errors',
      'Throttles',
    ]);
    for (const a of alarms) expect(a.Properties.AlarmActions[0].Ref).toMatch(/^RouterOperators/);
    // Named for listings, but with no severity tag: the router must never route its own health alarms.
    const tags = alarms.map((a) => Object.fromEntries(a.Properties.Tags.map((t: any) => [t.Key, t.Value])));
    expect(tags.map((t) => t['sre-kit:catalogue-id']).sort()).toEqual([
      'alert-router.deadletters',
      'alert-router.errors',
      'alert-router.throttles',
    ]);
    for (const t of tags) expect(t).toMatchObject({ 'sre-kit:family': 'alert-router', 'sre-kit:resource': 'shop' });
    for (const t of tags) expect(t['sre-kit:severity']).toBeUndefined();
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'sre@example.com',
      TopicArn: { Ref: Match.stringLikeRegexp('^RouterOperators') },
    });
  });

  it('can also take EventBridge alarm state changes, with the same dead-letter queue', () => {
    const { template } = synth({ eventBridgeAlarms: true });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['aws.cloudwatch'], 'detail-type': ['CloudWatch Alarm State Change'] },
      Targets: [Match.objectLike({ RetryPolicy: { MaximumRetryAttempts: 2 }, DeadLetterConfig: Match.anyValue() })],
    });
    expect(Object.keys(synth().template.findResources('AWS::Events::Rule'))).toHaveLength(1);
  });

  it('has no unacknowledged cdk-nag AwsSolutions finding (its deliberate choices are acknowledged with reasons)', () => {
    const { app, stack } = synth();
    const report = new AwsSolutionsChecks(app).validateScope(stack);
    const findings = report.violations.flatMap((v) =>
      v.violatingResources.map((r: any) => `${v.ruleName} ${String(r.constructPath ?? r.resourceLogicalId)}`),
    );
    expect(findings.filter((f) => f.includes('Router'))).toEqual([]);
  });

  it('runs the scheduled tick every minute', () => {
    synth().template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 minute)' });
  });

  it('ships the routing as routing.json next to the handler, without synth-machine paths', () => {
    const { app, template } = synth();
    const assembly = app.synth();
    const fn = Object.values(template.findResources('AWS::Lambda::Function')).find(
      (f: any) => f.Properties.Handler === 'index.handler',
    ) as any;
    const hash = String(fn.Properties.Code.S3Key).replace('.zip', '');
    const shipped = JSON.parse(readFileSync(join(assembly.directory, `asset.${hash}`, 'routing.json'), 'utf8'));
    expect(shipped.receivers.map((r: any) => r.name)).toEqual(['page', 'team']);
    expect(shipped.location).toBeUndefined();
  });

  it('ships maintenance windows in routing.json, as the router Lambda reads them', () => {
    const withWindow = writeRouting(`${ROUTING_YAML}  maintenanceWindows:
    - name: db-patching
      reason: RDS patching (CHG-1234)
      matchers: { family: rds }
      excludeFromReview: false
      recurring: { weekdays: [sunday], start: '03:00', duration: 1h, location: Europe/Berlin }
`);
    const { app, template } = synth({ routingFile: withWindow });
    const assembly = app.synth();
    const fn = Object.values(template.findResources('AWS::Lambda::Function')).find(
      (f: any) => f.Properties.Handler === 'index.handler',
    ) as any;
    const hash = String(fn.Properties.Code.S3Key).replace('.zip', '');
    const text = readFileSync(join(assembly.directory, `asset.${hash}`, 'routing.json'), 'utf8');
    // The Lambda's own reader (config.ts) gets exactly what the spec parser made of the YAML.
    const parsed = loadSpecTexts([{ file: withWindow, text: readFileSync(withWindow, 'utf8') }]).routings[0];
    expect(parsed.maintenanceWindows).toHaveLength(1);
    expect(parseRoutingJson(text, 'routing.json').maintenanceWindows).toEqual(parsed.maintenanceWindows);
  });

  it.each([
    [{ operatorEmails: [] }, /operatorEmails needs at least one valid address/],
    [
      {
        routingFile: writeRouting(
          ROUTING_YAML.replace('shop/slack/page', 'https://hooks.slack.com/services/T0/B0/SUPERSECRET'),
        ),
      },
      /the specs have 1 error.*webhookSecret holds a webhook URL/,
    ],
    [
      { routingFile: writeRouting(ROUTING_YAML.replace('receiver: team\n', 'receiver: nobody\n')) },
      /unknown receiver "nobody"/,
    ],
    [{ routingFile: '/nonexistent/routing.yaml' }, /spec paths do not exist/],
    [{ handlerBundle: '/nonexistent/index.js' }, /alert router bundle is missing.*npm run build/],
  ])('fails at synth time naming the construct path: %#', (props, message) => {
    let error: Error | undefined;
    try {
      synth(props);
    } catch (err) {
      error = err as Error;
    }
    expect(error?.message).toMatch(new RegExp(`^Test/Router: .*${message.source}`, 's'));
    expect(error?.message).not.toContain('SUPERSECRET');
  });

  it('reads the reference alarms/routing.yaml', () => {
    const { router } = synth({ routingFile: join(ROOT, 'alarms', 'routing.yaml') });
    expect(router.routingName).toBe('goodgreets');
  });
});
