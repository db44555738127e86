/**
 * The router reads alarm metadata through the one contract in @sre-kit/core (alarm-metadata.ts):
 * the constructs write it, the Lambda, `sre alerts replay` and `sre alerts preview` all parse it
 * here. Re-exported so users of the router package need no second import.
 */
export {
  ALARM_METADATA_PREFIX as METADATA_PREFIX,
  ALARM_DESCRIPTION_MAX,
  AlarmDescriptionError,
  formatAlarmDescription,
  formatAlarmMetadataLine,
  parseAlarmDescription,
  mergeAlarmMetadata,
  isClassified,
  isRecord,
  type AlarmMetadata,
  type AlarmMetadataInput,
  type DescriptionOptions,
  type ParsedAlarmDescription,
} from '@sre-kit/core';
