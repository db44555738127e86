import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeTasksCommand, ECSClient, RunTaskCommand, type Task } from '@aws-sdk/client-ecs';

/**
 * The migration custom resource's properties, as CloudFormation passes them (strings and string
 * lists only). Every one is in the template, so a new image (a new task definition revision)
 * changes TaskDefinition and CloudFormation sends an Update: each deploy of new code migrates.
 */
export interface MigrationProperties {
  readonly Cluster: string;
  readonly TaskDefinition: string;
  readonly ContainerName: string;
  readonly Command: string[];
  readonly Subnets: string[];
  readonly SecurityGroups: string[];
  /** Where the container's awslogs driver writes: named in failure messages. */
  readonly LogGroup: string;
  readonly LogStreamPrefix: string;
}

/** The parts of a Provider framework event this handler reads. */
export interface MigrationEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly StackId: string;
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: MigrationProperties;
  /** isComplete only: what onEvent returned. */
  readonly Data?: { readonly TaskArn?: string };
}

export interface OnEventResult {
  readonly PhysicalResourceId: string;
  readonly Data?: { readonly TaskArn: string };
}

export interface IsCompleteResult {
  readonly IsComplete: boolean;
}

/** RunTask's startedBy: lets an operator list the migration tasks of a cluster. */
export const STARTED_BY = 'goodgreets-migrations';

// Created on first use: the Lambda reuses them across invocations; tests mock the client classes.
let ecsClient: ECSClient | undefined;
let cloudFormationClient: CloudFormationClient | undefined;
const ecs = () => (ecsClient ??= new ECSClient({}));
const cloudFormation = () => (cloudFormationClient ??= new CloudFormationClient({}));

/**
 * Create and Update start the migration task and return its ARN (the physical id and Data.TaskArn);
 * isComplete then waits for it. Delete starts nothing: migrations are never undone by a stack.
 */
export async function onEvent(event: MigrationEvent): Promise<OnEventResult> {
  if (event.RequestType === 'Delete') return { PhysicalResourceId: requirePhysicalId(event) };
  if (event.RequestType === 'Update' && (await isRollingBack(event.StackId))) {
    // A rollback sends the previous task definition: its older code would find migrations it does
    // not know in the database and fail, leaving the stack UPDATE_ROLLBACK_FAILED. Schemas only move
    // forward, so there is nothing to run; the previous API tasks come back on the current schema.
    console.log(JSON.stringify({ msg: 'rollback: migrations not run', stackId: event.StackId }));
    return { PhysicalResourceId: requirePhysicalId(event) };
  }
  const taskArn = await runMigrationTask(event.ResourceProperties);
  console.log(JSON.stringify({ msg: 'migration task started', taskArn }));
  return { PhysicalResourceId: taskArn, Data: { TaskArn: taskArn } };
}

/**
 * Complete once the migration task stopped with its container's exit code 0; throws (failing the
 * deploy, which rolls back) when it stopped any other way, naming the task and where its logs are.
 */
export async function isComplete(event: MigrationEvent): Promise<IsCompleteResult> {
  const taskArn = event.Data?.TaskArn;
  if (!taskArn) return { IsComplete: true }; // Delete, or a rollback: nothing was started
  const props = event.ResourceProperties;
  const described = await ecs().send(new DescribeTasksCommand({ cluster: props.Cluster, tasks: [taskArn] }));
  const task = described.tasks?.find((t) => t.taskArn === taskArn);
  if (!task) {
    const reason = described.failures?.map((f) => f.reason ?? 'unknown').join(', ') || 'not returned';
    throw new Error(`Migration task ${taskArn} not found in cluster ${props.Cluster} (${reason}). ${where(props)}`);
  }
  if (task.lastStatus !== 'STOPPED') return { IsComplete: false };
  const container = task.containers?.find((c) => c.name === props.ContainerName);
  if (container?.exitCode === 0) {
    console.log(JSON.stringify({ msg: 'migrations succeeded', taskArn }));
    return { IsComplete: true };
  }
  throw new Error(failureMessage(task, taskArn, props));
}

async function runMigrationTask(props: MigrationProperties): Promise<string> {
  const result = await ecs().send(
    new RunTaskCommand({
      cluster: props.Cluster,
      taskDefinition: props.TaskDefinition,
      launchType: 'FARGATE',
      count: 1,
      startedBy: STARTED_BY,
      networkConfiguration: {
        awsvpcConfiguration: {
          subnets: props.Subnets,
          securityGroups: props.SecurityGroups,
          assignPublicIp: 'DISABLED',
        },
      },
      overrides: { containerOverrides: [{ name: props.ContainerName, command: props.Command }] },
    }),
  );
  const taskArn = result.tasks?.[0]?.taskArn;
  if (!taskArn) {
    const reasons = result.failures?.map((f) => [f.arn, f.reason, f.detail].filter(Boolean).join(': ')).join('; ');
    throw new Error(
      `Could not start the migration task (${props.TaskDefinition} in cluster ${props.Cluster}): ${reasons || 'RunTask returned no task'}`,
    );
  }
  return taskArn;
}

function failureMessage(task: Task, taskArn: string, props: MigrationProperties): string {
  const container = task.containers?.find((c) => c.name === props.ContainerName);
  const exit = container?.exitCode === undefined ? 'no exit code' : `exit code ${container.exitCode}`;
  const reasons = [task.stoppedReason, container?.reason].filter(Boolean).join('; ') || 'no reason given';
  const stream = `${props.LogStreamPrefix}/${props.ContainerName}/${taskArn.split('/').pop()}`;
  return `Migration task ${taskArn} failed: ${exit} (${reasons}). ${where(props, stream)}`;
}

function where(props: MigrationProperties, stream?: string): string {
  return `Logs: CloudWatch log group ${props.LogGroup}${stream ? `, stream ${stream}` : ''}.`;
}

async function isRollingBack(stackId: string): Promise<boolean> {
  const { Stacks } = await cloudFormation().send(new DescribeStacksCommand({ StackName: stackId }));
  return Stacks?.[0]?.StackStatus === 'UPDATE_ROLLBACK_IN_PROGRESS';
}

function requirePhysicalId(event: MigrationEvent): string {
  if (!event.PhysicalResourceId) throw new Error(`${event.RequestType} without a PhysicalResourceId`);
  return event.PhysicalResourceId;
}
