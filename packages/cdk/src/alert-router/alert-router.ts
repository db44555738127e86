import { ArnFormat, Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subs from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { RouteTree, RoutingConfigError } from '@sre-kit/alert-router';
import type { AlertRouting } from '@sre-kit/core';
import { Construct } from 'constructs';
import { inputError } from '../errors';
import { alarmDescriptionFor, tagAlarm } from '../alarm-metadata';
import { readSpecs } from '../spec-files';
import type { AlertTopics, IAlertTopicsConsumer } from '../topics/alert-topics';
import { stageRouterAsset } from './asset';
import { emailAddresses, webhookSecretStatements } from './permissions';

export interface AlertRouterProps {
  /**
   * The AlertRouting spec (YAML, `kind: AlertRouting`), parsed and validated
   * at synth time with the same checks as `sre validate`, shipped as routing.json.
   */
  readonly routingFile: string;
  /** Which AlertRouting when `routingFile` holds several. @default - the first */
  readonly routingName?: string;
  /** Severity topics to subscribe to; more can be connected with `topics.connect(router)`. @default - none */
  readonly topics?: AlertTopics;
  /**
   * Who hears about a broken router (errors, dead letters, throttles). These
   * alarms go to their own email topic, never through the router itself.
   */
  readonly operatorEmails: string[];
  /** @default Duration.minutes(1) */
  readonly timeout?: Duration;
  /** @default 256 */
  readonly memorySize?: number;
  /** How often the scheduled tick sends repeat reminders and flushes held groups. @default Duration.minutes(1) */
  readonly tickInterval?: Duration;
  /** Read `sre-kit:*` alarm tags with ListTagsForResource when a description has no metadata line. @default true */
  readonly lookupAlarmTags?: boolean;
  /**
   * Read an SLO page's error budget from CloudWatch (DescribeAlarms on the tier's long-window
   * alarm, GetMetricData over the SLO period; at most 2 s, a failure shows "unknown") so the
   * message says the budget left and the time to exhaustion. @default true
   */
  readonly readErrorBudget?: boolean;
  /** Also route EventBridge "CloudWatch Alarm State Change" events (for alarms without SNS actions). @default false */
  readonly eventBridgeAlarms?: boolean;
  /** The state table holds only short-lived idempotency and group records. @default RemovalPolicy.DESTROY */
  readonly stateRemovalPolicy?: RemovalPolicy;
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /** Path of a pre-built handler bundle. @default - the bundle @sre-kit/cdk ships (dist/lambda/alert-router/index.js) */
  readonly handlerBundle?: string;
}

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/**
 * The alert router Lambda (@sre-kit/alert-router) with what makes it
 * trustworthy: severity topic subscriptions with a dead-letter queue, an
 * on-failure destination after Lambda's retries, a DynamoDB table for
 * idempotency / grouping / reminders (TTL), read access to exactly the named
 * webhook secrets, a scheduled tick, and alarms on the router itself that
 * email the operators.
 */
export class AlertRouter extends Construct implements IAlertTopicsConsumer {
  public readonly routerFunction: lambda.Function;
  public readonly deadLetterQueue: sqs.Queue;
  public readonly stateTable: dynamodb.Table;
  /** Router health alarms go here (email only). */
  public readonly operatorTopic: sns.Topic;
  /** Shared topic for receivers that list email addresses (filtered per receiver). */
  public readonly emailTopic?: sns.Topic;
  public readonly alarms: cloudwatch.Alarm[] = [];
  /** Name of the AlertRouting the router runs. */
  public readonly routingName: string;
  // Core's model types are not jsii types, so the routing itself stays internal.
  private readonly routing: AlertRouting;

  constructor(scope: Construct, id: string, props: AlertRouterProps) {
    super(scope, id);
    this.routing = this.resolveRouting(props);
    this.routingName = this.routing.name;
    try {
      new RouteTree(this.routing);
    } catch (err) {
      if (!(err instanceof RoutingConfigError)) throw err;
      inputError(this, 'the routing is invalid', err.problems, 'fix the listed problems in the routing spec');
    }
    if (!props.operatorEmails?.length || props.operatorEmails.some((e) => !EMAIL.test(e))) {
      inputError(
        this,
        'operatorEmails needs at least one valid address',
        props.operatorEmails,
        'list who hears about a broken router',
      );
    }
    const secretStatements = webhookSecretStatements(this, this.routing);

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetters', {
      retentionPeriod: Duration.days(14),
      enforceSSL: true,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
    });
    this.stateTable = new dynamodb.Table(this, 'State', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: 'expiresAt',
      removalPolicy: props.stateRemovalPolicy ?? RemovalPolicy.DESTROY,
    });

    const addresses = emailAddresses(this.routing);
    if (addresses.size > 0) {
      this.emailTopic = new sns.Topic(this, 'Email', { displayName: 'sre-kit alert email', enforceSSL: true });
      for (const [address, receivers] of addresses) {
        if (!EMAIL.test(address))
          inputError(this, 'invalid email address in the routing', address, 'use name@example.com');
        this.emailTopic.addSubscription(
          new subs.EmailSubscription(address, {
            filterPolicy: { receiver: sns.SubscriptionFilter.stringFilter({ allowlist: receivers.sort() }) },
          }),
        );
      }
    }

    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.routerFunction = new lambda.Function(this, 'Function', {
      description: `sre-kit alert router (${this.routing.name})`,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(stageRouterAsset(this, this.routing, props.handlerBundle)),
      timeout: props.timeout ?? Duration.minutes(1),
      memorySize: props.memorySize ?? 256,
      logGroup,
      environment: {
        TABLE_NAME: this.stateTable.tableName,
        ...(this.emailTopic ? { EMAIL_TOPIC_ARN: this.emailTopic.topicArn } : {}),
        ...(props.lookupAlarmTags === false ? { LOOKUP_TAGS: 'false' } : {}),
        ...(props.readErrorBudget === false ? { BUDGET_LOOKUP: 'false' } : {}),
      },
      // Lambda retries a failed async event twice, then hands it to the dead-letter queue.
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      onFailure: new destinations.SqsDestination(this.deadLetterQueue),
    });
    this.grantRouterPermissions(secretStatements, props);

    new events.Rule(this, 'Tick', {
      description: 'sre-kit alert router: repeat reminders and held groups',
      schedule: events.Schedule.rate(props.tickInterval ?? Duration.minutes(1)),
      targets: [
        new targets.LambdaFunction(this.routerFunction, { retryAttempts: 2, deadLetterQueue: this.deadLetterQueue }),
      ],
    });
    if (props.eventBridgeAlarms) {
      new events.Rule(this, 'AlarmStateChanges', {
        eventPattern: { source: ['aws.cloudwatch'], detailType: ['CloudWatch Alarm State Change'] },
        targets: [
          new targets.LambdaFunction(this.routerFunction, { retryAttempts: 2, deadLetterQueue: this.deadLetterQueue }),
        ],
      });
    }

    this.operatorTopic = new sns.Topic(this, 'Operators', {
      displayName: 'sre-kit alert router health',
      enforceSSL: true,
    });
    for (const address of props.operatorEmails) this.operatorTopic.addSubscription(new subs.EmailSubscription(address));
    this.createHealthAlarms();
    props.topics?.connect(this);
    this.acknowledgeDesignChoices();
  }

  /**
   * cdk-nag (v3 reads aws-cdk-lib's Validations) flags a few deliberate choices; each is
   * acknowledged here, on the resource, with its reason, so users of the construct inherit no findings.
   */
  private acknowledgeDesignChoices(): void {
    const ack = (scope: Construct, id: string, reason: string) => Validations.of(scope).acknowledge({ id, reason });
    ack(
      this.deadLetterQueue,
      'AwsSolutions-SQS3',
      'This queue is the dead-letter queue; its depth is alarmed to the operators.',
    );
    ack(
      this.stateTable,
      'AwsSolutions-DDB3',
      'The table holds idempotency and grouping records that expire within hours (TTL); nothing in it needs restoring.',
    );
    ack(
      this.routerFunction.role!,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      'AWSLambdaBasicExecutionRole only lets the function write its CloudWatch Logs.',
    );
    // cdk-nag spells unresolved parts as <AWS::...> and resolved ones literally.
    const { region, account } = Stack.of(this);
    const spell = (value: string, pseudo: string) => (Token.isUnresolved(value) ? `<AWS::${pseudo}>` : value);
    ack(
      this.routerFunction.role!,
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:cloudwatch:${spell(region, 'Region')}:${spell(account, 'AccountId')}:alarm:*]`,
      'The router reads the sre-kit tags (ListTagsForResource) and, for an SLO page, the long-window alarm (DescribeAlarms) of whichever alarm notifies it, in its own account and region.',
    );
    ack(
      this.routerFunction.role!,
      'AwsSolutions-IAM5[Resource::*]',
      'cloudwatch:GetMetricData (the SLO budget left over the period) has no resource-level permissions; it is the only action on *.',
    );
  }

  /** Called by `AlertTopics.connect`: one subscription per severity topic, undeliverable messages to the DLQ. */
  public bindToTopics(topics: AlertTopics): void {
    for (const topic of topics.topics) {
      topic.addSubscription(
        new subs.LambdaSubscription(this.routerFunction, { deadLetterQueue: this.deadLetterQueue }),
      );
    }
  }

  private resolveRouting(props: AlertRouterProps): AlertRouting {
    if (!props.routingFile)
      inputError(this, 'no routingFile given', props.routingFile, 'pass the AlertRouting spec file');
    // readSpecs throws with every diagnostic (file:line:col) when the spec has errors.
    const specs = readSpecs(this, [props.routingFile]);
    const routing = props.routingName ? specs.routings.find((r) => r.name === props.routingName) : specs.routings[0];
    if (!routing) {
      inputError(
        this,
        `no AlertRouting${props.routingName ? ` named ${props.routingName}` : ''} in the file`,
        props.routingFile,
        'add a kind: AlertRouting document',
      );
    }
    return routing;
  }

  private grantRouterPermissions(secretStatements: iam.PolicyStatement[], props: AlertRouterProps): void {
    const fn = this.routerFunction;
    // Only the calls the store makes (no Scan, no batch writes): least privilege over grantReadWriteData.
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:Query'],
        resources: [this.stateTable.tableArn],
      }),
    );
    for (const statement of secretStatements) fn.addToRolePolicy(statement);
    this.emailTopic?.grantPublish(fn);
    const alarmsOfThisAccount = Stack.of(this).formatArn({
      service: 'cloudwatch',
      resource: 'alarm',
      resourceName: '*',
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    const alarmReads = [
      ...(props.lookupAlarmTags !== false ? ['cloudwatch:ListTagsForResource'] : []),
      ...(props.readErrorBudget !== false ? ['cloudwatch:DescribeAlarms'] : []),
    ];
    if (alarmReads.length > 0)
      fn.addToRolePolicy(new iam.PolicyStatement({ actions: alarmReads, resources: [alarmsOfThisAccount] }));
    // GetMetricData has no resource-level permissions: `*` is the only resource it accepts.
    if (props.readErrorBudget !== false)
      fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['cloudwatch:GetMetricData'], resources: ['*'] }));
  }

  private createHealthAlarms(): void {
    const action = new cwActions.SnsAction(this.operatorTopic);
    const add = (id: string, metric: cloudwatch.IMetric, description: string, check = id.replace(/Alarm$/, '')) => {
      // No severity: the router must not route its own health alarms (they email the operators directly);
      // family, resource and check still say what they are wherever their notification is read.
      const meta = {
        family: 'alert-router',
        resource: this.routingName,
        catalogueId: `alert-router.${check.toLowerCase()}`,
      };
      const alarm = new cloudwatch.Alarm(this, id, {
        metric,
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        // No invocations means no errors, not a problem.
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: alarmDescriptionFor(this, undefined, description, meta),
      });
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
      tagAlarm(alarm, meta);
      this.alarms.push(alarm);
    };
    add(
      'ErrorsAlarm',
      this.routerFunction.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
      'The alert router failed at least once: some notification may be undelivered (see its logs; Lambda retries twice).',
    );
    add(
      'ThrottlesAlarm',
      this.routerFunction.metricThrottles({ period: Duration.minutes(5), statistic: 'Sum' }),
      'The alert router is throttled: notifications are delayed (raise concurrency or check the account limit).',
    );
    add(
      'DeadLettersAlarm',
      this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: 'Maximum',
      }),
      'Alarm notifications reached the dead-letter queue: they were NOT delivered. Inspect the queue, fix, then redrive or replay them with `sre alerts replay`.',
    );
  }
}
