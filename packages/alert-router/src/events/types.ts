/**
 * One normalised alarm event, whatever carried it (SNS or EventBridge) and
 * whatever the alarm's shape (metric, metric math, anomaly band, composite).
 * Everything downstream (routing, rendering, delivery) reads only this type.
 */
import type { AlarmMetadata } from '@sre-kit/core';
import type { BudgetReading } from './budget';

export const ALARM_STATES = ['ALARM', 'OK', 'INSUFFICIENT_DATA'] as const;
export type AlarmState = (typeof ALARM_STATES)[number];

export type AlarmKind = 'metric' | 'metric-math' | 'anomaly-band' | 'composite';

export interface MetricRef {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
}

/** One query of a metric-math alarm (a metric with its stat, or an expression over other ids). */
export interface MetricQuery {
  readonly id: string;
  readonly label?: string;
  readonly expression?: string;
  readonly metric?: MetricRef;
  readonly statistic?: string;
  readonly periodSeconds?: number;
  readonly returnData: boolean;
}

export interface AlarmTrigger {
  /** Set for a single-metric alarm. */
  readonly metric?: MetricRef;
  /** Set for metric-math and anomaly-band alarms. */
  readonly queries?: readonly MetricQuery[];
  readonly statistic?: string;
  readonly periodSeconds?: number;
  readonly evaluationPeriods?: number;
  readonly datapointsToAlarm?: number;
  readonly comparison?: string;
  readonly threshold?: number;
  /** Anomaly-band alarms compare against the band query instead of a number. */
  readonly thresholdMetricId?: string;
  readonly treatMissingData?: string;
  readonly unit?: string;
}

export interface CompositeChild {
  readonly arn: string;
  readonly name: string;
  readonly state: string;
}

export interface AlarmEvent {
  /** Delivery id: the SNS MessageId or the EventBridge event id. With `state` it keys idempotency. */
  readonly id: string;
  readonly source: 'sns' | 'eventbridge' | 'drill';
  readonly kind: AlarmKind;
  readonly alarmName: string;
  readonly alarmArn: string;
  readonly accountId: string;
  /** Region code (`eu-west-1`), taken from the ARN: SNS messages only carry a display name. */
  readonly region: string;
  readonly partition: string;
  /** The human part of AlarmDescription (metadata line removed). */
  readonly description: string;
  readonly metadata: AlarmMetadata;
  readonly state: AlarmState;
  readonly previousState?: string;
  readonly reason: string;
  /** ISO-8601. */
  readonly stateChangeTime: string;
  readonly trigger?: AlarmTrigger;
  readonly composite?: { readonly rule: string; readonly children: readonly CompositeChild[] };
  /** Values CloudWatch reported for the breaching datapoints, when the reason lists them. */
  readonly datapoints: readonly number[];
  readonly drill: boolean;
  /** Error-budget context read from CloudWatch by the Lambda; absent in local runs. */
  readonly budget?: BudgetReading;
}

/** A payload that is not an alarm state change we understand: never dropped silently. */
export interface RejectedPayload {
  /** The SNS MessageId / EventBridge id / record index that identifies the raw payload. */
  readonly payloadId: string;
  readonly reason: string;
  readonly kind: 'malformed' | 'unknown';
}

export type ParseResult =
  { readonly ok: true; readonly event: AlarmEvent } | { readonly ok: false; readonly rejected: RejectedPayload };
