/**
 * The application monitor-shop.ts monitors: what a typical CDK app already
 * has (a VPC with a NAT gateway, a Lambda function, a Fargate service behind
 * an ALB with a WAF, a bucket and a MySQL instance). Not part of the example;
 * it ships with it so that the example synthesizes as written.
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';

export interface ShopResources {
  readonly vpc: ec2.Vpc;
  readonly apiFunction: lambda.Function;
  readonly webService: ecs.FargateService;
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  readonly targetGroup: elbv2.ApplicationTargetGroup;
  readonly uploads: s3.Bucket;
  readonly database: rds.DatabaseInstance;
  readonly webAcl: wafv2.CfnWebACL;
}

export function shopResources(stack: Stack): ShopResources {
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
  const apiFunction = new lambda.Function(stack, 'Api', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200 });'),
    timeout: Duration.seconds(10),
  });
  const cluster = new ecs.Cluster(stack, 'Cluster', { vpc, containerInsightsV2: ecs.ContainerInsights.ENABLED });
  const task = new ecs.FargateTaskDefinition(stack, 'Task');
  task.addContainer('web', {
    image: ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:stable'),
    portMappings: [{ containerPort: 80 }],
  });
  const webService = new ecs.FargateService(stack, 'Web', { cluster, taskDefinition: task });
  const loadBalancer = new elbv2.ApplicationLoadBalancer(stack, 'Alb', { vpc, internetFacing: true });
  const listener = loadBalancer.addListener('Http', { port: 80 });
  const targetGroup = listener.addTargets('Web', { port: 80, targets: [webService] });
  const uploads = new s3.Bucket(stack, 'Uploads', { enforceSSL: true, removalPolicy: RemovalPolicy.RETAIN });
  const database = new rds.DatabaseInstance(stack, 'Db', {
    engine: rds.DatabaseInstanceEngine.mysql({ version: rds.MysqlEngineVersion.VER_8_0_46 }),
    storageEncrypted: true,
    vpc,
    instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.MEDIUM),
    allocatedStorage: 50,
  });
  const webAcl = new wafv2.CfnWebACL(stack, 'Waf', {
    scope: 'REGIONAL',
    defaultAction: { allow: {} },
    visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: 'shop-waf', sampledRequestsEnabled: true },
  });
  new wafv2.CfnWebACLAssociation(stack, 'WafOnAlb', {
    resourceArn: loadBalancer.loadBalancerArn,
    webAclArn: webAcl.attrArn,
  });
  return { vpc, apiFunction, webService, loadBalancer, targetGroup, uploads, database, webAcl };
}
