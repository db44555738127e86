/**
 * A synthetic alarm notification that travels the real path (severity topic ->
 * router -> Slack/email) so a team can prove paging works. It is shaped like a
 * CloudWatch metric alarm message and marked three ways so nobody mistakes it
 * for an incident: the alarm name prefix, `drill: true` in the metadata line,
 * and the `sre-kit-drill` SNS message attribute.
 */
import { randomBytes } from 'node:crypto';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { Severity } from '@sre-kit/core';
import { formatAlarmDescription } from './events/metadata';

export const DRILL_PREFIX = 'sre-kit-drill-';

export interface DrillOptions {
  readonly topicArn: string;
  readonly severity: Severity;
  readonly service?: string;
  readonly now?: Date;
}

export function buildDrillMessage(options: DrillOptions): {
  subject: string;
  message: string;
  drillId: string;
  alarmName: string;
} {
  const arn = /^arn:(aws[a-z-]*):sns:([a-z0-9-]+):(\d{12}):.+$/.exec(options.topicArn);
  if (!arn)
    throw new Error(`--topic ${options.topicArn} is not an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>)`);
  const [, partition, region, account] = arn;
  // 128 bits: drill ids double as SNS dedup-free identifiers and must never collide.
  const drillId = randomBytes(16).toString('hex');
  const alarmName = `${DRILL_PREFIX}${options.severity}-${drillId.slice(0, 8)}`;
  const now = (options.now ?? new Date()).toISOString().replace('Z', '+0000');
  const message = {
    AlarmName: alarmName,
    AlarmDescription: formatAlarmDescription(
      'DRILL: synthetic notification sent by `sre alerts drill`. No action needed.',
      {
        severity: options.severity,
        service: options.service ?? 'sre-kit-drill',
        family: 'drill',
        drill: true,
        labels: { drillId },
      },
      { alarmName },
    ),
    AWSAccountId: account,
    AlarmConfigurationUpdatedTimestamp: now,
    NewStateValue: 'ALARM',
    NewStateReason: 'Drill: threshold crossed on purpose by sre alerts drill',
    StateChangeTime: now,
    Region: region,
    AlarmArn: `arn:${partition}:cloudwatch:${region}:${account}:alarm:${alarmName}`,
    OldStateValue: 'OK',
    OKActions: [],
    AlarmActions: [options.topicArn],
    InsufficientDataActions: [],
    Trigger: {
      MetricName: 'Drill',
      Namespace: 'SreKit/Drill',
      StatisticType: 'Statistic',
      Statistic: 'MAXIMUM',
      Unit: null,
      Dimensions: [{ value: drillId, name: 'DrillId' }],
      Period: 60,
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
      TreatMissingData: 'notBreaching',
      EvaluateLowSampleCountPercentile: '',
    },
  };
  return { subject: `DRILL: "${alarmName}" in ALARM`, message: JSON.stringify(message), drillId, alarmName };
}

/** Publishes a drill to a severity topic; returns the SNS MessageId and the drill id to look for in Slack. */
export async function publishDrill(
  options: DrillOptions,
  sns?: SNSClient,
): Promise<{ messageId: string; drillId: string; alarmName: string }> {
  const drill = buildDrillMessage(options);
  // The topic's own region: a drill must travel the same path as the real alarms.
  const client = sns ?? new SNSClient({ region: options.topicArn.split(':')[3] });
  const out = await client.send(
    new PublishCommand({
      TopicArn: options.topicArn,
      Subject: drill.subject,
      Message: drill.message,
      MessageAttributes: { 'sre-kit-drill': { DataType: 'String', StringValue: drill.drillId } },
    }),
  );
  return { messageId: out.MessageId ?? '', drillId: drill.drillId, alarmName: drill.alarmName };
}
