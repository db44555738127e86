import { Duration, type Stack } from 'aws-cdk-lib';
import { ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AlarmCatalogue, AlarmSeverity, AlarmThreshold, QueueRole, SreKit } from '@sre-kit/cdk';

export function monitorOrders(stack: Stack): SreKit {
  // Register before the first monitor call that uses the family (the catalogue is per app).
  AlarmCatalogue.of(stack).registerFamily({
    name: 'dynamodb',
    entries: [
      {
        id: 'dynamodb.read-throttles',
        title: 'DynamoDB read requests throttled',
        metric: {
          namespace: 'AWS/DynamoDB',
          metricName: 'ReadThrottleEvents',
          dimensionNames: ['TableName'],
          statistic: 'Sum',
        },
        threshold: AlarmThreshold.userDefined(5, 'throttled reads per minute that callers absorb by retrying'),
        comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
        period: Duration.minutes(1),
        evaluationPeriods: 5,
        datapointsToAlarm: 3,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        severity: AlarmSeverity.WARNING,
        runbook:
          'Reads exceed the capacity of a partition: look for a hot key, then switch to on-demand or raise RCUs.',
        preconditions: [
          {
            dimension: 'TableName',
            resourceType: 'AWS::DynamoDB::Table',
            nameProperty: 'TableName',
            reason: 'DynamoDB publishes metrics only for a table that exists',
            fix: 'alarm on a table of this app (table.tableName)',
          },
        ],
      },
    ],
  });
  const table = new dynamodb.Table(stack, 'Orders', {
    partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
  });
  const failed = new sqs.Queue(stack, 'FailedOrders', { retentionPeriod: Duration.days(14) });
  const kit = new SreKit(stack, 'Sre', { service: 'orders', emails: [{ address: 'oncall@example.com' }] });
  kit.monitorFamily(
    'dynamodb',
    'orders-table',
    { TableName: table.tableName },
    { overrides: { 'dynamodb.read-throttles': { threshold: 20 } } },
  );
  kit.monitorQueue('failed-orders', failed, { role: QueueRole.DEAD_LETTER });
  kit.monitorSesReputation('mail');
  return kit;
}
