import { Match, type Template } from 'aws-cdk-lib/assertions';
import { synthesize } from './synth';

const { templates } = synthesize();

type Statement = { Action: string | string[]; Resource: unknown };

/** Every IAM statement attached to a function's role in the template, and their actions flattened. */
function rolePolicy(template: Template, fn: { Role: { 'Fn::GetAtt': [string, string] } }) {
  const role = fn.Role['Fn::GetAtt'][0];
  const statements = Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === role))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
  return { statements, actions: statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])) };
}

describe('GoodGreets reference architecture', () => {
  it('spreads the VPC over two AZs with a NAT gateway per AZ and flow logs', () => {
    const network = templates['GoodGreets-Network'];
    network.resourceCountIs('AWS::EC2::NatGateway', 2);
    network.resourceCountIs('AWS::EC2::FlowLog', 1);
    expect(Object.keys(network.findResources('AWS::EC2::Subnet'))).toHaveLength(6);
  });

  it('runs MySQL 8 Multi-AZ, KMS-encrypted, with managed credentials behind a TLS-only proxy', () => {
    const data = templates['GoodGreets-Data'];
    data.hasResourceProperties('AWS::RDS::DBInstance', {
      Engine: 'mysql',
      EngineVersion: Match.stringLikeRegexp('^8\\.0'),
      MultiAZ: true,
      StorageEncrypted: true,
      KmsKeyId: Match.anyValue(),
      BackupRetentionPeriod: 7,
      DeletionProtection: true,
    });
    data.hasResourceProperties('AWS::RDS::DBProxy', { RequireTLS: true, EngineFamily: 'MYSQL' });
    data.resourceCountIs('AWS::SecretsManager::RotationSchedule', 1);
  });

  it('keeps images in a versioned bucket with request metrics and EventBridge notifications', () => {
    templates['GoodGreets-Storage'].hasResourceProperties('AWS::S3::Bucket', {
      VersioningConfiguration: { Status: 'Enabled' },
      MetricsConfigurations: [{ Id: 'EntireBucket' }],
    });
    templates['GoodGreets-Storage'].hasResourceProperties('Custom::S3BucketNotifications', {
      NotificationConfiguration: { EventBridgeConfiguration: {} },
    });
  });

  it('runs the API on Fargate with Container Insights, 2..8 tasks on CPU and memory, /readyz health checks', () => {
    const api = templates['GoodGreets-Api'];
    api.hasResourceProperties('AWS::ECS::Cluster', {
      ClusterSettings: [{ Name: 'containerInsights', Value: 'enhanced' }],
    });
    api.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 2, MaxCapacity: 8 });
    api.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: Match.arrayWith([
        Match.objectLike({
          Name: 'api',
          Environment: Match.arrayWith([{ Name: 'PUBLIC_BASE_URL', Value: 'https://goodgreets.example.com' }]),
          Secrets: Match.arrayWith([Match.objectLike({ Name: 'DB_PASSWORD' })]),
        }),
      ]),
    });
    for (const metric of ['ECSServiceAverageCPUUtilization', 'ECSServiceAverageMemoryUtilization']) {
      api.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
        TargetTrackingScalingPolicyConfiguration: Match.objectLike({
          PredefinedMetricSpecification: { PredefinedMetricType: metric },
        }),
      });
    }
    api.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      HealthCheckPath: '/readyz',
      TargetGroupAttributes: Match.arrayWith([{ Key: 'deregistration_delay.timeout_seconds', Value: '30' }]),
    });
    // Migrations on deploy: migrations.test.ts.
  });

  it('scrapes the API metrics into namespace GoodGreets with a CloudWatch agent sidecar', () => {
    const api = templates['GoodGreets-Api'];
    api.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: '/goodgreets/api' });
    const [task] = Object.values(api.findResources('AWS::ECS::TaskDefinition'));
    const containers = task.Properties.ContainerDefinitions as {
      Name: string;
      Essential?: boolean;
      Environment?: { Name: string; Value: string }[];
    }[];
    const agent = containers.find((c) => c.Name === 'metrics-agent')!;
    expect(agent.Essential).toBe(false);
    const env = Object.fromEntries(agent.Environment!.map((e) => [e.Name, e.Value]));
    const config = JSON.parse(env.CW_CONFIG_CONTENT);
    expect(config.agent.region).toBe('us-east-1');
    expect(config.logs.metrics_collected.prometheus.emf_processor.metric_namespace).toBe('GoodGreets');
    expect(config.logs.metrics_collected.prometheus.log_group_name).toBe('/goodgreets/api-metrics');
    expect(env.PROMETHEUS_CONFIG_CONTENT).toContain("targets: ['localhost:8080']");
    expect(env.PROMETHEUS_CONFIG_CONTENT).toContain('Environment: production');
  });

  it('lets the API manage schedules only inside the GoodGreets schedule group', () => {
    const api = templates['GoodGreets-Api'];
    api.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: Match.arrayWith(['scheduler:CreateSchedule', 'scheduler:DeleteSchedule']),
            Resource: Match.objectLike({
              'Fn::Join': Match.arrayWith([Match.arrayWith([':schedule/goodgreets-deliveries/*'])]),
            }),
          }),
        ]),
      },
    });
  });

  it('lets the API email a card creator their manage link through SES, as the site', () => {
    const api = templates['GoodGreets-Api'];
    api.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: Match.arrayWith([
        Match.objectLike({
          Environment: Match.arrayWith([
            { Name: 'MAILER', Value: 'ses' },
            { Name: 'MAIL_FROM', Value: 'cards@goodgreets.example.com' },
          ]),
        }),
      ]),
    });
    api.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Action: 'ses:SendEmail', Resource: Match.anyValue() })]),
      },
    });
  });

  it('lets delivery move an empty card a day: its own schedule settings, create/update in the group only', () => {
    const workers = templates['GoodGreets-Workers'];
    const [delivery] = Object.values(
      workers.findResources('AWS::Lambda::Function', {
        Properties: { Environment: { Variables: Match.objectLike({ SCHEDULER: 'eventbridge' }) } },
      }),
    );
    expect(delivery).toBeDefined();
    const env = delivery!.Properties.Environment.Variables as Record<string, unknown>;
    // The target is the function itself: learned from the invocation, never a self-reference here.
    expect(Object.keys(env)).toEqual(
      expect.arrayContaining(['SCHEDULER_GROUP', 'SCHEDULER_ROLE_ARN', 'SCHEDULER_DLQ_ARN']),
    );
    expect(env).not.toHaveProperty('SCHEDULER_TARGET_ARN');
    const { statements, actions } = rolePolicy(workers, delivery!.Properties);
    expect(actions).toEqual(
      expect.arrayContaining(['scheduler:CreateSchedule', 'scheduler:UpdateSchedule', 'iam:PassRole']),
    );
    expect(actions).not.toContain('scheduler:DeleteSchedule');
    const scheduling = statements.find((st) => [st.Action].flat().includes('scheduler:UpdateSchedule'));
    expect(JSON.stringify(scheduling?.Resource)).toContain(':schedule/goodgreets-deliveries/*');
  });

  it('delivers through a Scheduler group, a role only Scheduler assumes, a Lambda with SES and dead letters', () => {
    const workers = templates['GoodGreets-Workers'];
    workers.hasResourceProperties('AWS::Scheduler::ScheduleGroup', { Name: 'goodgreets-deliveries' });
    workers.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({ Principal: { Service: 'scheduler.amazonaws.com' } })],
      },
    });
    workers.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      EventDestination: Match.objectLike({ MatchingEventTypes: Match.arrayWith(['bounce', 'complaint']) }),
    });
    workers.resourceCountIs('AWS::SQS::Queue', 4);
    // Scheduler and EventBridge invoke asynchronously: handler failures must reach a queue after Lambda's retries.
    const invokeConfigs = Object.values(workers.findResources('AWS::Lambda::EventInvokeConfig'));
    expect(invokeConfigs).toHaveLength(3);
    for (const c of invokeConfigs) expect(c.Properties.DestinationConfig.OnFailure.Destination).toBeDefined();
    workers.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          PUBLIC_BASE_URL: 'https://goodgreets.example.com',
          DB_SECRET_ARN: Match.anyValue(),
        }),
      },
    });
    workers.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({ 'detail-type': ['Object Created'] }),
      Targets: [Match.objectLike({ DeadLetterConfig: Match.anyValue(), RetryPolicy: Match.anyValue() })],
    });
  });
  it('marks dead-lettered deliveries failed with a VPC consumer that reports partial batches and parks what it cannot read', () => {
    const workers = templates['GoodGreets-Workers'];
    const logicalId = (type: string, prefix: string) => {
      const ids = Object.keys(workers.findResources(type)).filter((id) => id.startsWith(prefix));
      expect(ids).toHaveLength(1);
      return ids[0] as string;
    };
    const deadLetters = logicalId('AWS::SQS::Queue', 'DeliveryDeadLetters');
    const parking = logicalId('AWS::SQS::Queue', 'DeliveryParking');
    const consumer = logicalId('AWS::Lambda::Function', 'DeliveryDeadLetterConsumer');
    const delivery = logicalId('AWS::Lambda::Function', 'Delivery5F6C');

    // Both producers write to the queue the consumer reads: Lambda's on-failure destination and Scheduler's DLQ.
    const onFailure = Object.values(workers.findResources('AWS::Lambda::EventInvokeConfig')).find(
      (c) => c.Properties.FunctionName.Ref === delivery,
    );
    expect(onFailure?.Properties.DestinationConfig.OnFailure.Destination).toEqual({
      'Fn::GetAtt': [deadLetters, 'Arn'],
    });
    workers.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: consumer },
      EventSourceArn: { 'Fn::GetAtt': [deadLetters, 'Arn'] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    // A record the consumer keeps failing is not lost: after 5 receives it moves to the parking queue,
    // and the visibility timeout covers six consumer timeouts so a batch in flight is not handed out twice.
    workers.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [parking, 'Arn'] }, maxReceiveCount: 5 },
      VisibilityTimeout: 180,
    });
    const fn = workers.findResources('AWS::Lambda::Function')[consumer]!.Properties;
    expect(fn.Timeout * 6).toBeLessThanOrEqual(180);
    expect(fn.VpcConfig.SubnetIds).toBeDefined();
    expect(Object.keys(fn.Environment.Variables)).toEqual(
      expect.arrayContaining(['DB_HOST', 'DB_NAME', 'DB_TLS', 'DB_SECRET_ARN']),
    );
    // Least privilege: the consumer reads its queue and the database secret; no mail, no objects, no sends.
    const { statements, actions } = rolePolicy(workers, fn);
    expect(actions.filter((a) => !a.startsWith('sqs:') && !a.startsWith('secretsmanager:'))).toEqual([]);
    expect(actions).toEqual(expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:DeleteMessage']));
    expect(actions).not.toContain('sqs:SendMessage');
    for (const s of statements.filter((st) => JSON.stringify(st.Action).includes('sqs:'))) {
      expect(s.Resource).toEqual({ 'Fn::GetAtt': [deadLetters, 'Arn'] });
    }
  });
  it('records SES events on the cards with a VPC consumer subscribed to EmailEvents, dead-lettering both ways', () => {
    const workers = templates['GoodGreets-Workers'];
    const logicalId = (type: string, prefix: string) => {
      const ids = Object.keys(workers.findResources(type)).filter((id) => id.startsWith(prefix));
      expect(ids).toHaveLength(1);
      return ids[0] as string;
    };
    const topic = logicalId('AWS::SNS::Topic', 'EmailEvents');
    const deadLetters = logicalId('AWS::SQS::Queue', 'EmailEventDeadLetters');
    const consumer = logicalId('AWS::Lambda::Function', 'EmailEventsConsumer');
    const arn = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });

    // What SNS cannot deliver to the function goes to the queue, and SNS may write there (from this topic only).
    workers.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'lambda',
      TopicArn: { Ref: topic },
      Endpoint: arn(consumer),
      RedrivePolicy: { deadLetterTargetArn: arn(deadLetters) },
    });
    workers.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: deadLetters }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'sqs:SendMessage',
            Principal: { Service: 'sns.amazonaws.com' },
            Condition: { ArnEquals: { 'aws:SourceArn': { Ref: topic } } },
          }),
        ]),
      },
    });
    workers.hasResourceProperties('AWS::Lambda::Permission', {
      FunctionName: arn(consumer),
      Principal: 'sns.amazonaws.com',
      SourceArn: { Ref: topic },
    });
    // What the function fails on after Lambda's retries goes to the same queue.
    workers.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: consumer },
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: arn(deadLetters) } },
    });

    const fn = workers.findResources('AWS::Lambda::Function')[consumer]!.Properties;
    expect(fn.Runtime).toBe('nodejs24.x');
    expect(fn.VpcConfig.SubnetIds).toBeDefined();
    expect(Object.keys(fn.Environment.Variables)).toEqual(
      expect.arrayContaining(['DB_HOST', 'DB_NAME', 'DB_TLS', 'DB_SECRET_ARN']),
    );
    // Least privilege: the database secret and sending its failures to its own queue; no mail, no objects.
    const { statements, actions } = rolePolicy(workers, fn);
    expect(actions.filter((a) => !a.startsWith('sqs:') && !a.startsWith('secretsmanager:'))).toEqual([]);
    expect(actions.filter((a) => a.startsWith('sqs:')).sort()).toEqual(
      ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'].sort(),
    );
    for (const s of statements.filter((st) => JSON.stringify(st.Action).includes('sqs:'))) {
      expect(s.Resource).toEqual(arn(deadLetters));
    }
    for (const s of statements.filter((st) => JSON.stringify(st.Action).includes('secretsmanager:'))) {
      expect(JSON.stringify(s.Resource)).toMatch(/Secret|secret/);
    }
  });
});
