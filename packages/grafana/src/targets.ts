/**
 * Model queries to Grafana targets through the foundation SDK's query builders: CloudWatch metric
 * stat (builder mode) and metric math / SEARCH (code mode) keep the model's ids, so math refers to
 * the same ids as in CloudWatch; Prometheus goes to the Prometheus data source.
 */
import * as cloudwatch from '@grafana/grafana-foundation-sdk/cloudwatch';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import type { DashboardQuery, LogQueryWidget } from '@sre-kit/core';
import { CLOUDWATCH, PROMETHEUS } from './datasources';

/** Queries without a region of their own read the board's region variable (variables.ts). */
export const REGION_REF = '$region';

export interface TargetOptions {
  /** Period of queries that do not set their own. */
  readonly periodSeconds: number;
  /** Prometheus single values are instant queries over the panel range. */
  readonly instant: boolean;
  /** The widget's region, when not the data source's default. */
  readonly region?: string;
}

export function querySystem(query: DashboardQuery): 'cloudwatch' | 'prometheus' {
  return 'source' in query && query.source.type === 'Prometheus' ? 'prometheus' : 'cloudwatch';
}

export function target(query: DashboardQuery, opts: TargetOptions): cog.Builder<cog.Dataquery> {
  if ('expression' in query) {
    return labelled(
      metricsQuery(query.id, cloudwatch.MetricEditorMode.Code)
        .expression(query.expression)
        .region(opts.region ?? REGION_REF)
        .period(String(opts.periodSeconds)),
      query,
    );
  }
  const source = query.source;
  if (source.type === 'Prometheus') {
    const b = new prometheus.DataqueryBuilder().datasource(PROMETHEUS).refId(query.id).expr(source.query);
    if (opts.instant) b.instant();
    else b.range();
    if (query.label !== undefined) b.legendFormat(query.label);
    if (query.hidden) b.hide(true);
    return b;
  }
  if (source.type !== 'CloudWatch' || source.kind !== 'metric') throw new Error(`query ${query.id}: not drawable`);
  const b = metricsQuery(query.id, cloudwatch.MetricEditorMode.Builder)
    .namespace(source.namespace)
    .metricName(source.metricName)
    .dimensions({ ...source.dimensions })
    .matchExact(true)
    .statistic(source.statistic)
    .period(String(('periodSeconds' in query ? query.periodSeconds : undefined) ?? opts.periodSeconds))
    .region(source.region ?? opts.region ?? REGION_REF);
  if (source.accountId !== undefined) b.accountId(source.accountId);
  return labelled(b, query);
}

/** A CloudWatch metrics query (stat or math) with what every such target shares. */
function metricsQuery(id: string, mode: cloudwatch.MetricEditorMode): cloudwatch.MetricsQueryBuilder {
  return new cloudwatch.MetricsQueryBuilder()
    .datasource(CLOUDWATCH)
    .refId(id)
    .id(id)
    .queryMode(cloudwatch.QueryMode.Metrics)
    .metricQueryType(cloudwatch.MetricQueryType.Search)
    .metricEditorMode(mode);
}

function labelled(b: cloudwatch.MetricsQueryBuilder, query: DashboardQuery): cloudwatch.MetricsQueryBuilder {
  if (query.label !== undefined) b.label(query.label);
  if (query.hidden) b.hide(true);
  return b;
}

export function logTarget(widget: LogQueryWidget): cog.Builder<cog.Dataquery> {
  return new cloudwatch.LogsQueryBuilder()
    .datasource(CLOUDWATCH)
    .refId('logs')
    .id('logs')
    .queryMode(cloudwatch.QueryMode.Logs)
    .queryLanguage(cloudwatch.LogsQueryLanguage.CWLI)
    .region(widget.region ?? REGION_REF)
    .logGroupNames([...widget.logGroupNames])
    .expression(widget.query);
}
