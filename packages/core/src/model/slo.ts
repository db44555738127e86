/**
 * The normalised SLO model. Every input format (OpenSLO v1, Sloth prometheus/v1)
 * is parsed into these types; every renderer (CDK, Grafana, Prometheus, review)
 * reads only these types. Durations are whole seconds so that arithmetic never
 * has to parse strings twice.
 */

/** Where a value came from, so that every later error can point at the file. */
export interface SourceLocation {
  readonly file: string;
  /** 1-based line and column of the YAML node. */
  readonly line: number;
  readonly col: number;
  /** Dotted path inside the document, for example `spec.objectives[0].target`. */
  readonly path: string;
}

/** A single CloudWatch metric with one statistic (`Sum`, `Average`, `p99`, `TC(:0.3)`, ...). */
export interface CloudWatchMetricStat {
  readonly type: 'CloudWatch';
  readonly kind: 'metric';
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly statistic: string;
  readonly unit?: string;
  readonly region?: string;
  readonly accountId?: string;
}

/**
 * A CloudWatch metric-math expression over named metrics. The ids in `metrics`
 * are the identifiers the expression uses (CloudWatch requires a lowercase
 * first letter). At most 10 metrics may be referenced by one alarm.
 */
export interface CloudWatchExpression {
  readonly type: 'CloudWatch';
  readonly kind: 'expression';
  readonly expression: string;
  readonly metrics: Readonly<Record<string, CloudWatchMetricStat>>;
}

/** A PromQL query; `{{.window}}` is replaced by the evaluation window (`5m`, `1h`, ...) as in Sloth. */
export interface PrometheusQuery {
  readonly type: 'Prometheus';
  readonly query: string;
}

/** A data source this project cannot evaluate (for example Datadog in OpenSLO examples): kept, never rendered. */
export interface OpaqueMetricSource {
  readonly type: 'Opaque';
  readonly sourceType: string;
  readonly spec: unknown;
}

export type CloudWatchSource = CloudWatchMetricStat | CloudWatchExpression;
export type MetricSource = CloudWatchSource | PrometheusQuery | OpaqueMetricSource;

/** Ratio SLI: exactly one of `good` or `bad`, and `total`. */
export interface RatioIndicator {
  readonly kind: 'ratio';
  readonly good?: MetricSource;
  readonly bad?: MetricSource;
  readonly total: MetricSource;
}

/** Threshold SLI: the metric is good while `metric <operator> threshold`. */
export interface ThresholdIndicator {
  readonly kind: 'threshold';
  readonly metric: MetricSource;
  readonly operator: 'lt' | 'lte' | 'gt' | 'gte';
  readonly threshold: number;
}

/** Sloth's raw SLI: a query that already yields the error ratio for `{{.window}}`. */
export interface RawErrorRatioIndicator {
  readonly kind: 'rawErrorRatio';
  readonly errorRatio: MetricSource;
}

export type Indicator = RatioIndicator | ThresholdIndicator | RawErrorRatioIndicator;

export type BudgetingMethod = 'Occurrences' | 'Timeslices' | 'RatioTimeslices';

export interface SloPeriod {
  readonly seconds: number;
  /** Rolling window (true) or calendar-aligned (false). */
  readonly rolling: boolean;
  /** For calendar windows: the unit the period is aligned to. */
  readonly calendarUnit?: 'Day' | 'Week' | 'Month' | 'Quarter' | 'Year';
}

/** `page` tiers go to the critical route, `ticket` tiers to the warning route. */
export type TierSeverity = 'page' | 'ticket';

/** One multi-window tier: fires when both windows burn faster than `burnRate`. */
export interface BurnRateTier {
  readonly name: string;
  readonly severity: TierSeverity;
  readonly longWindowSeconds: number;
  readonly shortWindowSeconds: number;
  readonly burnRate: number;
  /** Fraction of the period's error budget spent when the long window alone detects at `burnRate`. */
  readonly budgetFraction: number;
  /**
   * Low-traffic guard: a long window that saw fewer events is judged as if it had seen this many, the missing
   * ones good (errors / max(events, minEvents)). Absent or 0: no guard. See math/guard.ts.
   */
  readonly minEvents?: number;
}

/** A spec change to one tier of the policy (`sre-kit/tier.<name>`): what `sre validate` explains. */
export interface TierChange {
  readonly tier: string;
  /** The tier as the policy defined it, before the change. */
  readonly before: BurnRateTier;
  /** `disabled`, or the severity it now has. */
  readonly change: 'disabled' | TierSeverity;
}

export interface BurnRatePolicy {
  readonly periodSeconds: number;
  readonly tiers: readonly BurnRateTier[];
}

/** Settings of the page or the ticket alert alone (Sloth `page_alert` / `ticket_alert`), merged over `SloAlerting`'s. */
export interface SeverityAlerting {
  /** This severity's alert is not generated (its tiers still drive reviews and simulations). */
  readonly disabled?: boolean;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

export interface SloAlerting {
  readonly enabled: boolean;
  readonly policy: BurnRatePolicy;
  /** Names of labels/annotations to attach to alerts (Sloth `alerting.labels`, OpenSLO AlertPolicy metadata). */
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly pageAlertName?: string;
  readonly ticketAlertName?: string;
  readonly runbookUrl?: string;
  readonly page?: SeverityAlerting;
  readonly ticket?: SeverityAlerting;
  /** Tiers the spec disabled or gave another severity; `policy` already reflects them. */
  readonly tierChanges?: readonly TierChange[];
}

export interface Slo {
  /** Unique within a spec set; used in generated resource and rule names. */
  readonly name: string;
  readonly displayName?: string;
  readonly description?: string;
  readonly service: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Target as a ratio in [0, 1), for example 0.999. */
  readonly objective: number;
  readonly period: SloPeriod;
  readonly budgetingMethod: BudgetingMethod;
  /** Timeslices only: a slice is good when its ratio is >= this. */
  readonly timeSliceTarget?: number;
  readonly timeSliceWindowSeconds?: number;
  readonly indicator: Indicator;
  readonly alerting: SloAlerting;
  readonly origin: { readonly format: 'openslo' | 'sloth'; readonly location: SourceLocation };
}
