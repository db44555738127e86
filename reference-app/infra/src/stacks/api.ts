import * as fs from 'node:fs';
import * as path from 'node:path';
import { CfnOutput, Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { MetricsContract } from '@sre-kit/cdk';
import type { GoodGreetsConfig } from '../config';
import { MigrationsOnDeploy } from '../migrations/migrations-on-deploy';
import {
  AGENT_EMF_ENDPOINT,
  API_AGENT_DIMENSIONS,
  API_AGENT_METRICS,
  API_AGENT_SELECTORS,
  API_ROUTE_METRICS,
  contract,
  ENVIRONMENT,
  METRICS_NAMESPACE,
} from '../published-metrics';
import { allowDatabaseFrom } from './data';

/** The monorepo root (the folder holding lerna.json), wherever this file was compiled to. */
export const REPO_ROOT = findRepoRoot(__dirname);

function findRepoRoot(start: string): string {
  for (let dir = start; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'lerna.json'))) return dir;
  }
  throw new Error(`GoodGreets infra: no lerna.json above ${start}; run it from the sre-kit repository`);
}

export interface ApiStackProps extends StackProps {
  readonly config: GoodGreetsConfig;
  readonly vpc: ec2.IVpc;
  readonly proxy: rds.DatabaseProxy;
  readonly databaseSecret: secretsmanager.ISecret;
  readonly proxySecurityGroup: ec2.ISecurityGroup;
  readonly images: s3.IBucket;
  readonly logBucket: s3.IBucket;
  /** Where the API creates one-time delivery schedules. */
  readonly delivery: {
    scheduleGroupName: string;
    targetFunctionArn: string;
    schedulerRoleArn: string;
    deadLetterQueueArn: string;
    /** The site's sender (WorkersStack.mail): the API emails a card's creator their manage link. */
    mail: { from: string; configurationSetName: string; sendResources: string[] };
  };
}

/**
 * The Express API on ECS Fargate behind an ALB that only CloudFront can reach: its security
 * group admits the CloudFront origin-facing prefix list (looked up at deploy time, not synth
 * time), and the listener forwards only requests carrying the origin secret header that the
 * distribution adds.
 */
export class ApiStack extends Stack {
  readonly service: ecs.FargateService;
  readonly cluster: ecs.Cluster;
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  readonly targetGroup: elbv2.ApplicationTargetGroup;
  readonly originSecret: secretsmanager.Secret;
  /** What the edge's WAF CAPTCHA rule inserts into requests that passed it; the API checks it (CAPTCHA_WAF_PROOF). */
  readonly captchaProofSecret: secretsmanager.Secret;
  /** Bearer token of the API's moderation endpoints (MODERATOR_TOKEN). */
  readonly moderatorToken: secretsmanager.Secret;
  readonly logGroup: logs.LogGroup;
  private readonly config: GoodGreetsConfig;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.config = config;

    this.cluster = new ecs.Cluster(this, 'Cluster', {
      vpc: props.vpc,
      containerInsightsV2: ecs.ContainerInsights.ENHANCED,
    });
    // The name is part of the dashboards' Logs Insights panels (alarms/dashboards.yaml).
    this.logGroup = new logs.LogGroup(this, 'ApiLogs', {
      logGroupName: API_LOG_GROUP,
      retention: logs.RetentionDays.ONE_MONTH,
    });

    // Like the origin secret: generated here, read by CloudFormation (dynamic reference) for the
    // WAF rule and by ECS for the task; neither is ever in a template or an environment file.
    this.captchaProofSecret = new secretsmanager.Secret(this, 'CaptchaProofSecret', {
      description:
        'Header value the WAF CAPTCHA rule inserts into requests that passed it; the API accepts uploads only with it',
      generateSecretString: { excludePunctuation: true, passwordLength: 48 },
    });
    this.moderatorToken = new secretsmanager.Secret(this, 'ModeratorToken', {
      description: 'Bearer token of the GoodGreets moderation endpoints (/api/v1/moderation/*)',
      generateSecretString: { excludePunctuation: true, passwordLength: 48 },
    });

    const taskDefinition = new ecs.FargateTaskDefinition(this, 'Task', {
      cpu: 512,
      memoryLimitMiB: 1024,
      runtimePlatform: {
        cpuArchitecture: ecs.CpuArchitecture.X86_64,
        operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
      },
    });
    const image = ecs.ContainerImage.fromAsset(REPO_ROOT, {
      file: 'reference-app/Dockerfile',
      exclude: ['**/node_modules', '**/dist', '**/cdk.out', '.git', 'data', '**/test-artifacts', '**/coverage'],
    });
    const container = taskDefinition.addContainer('api', {
      image,
      logging: ecs.LogDrivers.awsLogs({ streamPrefix: 'api', logGroup: this.logGroup }),
      portMappings: [{ containerPort: 8080 }],
      readonlyRootFilesystem: true,
      stopTimeout: Duration.seconds(30),
      environment: {
        NODE_ENV: 'production',
        PORT: '8080',
        DB_HOST: props.proxy.endpoint,
        DB_NAME: 'goodgreets',
        DB_TLS: 'true',
        OBJECT_STORE: 's3',
        S3_BUCKET: props.images.bucketName,
        SCHEDULER: 'eventbridge',
        SCHEDULER_GROUP: props.delivery.scheduleGroupName,
        SCHEDULER_TARGET_ARN: props.delivery.targetFunctionArn,
        SCHEDULER_ROLE_ARN: props.delivery.schedulerRoleArn,
        SCHEDULER_DLQ_ARN: props.delivery.deadLetterQueueArn,
        // Share links and image URLs point at the site domain CloudFront serves (/display/*, /thumbnails/*).
        PUBLIC_BASE_URL: `https://${config.siteDomain}`,
        MEDIA_BASE_URL: `https://${config.siteDomain}`,
        CAPTCHA: 'aws-waf',
        TRUST_PROXY: '2',
        MAILER: 'ses',
        MAIL_FROM: props.delivery.mail.from,
        SES_CONFIGURATION_SET: props.delivery.mail.configurationSetName,
        // Per-route RED to the agent sidecar (api/src/route-emf.ts), in the agent's log group and namespace.
        METRICS_ENVIRONMENT: ENVIRONMENT,
        METRICS_EMF_ENDPOINT: AGENT_EMF_ENDPOINT,
        METRICS_EMF_LOG_GROUP: METRICS_LOG_GROUP,
      },
      secrets: {
        DB_USER: ecs.Secret.fromSecretsManager(props.databaseSecret, 'username'),
        DB_PASSWORD: ecs.Secret.fromSecretsManager(props.databaseSecret, 'password'),
        CAPTCHA_WAF_PROOF: ecs.Secret.fromSecretsManager(this.captchaProofSecret),
        MODERATOR_TOKEN: ecs.Secret.fromSecretsManager(this.moderatorToken),
      },
      healthCheck: {
        command: [
          'CMD-SHELL',
          'node -e "fetch(\'http://127.0.0.1:8080/healthz\').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"',
        ],
        interval: Duration.seconds(30),
        startPeriod: Duration.seconds(30),
      },
    });
    // readonlyRootFilesystem: the app writes nothing locally on AWS except temp files.
    taskDefinition.addVolume({ name: 'tmp' });
    container.addMountPoints({ containerPath: '/tmp', sourceVolume: 'tmp', readOnly: false });
    this.addMetricsAgent(taskDefinition);
    // What the API's code does with the bucket on AWS, and nothing more: it stores uploads under
    // originals/ and, on start, the stock designs' images; it never reads or deletes objects (the
    // thumbnailer Lambda does).
    for (const prefix of API_WRITES) props.images.grantPut(taskDefinition.taskRole, `${prefix}/*`);
    taskDefinition.taskRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: [
          'scheduler:CreateSchedule',
          'scheduler:UpdateSchedule',
          'scheduler:DeleteSchedule',
          'scheduler:GetSchedule',
        ],
        resources: [
          Stack.of(this).formatArn({
            service: 'scheduler',
            resource: 'schedule',
            resourceName: `${props.delivery.scheduleGroupName}/*`,
          }),
        ],
      }),
    );
    taskDefinition.taskRole.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['iam:PassRole'], resources: [props.delivery.schedulerRoleArn] }),
    );
    // The creator's copy of the manage link, sent when a card is created.
    taskDefinition.taskRole.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['ses:SendEmail'], resources: props.delivery.mail.sendResources }),
    );

    const serviceSecurityGroup = new ec2.SecurityGroup(this, 'ServiceSecurityGroup', {
      vpc: props.vpc,
      description: 'GoodGreets API tasks',
    });
    this.service = new ecs.FargateService(this, 'Service', {
      cluster: this.cluster,
      taskDefinition,
      desiredCount: 2,
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      circuitBreaker: { rollback: true },
      securityGroups: [serviceSecurityGroup],
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      enableExecuteCommand: false,
    });
    allowDatabaseFrom(this, props.proxySecurityGroup, serviceSecurityGroup);
    const scaling = this.service.autoScaleTaskCount({ minCapacity: 2, maxCapacity: 8 });
    scaling.scaleOnCpuUtilization('Cpu', { targetUtilizationPercent: 60 });
    scaling.scaleOnMemoryUtilization('Memory', { targetUtilizationPercent: 70 });

    const albSecurityGroup = new ec2.SecurityGroup(this, 'AlbSecurityGroup', {
      vpc: props.vpc,
      description: 'GoodGreets ALB: CloudFront origin-facing addresses only',
      allowAllOutbound: false,
    });
    // HTTPS unless the explicit development flag is set (readConfig requires the certificate otherwise).
    const https = config.albCertificateArn !== undefined && !config.insecureDevelopment;
    albSecurityGroup.addIngressRule(
      ec2.Peer.prefixList(cloudFrontPrefixListId(this)),
      ec2.Port.tcp(https ? 443 : 80),
      'CloudFront origin-facing',
    );
    albSecurityGroup.addEgressRule(serviceSecurityGroup, ec2.Port.tcp(8080), 'API tasks');
    serviceSecurityGroup.addIngressRule(albSecurityGroup, ec2.Port.tcp(8080), 'ALB');

    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'Alb', {
      vpc: props.vpc,
      internetFacing: true,
      securityGroup: albSecurityGroup,
      dropInvalidHeaderFields: true,
      // Like the database: deleting the stack (or a replacement) must not silently take the site down.
      deletionProtection: true,
    });
    this.loadBalancer.logAccessLogs(props.logBucket, 'alb');
    // Where the goodgreets:albDomain DNS record (CNAME) must point: CloudFront connects by that name.
    new CfnOutput(this, 'AlbDnsName', {
      value: this.loadBalancer.loadBalancerDnsName,
      description: 'Point the goodgreets:albDomain record (CNAME) here',
    });

    this.originSecret = new secretsmanager.Secret(this, 'OriginSecret', {
      description: 'Header value CloudFront adds so that the ALB serves only CloudFront',
      generateSecretString: { excludePunctuation: true, passwordLength: 48 },
    });
    const listener = this.loadBalancer.addListener('Listener', {
      port: https ? 443 : 80,
      protocol: https ? elbv2.ApplicationProtocol.HTTPS : elbv2.ApplicationProtocol.HTTP,
      certificates: https ? [elbv2.ListenerCertificate.fromArn(config.albCertificateArn!)] : undefined,
      // TLS 1.3 and 1.2 only, forward-secret ciphers (ELBSecurityPolicy-TLS13-1-2-2021-06).
      sslPolicy: https ? elbv2.SslPolicy.RECOMMENDED_TLS : undefined,
      open: false,
      defaultAction: elbv2.ListenerAction.fixedResponse(403, {
        contentType: 'application/json',
        messageBody: '{"error":{"code":"forbidden","message":"direct access is not allowed"}}',
      }),
    });
    this.targetGroup = new elbv2.ApplicationTargetGroup(this, 'Targets', {
      vpc: props.vpc,
      port: 8080,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targets: [this.service],
      deregistrationDelay: Duration.seconds(30),
      healthCheck: {
        path: '/readyz',
        healthyHttpCodes: '200',
        interval: Duration.seconds(15),
        healthyThresholdCount: 2,
        unhealthyThresholdCount: 3,
      },
    });
    listener.addAction('FromCloudFront', {
      priority: 10,
      conditions: [elbv2.ListenerCondition.httpHeader(ORIGIN_HEADER, [this.originSecret.secretValue.unsafeUnwrap()])],
      action: elbv2.ListenerAction.forward([this.targetGroup]),
    });

    this.runMigrationsOnDeploy(taskDefinition, container, serviceSecurityGroup, props);
  }

  /**
   * CloudWatch agent sidecar: scrapes the API's Prometheus /metrics over the task's shared
   * network namespace and writes them as embedded-metric-format logs, which CloudWatch turns into
   * metrics in namespace GoodGreets under their Prometheus names (what the dashboards and the
   * business SLOs read), without the API knowing about CloudWatch.
   */
  private addMetricsAgent(taskDefinition: ecs.FargateTaskDefinition): void {
    const metricsLogGroup = new logs.LogGroup(this, 'ApiMetrics', {
      logGroupName: METRICS_LOG_GROUP,
      retention: logs.RetentionDays.ONE_WEEK,
    });
    const agentConfig = {
      agent: { region: this.region },
      logs: {
        metrics_collected: {
          prometheus: {
            // The literal name, not the Ref: the agent config is plain JSON text; the dependency below orders creation.
            log_group_name: METRICS_LOG_GROUP,
            prometheus_config_path: 'env:PROMETHEUS_CONFIG_CONTENT',
            emf_processor: {
              metric_namespace: METRICS_NAMESPACE,
              metric_declaration: [
                {
                  source_labels: ['job'],
                  label_matcher: '^goodgreets-api$',
                  dimensions: API_AGENT_DIMENSIONS,
                  metric_selectors: API_AGENT_SELECTORS,
                },
              ],
            },
          },
          // The EMF listener (TCP and UDP 25888): the API's per-route request counts and latencies, whose
          // histogram the Prometheus scrape above would drop.
          emf: {},
        },
        force_flush_interval: 60,
      },
    };
    const scrapeConfig = [
      'global:',
      '  scrape_interval: 60s',
      '  scrape_timeout: 10s',
      'scrape_configs:',
      '  - job_name: goodgreets-api',
      '    static_configs:',
      "      - targets: ['localhost:8080']",
      '        labels:',
      `          Environment: ${ENVIRONMENT}`,
    ].join('\n');
    taskDefinition.addContainer('metrics-agent', {
      image: ecs.ContainerImage.fromRegistry(this.config.cloudWatchAgentImage),
      essential: false,
      memoryReservationMiB: 64,
      readonlyRootFilesystem: false,
      logging: ecs.LogDrivers.awsLogs({ streamPrefix: 'metrics-agent', logGroup: this.logGroup }),
      // toJsonString keeps the region and log group tokens valid inside the JSON text.
      environment: { CW_CONFIG_CONTENT: this.toJsonString(agentConfig), PROMETHEUS_CONFIG_CONTENT: scrapeConfig },
    });
    // The agent publishes in the task's name: sre verify checks GoodGreets alarms against this contract.
    MetricsContract.declare(taskDefinition, contract([...API_AGENT_METRICS, ...API_ROUTE_METRICS]));
    taskDefinition.node.addDependency(metricsLogGroup);
    metricsLogGroup.grantWrite(taskDefinition.taskRole);
    taskDefinition.taskRole.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['logs:DescribeLogStreams'], resources: [metricsLogGroup.logGroupArn] }),
    );
  }

  /**
   * The migrations run as a one-off task before the service changes: the deploy waits for them and
   * fails (rolling back) when they fail, and new API tasks start only on a migrated schema. The API
   * still migrates when it starts, as a safety net for tasks started outside a deploy.
   */
  private runMigrationsOnDeploy(
    taskDefinition: ecs.FargateTaskDefinition,
    container: ecs.ContainerDefinition,
    securityGroup: ec2.ISecurityGroup,
    props: ApiStackProps,
  ): void {
    const migrations = new MigrationsOnDeploy(this, 'Migrations', {
      cluster: this.cluster,
      taskDefinition,
      container,
      command: ['node', 'reference-app/api/dist/migrate.js'],
      subnets: props.vpc.selectSubnets({ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }),
      securityGroup,
    });
    // The task reaches the database through the proxy only once this rule exists (allowDatabaseFrom).
    migrations.resource.node.addDependency(this.node.findChild('DatabaseIngress'));
    this.service.node.addDependency(migrations.resource);
  }
}

/** The image bucket prefixes the API task writes (uploads; stock designs seeded on start). */
export const API_WRITES = ['originals', 'display', 'thumbnails'] as const;

/** Log group of the API containers; dashboards query it by this name. */
export const API_LOG_GROUP = '/goodgreets/api';
const METRICS_LOG_GROUP = `${API_LOG_GROUP}-metrics`;

/** Header CloudFront adds to origin requests; the ALB forwards only requests carrying the secret. */
export const ORIGIN_HEADER = 'x-origin-verify';

/** The CloudFront origin-facing managed prefix list id, resolved at deploy time (no synth-time lookup). */
function cloudFrontPrefixListId(scope: Construct): string {
  const lookup = new cr.AwsCustomResource(scope, 'CloudFrontPrefixList', {
    onUpdate: {
      service: 'EC2',
      action: 'describeManagedPrefixLists',
      parameters: {
        Filters: [{ Name: 'prefix-list-name', Values: ['com.amazonaws.global.cloudfront.origin-facing'] }],
      },
      physicalResourceId: cr.PhysicalResourceId.of('cloudfront-origin-facing'),
      outputPaths: ['PrefixLists.0.PrefixListId'],
    },
    policy: cr.AwsCustomResourcePolicy.fromSdkCalls({ resources: cr.AwsCustomResourcePolicy.ANY_RESOURCE }),
    installLatestAwsSdk: false,
  });
  return lookup.getResponseField('PrefixLists.0.PrefixListId');
}
