import type { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { CfnServiceLevelObjective } from 'aws-cdk-lib/aws-applicationsignals';
import type { IConstruct } from 'constructs';
import {
  alarmMetricCount,
  errorRatioQuery,
  metricIdentity,
  type AlarmMetricNode,
  type CloudWatchMetricStat,
} from '@sre-kit/core';
import { inputError } from '../errors';

/** CloudWatch rejects a metric-math alarm that references more than 10 metrics. */
export const MAX_METRICS_PER_ALARM = 10;

export interface SliMetrics {
  readonly good?: cloudwatch.IMetric;
  readonly bad?: cloudwatch.IMetric;
  readonly total: cloudwatch.IMetric;
}

type Periodic = cloudwatch.Metric | cloudwatch.MathExpression;

function periodic(scope: IConstruct, name: string, metric: cloudwatch.IMetric): Periodic {
  if (metric instanceof cloudwatch.Metric || metric instanceof cloudwatch.MathExpression) return metric;
  return inputError(
    scope,
    `${name} metric must be a cloudwatch.Metric or cloudwatch.MathExpression`,
    metric.toString(),
    'build it with new cloudwatch.Metric(...) or new cloudwatch.MathExpression(...)',
  );
}

/** A CDK metric as the tree core's alarmMetricCount counts. */
function metricNode(metric: cloudwatch.IMetric): AlarmMetricNode {
  if (!(metric instanceof cloudwatch.MathExpression)) {
    const stat = metric.toMetricConfig().metricStat;
    if (!stat) return { kind: 'metric' };
    const dimensions = Object.fromEntries((stat.dimensions ?? []).map((d) => [d.name, String(d.value)]));
    const identity = metricIdentity({ ...stat, dimensions, accountId: stat.account });
    return { kind: 'metric', identity };
  }
  const metrics: Record<string, AlarmMetricNode> = {};
  for (const [id, m] of Object.entries(metric.usingMetrics)) metrics[id] = metricNode(m);
  return { kind: 'expression', metrics };
}

/**
 * Metrics an alarm on this metric or expression retrieves, by core's one rule (alarmMetricCount): what
 * CloudWatch limits to 10 per alarm and what the cost model bills, the same figure `sre cost` uses.
 */
export function countMetrics(metric: cloudwatch.IMetric): number {
  return alarmMetricCount([metricNode(metric)]);
}

/**
 * The error ratio over one window: bad/total (or (total - good)/total), each
 * metric's period set to the window so the ratio covers exactly that window.
 * No traffic gives 0 (core's formula guards the division): an idle service is
 * not burning budget, and the alarm's notBreaching covers windows with no data.
 */
export function errorRatio(
  scope: IConstruct,
  sli: SliMetrics,
  window: Duration,
  label: string,
  /** Low-traffic guard: errors / max(total, minEvents), from the same metrics (no extra one). 0: none. */
  minEvents = 0,
): cloudwatch.MathExpression {
  if (!sli.good === !sli.bad)
    inputError(
      scope,
      'exactly one of goodMetric or badMetric is required',
      { good: !!sli.good, bad: !!sli.bad },
      'pass the count of failed requests as badMetric, or of successful ones as goodMetric',
    );
  const total = periodic(scope, 'total', sli.total).with({ period: window });
  const usingMetrics: Record<string, cloudwatch.IMetric> = sli.bad
    ? { bad: periodic(scope, 'bad', sli.bad).with({ period: window }), total }
    : { good: periodic(scope, 'good', sli.good!).with({ period: window }), total };
  const expression = new cloudwatch.MathExpression({
    expression: ratioExpression(!!sli.bad, minEvents),
    usingMetrics,
    period: window,
    label,
  });
  const count = countMetrics(expression);
  if (count > MAX_METRICS_PER_ALARM)
    inputError(
      scope,
      `the SLI reads ${count} metrics; a CloudWatch metric-math alarm may read at most ${MAX_METRICS_PER_ALARM}`,
      count,
      'sum the series upstream (one metric per side), or use SloAlarmMode.APPLICATION_SIGNALS',
    );
  return expression;
}

/**
 * Core's error-ratio formula (the one the cost model, review and Prometheus
 * renderers share), over the ids `bad`/`good` and `total`: core builds it from
 * an indicator, so it is asked with placeholder metrics of those names.
 */
function ratioExpression(bad: boolean, minEvents: number): string {
  const placeholder = (metricName: string): CloudWatchMetricStat => ({
    type: 'CloudWatch',
    kind: 'metric',
    namespace: 'sre-kit',
    metricName,
    dimensions: {},
    statistic: 'Sum',
  });
  const query = errorRatioQuery(
    {
      kind: 'ratio',
      total: placeholder('total'),
      ...(bad ? { bad: placeholder('bad') } : { good: placeholder('good') }),
    },
    { minEvents },
  );
  return query!.errorRatio.expression;
}

/**
 * An IMetric as Application Signals MetricDataQuery list: leaves first
 * (returnData false), the final value last (returnData true).
 */
export function toMetricDataQueries(
  scope: IConstruct,
  metric: cloudwatch.IMetric,
): CfnServiceLevelObjective.MetricDataQueryProperty[] {
  const out: CfnServiceLevelObjective.MetricDataQueryProperty[] = [];
  let seq = 0;
  const visit = (m: cloudwatch.IMetric, id: string, returnData: boolean): void => {
    const config = m.toMetricConfig();
    if (config.mathExpression) {
      const ids: Record<string, string> = {};
      for (const [name, child] of Object.entries(config.mathExpression.usingMetrics)) {
        const childId = `m${++seq}`;
        ids[name] = childId;
        visit(child, childId, false);
      }
      const expression = config.mathExpression.expression.replace(
        /\b[a-z][A-Za-z0-9_]*\b/g,
        (word) => ids[word] ?? word,
      );
      out.push({ id, expression, returnData });
      return;
    }
    const stat = config.metricStat;
    if (!stat)
      inputError(
        scope,
        'unsupported metric for Application Signals',
        m.toString(),
        'use a cloudwatch.Metric or MathExpression',
      );
    out.push({
      id,
      returnData,
      metricStat: {
        metric: {
          namespace: stat.namespace,
          metricName: stat.metricName,
          dimensions: (stat.dimensions ?? []).map((d) => ({ name: d.name, value: String(d.value) })),
        },
        period: stat.period.toSeconds(),
        stat: stat.statistic,
      },
    });
  };
  visit(metric, 'result', true);
  return out;
}
