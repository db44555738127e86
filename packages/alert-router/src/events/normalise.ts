/** Shared by the SNS and EventBridge parsers: the checks and derivations both need. */
import { parseAlarmArn } from './arn';
import { parseAlarmDescription } from './metadata';
import { ALARM_STATES, type AlarmEvent, type AlarmKind, type AlarmState, type ParseResult } from './types';

export interface EventCore {
  readonly id: string;
  readonly source: AlarmEvent['source'];
  readonly alarmName: string;
  readonly alarmArn: string;
  readonly rawDescription?: string;
  readonly state: string;
  readonly previousState?: string;
  readonly reason: string;
  readonly stateChangeTime: string;
}

export function fail(payloadId: string, kind: 'malformed' | 'unknown', reason: string): ParseResult {
  return { ok: false, rejected: { payloadId, kind, reason } };
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export function num(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

const DATAPOINT = /(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?) \(\d{2}\/\d{2}\/\d{2}/g;

/** Values of the datapoints CloudWatch lists in a reason like `[5.0 (29/11/26 22:01:00), 3.0 (...)]`. */
export function datapointsFromReason(reason: string): number[] {
  return [...reason.matchAll(DATAPOINT)].map((m) => Number(m[1]));
}

export function buildEvent(
  core: EventCore,
  kind: AlarmKind,
  extra: Pick<AlarmEvent, 'trigger' | 'composite'> & { datapoints?: readonly number[] },
): ParseResult {
  const state = ALARM_STATES.find((s) => s === core.state) as AlarmState | undefined;
  if (!state) return fail(core.id, 'malformed', `alarm ${core.alarmName} has unknown state "${core.state}"`);
  const arn = parseAlarmArn(core.alarmArn);
  if (!arn) {
    return fail(core.id, 'malformed', `alarm ${core.alarmName} has no valid AlarmArn; the region code comes from it`);
  }
  const { text, metadata } = parseAlarmDescription(core.rawDescription);
  const drill = metadata.drill === true || core.source === 'drill';
  return {
    ok: true,
    event: {
      id: core.id,
      source: core.source,
      kind,
      alarmName: core.alarmName,
      alarmArn: core.alarmArn,
      accountId: arn.accountId,
      region: arn.region,
      partition: arn.partition,
      description: text,
      metadata,
      state,
      previousState: core.previousState,
      reason: core.reason,
      stateChangeTime: core.stateChangeTime,
      trigger: extra.trigger,
      composite: extra.composite,
      datapoints: extra.datapoints ?? datapointsFromReason(core.reason),
      drill,
    },
  };
}
