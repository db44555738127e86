import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { BurnRateTier, CloudWatchMetricStat, CloudWatchSource, Slo } from '@sre-kit/core';
import type { IConstruct } from 'constructs';
import type { ServiceLevelObjectiveProps } from './service-level-objective';

/** A CloudWatch metric as core's metric source; dimension values may be tokens (resolved in the body). */
function metricStat(metric: cloudwatch.IMetric): CloudWatchMetricStat | undefined {
  const stat = metric.toMetricConfig().metricStat;
  if (!stat) return undefined;
  return {
    type: 'CloudWatch',
    kind: 'metric',
    namespace: stat.namespace,
    metricName: stat.metricName,
    dimensions: Object.fromEntries((stat.dimensions ?? []).map((d) => [d.name, String(d.value)])),
    statistic: stat.statistic,
    ...(stat.region ? { region: stat.region } : {}),
    ...(stat.account ? { accountId: stat.account } : {}),
  };
}

/** One level of metric math over metric stats, the shape core's CloudWatch sources have; else undefined. */
function metricSource(metric: cloudwatch.IMetric): CloudWatchSource | undefined {
  if (!(metric instanceof cloudwatch.MathExpression)) return metricStat(metric);
  const metrics: Record<string, CloudWatchMetricStat> = {};
  for (const [id, m] of Object.entries(metric.usingMetrics)) {
    const leaf = m instanceof cloudwatch.MathExpression ? undefined : metricStat(m);
    if (!leaf) return undefined;
    metrics[id] = leaf;
  }
  return { type: 'CloudWatch', kind: 'expression', expression: metric.expression, metrics };
}

/**
 * An SLO defined in code (`addSlo`, `new ServiceLevelObjective`) as the core model that spec SLOs
 * are, so the dashboards draw both the same way: SLI, budget, burn rate per tier, tier status.
 * Undefined when a metric is nested metric math, which core's sources cannot hold.
 */
export function sloModel(
  scope: IConstruct,
  props: ServiceLevelObjectiveProps,
  periodSeconds: number,
  tiers: readonly BurnRateTier[],
): Slo | undefined {
  const total = metricSource(props.totalMetric);
  const bad = props.badMetric && metricSource(props.badMetric);
  const good = props.goodMetric && metricSource(props.goodMetric);
  if (!total || (props.badMetric && !bad) || (props.goodMetric && !good)) return undefined;
  const location = { file: scope.node.path, line: 1, col: 1, path: '' };
  return {
    name: props.sloName,
    description: props.description,
    service: props.service,
    labels: {},
    objective: props.objective,
    period: { seconds: periodSeconds, rolling: true },
    budgetingMethod: 'Occurrences',
    indicator: { kind: 'ratio', total, ...(bad ? { bad } : {}), ...(good ? { good } : {}) },
    alerting: {
      enabled: true,
      policy: { periodSeconds, tiers },
      labels: {},
      annotations: {},
      runbookUrl: props.runbookUrl,
    },
    // Core's model names the spec format; a code SLO reads like an OpenSLO one with the construct as its file.
    origin: { format: 'openslo', location },
  };
}
