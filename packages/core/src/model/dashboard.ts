/**
 * The renderer-independent dashboard model. CloudWatch (@sre-kit/cdk) and
 * Grafana (@sre-kit/grafana) both render exactly this; a parity test compares
 * the metrics they show.
 */
import type { CloudWatchMetricStat, PrometheusQuery } from './slo';

export const AUDIENCES = ['management', 'developer', 'security'] as const;
export type Audience = (typeof AUDIENCES)[number];

/** A query a widget draws: a CloudWatch metric, CloudWatch math over earlier queries (by id), Prometheus, or Logs Insights. */
export type DashboardQuery =
  | { readonly id: string; readonly label?: string; readonly source: CloudWatchMetricStat; readonly hidden?: boolean }
  | { readonly id: string; readonly label?: string; readonly expression: string; readonly hidden?: boolean }
  | { readonly id: string; readonly label?: string; readonly source: PrometheusQuery; readonly hidden?: boolean };

export type Unit =
  'none' | 'count' | 'percent' | 'ratio' | 'seconds' | 'milliseconds' | 'bytes' | 'requestsPerSecond' | 'usd';

export interface Threshold {
  readonly value: number;
  readonly label: string;
  readonly severity: 'critical' | 'warning' | 'info';
}

interface WidgetBase {
  readonly title: string;
  /** Width on a 24-column grid; renderers scale (CloudWatch also uses 24). */
  readonly width: number;
  readonly height: number;
  readonly description?: string;
  readonly links?: readonly { readonly title: string; readonly url: string }[];
}

export interface TimeSeriesWidget extends WidgetBase {
  readonly type: 'timeSeries';
  readonly queries: readonly DashboardQuery[];
  readonly periodSeconds: number;
  readonly unit: Unit;
  readonly thresholds: readonly Threshold[];
  readonly stacked?: boolean;
}

export interface SingleValueWidget extends WidgetBase {
  readonly type: 'singleValue';
  readonly queries: readonly DashboardQuery[];
  readonly periodSeconds: number;
  readonly unit: Unit;
  readonly thresholds: readonly Threshold[];
}

export interface GaugeWidget extends WidgetBase {
  readonly type: 'gauge';
  readonly queries: readonly DashboardQuery[];
  readonly periodSeconds: number;
  readonly unit: Unit;
  readonly min: number;
  readonly max: number;
  readonly thresholds: readonly Threshold[];
}

/** Alarm names are logical (`<service>-<resource>-<catalogueId>`); renderers resolve them to real alarms. */
export interface AlarmStatusWidget extends WidgetBase {
  readonly type: 'alarmStatus';
  readonly alarmNames: readonly string[];
}

export interface TextWidget extends WidgetBase {
  readonly type: 'text';
  readonly markdown: string;
}

export interface LogQueryWidget extends WidgetBase {
  readonly type: 'logQuery';
  readonly logGroupNames: readonly string[];
  /** CloudWatch Logs Insights query text. */
  readonly query: string;
  readonly visualization: 'table' | 'timeSeries' | 'bar';
}

export type Widget =
  TimeSeriesWidget | SingleValueWidget | GaugeWidget | AlarmStatusWidget | TextWidget | LogQueryWidget;

export interface DashboardSection {
  readonly title: string;
  readonly widgets: readonly Widget[];
}

export interface Dashboard {
  /** File and resource name, for example `goodgreets-management`. */
  readonly name: string;
  readonly audience: Audience | 'slo';
  readonly title: string;
  readonly description: string;
  readonly sections: readonly DashboardSection[];
}
