import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { AlarmMetadataInput, CatalogueMetric, ResolvedAlarm } from '@sre-kit/core';
import { AlarmFactory, NoopAlarmActionStrategy, type IAlarmActionStrategy } from 'cdk-monitoring-constructs';
import type { Construct } from 'constructs';
import { alarmDescriptionFor } from '../alarm-metadata';

/**
 * ResolvedAlarm (core) -> CloudWatch alarm through cdk-monitoring-constructs'
 * AlarmFactory, so naming, action strategies and annotations behave exactly
 * as in that library. Nothing here decides a threshold or a window.
 */

/** The metric of a resolved alarm with its dimension values filled in. */
export function metricFor(
  alarm: ResolvedAlarm,
  dimensions: Readonly<Record<string, string>>,
): cloudwatch.Metric | cloudwatch.MathExpression {
  const period = Duration.seconds(alarm.periodSeconds);
  if (alarm.metric) return catalogueMetric(alarm.metric, dimensions, period, alarm.region);
  const expression = alarm.expression!;
  const usingMetrics: Record<string, cloudwatch.IMetric> = {};
  for (const [id, m] of Object.entries(expression.metrics))
    usingMetrics[id] = catalogueMetric(m, dimensions, period, alarm.region);
  return new cloudwatch.MathExpression({ expression: expression.expression, usingMetrics, period, label: alarm.title });
}

function catalogueMetric(
  m: CatalogueMetric,
  dimensions: Readonly<Record<string, string>>,
  period: Duration,
  region: string | undefined,
): cloudwatch.Metric {
  const dimensionsMap: Record<string, string> = {};
  for (const name of m.dimensionNames) {
    const value = m.fixedDimensions?.[name] ?? dimensions[name];
    if (value !== undefined) dimensionsMap[name] = value;
  }
  return new cloudwatch.Metric({
    namespace: m.namespace,
    metricName: m.metricName,
    dimensionsMap,
    statistic: m.statistic,
    period,
    region,
  });
}

/** Every dimension name an alarm needs values for (fixed ones excluded). */
export function neededDimensions(alarm: ResolvedAlarm): string[] {
  const metrics = alarm.metric ? [alarm.metric] : Object.values(alarm.expression?.metrics ?? {});
  const names = new Set<string>();
  for (const m of metrics) for (const d of m.dimensionNames) if (!m.fixedDimensions?.[d]) names.add(d);
  return [...names].sort();
}

export interface RenderInput {
  readonly factory: AlarmFactory;
  readonly alarm: ResolvedAlarm;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly threshold: number;
  readonly alarmName: string;
  readonly action?: IAlarmActionStrategy;
  readonly disambiguator: string;
  /** Names the alarm in synth errors (the family construct). */
  readonly scope: Construct;
}

/** The contract fields of a catalogue alarm (the description line and the tags say the same). */
export function familyAlarmMetadata(alarm: ResolvedAlarm): AlarmMetadataInput {
  return {
    severity: alarm.severity,
    family: alarm.family,
    service: alarm.service,
    resource: alarm.resourceId,
    catalogueId: alarm.catalogueId,
    runbook: alarm.runbookUrl ?? alarm.runbook,
  };
}

export function renderAlarm(input: RenderInput): cloudwatch.AlarmBase {
  const { alarm } = input;
  const description = alarmDescriptionFor(
    input.scope,
    input.alarmName,
    // The prose runbook goes in the human part (shortened first); the machine part keeps the link.
    `[${alarm.severity}] ${alarm.title} (${alarm.family}: ${alarm.resourceId}, ${alarm.catalogueId})\nRunbook: ${alarm.runbook}`,
    familyAlarmMetadata(alarm),
  );
  const created = input.factory.addAlarm(metricFor(alarm, input.dimensions), {
    alarmNameOverride: input.alarmName,
    alarmNameSuffix: alarm.catalogueId,
    alarmDescription: description,
    alarmDescriptionOverride: description,
    disambiguator: input.disambiguator,
    threshold: input.threshold,
    comparisonOperator: alarm.comparison as cloudwatch.ComparisonOperator,
    treatMissingData: alarm.treatMissingData as cloudwatch.TreatMissingData,
    datapointsToAlarm: alarm.datapointsToAlarm,
    evaluationPeriods: alarm.evaluationPeriods,
    actionOverride: input.action ?? new NoopAlarmActionStrategy(),
  });
  return created.alarm;
}

/** A fresh AlarmFactory scoped to `scope` (alarms become its children, so nested stacks split cleanly). */
export function alarmFactory(scope: Construct, prefix: string, localPrefix: string): AlarmFactory {
  return new AlarmFactory(scope, {
    globalAlarmDefaults: { actionsEnabled: true, alarmNamePrefix: prefix },
    globalMetricDefaults: {},
    localAlarmNamePrefix: localPrefix,
  });
}
