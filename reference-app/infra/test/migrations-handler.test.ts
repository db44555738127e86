import { CloudFormationClient, DescribeStacksCommand, type StackStatus } from '@aws-sdk/client-cloudformation';
import { DescribeTasksCommand, ECSClient, RunTaskCommand, type Task } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { isComplete, onEvent, type MigrationEvent, type MigrationProperties } from '../src/migrations/handler';

const ecs = mockClient(ECSClient);
const cloudFormation = mockClient(CloudFormationClient);

const TASK_ARN = 'arn:aws:ecs:us-east-1:123456789012:task/goodgreets-cluster/0123456789abcdef';
const STACK_ID = 'arn:aws:cloudformation:us-east-1:123456789012:stack/GoodGreets-Api/guid';
const PROPS: MigrationProperties = {
  Cluster: 'goodgreets-cluster',
  TaskDefinition: 'arn:aws:ecs:us-east-1:123456789012:task-definition/GoodGreetsApiTask:7',
  ContainerName: 'api',
  Command: ['node', 'reference-app/api/dist/migrate.js'],
  Subnets: ['subnet-a', 'subnet-b'],
  SecurityGroups: ['sg-api'],
  LogGroup: '/goodgreets/api',
  LogStreamPrefix: 'api',
};

function event(RequestType: MigrationEvent['RequestType'], more: Partial<MigrationEvent> = {}): MigrationEvent {
  return { RequestType, StackId: STACK_ID, ResourceProperties: PROPS, ...more };
}

function stackStatus(StackStatus: StackStatus): void {
  cloudFormation
    .on(DescribeStacksCommand, { StackName: STACK_ID })
    .resolves({ Stacks: [{ StackName: 'GoodGreets-Api', StackStatus, CreationTime: new Date() }] });
}

/** The isComplete request the Provider framework sends after onEvent started the task. */
const waiting = (type: 'Create' | 'Update' = 'Create') =>
  event(type, { PhysicalResourceId: TASK_ARN, Data: { TaskArn: TASK_ARN } });

function describes(task: Partial<Task>): void {
  ecs
    .on(DescribeTasksCommand, { cluster: PROPS.Cluster, tasks: [TASK_ARN] })
    .resolves({ tasks: [{ taskArn: TASK_ARN, ...task }], failures: [] });
}

const stopped = (apiExitCode: number | undefined, more: Partial<Task> = {}): Partial<Task> => ({
  lastStatus: 'STOPPED',
  containers: [
    { name: 'metrics-agent', exitCode: 0 },
    { name: 'api', exitCode: apiExitCode },
  ],
  ...more,
});

beforeEach(() => {
  ecs.reset();
  cloudFormation.reset();
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
});

afterEach(() => jest.restoreAllMocks());

describe('migration custom resource: onEvent', () => {
  beforeEach(() => {
    ecs.on(RunTaskCommand).resolves({ tasks: [{ taskArn: TASK_ARN }], failures: [] });
  });

  it('Create runs the migration command as one Fargate task in the private subnets, and returns its ARN', async () => {
    await expect(onEvent(event('Create'))).resolves.toEqual({
      PhysicalResourceId: TASK_ARN,
      Data: { TaskArn: TASK_ARN },
    });
    const calls = ecs.commandCalls(RunTaskCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0].args[0].input).toEqual({
      cluster: 'goodgreets-cluster',
      taskDefinition: PROPS.TaskDefinition,
      launchType: 'FARGATE',
      count: 1,
      startedBy: 'goodgreets-migrations',
      networkConfiguration: {
        awsvpcConfiguration: {
          subnets: ['subnet-a', 'subnet-b'],
          securityGroups: ['sg-api'],
          assignPublicIp: 'DISABLED',
        },
      },
      overrides: { containerOverrides: [{ name: 'api', command: ['node', 'reference-app/api/dist/migrate.js'] }] },
    });
    // A Create is never a rollback: no need to ask CloudFormation.
    expect(cloudFormation.commandCalls(DescribeStacksCommand)).toHaveLength(0);
  });

  it('Update (a new task definition revision) runs the new revision and returns the new task as the physical id', async () => {
    stackStatus('UPDATE_IN_PROGRESS');
    const update = event('Update', { PhysicalResourceId: 'arn:aws:ecs:us-east-1:123456789012:task/c/old' });
    await expect(onEvent(update)).resolves.toEqual({ PhysicalResourceId: TASK_ARN, Data: { TaskArn: TASK_ARN } });
    expect(ecs.commandCalls(RunTaskCommand)[0].args[0].input.taskDefinition).toBe(PROPS.TaskDefinition);
  });

  it("Update during a rollback runs nothing: the previous code's migrations would fail on the newer schema", async () => {
    stackStatus('UPDATE_ROLLBACK_IN_PROGRESS');
    const rollback = event('Update', { PhysicalResourceId: TASK_ARN });
    const result = await onEvent(rollback);
    expect(result).toEqual({ PhysicalResourceId: TASK_ARN });
    expect(ecs.commandCalls(RunTaskCommand)).toHaveLength(0);
    await expect(isComplete({ ...rollback, ...result })).resolves.toEqual({ IsComplete: true });
    expect(ecs.commandCalls(DescribeTasksCommand)).toHaveLength(0);
  });

  it('Delete runs nothing and keeps the physical id; isComplete has nothing to wait for', async () => {
    const del = event('Delete', { PhysicalResourceId: TASK_ARN });
    await expect(onEvent(del)).resolves.toEqual({ PhysicalResourceId: TASK_ARN });
    await expect(isComplete(del)).resolves.toEqual({ IsComplete: true });
    expect(ecs.calls()).toHaveLength(0);
    expect(cloudFormation.calls()).toHaveLength(0);
  });

  it('fails the deploy when ECS cannot start the task, with its reason', async () => {
    ecs.on(RunTaskCommand).resolves({ tasks: [], failures: [{ arn: 'subnet-a', reason: 'RESOURCE:ENI' }] });
    await expect(onEvent(event('Create'))).rejects.toThrow(
      /Could not start the migration task .*subnet-a: RESOURCE:ENI/,
    );
  });
});

describe('migration custom resource: isComplete', () => {
  it.each(['PROVISIONING', 'PENDING', 'RUNNING', 'DEPROVISIONING'])(
    'is not complete while the task is %s',
    async (s) => {
      describes({ lastStatus: s, containers: [{ name: 'api' }] });
      await expect(isComplete(waiting())).resolves.toEqual({ IsComplete: false });
    },
  );

  it('is complete when the task stopped with the migration container exiting 0', async () => {
    describes(stopped(0, { stoppedReason: 'Essential container in task exited' }));
    await expect(isComplete(waiting('Update'))).resolves.toEqual({ IsComplete: true });
  });

  it('fails with the task, exit code, reason and log stream when the migration exits non-zero', async () => {
    describes(stopped(1, { stoppedReason: 'Essential container in task exited' }));
    const error = await isComplete(waiting()).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe(
      `Migration task ${TASK_ARN} failed: exit code 1 (Essential container in task exited). ` +
        'Logs: CloudWatch log group /goodgreets/api, stream api/api/0123456789abcdef.',
    );
  });

  it('fails with the stop reason when the container never ran (no exit code)', async () => {
    describes(
      stopped(undefined, {
        stoppedReason: 'CannotPullContainerError: pull image manifest has been retried 5 time(s)',
        containers: [{ name: 'api', reason: 'CannotPullContainerError: ref not found' }],
      }),
    );
    await expect(isComplete(waiting())).rejects.toThrow(
      `Migration task ${TASK_ARN} failed: no exit code (CannotPullContainerError: pull image manifest has been retried 5 time(s); CannotPullContainerError: ref not found)`,
    );
  });

  it('judges the migration container, not the sidecar', async () => {
    describes({
      lastStatus: 'STOPPED',
      containers: [
        { name: 'metrics-agent', exitCode: 0 },
        { name: 'api', exitCode: 2 },
      ],
    });
    await expect(isComplete(waiting())).rejects.toThrow(/exit code 2 \(no reason given\)/);
  });

  it('fails when ECS no longer knows the task', async () => {
    ecs.on(DescribeTasksCommand).resolves({ tasks: [], failures: [{ arn: TASK_ARN, reason: 'MISSING' }] });
    await expect(isComplete(waiting())).rejects.toThrow(
      `Migration task ${TASK_ARN} not found in cluster goodgreets-cluster (MISSING). Logs: CloudWatch log group /goodgreets/api.`,
    );
  });
});
