import { Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { GoodGreetsConfig } from '../config';
import { MetricsContract } from '@sre-kit/cdk';
import { lambdaCode } from '../lambda-bundle';
import { contract, LAMBDA_METRICS } from '../published-metrics';
import { allowDatabaseFrom } from './data';

/**
 * How DeliveryDeadLetters retries its consumer: six times the consumer's timeout, as Lambda advises for
 * SQS sources (a message in flight is not handed out twice), and the receives before a record parks.
 */
export const DELIVERY_DEAD_LETTER_RETRIES = { visibilityTimeout: Duration.seconds(180), maxReceiveCount: 5 };

export interface WorkersStackProps extends StackProps {
  readonly config: GoodGreetsConfig;
  readonly vpc: ec2.IVpc;
  readonly proxy: rds.DatabaseProxy;
  readonly databaseSecret: secretsmanager.ISecret;
  readonly proxySecurityGroup: ec2.ISecurityGroup;
  readonly images: s3.IBucket;
}

/**
 * The asynchronous workers: card delivery (EventBridge Scheduler -> Lambda -> SES v2), what SES
 * reports afterwards (bounces and complaints -> EmailEvents topic -> Lambda, onto the card) and
 * thumbnails (S3 Object Created -> EventBridge -> Lambda with sharp). All read the database
 * through RDS Proxy and dead-letter what they cannot process.
 */
export class WorkersStack extends Stack {
  readonly deliveryFunction: lambda.Function;
  /** Marks the cards of dead-lettered deliveries failed (reads DeliveryDeadLetters). */
  readonly deadLetterFunction: lambda.Function;
  readonly thumbnailFunction: lambda.Function;
  readonly scheduleGroup: scheduler.CfnScheduleGroup;
  readonly schedulerRole: iam.Role;
  /**
   * How to send as the site: the address, the configuration set (bounces reach the topic) and the
   * ARNs `ses:SendEmail` is granted on. The delivery Lambda and the API (the owner's manage link) use it.
   */
  readonly mail: { from: string; configurationSetName: string; sendResources: string[] };
  readonly deliveryDeadLetters: sqs.Queue;
  /** Dead letters the consumer could not handle after maxReceiveCount tries: inspected by an operator. */
  readonly deliveryParking: sqs.Queue;
  readonly thumbnailDeadLetters: sqs.Queue;
  readonly emailEvents: sns.Topic;
  /** Records SES bounces, complaints and rejections on the cards whose emails they concern. */
  readonly emailEventsFunction: lambda.Function;
  /** SES events neither SNS nor the consumer could deliver or handle: inspected by an operator. */
  readonly emailEventDeadLetters: sqs.Queue;

  constructor(scope: Construct, id: string, props: WorkersStackProps) {
    super(scope, id, props);
    const { config } = props;
    const encryptedQueue = (name: string, more: Partial<sqs.QueueProps> = {}) =>
      new sqs.Queue(this, name, {
        retentionPeriod: Duration.days(14),
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        ...more,
      });
    this.deliveryParking = encryptedQueue('DeliveryParking');
    // A record the consumer keeps failing moves to the parking queue.
    const { visibilityTimeout, maxReceiveCount } = DELIVERY_DEAD_LETTER_RETRIES;
    this.deliveryDeadLetters = encryptedQueue('DeliveryDeadLetters', {
      visibilityTimeout,
      deadLetterQueue: { queue: this.deliveryParking, maxReceiveCount },
    });
    this.thumbnailDeadLetters = encryptedQueue('ThumbnailDeadLetters');
    this.emailEventDeadLetters = encryptedQueue('EmailEventDeadLetters');

    const databaseEnv = {
      DB_HOST: props.proxy.endpoint,
      DB_NAME: 'goodgreets',
      DB_TLS: 'true',
      DB_SECRET_ARN: props.databaseSecret.secretArn,
      S3_BUCKET: props.images.bucketName,
      PUBLIC_BASE_URL: `https://${config.siteDomain}`,
    };
    const functionSecurityGroup = new ec2.SecurityGroup(this, 'FunctionSecurityGroup', {
      vpc: props.vpc,
      description: 'GoodGreets delivery and thumbnailer functions',
    });
    allowDatabaseFrom(this, props.proxySecurityGroup, functionSecurityGroup);
    const inVpc = {
      vpc: props.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [functionSecurityGroup],
    };

    // Delivery: SES identity and a configuration set whose bounces and complaints reach a topic.
    this.emailEvents = new sns.Topic(this, 'EmailEvents', {
      enforceSSL: true,
      displayName: 'GoodGreets bounces and complaints',
    });
    const identity = new ses.EmailIdentity(this, 'MailIdentity', { identity: ses.Identity.domain(config.mailDomain) });
    const configurationSet = new ses.ConfigurationSet(this, 'MailConfiguration', {
      reputationMetrics: true,
      sendingEnabled: true,
      tlsPolicy: ses.ConfigurationSetTlsPolicy.REQUIRE,
    });
    configurationSet.addEventDestination('BouncesAndComplaints', {
      destination: ses.EventDestination.snsTopic(this.emailEvents),
      events: [ses.EmailSendingEvent.BOUNCE, ses.EmailSendingEvent.COMPLAINT, ses.EmailSendingEvent.REJECT],
    });

    this.mail = {
      from: `cards@${config.mailDomain}`,
      configurationSetName: configurationSet.configurationSetName,
      sendResources: [
        this.formatArn({ service: 'ses', resource: 'identity', resourceName: identity.emailIdentityName }),
        this.formatArn({
          service: 'ses',
          resource: 'configuration-set',
          resourceName: configurationSet.configurationSetName,
        }),
      ],
    };
    this.deliveryFunction = new lambda.Function(this, 'Delivery', {
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.X86_64,
      handler: 'index.handler',
      code: lambdaCode('delivery'),
      memorySize: 512,
      timeout: Duration.seconds(30),
      // Scheduler invokes asynchronously: after Lambda's own retries a failed delivery lands here, not nowhere.
      retryAttempts: 2,
      onFailure: new destinations.SqsDestination(this.deliveryDeadLetters),
      logGroup: new logs.LogGroup(this, 'DeliveryLogs', { retention: logs.RetentionDays.ONE_MONTH }),
      environment: {
        ...databaseEnv,
        MAIL_FROM: this.mail.from,
        SES_CONFIGURATION_SET: this.mail.configurationSetName,
      },
      ...inVpc,
    });
    props.databaseSecret.grantRead(this.deliveryFunction);
    MetricsContract.declare(this.deliveryFunction, contract(LAMBDA_METRICS.delivery));
    props.images.grantRead(this.deliveryFunction);
    this.deliveryFunction.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['ses:SendEmail'],
        resources: this.mail.sendResources,
      }),
    );

    this.scheduleGroup = new scheduler.CfnScheduleGroup(this, 'ScheduleGroup', {
      name: `${config.appName}-deliveries`,
    });
    this.schedulerRole = new iam.Role(this, 'SchedulerRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
      description: 'Assumed by EventBridge Scheduler to invoke GoodGreets delivery',
    });
    this.deliveryFunction.grantInvoke(this.schedulerRole);
    this.deliveryDeadLetters.grantSendMessages(this.schedulerRole);
    // An empty card is not sent but moved a day (the owner emailed): delivery moves its own
    // schedule. The target is this function, whose ARN the handler learns from the invocation.
    this.deliveryFunction.addEnvironment('SCHEDULER', 'eventbridge');
    this.deliveryFunction.addEnvironment('SCHEDULER_GROUP', this.scheduleGroup.name!);
    this.deliveryFunction.addEnvironment('SCHEDULER_ROLE_ARN', this.schedulerRole.roleArn);
    this.deliveryFunction.addEnvironment('SCHEDULER_DLQ_ARN', this.deliveryDeadLetters.queueArn);
    this.deliveryFunction.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['scheduler:CreateSchedule', 'scheduler:UpdateSchedule'],
        resources: [
          this.formatArn({ service: 'scheduler', resource: 'schedule', resourceName: `${this.scheduleGroup.name}/*` }),
        ],
      }),
    );
    this.deliveryFunction.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['iam:PassRole'], resources: [this.schedulerRole.roleArn] }),
    );

    // A delivery that exhausted its retries (Lambda's or Scheduler's) marks its card failed, so the
    // owner sees it; records it cannot handle stay in the queue and finally park (never lost).
    this.deadLetterFunction = new lambda.Function(this, 'DeliveryDeadLetterConsumer', {
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.X86_64,
      handler: 'index.handler',
      code: lambdaCode('delivery-dead-letters'),
      memorySize: 256,
      timeout: Duration.seconds(30),
      logGroup: new logs.LogGroup(this, 'DeliveryDeadLetterLogs', { retention: logs.RetentionDays.ONE_MONTH }),
      environment: databaseEnv,
      ...inVpc,
    });
    props.databaseSecret.grantRead(this.deadLetterFunction);
    // The event source grants exactly receive, delete and change-visibility on this one queue.
    this.deadLetterFunction.addEventSource(
      new sources.SqsEventSource(this.deliveryDeadLetters, {
        batchSize: 10,
        maxBatchingWindow: Duration.seconds(5),
        reportBatchItemFailures: true,
      }),
    );

    // SES events onto the cards: SNS invokes asynchronously, one notification per invocation. What SNS
    // cannot hand to the function (throttled, deleted) and what the function fails on after Lambda's
    // retries (unreadable, no card sent that email, database down) end in the same queue, never nowhere.
    this.emailEventsFunction = new lambda.Function(this, 'EmailEventsConsumer', {
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.X86_64,
      handler: 'index.handler',
      code: lambdaCode('email-events'),
      memorySize: 256,
      timeout: Duration.seconds(30),
      retryAttempts: 2,
      onFailure: new destinations.SqsDestination(this.emailEventDeadLetters),
      logGroup: new logs.LogGroup(this, 'EmailEventsLogs', { retention: logs.RetentionDays.ONE_MONTH }),
      environment: databaseEnv,
      ...inVpc,
    });
    // Least privilege: the database secret only (no mail, no objects); the proxy's security group does the rest.
    props.databaseSecret.grantRead(this.emailEventsFunction);
    MetricsContract.declare(this.emailEventsFunction, contract(LAMBDA_METRICS.emailEvents));
    this.emailEvents.addSubscription(
      new subscriptions.LambdaSubscription(this.emailEventsFunction, { deadLetterQueue: this.emailEventDeadLetters }),
    );

    // Thumbnails: only objects under originals/ start the thumbnailer; its own writes go elsewhere.
    this.thumbnailFunction = new lambda.Function(this, 'Thumbnailer', {
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.X86_64,
      handler: 'index.handler',
      code: lambdaCode('thumbnailer', ['sharp']),
      memorySize: 1536,
      timeout: Duration.seconds(60),
      retryAttempts: 2,
      onFailure: new destinations.SqsDestination(this.thumbnailDeadLetters),
      reservedConcurrentExecutions: 20,
      logGroup: new logs.LogGroup(this, 'ThumbnailerLogs', { retention: logs.RetentionDays.ONE_MONTH }),
      environment: databaseEnv,
      ...inVpc,
    });
    props.databaseSecret.grantRead(this.thumbnailFunction);
    MetricsContract.declare(this.thumbnailFunction, contract(LAMBDA_METRICS.thumbnailer));
    props.images.grantRead(this.thumbnailFunction, 'originals/*');
    // A refused upload's original is deleted, so nothing undecodable lingers in the bucket.
    props.images.grantDelete(this.thumbnailFunction, 'originals/*');
    props.images.grantPut(this.thumbnailFunction, 'display/*');
    props.images.grantPut(this.thumbnailFunction, 'thumbnails/*');
    new events.Rule(this, 'OriginalUploaded', {
      description: 'An original image landed: make its display and thumbnail versions',
      eventPattern: {
        source: ['aws.s3'],
        detailType: ['Object Created'],
        detail: { bucket: { name: [props.images.bucketName] }, object: { key: [{ prefix: 'originals/' }] } },
      },
      targets: [
        new targets.LambdaFunction(this.thumbnailFunction, {
          deadLetterQueue: this.thumbnailDeadLetters,
          retryAttempts: 4,
          maxEventAge: Duration.hours(2),
        }),
      ],
    });
  }
}
