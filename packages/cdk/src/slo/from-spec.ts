import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { CloudWatchMetricStat, MetricSource, Slo } from '@sre-kit/core';
import { SloTierSeverity } from '../severity';
import type { BurnRateTierProps, ServiceLevelObjectiveProps } from './service-level-objective';

/**
 * A core metric source as a CDK metric (the period is replaced per window later). Placeholder
 * dimension values were already replaced by the kit (core's withDimensionValues).
 */
export function cdkMetric(source: MetricSource): cloudwatch.Metric | cloudwatch.MathExpression | undefined {
  if (source.type !== 'CloudWatch') return undefined;
  if (source.kind === 'metric') return metricStat(source);
  const usingMetrics: Record<string, cloudwatch.IMetric> = {};
  for (const [id, m] of Object.entries(source.metrics)) usingMetrics[id] = metricStat(m);
  return new cloudwatch.MathExpression({ expression: source.expression, usingMetrics, period: Duration.minutes(5) });
}

function metricStat(m: CloudWatchMetricStat): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: m.namespace,
    metricName: m.metricName,
    dimensionsMap: { ...m.dimensions },
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
export function sloPropsFromSpec(slo: Slo): { props?: Omit<ServiceLevelObjectiveProps, 'actions'>; reason?: string } {
  if (!slo.alerting.enabled) return { reason: 'alerting is disabled in the spec' };
  const ind = slo.indicator;
  if (ind.kind !== 'ratio')
    return {
      reason: `${ind.kind} indicators have no CloudWatch burn-rate alarms (rendered as Prometheus rules or reviewed only)`,
    };
  const total = cdkMetric(ind.total);
  const good = ind.good ? cdkMetric(ind.good) : undefined;
  const bad = ind.bad ? cdkMetric(ind.bad) : undefined;
  if (!total || (!good && !bad))
    return { reason: 'the indicator is not a CloudWatch source (rendered as Prometheus rules instead)' };
  const tiers: BurnRateTierProps[] = slo.alerting.policy.tiers.map((t) => ({
    name: t.name,
    severity: t.severity === 'page' ? SloTierSeverity.PAGE : SloTierSeverity.TICKET,
    longWindow: Duration.seconds(t.longWindowSeconds),
    shortWindow: Duration.seconds(t.shortWindowSeconds),
    burnRate: t.burnRate,
    // The spec parser already resolved each tier's guard (0: none, as Sloth specs and `min-events: "0"` ask).
    minEvents: t.minEvents ?? 0,
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
