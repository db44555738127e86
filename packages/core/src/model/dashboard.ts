/**
 * The renderer-independent dashboard model. CloudWatch (@sre-kit/cdk) and
 * Grafana (@sre-kit/grafana) both render exactly this; a parity test compares
 * the metrics they show.
 */
import type { CloudWatchMetricStat, PrometheusQuery } from './slo';

export const AUDIENCES = ['management', 'developer', 'security'] as const;
export type Audience = (typeof AUDIENCES)[number];

interface QueryBase {
  /** Unique within the widget; CloudWatch requires a lowercase first letter, math refers to queries by it. */
  readonly id: string;
  readonly label?: string;
  /** Fetched for math but not drawn. */
  readonly hidden?: boolean;
}

/**
 * A query a widget draws: a CloudWatch metric, CloudWatch math over the widget's other queries (by id),
 * or Prometheus. Log queries are their own widget type. A metric query may carry its own period
 * (for example the 1 h and 5 m windows of one burn-rate tier side by side); otherwise the widget's applies.
 */
export type DashboardQuery =
  | (QueryBase & { readonly source: CloudWatchMetricStat; readonly periodSeconds?: number })
  | (QueryBase & { readonly expression: string })
  | (QueryBase & { readonly source: PrometheusQuery });

/**
 * The time range a widget aggregates over when it is not the dashboard's: the last `seconds`
 * (for example the SLO period), or the calendar month so far. Renderers that cannot express
 * month-to-date natively say so in the widget description.
 */
export type WidgetTimeRange = { readonly kind: 'last'; readonly seconds: number } | { readonly kind: 'monthToDate' };

export type Unit =
  'none' | 'count' | 'percent' | 'ratio' | 'seconds' | 'milliseconds' | 'bytes' | 'requestsPerSecond' | 'usd';

/**
 * A line drawn on a widget. For time series: crossing it is bad in the direction of `comparison`
 * (default `above`); single values and gauges colour by it.
 */
export interface Threshold {
  readonly value: number;
  readonly comparison?: 'above' | 'below';
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
  /**
   * Region of the widget's metrics and log groups when it is not the dashboard's (CloudFront and its web ACLs
   * publish in us-east-1). Metric queries may still name their own `region`.
   */
  readonly region?: string;
}

/**
 * One panel, two sources: `queries` read CloudWatch (what a deployment on AWS publishes), and
 * `prometheusQueries`, when set, are the same panel from Prometheus (the app's /metrics where it runs
 * locally). A renderer draws one of the two per target (`dashboardForSource`), never both, so the
 * panel neither doubles its series nor points a deployment at a Prometheus it does not have.
 */
interface PerSourceQueries {
  readonly prometheusQueries?: readonly DashboardQuery[];
}

export interface TimeSeriesWidget extends WidgetBase, PerSourceQueries {
  readonly type: 'timeSeries';
  readonly queries: readonly DashboardQuery[];
  readonly periodSeconds: number;
  readonly unit: Unit;
  readonly thresholds: readonly Threshold[];
  readonly stacked?: boolean;
  readonly timeRange?: WidgetTimeRange;
}

export interface SingleValueWidget extends WidgetBase, PerSourceQueries {
  readonly type: 'singleValue';
  readonly queries: readonly DashboardQuery[];
  readonly periodSeconds: number;
  readonly unit: Unit;
  readonly thresholds: readonly Threshold[];
  /** Reduce over this range instead of showing the latest datapoint of the dashboard range. */
  readonly timeRange?: WidgetTimeRange;
}

export interface GaugeWidget extends WidgetBase, PerSourceQueries {
  readonly type: 'gauge';
  readonly queries: readonly DashboardQuery[];
  readonly periodSeconds: number;
  readonly unit: Unit;
  readonly min: number;
  readonly max: number;
  readonly thresholds: readonly Threshold[];
  readonly timeRange?: WidgetTimeRange;
}

/**
 * What one alarm evaluates, as queries a dashboard can evaluate itself: for an SLO tier, the long- and
 * short-window burn rates (the alarms' error-ratio math) with the tier's burn rate as the threshold, so
 * the tier is firing when every visible value is past it. Renderers that cannot read alarm state
 * (Grafana) draw this; CloudWatch shows the alarm itself.
 */
export interface AlarmCondition {
  /** The logical alarm (one of the widget's `alarmNames`) this condition is the live view of. */
  readonly alarmName: string;
  readonly title: string;
  readonly description?: string;
  readonly queries: readonly DashboardQuery[];
  readonly periodSeconds: number;
  readonly unit: Unit;
  readonly thresholds: readonly Threshold[];
  readonly timeRange?: WidgetTimeRange;
}

/** Alarm names are logical (`<service>-<resource>-<catalogueId>`); renderers resolve them to real alarms. */
export interface AlarmStatusWidget extends WidgetBase {
  readonly type: 'alarmStatus';
  readonly alarmNames: readonly string[];
  /** Live views of the alarms, one per alarm, in `alarmNames` order. @default none: renderers link the alarms */
  readonly conditions?: readonly AlarmCondition[];
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

/** Where a rendered dashboard reads its metrics: CloudWatch on AWS, Prometheus on a local stack. */
export type MetricsSource = 'cloudwatch' | 'prometheus';

export interface Dashboard {
  /** File and resource name, for example `goodgreets-management`; also the Grafana uid. */
  readonly name: string;
  readonly audience: Audience | 'slo';
  readonly title: string;
  readonly description: string;
  readonly sections: readonly DashboardSection[];
}
