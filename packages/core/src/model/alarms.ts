/**
 * The alarm catalogue (AWS recommended alarms as data) and the AlarmPolicy /
 * AlertRouting specs that select and tune it. Renderers (CDK) turn a
 * `ResolvedAlarm` into a CloudWatch alarm without adding policy of their own.
 */
import type { SourceLocation } from './slo';

export const ALARM_FAMILIES = ['lambda', 'ecs', 's3', 'alb', 'rds', 'waf', 'natgateway'] as const;
export type AlarmFamilyName = (typeof ALARM_FAMILIES)[number];

/** Alarm and topic severities; SLO `page` maps to critical and `ticket` to warning. */
export const SEVERITIES = ['critical', 'warning', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** CloudWatch's own comparison operator names, so renderers pass them through unchanged. */
export type ComparisonOperator =
  'GreaterThanThreshold' | 'GreaterThanOrEqualToThreshold' | 'LessThanThreshold' | 'LessThanOrEqualToThreshold';

export type TreatMissingData = 'breaching' | 'notBreaching' | 'ignore' | 'missing';

export const COMPARISON_OPERATORS: readonly ComparisonOperator[] = [
  'GreaterThanThreshold',
  'GreaterThanOrEqualToThreshold',
  'LessThanThreshold',
  'LessThanOrEqualToThreshold',
];

export const TREAT_MISSING_DATA: readonly TreatMissingData[] = ['breaching', 'notBreaching', 'ignore', 'missing'];

/**
 * What must be true of the resource a metric's dimension names for AWS to publish the metric (a
 * configuration set with reputation metrics on, a queue that exists). Entries carry them; the CDK
 * families write them on the alarm (`ALARM_PRECONDITIONS_METADATA`) and `sre verify` checks them
 * against the synthesized assembly, so an extension's entry is checked like the built-in ones.
 */
export interface MetricPrecondition {
  /** The dimension of the alarm's metrics whose value names the resource. */
  readonly dimension: string;
  /** CloudFormation type of that resource (`AWS::SES::ConfigurationSet`). */
  readonly resourceType: string;
  /** The property holding the resource's name, for a dimension given as a literal name rather than a Ref. */
  readonly nameProperty?: string;
  /** Dot path of a property of the resource (`ReputationOptions.ReputationMetricsEnabled`); omitted: existing is enough. */
  readonly property?: string;
  /** Values the property must hold (compared as text: `true`, `enabled`); omitted: any value but none. */
  readonly oneOf?: readonly string[];
  /** Why the metric gets no data otherwise: `sre verify` prints it. */
  readonly reason: string;
  readonly fix: string;
}

/** A metric of the catalogue: dimension *names*; values come from the resource. */
export interface CatalogueMetric {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensionNames: readonly string[];
  readonly statistic: string;
  /** Dimension values that are always the same, for example WAF `Rule: ALL`. */
  readonly fixedDimensions?: Readonly<Record<string, string>>;
}

/** How a threshold is obtained: fixed, derived from a resource property, or left to the user with a suggestion. */
export type ThresholdRule =
  | { readonly kind: 'fixed'; readonly value: number }
  | {
      readonly kind: 'percentOf';
      readonly percent: number;
      /** The resource property it derives from, for example `timeoutMs`, `maxConnections`, `memoryBytes`. */
      readonly of: string;
      /** Used when the property is unknown at synth time. */
      readonly fallback?: number;
    }
  | { readonly kind: 'userDefined'; readonly suggested: number; readonly why: string };

export interface CatalogueAlarm {
  /** Stable id `<family>.<slug>`, used for overrides and opt-outs, for example `lambda.errors`. */
  readonly id: string;
  /** One of ALARM_FAMILIES, or a family registered from user code (`sqs`, `ses`, `dynamodb`). */
  readonly family: string;
  readonly title: string;
  /** A single metric, or metric math over named metrics (ids are the expression's variables). */
  readonly metric?: CatalogueMetric;
  readonly expression?: { readonly expression: string; readonly metrics: Readonly<Record<string, CatalogueMetric>> };
  readonly threshold: ThresholdRule;
  readonly comparison: ComparisonOperator;
  readonly periodSeconds: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly treatMissingData: TreatMissingData;
  /** Why this treat-missing-data choice (REFERENCE.md leaves it open). */
  readonly treatMissingReason: string;
  readonly severity: Severity;
  /** What to check and do when it fires. */
  readonly runbook: string;
  /** Where the default comes from (AWS best-practice list, an AWS doc, or this project's choice). */
  readonly source: string;
  readonly enabledByDefault: boolean;
  /** What the monitored resource must be configured with for the metrics to exist (`sre verify` checks it). */
  readonly preconditions?: readonly MetricPrecondition[];
}

/** Per-alarm override in an AlarmPolicy. */
export interface AlarmOverride {
  readonly enabled?: boolean;
  readonly threshold?: number;
  readonly periodSeconds?: number;
  readonly evaluationPeriods?: number;
  readonly datapointsToAlarm?: number;
  readonly severity?: Severity;
  readonly treatMissingData?: TreatMissingData;
  readonly runbookUrl?: string;
  /** What to do for this resource in particular, in place of the entry's generic runbook (set from code). */
  readonly runbook?: string;
}

/** One monitored resource of a family, as named in alarms/*.yaml. */
export interface MonitoredResource {
  /** Logical id, unique within the family; the CDK facade maps it onto a construct. */
  readonly id: string;
  /** Known dimension values (for example `FunctionName`); CDK fills the rest from the construct. */
  readonly dimensions: Readonly<Record<string, string>>;
  /** Resource properties thresholds derive from (`timeoutMs`, `maxConnections`, ...). */
  readonly properties: Readonly<Record<string, number>>;
  /** Non-numeric facts that change which metrics apply, for example WAF `scope: CLOUDFRONT` (no Region dimension). */
  readonly attributes?: Readonly<Record<string, string>>;
  readonly overrides: Readonly<Record<string, AlarmOverride>>;
  readonly location: SourceLocation;
}

export interface AlarmPolicy {
  readonly name: string;
  readonly service: string;
  readonly runbookBaseUrl?: string;
  readonly families: Readonly<Partial<Record<AlarmFamilyName, readonly MonitoredResource[]>>>;
  /** Family-wide overrides keyed by catalogue id, applied before per-resource ones. */
  readonly defaults: Readonly<Record<string, AlarmOverride>>;
  readonly location: SourceLocation;
}

/** A catalogue alarm applied to one resource with overrides folded in: what a renderer draws. */
export interface ResolvedAlarm {
  readonly catalogueId: string;
  readonly family: string;
  readonly resourceId: string;
  readonly service: string;
  readonly title: string;
  readonly metric?: CatalogueMetric;
  readonly expression?: CatalogueAlarm['expression'];
  readonly dimensions: Readonly<Record<string, string>>;
  /** Region the metrics live in when it is not the stack's: CloudFront-scoped WAF metrics are in us-east-1. */
  readonly region?: string;
  /** Undefined when it derives from a property only the renderer knows (then `thresholdRule` says how). */
  readonly threshold?: number;
  readonly thresholdRule: ThresholdRule;
  readonly comparison: ComparisonOperator;
  readonly periodSeconds: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly treatMissingData: TreatMissingData;
  readonly severity: Severity;
  readonly runbook: string;
  readonly runbookUrl?: string;
  readonly preconditions?: readonly MetricPrecondition[];
}

/** Alertmanager-style matcher: exact value, or `~regex` for a regular expression, `!value` for negation. */
export type Matchers = Readonly<Record<string, string>>;

/** A Slack target: exactly one of `webhookSecret` (incoming webhook) or `botTokenSecret` (Web API, threaded). */
export interface SlackReceiver {
  /** The channel by name (`#sre-page`); a bot token posts there, a webhook is bound to its own channel. */
  readonly channel: string;
  /** Secrets Manager secret name/ARN or SSM parameter (`ssm:/path`) holding the webhook URL. Never the URL itself. */
  readonly webhookSecret?: string;
  /**
   * Secrets Manager secret name/ARN or SSM parameter holding a bot token (`xoxb-...`, scope `chat:write`):
   * the router posts with chat.postMessage, threads each alert group and edits its root with chat.update.
   */
  readonly botTokenSecret?: string;
}

export interface Receiver {
  readonly name: string;
  readonly slack: readonly SlackReceiver[];
  readonly email: readonly string[];
  /** Send OK (resolved) notifications. */
  readonly sendResolved: boolean;
}

export interface Route {
  readonly receiver?: string;
  readonly matchers: Matchers;
  readonly continue: boolean;
  readonly groupBy?: readonly string[];
  readonly groupWaitSeconds?: number;
  readonly groupIntervalSeconds?: number;
  readonly repeatIntervalSeconds?: number;
  readonly muteTimeIntervals: readonly string[];
  readonly routes: readonly Route[];
}

export interface TimeInterval {
  readonly name: string;
  /** Weekdays (`monday`, `saturday:sunday`), `HH:MM-HH:MM` times, in `location` (IANA). */
  readonly weekdays: readonly string[];
  readonly times: readonly { readonly start: string; readonly end: string }[];
  readonly location: string;
}

/** What a maintenance window is for: shown in the router's log and the review. */
export const WINDOW_CATEGORIES = ['maintenance', 'deployment', 'dependency'] as const;
export type WindowCategory = (typeof WINDOW_CATEGORIES)[number];

/** One planned stretch of time: absolute instants, already resolved from the spec's time zone. */
export interface OnceSchedule {
  readonly kind: 'once';
  /** ISO 8601 in UTC (`2026-12-12T21:00:00.000Z`). */
  readonly start: string;
  readonly end: string;
}

/**
 * A window that comes back: on each listed weekday (every day when none) at `start` wall-clock time in
 * `location`, for `durationSeconds`. Weekdays and `location` are spelled as in `timeIntervals`.
 */
export interface RecurringSchedule {
  readonly kind: 'recurring';
  readonly weekdays: readonly string[];
  /** HH:MM, 24-hour, local to `location`. */
  readonly start: string;
  readonly durationSeconds: number;
  /** IANA time zone. */
  readonly location: string;
}

export type WindowSchedule = OnceSchedule | RecurringSchedule;

/**
 * A maintenance window (`spec.maintenanceWindows` of an AlertRouting): alarms whose labels match
 * `matchers` (the route matchers' semantics) are muted while it is open, and, with
 * `excludeFromReview`, its time leaves the SLI and error budget of the SLOs it matches in reviews.
 */
export interface MaintenanceWindow {
  readonly name: string;
  readonly category: WindowCategory;
  /** Why the window exists (a ticket, a change number): logged with each muted alarm, listed by the review. */
  readonly reason: string;
  /** Empty: every alarm and every SLO. */
  readonly matchers: Matchers;
  readonly schedule: WindowSchedule;
  readonly excludeFromReview: boolean;
}

export interface AlertRouting {
  readonly name: string;
  readonly receivers: readonly Receiver[];
  readonly route: Route;
  readonly timeIntervals: readonly TimeInterval[];
  /** Planned work: mutes matching alarms while open (absent: none). */
  readonly maintenanceWindows?: readonly MaintenanceWindow[];
  readonly location: SourceLocation;
}
