import { Duration, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { ResolvedAlarm } from '@sre-kit/core';
import type { Construct } from 'constructs';
import { inputError } from '../errors';
import { AlarmSeverity } from '../severity';
import { AlarmThreshold, type AlarmFamilyDefinitionProps, type CatalogueMetricProps } from './catalogue';
import { FamilyAlarms, type UnpublishedMetric } from './family-alarms';
import type { AlarmOverrideProps, FamilyAlarmsOptions } from './options';

const NS = 'AWS/SQS';
const queueMetric = (metricName: string, statistic: string): CatalogueMetricProps => ({
  namespace: NS,
  metricName,
  dimensionNames: ['QueueName'],
  statistic,
});

// SQS Developer Guide, "Available CloudWatch metrics for Amazon SQS": metrics are emitted only while the
// queue is active, and the age of the oldest message only while at least one message waits.
const QUIET_QUEUE =
  'SQS publishes a queue metric only while the queue is active (and the age only while a message waits): no data is an idle, empty queue';
const SQS_METRICS_DOC =
  'SQS Developer Guide, "Available CloudWatch metrics for Amazon SQS" and "Creating alarms for dead-letter queues using Amazon CloudWatch"; thresholds: this project';

/**
 * The `sqs` family, written with the public extension API (AlarmCatalogue.registerFamily) like any
 * user family. Work queues: the age of the oldest message, and the backlog in minutes of the
 * current drain rate (messages visible / messages deleted per minute), which one default fits
 * whatever the queue's volume. Dead-letter queues: any message visible, or, for one a consumer
 * drains at once, any message sent to it. QueueRole picks the set.
 */
export const SQS_FAMILY: AlarmFamilyDefinitionProps = {
  name: 'sqs',
  entries: [
    {
      id: 'sqs.oldest-message-age',
      title: 'Oldest SQS message waiting too long',
      metric: queueMetric('ApproximateAgeOfOldestMessage', 'Maximum'),
      threshold: AlarmThreshold.userDefined(
        3600,
        'seconds a message may wait before its result is late (your processing-time objective); it must stay under the retention period, when SQS deletes the message',
      ),
      comparison: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 5,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      treatMissingReason: QUIET_QUEUE,
      severity: AlarmSeverity.WARNING,
      runbook:
        'Messages are not being consumed in time: check the consumer is running (errors, throttles, event source mapping disabled), ' +
        'look for a poison message being retried, and drain or redrive before the retention period deletes them.',
      source: SQS_METRICS_DOC,
    },
    {
      id: 'sqs.backlog-minutes',
      title: 'SQS backlog in minutes of the current drain rate',
      // Deletes per minute whatever the period (an override may lengthen it); with nothing deleted in the
      // period, each waiting message counts as one minute of backlog.
      expression: 'IF(FILL(deleted, 0) > 0, visible / (FILL(deleted, 0) * 60 / PERIOD(deleted)), visible)',
      expressionMetrics: {
        visible: queueMetric('ApproximateNumberOfMessagesVisible', 'Maximum'),
        deleted: queueMetric('NumberOfMessagesDeleted', 'Sum'),
      },
      threshold: AlarmThreshold.userDefined(
        15,
        'minutes of work waiting at the rate the consumers delete messages; a count threshold would need tuning to each queue volume',
      ),
      comparison: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 15,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      treatMissingReason: QUIET_QUEUE,
      severity: AlarmSeverity.WARNING,
      runbook:
        'Producers outpace consumers: compare NumberOfMessagesSent with NumberOfMessagesDeleted, check consumer errors and concurrency ' +
        '(Lambda reserved concurrency, maximum concurrency of the event source, task count), and scale the consumers out.',
      source: SQS_METRICS_DOC,
    },
    {
      id: 'sqs.dead-letter-messages-visible',
      title: 'Messages in a dead-letter queue',
      metric: queueMetric('ApproximateNumberOfMessagesVisible', 'Maximum'),
      threshold: AlarmThreshold.fixed(0),
      comparison: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      treatMissingReason: QUIET_QUEUE,
      severity: AlarmSeverity.WARNING,
      runbook:
        'A message failed all its retries and waits for an operator: read it and the consumer logs for the cause, fix, then redrive it ' +
        '(it stays in ALARM until the queue is empty).',
      source: SQS_METRICS_DOC,
      enabledByDefault: false,
    },
    {
      id: 'sqs.dead-letter-messages-sent',
      title: 'Messages sent to a dead-letter queue',
      // SendMessage from Lambda destinations, EventBridge and Scheduler is counted; an SQS redrive move is not.
      metric: queueMetric('NumberOfMessagesSent', 'Sum'),
      threshold: AlarmThreshold.fixed(0),
      comparison: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      treatMissingReason: QUIET_QUEUE,
      severity: AlarmSeverity.WARNING,
      runbook:
        'Something failed after its retries and was sent to this dead-letter queue, whose consumer takes it at once (so its depth stays 0): ' +
        'read the consumer and producer logs for the failure.',
      source: SQS_METRICS_DOC,
      enabledByDefault: false,
    },
  ],
};

/** What a queue is for, which decides the alarms it gets by default (overrides still opt in or out). */
export enum QueueRole {
  /** A queue consumers work through: oldest-message age and backlog minutes. */
  WORK = 'WORK',
  /** A dead-letter queue nothing drains: any visible message. */
  DEAD_LETTER = 'DEAD_LETTER',
  /** A dead-letter queue a consumer drains at once (depth stays 0): any message sent to it. */
  CONSUMED_DEAD_LETTER = 'CONSUMED_DEAD_LETTER',
}

const ROLE_ENTRIES: Record<QueueRole, readonly string[]> = {
  [QueueRole.WORK]: ['sqs.oldest-message-age', 'sqs.backlog-minutes'],
  [QueueRole.DEAD_LETTER]: ['sqs.dead-letter-messages-visible'],
  [QueueRole.CONSUMED_DEAD_LETTER]: ['sqs.dead-letter-messages-sent'],
};

export interface SqsQueueAlarmsProps extends FamilyAlarmsOptions {
  /** The queue. One of `queue` or `queueName`. @default - use queueName */
  readonly queue?: sqs.IQueue;
  /** Name of a queue outside this app. @default - from `queue` */
  readonly queueName?: string;
  /** @default QueueRole.WORK */
  readonly role?: QueueRole;
}

/** SQS's default message retention (4 days), used when the template leaves it out. */
const DEFAULT_RETENTION_SECONDS = 4 * 86400;

/**
 * Family `sqs` for one queue. For a queue of this app the retention period is read from the
 * template, and an age threshold at or over it fails synth: SQS deletes the message before such an
 * alarm could fire.
 */
export class SqsQueueAlarms extends FamilyAlarms {
  constructor(scope: Construct, id: string, props: SqsQueueAlarmsProps) {
    const role = props.role ?? QueueRole.WORK;
    super(scope, id, 'sqs', withRoleDefaults(role, props));
    if (!Object.values(QueueRole).includes(role))
      inputError(this, 'unknown queue role', role, `use one of ${Object.values(QueueRole).join(', ')}`);
    if (!props.queue === !props.queueName)
      inputError(
        this,
        'exactly one of queue or queueName is required',
        { queue: !!props.queue, queueName: props.queueName },
        'pass the L2 queue, or the name of a queue outside this app',
      );
    const queueName = props.queue?.queueName ?? props.queueName!;
    const retention = props.queue ? retentionSeconds(props.queue) : undefined;
    this._render(
      [{ dimensions: { QueueName: queueName } }],
      {},
      {
        unpublished: (alarm) => (retention !== undefined ? ageBeyondRetention(alarm, retention) : undefined),
      },
    );
  }
}

/** The role's entries on and the other roles' off, under whatever the caller set. */
function withRoleDefaults(role: QueueRole, props: SqsQueueAlarmsProps): SqsQueueAlarmsProps {
  const defaults: { [id: string]: AlarmOverrideProps } = {};
  for (const [r, ids] of Object.entries(ROLE_ENTRIES)) for (const id of ids) defaults[id] = { enabled: r === role };
  for (const [id, o] of Object.entries(props.defaults ?? {})) defaults[id] = { ...defaults[id], ...o };
  return { ...props, defaults };
}

function retentionSeconds(queue: sqs.IQueue): number | undefined {
  const cfn = queue.node.defaultChild;
  if (!(cfn instanceof sqs.CfnQueue)) return undefined;
  const value = cfn.messageRetentionPeriod;
  if (value === undefined) return DEFAULT_RETENTION_SECONDS;
  return Token.isUnresolved(value) ? undefined : value;
}

function ageBeyondRetention(alarm: ResolvedAlarm, retention: number): UnpublishedMetric | undefined {
  if (alarm.catalogueId !== 'sqs.oldest-message-age' || alarm.threshold === undefined || alarm.threshold < retention)
    return undefined;
  return {
    action: 'fail',
    reason: `its threshold ${alarm.threshold} s is not under the queue's retention period of ${Duration.seconds(retention).toHumanString()}, so SQS deletes the message before the alarm can fire`,
    fix: `lower overrides: { 'sqs.oldest-message-age': { threshold } } below ${retention}, or raise the queue's retentionPeriod`,
  };
}
