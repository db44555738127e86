import type { Duration } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { AlarmOverride } from '@sre-kit/core';
import type { ISeverityActions } from '../actions';
import { AlarmSeverity } from '../severity';

/** Per-alarm override of a catalogue default (what `overrides:` holds in alarms/*.yaml). */
export interface AlarmOverrideProps {
  /** Opt out (false) or opt in to an alarm that is off by default (true). @default - catalogue default */
  readonly enabled?: boolean;
  /** @default - catalogue threshold rule */
  readonly threshold?: number;
  /** @default - catalogue period */
  readonly period?: Duration;
  /** @default - catalogue evaluation periods */
  readonly evaluationPeriods?: number;
  /** @default - catalogue datapoints to alarm */
  readonly datapointsToAlarm?: number;
  /** @default - catalogue severity */
  readonly severity?: AlarmSeverity;
  /** @default - catalogue choice */
  readonly treatMissingData?: cloudwatch.TreatMissingData;
  /** @default - runbookBaseUrl + catalogue id, when a base URL is set */
  readonly runbookUrl?: string;
  /** What to do for this resource in particular, in place of the entry's generic runbook text. @default - the entry's runbook */
  readonly runbook?: string;
}

/** Options every alarm family takes. */
export interface FamilyAlarmsOptions {
  /** The service the resource belongs to: a tag (`sre-kit:service`) and the alarm name prefix. */
  readonly service: string;
  /**
   * The deployment stage (dev, prod, ...), first part of alarm names (`<stage>-<service>-...`) so
   * that two stages in one account never share a name. @default - none: `<service>-...`
   */
  readonly stage?: string;
  /**
   * The resource's id in alarms/*.yaml; also the middle part of alarm names.
   * @default - the construct id
   */
  readonly resourceId?: string;
  /**
   * Where notifications go, per severity.
   * @default - no actions: an error at synth time unless `allowAlarmsWithoutActions`
   */
  readonly actions?: ISeverityActions;
  /** Per-alarm overrides keyed by catalogue id (`lambda.errors`). @default - none */
  readonly overrides?: { [catalogueId: string]: AlarmOverrideProps };
  /** Family-wide overrides applied before `overrides` (an AlarmPolicy's `defaults:`). @default - none */
  readonly defaults?: { [catalogueId: string]: AlarmOverrideProps };
  /**
   * Resource properties thresholds derive from (`timeoutMs`, `maxConnections`,
   * `memoryBytes`, ...). Values the construct knows are filled in; these win.
   * @default - only what the construct exposes
   */
  readonly properties?: { [name: string]: number };
  /** Base URL of per-alarm runbooks; an alarm links `<base>/<catalogue id>`. @default - no link */
  readonly runbookBaseUrl?: string;
  /** Allow alarms without any action (dashboards only). @default false */
  readonly allowAlarmsWithoutActions?: boolean;
}

export function toCoreOverride(props: AlarmOverrideProps): AlarmOverride {
  const out: { -readonly [K in keyof AlarmOverride]: AlarmOverride[K] } = {};
  if (props.enabled !== undefined) out.enabled = props.enabled;
  if (props.threshold !== undefined) out.threshold = props.threshold;
  if (props.period !== undefined) out.periodSeconds = props.period.toSeconds();
  if (props.evaluationPeriods !== undefined) out.evaluationPeriods = props.evaluationPeriods;
  if (props.datapointsToAlarm !== undefined) out.datapointsToAlarm = props.datapointsToAlarm;
  if (props.severity !== undefined) out.severity = props.severity;
  if (props.treatMissingData !== undefined)
    out.treatMissingData = props.treatMissingData as AlarmOverride['treatMissingData'];
  if (props.runbookUrl !== undefined) out.runbookUrl = props.runbookUrl;
  if (props.runbook !== undefined) out.runbook = props.runbook;
  return out;
}

export function toCoreOverrides(map: { [id: string]: AlarmOverrideProps } | undefined): Record<string, AlarmOverride> {
  const out: Record<string, AlarmOverride> = {};
  for (const [id, props] of Object.entries(map ?? {})) out[id] = toCoreOverride(props);
  return out;
}

export function fromCoreOverride(o: AlarmOverride, duration: (s: number) => Duration): AlarmOverrideProps {
  return {
    enabled: o.enabled,
    threshold: o.threshold,
    period: o.periodSeconds !== undefined ? duration(o.periodSeconds) : undefined,
    evaluationPeriods: o.evaluationPeriods,
    datapointsToAlarm: o.datapointsToAlarm,
    severity: o.severity as AlarmSeverity | undefined,
    treatMissingData: o.treatMissingData as cloudwatch.TreatMissingData | undefined,
    runbookUrl: o.runbookUrl,
    runbook: o.runbook,
  };
}
