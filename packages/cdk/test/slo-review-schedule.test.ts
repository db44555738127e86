/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized CloudFormation is untyped JSON */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { SloReviewSchedule, type SloReviewScheduleProps } from '../src/slo-review/schedule';
import { cronProblem } from '../src/slo-review/cron';
import { AlertTopics } from '../src/topics/alert-topics';
import { newStack } from './helpers';

const ROOT = join(__dirname, '..', '..', '..');
const BUNDLE = join(ROOT, 'packages', 'alert-router', 'dist', 'lambda', 'slo-review', 'index.js');
// The bundle comes from `npm run build` (which `npm test` runs first); a stand-in keeps this suite independent.
const handlerBundle = existsSync(BUNDLE) ? BUNDLE : join(__dirname, 'helpers.ts');

const sloFile = join(__dirname, 'fixtures', 'review-slos.yaml');
// Prometheus SLIs only: nothing CloudWatch could give the review.
const promFile = join(ROOT, 'reference-app', 'loop', 'drill-slos.yaml');

function synth(extra: Partial<SloReviewScheduleProps> = {}) {
  const { app, stack } = newStack();
  const topics = new AlertTopics(stack, 'Topics');
  const review = new SloReviewSchedule(stack, 'WeeklyReview', {
    specPaths: [sloFile],
    webhookSecret: 'shop/slack/reviews',
    dimensionValues: { LoadBalancer: 'app/shop-prod/50dc6c495c0c9188' },
    timeZone: 'Europe/Berlin',
    topics,
    handlerBundle,
    ...extra,
  });
  return { app, stack, review, template: Template.fromStack(stack) };
}

describe('SloReviewSchedule', () => {
  it('invokes the review Lambda on the cron in the time zone, without retries, through a role that may only invoke it', () => {
    const { template, stack, review } = synth({ schedule: 'cron(30 8 ? * MON-FRI *)' });
    const fnArn = stack.resolve(review.reviewFunction.functionArn);
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(30 8 ? * MON-FRI *)',
      ScheduleExpressionTimezone: 'Europe/Berlin',
      State: 'ENABLED',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: { Arn: fnArn, RetryPolicy: { MaximumRetryAttempts: 0 } },
    });
    const schedule = Object.values(template.findResources('AWS::Scheduler::Schedule'))[0] as any;
    const roleId = schedule.Properties.Target.RoleArn['Fn::GetAtt'][0];
    const role = template.findResources('AWS::IAM::Role')[roleId] as any;
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: { Service: 'scheduler.amazonaws.com' },
        Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } },
      },
    ]);
    const policy = Object.values(template.findResources('AWS::IAM::Policy')).find((p: any) =>
      p.Properties.Roles.some((r: any) => r.Ref === roleId),
    ) as any;
    expect(policy.Properties.PolicyDocument.Statement).toEqual([
      { Action: 'lambda:InvokeFunction', Effect: 'Allow', Resource: fnArn },
    ]);
  });

  it('defaults to Mondays 09:00 UTC over the last 7 days', () => {
    const { template } = synth({ timeZone: undefined });
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 9 ? * MON *)',
      ScheduleExpressionTimezone: 'UTC',
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ LOOKBACK_SECONDS: String(7 * 86_400) }) },
    });
  });

  it('grants GetMetricData (on *, the only resource it takes) and a read of the one webhook secret', () => {
    const { template, stack, review } = synth();
    const roleId = stack.getLogicalId(review.reviewFunction.role!.node.defaultChild as any);
    const [policy] = Object.values(template.findResources('AWS::IAM::Policy')).filter((p: any) =>
      p.Properties.Roles.some((r: any) => r.Ref === roleId),
    ) as any[];
    const statements = policy.Properties.PolicyDocument.Statement;
    expect(statements).toEqual([
      {
        Action: 'secretsmanager:GetSecretValue',
        Effect: 'Allow',
        Resource: {
          'Fn::Join': [
            '',
            [
              'arn:',
              { Ref: 'AWS::Partition' },
              ':secretsmanager:eu-west-1:123456789012:secret:shop/slack/reviews-??????',
            ],
          ],
        },
      },
      { Action: 'cloudwatch:GetMetricData', Effect: 'Allow', Resource: '*' },
    ]);
    const ssm = synth({ webhookSecret: 'ssm:/shop/slack/reviews' }).template;
    ssm.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'ssm:GetParameter',
            Resource: {
              'Fn::Join': ['', Match.arrayWith([':ssm:eu-west-1:123456789012:parameter/shop/slack/reviews'])],
            },
          }),
        ]),
      },
    });
  });

  it('passes the secret name and the deployed dimension values (tokens resolved by CloudFormation) in the environment', () => {
    const { stack } = newStack();
    const lb = new CfnParameter(stack, 'LoadBalancerName');
    const review = new SloReviewSchedule(stack, 'Review', {
      specPaths: [sloFile],
      webhookSecret: 'shop/slack/reviews',
      dimensionValues: { LoadBalancer: lb.valueAsString },
      reportUrl: 'https://reports.example.com/slo/latest.html',
      handlerBundle,
    });
    const env = (Template.fromStack(stack).findResources('AWS::Lambda::Function') as any)[
      stack.getLogicalId(review.reviewFunction.node.defaultChild as any)
    ].Properties.Environment.Variables;
    expect(env.WEBHOOK_SECRET).toBe('shop/slack/reviews');
    expect(env.REPORT_URL).toBe('https://reports.example.com/slo/latest.html');
    expect(JSON.stringify(env.DIMENSION_VALUES)).toContain('"Ref":"LoadBalancerName"');
    expect(JSON.stringify(env)).not.toContain('hooks.slack.com');
  });

  it('ships the SLOs as slos.json beside the bundle, placeholders kept and without synth-machine paths', () => {
    const { app, stack, review } = synth({ sloNames: ['search-availability'] });
    const assembly = app.synth();
    const fn = (Template.fromStack(stack).findResources('AWS::Lambda::Function') as any)[
      stack.getLogicalId(review.reviewFunction.node.defaultChild as any)
    ];
    const staged = join(assembly.directory, `asset.${String(fn.Properties.Code.S3Key).replace('.zip', '')}`);
    const doc = JSON.parse(readFileSync(join(staged, 'slos.json'), 'utf8'));
    expect(doc.version).toBe(1);
    expect(doc.slos.map((s: any) => s.name)).toEqual(['search-availability']);
    expect(JSON.stringify(doc)).toContain('app/shop/placeholder');
    expect(JSON.stringify(doc)).not.toContain(__dirname);
    expect(readFileSync(join(staged, 'index.js'))).toEqual(readFileSync(handlerBundle));
  });

  it('alarms on its own failures through the warning topic, and passes cdk-nag', () => {
    const { app, stack, template } = synth();
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      Namespace: 'AWS/Lambda',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('TopicsWarning') }],
      AlarmDescription: Match.stringLikeRegexp('"family":"slo-review"'),
    });
    const report = new AwsSolutionsChecks(app).validateScope(stack);
    const findings = report.violations.flatMap((v) =>
      v.violatingResources.map((r: any) => `${v.ruleName} ${String(r.constructPath ?? r.resourceLogicalId)}`),
    );
    expect(findings.filter((f) => f.includes('WeeklyReview'))).toEqual([]);
  });

  it.each<[string, Partial<SloReviewScheduleProps>, RegExp]>([
    [
      'a cron with 5 fields',
      { schedule: 'cron(0 9 * * MON)' },
      /WeeklyReview: schedule has 5 fields.*\(got "cron\(0 9 \* \* MON\)"\)/,
    ],
    [
      'two day fields set',
      { schedule: 'cron(0 9 1 * MON *)' },
      /exactly one of day-of-month and day-of-week must be "\?"/,
    ],
    ['an hour out of range', { schedule: 'cron(0 25 ? * MON *)' }, /schedule hours: "25" is not in 0-23/],
    ['a bad day name', { schedule: 'cron(0 9 ? * MOX *)' }, /day-of-week: "MOX" is not in 1-7 or SUN-SAT/],
    [
      'an unknown time zone',
      { timeZone: 'Europe/Atlantis' },
      /timeZone is not an IANA time zone \(got "Europe\/Atlantis"\)/,
    ],
    ['no spec paths', { specPaths: [] }, /no specPaths given/],
    ['an empty SLO list', { sloNames: [] }, /sloNames is empty/],
    [
      'an unknown SLO',
      { sloNames: ['checkout-latency'] },
      /sloNames names SLOs the specs do not have \(got \["checkout-latency"\]\)/,
    ],
    ['a Prometheus SLO', { specPaths: [promFile] }, /SLO "api-availability" cannot be reviewed from CloudWatch/],
    [
      'a webhook URL in place of the secret',
      { webhookSecret: 'https://hooks.slack.com/services/T/B/x' },
      /webhookSecret is a URL.*\(got "\(the URL, not shown\)"\)/,
    ],
    ['an empty secret', { webhookSecret: '' }, /webhookSecret is empty/],
    [
      'a lookback under an hour',
      { lookback: Duration.minutes(5) },
      /lookback must be 1 hour to 455 days \(got "5 minutes"\)/,
    ],
    ['a report link that is not http', { reportUrl: 'reports/latest.html' }, /reportUrl is not an http\(s\) URL/],
  ])('fails at synth on %s, naming the construct and the value', (_what, props, message) => {
    expect(() => synth(props)).toThrow(message);
  });

  it('knows the cron forms EventBridge Scheduler documents', () => {
    for (const ok of [
      'cron(0 9 ? * MON *)',
      '0 18 ? * MON-FRI *',
      'cron(0/15 * * * ? *)',
      'cron(0 10 L * ? *)',
      'cron(0 8 ? * 6#3 *)',
      'cron(0 9 15W * ? 2027)',
    ])
      expect([ok, cronProblem(ok)]).toEqual([ok, undefined]);
  });

  it('stays inside one stack of its own scope', () => {
    const { stack, review } = synth();
    expect(Stack.of(review.reviewFunction)).toBe(stack);
  });
});
