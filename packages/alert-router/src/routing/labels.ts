/** The label set routing matchers and `groupBy` look at, derived from one event. */
import type { AlarmEvent } from '../events/types';

/** Built-in labels; free labels of the alarm metadata (description line, or tags as a supplement) are added under their own names and never override these. */
export const BUILTIN_LABELS = [
  'alarmName',
  'alarm',
  'state',
  'severity',
  'family',
  'service',
  'slo',
  'region',
  'accountId',
  'kind',
  'drill',
] as const;

export type Labels = Readonly<Record<string, string>>;

export function eventLabels(e: AlarmEvent): Labels {
  return {
    ...e.metadata.labels,
    alarmName: e.alarmName,
    // `alarm` is the spelling alarms/routing.yaml uses for groupBy; both work.
    alarm: e.alarmName,
    state: e.state,
    severity: e.metadata.severity ?? '',
    family: e.metadata.family ?? '',
    service: e.metadata.service ?? '',
    slo: e.metadata.slo ?? '',
    region: e.region,
    accountId: e.accountId,
    kind: e.kind,
    drill: String(e.drill),
  };
}
