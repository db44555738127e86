/**
 * What a Lambda invocation can carry: an SNS batch, one EventBridge alarm
 * event, or the scheduled tick that sends repeat reminders and flushes groups.
 * Every record ends up accepted or rejected; nothing is skipped.
 */
import { parseCloudWatchMessage } from './cloudwatch-message';
import { parseEventBridgeAlarm } from './eventbridge';
import { isRecord } from './metadata';
import type { AlarmEvent, RejectedPayload } from './types';

export interface Inbound {
  readonly events: AlarmEvent[];
  readonly rejected: RejectedPayload[];
  /** True for an EventBridge scheduled event: time to send reminders and flush pending groups. */
  readonly tick: boolean;
}

export function parseInbound(payload: unknown): Inbound {
  const events: AlarmEvent[] = [];
  const rejected: RejectedPayload[] = [];
  if (isRecord(payload) && Array.isArray(payload.Records)) {
    payload.Records.forEach((record: unknown, i: number) => {
      const sns = isRecord(record) && isRecord(record.Sns) ? record.Sns : undefined;
      const id = sns && typeof sns.MessageId === 'string' ? sns.MessageId : `record[${i}]`;
      if (!sns || typeof sns.Message !== 'string') {
        rejected.push({ payloadId: id, kind: 'unknown', reason: 'record is not an SNS notification' });
        return;
      }
      const result = parseCloudWatchMessage(id, sns.Message);
      if (result.ok) events.push(result.event);
      else rejected.push(result.rejected);
    });
    return { events, rejected, tick: false };
  }
  if (isRecord(payload) && payload['detail-type'] === 'Scheduled Event' && payload.source === 'aws.events') {
    return { events, rejected, tick: true };
  }
  if (isRecord(payload) && typeof payload['detail-type'] === 'string') {
    const result = parseEventBridgeAlarm(payload);
    if (result.ok) events.push(result.event);
    else rejected.push(result.rejected);
    return { events, rejected, tick: false };
  }
  const id = isRecord(payload) && typeof payload.id === 'string' ? payload.id : 'payload';
  rejected.push({ payloadId: id, kind: 'unknown', reason: 'neither an SNS batch nor an EventBridge event' });
  return { events, rejected, tick: false };
}
