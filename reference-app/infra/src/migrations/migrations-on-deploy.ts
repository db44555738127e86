import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CustomResource, Duration, Stack } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { buildSync } from 'esbuild';
import { Construct } from 'constructs';
import type { MigrationProperties } from './handler';

export interface MigrationsOnDeployProps {
  readonly cluster: ecs.ICluster;
  readonly taskDefinition: ecs.FargateTaskDefinition;
  /** The container that runs the command; its awslogs settings are where failures point. */
  readonly container: ecs.ContainerDefinition;
  readonly command: string[];
  readonly subnets: ec2.SelectedSubnets;
  readonly securityGroup: ec2.ISecurityGroup;
}

/** How long a deploy waits for the migrations before failing, and how often it looks. */
export const MIGRATION_WAIT = { queryInterval: Duration.seconds(15), totalTimeout: Duration.minutes(30) };

/**
 * Runs the migrations as a one-off Fargate task on every deploy that changes the task definition
 * (the image digest is part of it), and makes the deploy wait for it: a task that stops with a
 * non-zero exit code, or never starts, fails the custom resource, so CloudFormation rolls back.
 * Make the service depend on `resource` so that new API tasks start only on a migrated schema.
 */
export class MigrationsOnDeploy extends Construct {
  readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: MigrationsOnDeployProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const { cluster, taskDefinition, container } = props;
    const logOptions = container.logDriverConfig?.options ?? {};
    const logGroup = logOptions['awslogs-group'];
    const logStreamPrefix = logOptions['awslogs-stream-prefix'];
    if (!logGroup || !logStreamPrefix) {
      throw new Error(`${this.node.path}: container ${container.containerName} must log with awslogs and a prefix`);
    }

    const onEventHandler = this.handlerFunction('OnEvent', 'onEvent', Duration.minutes(1));
    // The family, not the revision: a policy naming each new revision may not have propagated
    // when the custom resource runs it; the cluster condition keeps the task in this cluster.
    onEventHandler.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['ecs:RunTask'],
        resources: [
          stack.formatArn({ service: 'ecs', resource: 'task-definition', resourceName: `${taskDefinition.family}:*` }),
        ],
        conditions: { ArnEquals: { 'ecs:cluster': cluster.clusterArn } },
      }),
    );
    onEventHandler.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['iam:PassRole'],
        resources: [taskDefinition.taskRole.roleArn, taskDefinition.obtainExecutionRole().roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
      }),
    );
    // To tell a rollback's Update (which must not run the previous code's migrations) from a deploy.
    onEventHandler.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['cloudformation:DescribeStacks'], resources: [stack.stackId] }),
    );

    const isCompleteHandler = this.handlerFunction('IsComplete', 'isComplete', Duration.seconds(30));
    isCompleteHandler.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['ecs:DescribeTasks'],
        resources: [stack.formatArn({ service: 'ecs', resource: 'task', resourceName: `${cluster.clusterName}/*` })],
        conditions: { ArnEquals: { 'ecs:cluster': cluster.clusterArn } },
      }),
    );

    const provider = new cr.Provider(this, 'Provider', {
      onEventHandler,
      isCompleteHandler,
      ...MIGRATION_WAIT,
      logGroup: new logs.LogGroup(this, 'ProviderLogs', { retention: logs.RetentionDays.ONE_MONTH }),
      // CloudWatch logging of the waiter needs logs:* on "*"; its execution history records every poll.
      disableWaiterStateMachineLogging: true,
    });

    const properties: MigrationProperties = {
      Cluster: cluster.clusterName,
      TaskDefinition: taskDefinition.taskDefinitionArn,
      ContainerName: container.containerName,
      Command: props.command,
      Subnets: props.subnets.subnetIds,
      SecurityGroups: [props.securityGroup.securityGroupId],
      LogGroup: logGroup,
      LogStreamPrefix: logStreamPrefix,
    };
    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::GoodGreetsMigrations',
      properties: { ...properties },
    });
    // Its roles' policies too: without them the task cannot pull the image, read the database secret or migrate.
    this.resource.node.addDependency(taskDefinition);
  }

  private handlerFunction(id: string, exportName: 'onEvent' | 'isComplete', timeout: Duration) {
    return new lambda.Function(this, id, {
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.X86_64,
      code: handlerCode(),
      handler: `index.${exportName}`,
      timeout,
      memorySize: 256,
      logGroup: new logs.LogGroup(this, `${id}Logs`, { retention: logs.RetentionDays.ONE_MONTH }),
    });
  }
}

let bundle: string | undefined;

/**
 * The handler bundled with esbuild at synth time (offline, no Docker), once per process. From
 * src/ under jest, from dist/ after `tsc -b`. The AWS SDK stays out: the Node.js runtime provides v3.
 */
function handlerCode(): lambda.Code {
  if (!bundle) {
    bundle = fs.mkdtempSync(path.join(os.tmpdir(), 'goodgreets-migrations-'));
    buildSync({
      entryPoints: [require.resolve('./handler')],
      outfile: path.join(bundle, 'index.js'),
      bundle: true,
      platform: 'node',
      target: 'node24',
      format: 'cjs',
      minify: true,
      external: ['@aws-sdk/*'],
      logLevel: 'silent',
    });
  }
  return lambda.Code.fromAsset(bundle);
}
