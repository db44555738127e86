import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

interface Acknowledgement {
  /** Construct path below the stack, or '' for the whole stack. */
  readonly path: string;
  readonly ids: readonly string[];
  readonly reason: string;
}

const LAMBDA_LOGGING =
  'AWSLambdaBasicExecutionRole only lets the function write its own CloudWatch Logs; a hand-written copy would be the same policy';
const VPC_ACCESS = 'AWSLambdaVPCAccessExecutionRole is the minimal policy Lambda needs to attach ENIs in the VPC';
const PROVIDER_INVOKE =
  "lambda:InvokeFunction from CDK's Provider framework, on the named functions and their versions/aliases only";
/** The functions CDK's custom resource Provider framework adds when it has an isComplete handler. */
const PROVIDER_FRAMEWORK_FUNCTIONS = ['framework-onEvent', 'framework-isComplete', 'framework-onTimeout'];
const S3_GRANT =
  'Object-level actions from the CDK grant helpers, scoped to the images bucket (and a key prefix where the role needs only one)';

/**
 * Every cdk-nag AwsSolutions finding GoodGreets accepts, with the reason, keyed by stack and
 * construct path. A path that no longer exists throws, so a stale acknowledgement cannot hide
 * a new finding elsewhere; anything not listed fails synth (Validations plugin in app.ts).
 */
const ACKNOWLEDGED: Readonly<Record<string, readonly Acknowledgement[]>> = {
  'GoodGreets-Data': [
    {
      path: 'Database/Resource',
      ids: ['AwsSolutions-RDS11'],
      reason:
        'The instance sits in isolated subnets and admits only the RDS Proxy security group; a non-default port adds no protection there',
    },
    {
      path: 'Database/MonitoringRole/Resource',
      ids: [
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole]',
      ],
      reason: 'Enhanced Monitoring requires exactly this AWS managed role policy',
    },
  ],
  'GoodGreets-Storage': [
    {
      path: 'BucketNotificationsHandler050a0587b7544547bf325f094a3db834/Role/Resource',
      ids: ['AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]'],
      reason: `CDK's internal handler that turns on EventBridge notifications for the images bucket. ${LAMBDA_LOGGING}`,
    },
  ],
  'GoodGreets-Workers': [
    ...['Delivery', 'Thumbnailer', 'DeliveryDeadLetterConsumer', 'EmailEventsConsumer'].map((fn) => ({
      path: `${fn}/ServiceRole/Resource`,
      ids: [
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
      ],
      reason: `${LAMBDA_LOGGING}. ${VPC_ACCESS}`,
    })),
    {
      path: 'Delivery/ServiceRole/DefaultPolicy/Resource',
      ids: [
        'AwsSolutions-IAM5[Action::s3:GetBucket*]',
        'AwsSolutions-IAM5[Action::s3:GetObject*]',
        'AwsSolutions-IAM5[Action::s3:List*]',
        'AwsSolutions-IAM5[Resource::<Images2D38C313.Arn>/*]',
        'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:scheduler:us-east-1:<AWS::AccountId>:schedule/goodgreets-deliveries/*]',
      ],
      reason: `${S3_GRANT}: delivery reads the card's display image to attach it. It moves the schedule of an empty card a day (create or update only), and schedules are per card, so the ARN is a wildcard inside the GoodGreets schedule group only`,
    },
    {
      path: 'Thumbnailer/ServiceRole/DefaultPolicy/Resource',
      ids: [
        'AwsSolutions-IAM5[Action::s3:GetBucket*]',
        'AwsSolutions-IAM5[Action::s3:GetObject*]',
        'AwsSolutions-IAM5[Action::s3:List*]',
        'AwsSolutions-IAM5[Action::s3:Abort*]',
        'AwsSolutions-IAM5[Action::s3:DeleteObject*]',
        'AwsSolutions-IAM5[Resource::<Images2D38C313.Arn>/originals/*]',
        'AwsSolutions-IAM5[Resource::<Images2D38C313.Arn>/display/*]',
        'AwsSolutions-IAM5[Resource::<Images2D38C313.Arn>/thumbnails/*]',
      ],
      reason: `${S3_GRANT}: read (and delete refused) originals/, write display/ and thumbnails/`,
    },
    {
      path: 'SchedulerRole/DefaultPolicy/Resource',
      ids: ['AwsSolutions-IAM5[Resource::<Delivery5F6C039D.Arn>:*]'],
      reason: 'grantInvoke covers the delivery function and its versions/aliases only',
    },
    {
      path: 'ThumbnailDeadLetters/Resource',
      ids: ['AwsSolutions-SQS3'],
      reason:
        'This queue is itself the dead-letter queue of failed thumbnail events (kept 14 days for inspection and redrive); a queue behind it would only move the problem',
    },
    {
      path: 'DeliveryParking/Resource',
      ids: ['AwsSolutions-SQS3'],
      reason:
        'The last stop for delivery dead letters the consumer could not handle; nothing reads it automatically, so it has no queue behind it',
    },
    {
      path: 'EmailEventDeadLetters/Resource',
      ids: ['AwsSolutions-SQS3'],
      reason:
        'This queue is itself the dead-letter queue of the EmailEvents subscription and of its consumer (kept 14 days for inspection and redrive); a queue behind it would only move the problem',
    },
  ],
  'GoodGreets-Api': [
    {
      path: 'Task/Resource',
      ids: ['AwsSolutions-ECS2'],
      reason:
        'The plain environment holds only names and endpoints; credentials come from Secrets Manager through `secrets`',
    },
    {
      path: 'Task/ExecutionRole/DefaultPolicy/Resource',
      ids: ['AwsSolutions-IAM5[Resource::*]'],
      reason:
        'ecr:GetAuthorizationToken has no resource-level permissions; every other action of this policy names its repository, log group or secret',
    },
    {
      path: 'Task/TaskRole/DefaultPolicy/Resource',
      ids: [
        'AwsSolutions-IAM5[Action::s3:Abort*]',
        'AwsSolutions-IAM5[Resource::<Images2D38C313.Arn>/originals/*]',
        'AwsSolutions-IAM5[Resource::<Images2D38C313.Arn>/display/*]',
        'AwsSolutions-IAM5[Resource::<Images2D38C313.Arn>/thumbnails/*]',
        'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:scheduler:us-east-1:<AWS::AccountId>:schedule/goodgreets-deliveries/*]',
      ],
      reason: `${S3_GRANT}: the API only writes: uploads under originals/, the stock designs' images under display/ and thumbnails/ on start (s3:Abort* ends its own multipart puts). Schedules are created per card, so the ARN is a wildcard inside the GoodGreets schedule group only`,
    },
    {
      path: 'CloudFrontPrefixList/CustomResourcePolicy/Resource',
      ids: ['AwsSolutions-IAM5[Resource::*]'],
      reason: 'ec2:DescribeManagedPrefixLists has no resource-level permissions; it is the only action granted',
    },
    {
      path: 'AWS679f53fac002430cb0da5b7982bd2287/ServiceRole/Resource',
      ids: ['AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]'],
      reason: `CDK's AwsCustomResource provider (prefix-list lookup). ${LAMBDA_LOGGING}`,
    },
    ...['OnEvent', 'IsComplete', ...PROVIDER_FRAMEWORK_FUNCTIONS.map((fn) => `Provider/${fn}`)].map((fn) => ({
      path: `Migrations/${fn}/ServiceRole/Resource`,
      ids: ['AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]'],
      reason: `The migration custom resource's handlers and CDK's Provider framework functions. ${LAMBDA_LOGGING}`,
    })),
    {
      path: 'Migrations/OnEvent/ServiceRole/DefaultPolicy/Resource',
      ids: [
        'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ecs:us-east-1:<AWS::AccountId>:task-definition/GoodGreetsApiTask897401BB:*]',
      ],
      reason:
        'ecs:RunTask on the revisions of the API task definition family only (each deploy makes a new revision, which a revision-exact policy might not yet allow when it runs), and only in the GoodGreets cluster (ecs:cluster condition)',
    },
    {
      path: 'Migrations/IsComplete/ServiceRole/DefaultPolicy/Resource',
      ids: [
        'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ecs:us-east-1:<AWS::AccountId>:task/<ClusterEB0386A7>/*]',
      ],
      reason:
        'ecs:DescribeTasks on the tasks of the GoodGreets cluster only: the migration task ARN is known only once the task runs',
    },
    ...PROVIDER_FRAMEWORK_FUNCTIONS.map((fn) => ({
      path: `Migrations/Provider/${fn}/ServiceRole/DefaultPolicy/Resource`,
      ids: [
        'AwsSolutions-IAM5[Resource::<MigrationsOnEvent30AB2ED3.Arn>:*]',
        'AwsSolutions-IAM5[Resource::<MigrationsIsCompleteBAAE91E5.Arn>:*]',
      ],
      reason: `${PROVIDER_INVOKE}: the migration handlers`,
    })),
    {
      path: 'Migrations/Provider/waiter-state-machine/Role/DefaultPolicy/Resource',
      ids: [
        'AwsSolutions-IAM5[Resource::<MigrationsProviderframeworkisComplete2F81BAE0.Arn>:*]',
        'AwsSolutions-IAM5[Resource::<MigrationsProviderframeworkonTimeout4B1563F2.Arn>:*]',
      ],
      reason: `${PROVIDER_INVOKE}: the framework's isComplete and onTimeout functions`,
    },
    {
      path: 'Migrations/Provider/waiter-state-machine/Resource',
      ids: ['AwsSolutions-SF1', 'AwsSolutions-SF2'],
      reason:
        'CDK\'s Provider framework waiter only polls the migration task every 15 s: its execution history records each poll, the handlers log to CloudWatch, and a failure reaches the CloudFormation events. CloudWatch logging of the state machine would need logs:* on "*", and X-Ray would trace nothing of interest',
    },
    {
      path: 'OriginSecret/Resource',
      ids: ['AwsSolutions-SMG4'],
      reason:
        'CloudFront reads this value only at deploy time; rotating it outside a deploy would cut CloudFront off the ALB. Rotate by redeploying after changing it',
    },
    {
      path: 'CaptchaProofSecret/Resource',
      ids: ['AwsSolutions-SMG4'],
      reason:
        'The WAF rule and the API tasks read this value only at deploy time; rotating it outside a deploy would make the API refuse every upload until both are redeployed. Rotate by redeploying after changing it',
    },
    {
      path: 'ModeratorToken/Resource',
      ids: ['AwsSolutions-SMG4'],
      reason:
        'A bearer token people paste into their moderation client; the API tasks read it at start, so a rotation takes effect with the next deploy. Rotate by changing it and redeploying',
    },
  ],
  'GoodGreets-Edge': [
    {
      path: 'Distribution/Resource',
      ids: ['AwsSolutions-CFR1'],
      reason: 'Cards are sent worldwide; there is no country to block',
    },
  ],
};

/**
 * Findings that exist only in a goodgreets:insecureDevelopment deployment, acknowledged only
 * there: with the certificates readConfig requires otherwise, CloudFront serves TLSv1.2_2021 with
 * the site's certificate and reaches the ALB over HTTPS (TLS 1.2), so neither rule fires.
 */
const INSECURE_DEVELOPMENT_ONLY: Readonly<Record<string, readonly Acknowledgement[]>> = {
  'GoodGreets-Edge': [
    {
      path: 'Distribution/Resource',
      ids: ['AwsSolutions-CFR4', 'AwsSolutions-CFR5'],
      reason:
        'goodgreets:insecureDevelopment=true, a development deployment without certificates: CloudFront serves its default certificate (TLSv1 allowed for viewers) and reaches the ALB over plain HTTP. Never for real users',
    },
  ],
};

/**
 * cdk-nag names a cross-stack resource by its token while the tree is checked in memory and by
 * its export once synthesized; an acknowledgement must cover both spellings of the same ARN.
 */
const CROSS_STACK_SPELLINGS: readonly [string, string][] = [
  ['<Images2D38C313.Arn>', 'GoodGreets-Storage:ExportsOutputFnGetAttImages2D38C313Arn6C6DDC6E'],
];

export function acknowledgeFindings(stack: Stack, options: { insecureDevelopment: boolean }): void {
  const acks = [
    ...(ACKNOWLEDGED[stack.stackName] ?? []),
    ...(options.insecureDevelopment ? (INSECURE_DEVELOPMENT_ONLY[stack.stackName] ?? []) : []),
  ];
  for (const ack of acks) {
    const target: IConstruct = ack.path === '' ? stack : findPath(stack, ack.path);
    const ids = ack.ids.flatMap((id) => [
      id,
      ...CROSS_STACK_SPELLINGS.filter(([token]) => id.includes(token)).map(([token, exported]) =>
        id.replace(token, exported),
      ),
    ]);
    for (const id of ids) Validations.of(target).acknowledge({ id, reason: ack.reason });
  }
}

function findPath(stack: Stack, path: string): IConstruct {
  let node: IConstruct = stack;
  for (const part of path.split('/')) {
    const child = node.node.tryFindChild(part);
    if (!child)
      throw new Error(
        `cdk-nag acknowledgement for ${stack.stackName}/${path}: no construct '${part}' (remove or fix the stale entry in nag.ts)`,
      );
    node = child;
  }
  return node;
}
