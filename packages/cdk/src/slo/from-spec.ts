import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { CloudWatchMetricStat, MetricSource, Slo } from '@sre-kit/core';
import { SloTierSeverity } from '../severity';
import type { BurnRateTierProps, ServiceLevelObjectiveProps } from './service-level-objective';

/** A core metric source as a CDK metric (the period is replaced per window later). */
export function cdkMetric(
  source: MetricSource,
  dimensionValues: Readonly<Record<string, string>> = {},
): cloudwatch.Metric | cloudwatch.MathExpression | undefined {
  if (source.type !== 'CloudWatch') return undefined;
  if (source.kind === 'metric') return metricStat(source, dimensionValues);
  const usingMetrics: Record<string, cloudwatch.IMetric> = {};
  for (const [id, m] of Object.entries(source.metrics)) usingMetrics[id] = metricStat(m, dimensionValues);
  return new cloudwatch.MathExpression({ expression: source.expression, usingMetrics, period: Duration.minutes(5) });
}

/** Spec dimension values are placeholders of the deployed names' shape; the app's real values replace them by name. */
function metricStat(m: CloudWatchMetricStat, dimensionValues: Readonly<Record<string, string>>): cloudwatch.Metric {
  const dimensionsMap: Record<string, string> = {};
  for (const [name, value] of Object.entries(m.dimensions)) dimensionsMap[name] = dimensionValues[name] ?? value;
  return new cloudwatch.Metric({
    namespace: m.namespace,
    metricName: m.metricName,
    dimensionsMap,
    statistic: m.statistic,
    unit: m.unit as cloudwatch.Unit | undefined,
    region: m.region,
    account: m.accountId,
  });
}

/**
 * The construct props for a spec SLO, or the reason it has no CloudWatch
 * alarms (Prometheus SLIs are rendered as rules, threshold SLIs need time
 * slices, alerting may be off): the same cases as core's planSloAlarms.
 */
export function sloPropsFromSpec(
  slo: Slo,
  dimensionValues: Readonly<Record<string, string>> = {},
): { props?: Omit<ServiceLevelObjectiveProps, 'actions'>; reason?: string } {
  if (!slo.alerting.enabled) return { reason: 'alerting is disabled in the spec' };
  const ind = slo.indicator;
  if (ind.kind !== 'ratio')
    return {
      reason: `${ind.kind} indicators have no CloudWatch burn-rate alarms (rendered as Prometheus rules or reviewed only)`,
    };
  const total = cdkMetric(ind.total, dimensionValues);
  const good = ind.good ? cdkMetric(ind.good, dimensionValues) : undefined;
  const bad = ind.bad ? cdkMetric(ind.bad, dimensionValues) : undefined;
  if (!total || (!good && !bad))
    return { reason: 'the indicator is not a CloudWatch source (rendered as Prometheus rules instead)' };
  const tiers: BurnRateTierProps[] = slo.alerting.policy.tiers.map((t) => ({
    name: t.name,
    severity: t.severity === 'page' ? SloTierSeverity.PAGE : SloTierSeverity.TICKET,
    longWindow: Duration.seconds(t.longWindowSeconds),
    shortWindow: Duration.seconds(t.shortWindowSeconds),
    burnRate: t.burnRate,
  }));
  return {
    props: {
      sloName: slo.name,
      service: slo.service,
      objective: slo.objective,
      period: Duration.seconds(slo.period.seconds),
      totalMetric: total,
      goodMetric: good,
      badMetric: bad,
      tiers,
      runbookUrl: slo.alerting.runbookUrl,
      description: slo.description,
    },
  };
}
