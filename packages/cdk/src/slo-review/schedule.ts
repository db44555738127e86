import { basename } from 'node:path';
import { Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { cloudWatchUnsupportedReason, isSlackLinkUrl, type Slo } from '@sre-kit/core';
import { Construct } from 'constructs';
import { alarmDescriptionFor, tagAlarm } from '../alarm-metadata';
import { stageShippedAsset } from '../alert-router/asset';
import { secretReadStatements } from '../alert-router/permissions';
import { inputError } from '../errors';
import { AlarmSeverity } from '../severity';
import { readSpecs } from '../spec-files';
import type { AlertTopics } from '../topics/alert-topics';
import { cronExpression, cronProblem, isTimeZone } from './cron';

export interface SloReviewScheduleProps {
  /** slos/ files or folders holding the SLOs to review (read at synth, like SreKit's specPaths). */
  readonly specPaths: string[];
  /** Review only these SLOs. @default - every SLO in the specs */
  readonly sloNames?: string[];
  /**
   * Real dimension values that replace the specs' placeholders, by dimension name (the same map as
   * SreKit's `dimensionValues`; tokens are fine: the Lambda reads them from its environment).
   * @default - the spec's values
   */
  readonly dimensionValues?: { [name: string]: string };
  /**
   * Where the Slack incoming webhook URL is kept, read by the Lambda at run time: a Secrets Manager
   * secret name or ARN, or `ssm:/path` for an SSM SecureString parameter (the routing's syntax).
   */
  readonly webhookSecret: string;
  /**
   * EventBridge Scheduler cron expression: `cron(minutes hours day-of-month month day-of-week year)`.
   * @default 'cron(0 9 ? * MON *)' (Mondays at 09:00 in `timeZone`)
   */
  readonly schedule?: string;
  /** IANA time zone of the schedule (daylight saving time followed). @default 'UTC' */
  readonly timeZone?: string;
  /** How far back each review reaches. 1 hour to 455 days (CloudWatch's retention). @default Duration.days(7) */
  readonly lookback?: Duration;
  /** Link to the full report in the digest (http(s)). @default - no link */
  readonly reportUrl?: string;
  /** The kit's topics: the review's own failures alarm on the warning topic. @default - no alarm */
  readonly topics?: AlertTopics;
  /** @default logs.RetentionDays.THREE_MONTHS */
  readonly logRetention?: logs.RetentionDays;
  /** Test seam: another review bundle. @default - the one shipped in the package */
  readonly handlerBundle?: string;
}

const DEFAULT_SCHEDULE = 'cron(0 9 ? * MON *)';
const MAX_LOOKBACK_DAYS = 455;

/**
 * A scheduled SLO review: EventBridge Scheduler invokes a Lambda that reads the SLOs' SLIs with
 * CloudWatch GetMetricData (the path `sre review --source cloudwatch` takes), reviews them with
 * core's budget arithmetic and posts the Slack digest to a webhook read from Secrets Manager or SSM.
 */
export class SloReviewSchedule extends Construct {
  public readonly reviewFunction: lambda.Function;
  public readonly schedule: scheduler.CfnSchedule;
  /** The review's own failure alarm (only with `topics`). */
  public readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: SloReviewScheduleProps) {
    super(scope, id);
    const slos = this.selectSlos(props);
    const expression = props.schedule ?? DEFAULT_SCHEDULE;
    const problem = cronProblem(expression);
    if (problem)
      inputError(this, `schedule ${problem}`, expression, "use EventBridge Scheduler's cron(0 9 ? * MON *) form");
    const zone = props.timeZone ?? 'UTC';
    if (!isTimeZone(zone)) inputError(this, 'timeZone is not an IANA time zone', zone, 'use a name like Europe/Berlin');
    const lookback = props.lookback ?? Duration.days(7);
    const lookbackSeconds = lookback.toSeconds();
    if (lookbackSeconds < 3600 || lookbackSeconds > MAX_LOOKBACK_DAYS * 86_400)
      inputError(
        this,
        `lookback must be 1 hour to ${MAX_LOOKBACK_DAYS} days`,
        lookback.toHumanString(),
        'use Duration.days(7)',
      );
    this.checkWebhookSecret(props.webhookSecret);
    if (props.reportUrl !== undefined && !isSlackLinkUrl(props.reportUrl))
      inputError(this, 'reportUrl is not an http(s) URL Slack can link', props.reportUrl, 'use https://...');

    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const values = props.dimensionValues ?? {};
    this.reviewFunction = new lambda.Function(this, 'Function', {
      description: `sre-kit SLO review: ${slos.map((s) => s.name).join(', ')}`.slice(0, 256),
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(
        stageShippedAsset(
          this,
          'slo-review',
          { 'slos.json': `${JSON.stringify({ version: 1, slos: slos.map(portable) }, null, 2)}\n` },
          props.handlerBundle,
        ),
      ),
      timeout: Duration.minutes(5),
      memorySize: 512,
      logGroup,
      environment: {
        WEBHOOK_SECRET: props.webhookSecret,
        LOOKBACK_SECONDS: String(lookbackSeconds),
        // Resolved by CloudFormation: the deployed load balancer's name is only known there.
        ...(Object.keys(values).length > 0 ? { DIMENSION_VALUES: Stack.of(this).toJsonString(values) } : {}),
        ...(props.reportUrl ? { REPORT_URL: props.reportUrl } : {}),
      },
    });
    for (const statement of secretReadStatements(this, [props.webhookSecret]))
      this.reviewFunction.addToRolePolicy(statement);
    // GetMetricData has no resource-level permissions: `*` is the only resource it accepts.
    this.reviewFunction.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['cloudwatch:GetMetricData'], resources: ['*'] }),
    );

    // Its own role, allowed to invoke this function only (the L2 target's shared role also takes its versions).
    const invoker = new iam.Role(this, 'SchedulerRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    });
    invoker.addToPolicy(
      new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.reviewFunction.functionArn] }),
    );
    this.schedule = new scheduler.CfnSchedule(this, 'Schedule', {
      description: `sre-kit SLO review (${cronExpression(expression)} ${zone})`,
      scheduleExpression: cronExpression(expression),
      scheduleExpressionTimezone: zone,
      flexibleTimeWindow: { mode: 'OFF' },
      state: 'ENABLED',
      target: {
        arn: this.reviewFunction.functionArn,
        roleArn: invoker.roleArn,
        // A review that failed is alarmed; a late retry would post an old week as if it were new.
        retryPolicy: { maximumRetryAttempts: 0 },
      },
    });
    if (props.topics) this.alarmOnFailure(props.topics);
    this.acknowledgeDesignChoices();
  }

  private selectSlos(props: SloReviewScheduleProps): readonly Slo[] {
    if (!props.specPaths?.length)
      inputError(
        this,
        'no specPaths given',
        props.specPaths,
        'pass the slos/ folder or files, e.g. specPaths: ["slos"]',
      );
    const all = readSpecs(this, props.specPaths).slos;
    const names = props.sloNames;
    if (names !== undefined && names.length === 0)
      inputError(this, 'sloNames is empty', names, 'leave sloNames out to review every SLO, or name some');
    const unknown = (names ?? []).filter((n) => !all.some((s) => s.name === n));
    if (unknown.length > 0)
      inputError(
        this,
        'sloNames names SLOs the specs do not have',
        unknown,
        `use some of ${all.map((s) => s.name).join(', ')}`,
      );
    const slos = names ? all.filter((s) => names.includes(s.name)) : all;
    if (slos.length === 0)
      inputError(this, 'no SLOs to review in specPaths', props.specPaths, 'add OpenSLO or Sloth SLOs');
    for (const slo of slos) {
      const reason = cloudWatchUnsupportedReason(slo);
      if (reason)
        inputError(
          this,
          `SLO "${slo.name}" cannot be reviewed from CloudWatch: ${reason}`,
          slo.name,
          'leave it out with sloNames',
        );
    }
    return slos;
  }

  private checkWebhookSecret(ref: string): void {
    if (typeof ref !== 'string' || ref.trim() === '')
      inputError(
        this,
        'webhookSecret is empty',
        ref,
        'name the Secrets Manager secret (or ssm:/path) holding the webhook URL',
      );
    if (Token.isUnresolved(ref))
      inputError(
        this,
        'webhookSecret must be known at synth (its read permission names it)',
        ref,
        'pass the secret name or ARN as a string',
      );
    // The secret's value, not its name, must hold the URL: a URL here would sit in the template in clear.
    if (/^https?:/i.test(ref))
      inputError(
        this,
        'webhookSecret is a URL, not the name of a secret holding it',
        '(the URL, not shown)',
        'store the URL in Secrets Manager and pass the secret name',
      );
    if (ref.startsWith('ssm:') && !/^ssm:\/?[\w.\-/]+$/.test(ref))
      inputError(this, 'webhookSecret is not an SSM parameter name', ref, 'use ssm:/path/to/parameter');
  }

  private alarmOnFailure(topics: AlertTopics): void {
    const meta = {
      severity: 'warning' as const,
      family: 'slo-review',
      resource: this.node.id,
      catalogueId: 'slo-review.errors',
    };
    const alarm = new cloudwatch.Alarm(this, 'ErrorsAlarm', {
      metric: this.reviewFunction.metricErrors({ period: Duration.hours(1), statistic: 'Sum' }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      // A week without invocations is not an error.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: alarmDescriptionFor(
        this,
        undefined,
        'The scheduled SLO review failed: the digest did not reach Slack (see the function logs: secret, GetMetricData or the webhook).',
        meta,
      ),
    });
    const action = new cwActions.SnsAction(topics.topicFor(AlarmSeverity.WARNING));
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
    tagAlarm(alarm, meta);
    this.alarms.push(alarm);
  }

  private acknowledgeDesignChoices(): void {
    const role = this.reviewFunction.role!;
    const ack = (id: string, reason: string) => Validations.of(role).acknowledge({ id, reason });
    ack(
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      'AWSLambdaBasicExecutionRole only lets the function write its CloudWatch Logs.',
    );
    ack(
      'AwsSolutions-IAM5[Resource::*]',
      'cloudwatch:GetMetricData (the SLIs of the review) has no resource-level permissions; it is the only action on *.',
    );
  }
}

/** The SLO without the synth machine's paths, which would churn the asset hash from machine to machine. */
function portable(slo: Slo): Slo {
  const { location } = slo.origin;
  return { ...slo, origin: { ...slo.origin, location: { ...location, file: basename(location.file) } } };
}
