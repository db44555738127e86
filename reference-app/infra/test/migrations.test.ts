import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { synthesize } from './synth';

const { app, json, templates } = synthesize();
const api = templates['GoodGreets-Api'];
const resources = json['GoodGreets-Api'].Resources;

type Statement = { Action: string | string[]; Resource: unknown; Condition?: Record<string, unknown> };

function logicalId(type: string): string {
  const ids = Object.keys(resources).filter((id) => resources[id].Type === type);
  expect(ids).toHaveLength(1);
  return ids[0];
}

function statementsFor(action: string): { policy: string; statement: Statement }[] {
  return Object.entries(resources)
    .filter(([, r]) => r.Type === 'AWS::IAM::Policy')
    .flatMap(([policy, r]) =>
      (r.Properties!.PolicyDocument as { Statement: Statement[] }).Statement.map((statement) => ({
        policy,
        statement,
      })),
    )
    .filter(({ statement }) => [statement.Action].flat().includes(action));
}

const clusterCondition = { ArnEquals: { 'ecs:cluster': { 'Fn::GetAtt': [logicalId('AWS::ECS::Cluster'), 'Arn'] } } };

describe('migrations on deploy (GoodGreets-Api)', () => {
  let migrations: string;
  let taskDefinition: string;
  beforeAll(() => {
    migrations = logicalId('Custom::GoodGreetsMigrations');
    taskDefinition = logicalId('AWS::ECS::TaskDefinition');
  });

  it('is a Provider-framework custom resource fed the task definition revision, so each new image migrates', () => {
    expect(resources[migrations].Properties).toMatchObject({
      ServiceToken: { 'Fn::GetAtt': [expect.stringMatching(/^MigrationsProviderframeworkonEvent/), 'Arn'] },
      TaskDefinition: { Ref: taskDefinition },
      ContainerName: 'api',
      Command: ['node', 'reference-app/api/dist/migrate.js'],
      Cluster: { Ref: logicalId('AWS::ECS::Cluster') },
      LogGroup: { Ref: expect.stringMatching(/^ApiLogs/) },
      LogStreamPrefix: 'api',
    });
    // The fire-and-forget AwsCustomResource call is gone.
    const sdkCalls = Object.values(api.findResources('Custom::AWS')).map((r) => JSON.stringify(r.Properties));
    expect(sdkCalls.filter((call) => call.includes('runTask'))).toEqual([]);
  });

  it('polls every 15 s for up to 30 minutes', () => {
    const [machine] = Object.values(api.findResources('AWS::StepFunctions::StateMachine'));
    const definition = JSON.stringify(machine.Properties.DefinitionString);
    expect(definition).toContain('\\"IntervalSeconds\\":15');
    expect(definition).toContain('\\"MaxAttempts\\":120');
  });

  it('starts the new API tasks only after the migrations succeeded, and migrates only once the task can reach the database', () => {
    const service = resources[logicalId('AWS::ECS::Service')] as { DependsOn?: string[] };
    expect(service.DependsOn).toContain(migrations);
    const dependsOn = (resources[migrations] as { DependsOn?: string[] }).DependsOn;
    expect(dependsOn).toEqual(expect.arrayContaining(['DatabaseIngress', taskDefinition]));
    expect(dependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^TaskExecutionRoleDefaultPolicy/)]));
  });

  it('lets only the onEvent handler run the API task family, in this cluster', () => {
    const runTask = statementsFor('ecs:RunTask');
    expect(runTask).toHaveLength(1);
    expect(runTask[0].policy).toMatch(/^MigrationsOnEventServiceRoleDefaultPolicy/);
    expect(runTask[0].statement.Action).toBe('ecs:RunTask');
    expect(JSON.stringify(runTask[0].statement.Resource)).toMatch(/:task-definition\/GoodGreetsApiTask[0-9A-F]{8}:\*"/);
    expect(runTask[0].statement.Condition).toEqual(clusterCondition);
  });

  it('lets only the isComplete handler describe tasks, those of this cluster', () => {
    const describe = statementsFor('ecs:DescribeTasks');
    expect(describe).toHaveLength(1);
    expect(describe[0].policy).toMatch(/^MigrationsIsCompleteServiceRoleDefaultPolicy/);
    expect(describe[0].statement.Action).toBe('ecs:DescribeTasks');
    expect(describe[0].statement.Resource).toEqual({
      'Fn::Join': [
        '',
        [
          'arn:',
          { Ref: 'AWS::Partition' },
          ':ecs:us-east-1:',
          { Ref: 'AWS::AccountId' },
          ':task/',
          { Ref: logicalId('AWS::ECS::Cluster') },
          '/*',
        ],
      ],
    });
    expect(describe[0].statement.Condition).toEqual(clusterCondition);
  });

  it('passes only the task and execution roles, to ECS tasks only, and reads only its own stack', () => {
    const passRole = statementsFor('iam:PassRole').filter(({ policy }) => policy.startsWith('Migrations'));
    expect(passRole).toHaveLength(1);
    expect(passRole[0].statement).toMatchObject({
      Action: 'iam:PassRole',
      Resource: [
        { 'Fn::GetAtt': [expect.stringMatching(/^TaskTaskRole/), 'Arn'] },
        { 'Fn::GetAtt': [expect.stringMatching(/^TaskExecutionRole/), 'Arn'] },
      ],
      Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
    });
    const describeStacks = statementsFor('cloudformation:DescribeStacks');
    expect(describeStacks).toHaveLength(1);
    expect(describeStacks[0].statement.Resource).toEqual({ Ref: 'AWS::StackId' });
  });

  it('runs the bundled handler on the current Node.js runtime, with the SDK left to the runtime', () => {
    const name = (fn: { Properties: Record<string, unknown> }) =>
      (fn.Properties.Handler as string).replace(/^index\./, '');
    const handlers = Object.values(api.findResources('AWS::Lambda::Function')).filter((fn) =>
      /^index\.(onEvent|isComplete)$/.test(fn.Properties.Handler as string),
    );
    expect(handlers.map((fn) => fn.Properties.Handler).sort()).toEqual(['index.isComplete', 'index.onEvent']);
    const outdir = app.outdir;
    for (const fn of handlers) {
      expect(fn.Properties.Runtime).toBe('nodejs24.x');
      const assetHash = (fn.Properties.Code as { S3Key: string }).S3Key.replace(/\.zip$/, '');
      const bundle = path.join(outdir, `asset.${assetHash}`, 'index.js');
      expect(fs.readFileSync(bundle, 'utf8')).toContain('require("@aws-sdk/client-ecs")');
      expect(fs.statSync(bundle).size).toBeLessThan(20_000);
      // Loaded as Lambda would (the SDK from outside the bundle): the configured handler is a function.
      const exported = spawnSync(
        process.execPath,
        ['-e', `process.stdout.write(typeof require(process.argv[1])[process.argv[2]])`, bundle, name(fn)],
        { env: { PATH: process.env.PATH, NODE_PATH: path.join(__dirname, '../../../node_modules') }, encoding: 'utf8' },
      );
      expect(exported.stdout).toBe('function');
    }
  });
});
