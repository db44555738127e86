/**
 * CloudWatch list prices the cost model uses, as data. us-east-1, USD per
 * month unless the name says otherwise. Update `asOf` with every change and
 * check https://aws.amazon.com/cloudwatch/pricing/ ; other regions differ.
 */
export interface PriceTable {
  readonly region: string;
  readonly currency: 'USD';
  /** Date the figures were taken from the source (ISO 8601). */
  readonly asOf: string;
  readonly source: string;
  /** Per alarm metric per month (a metric-math alarm pays for each metric it references). */
  readonly standardAlarmMetric: number;
  /** Per alarm metric per month for periods under 60 s. */
  readonly highResolutionAlarmMetric: number;
  readonly compositeAlarm: number;
  /** An anomaly-detection alarm is billed as this many metrics. */
  readonly anomalyDetectionMetricsPerAlarm: number;
  /** Account-wide monthly free tier (basic monitoring). */
  readonly freeAlarmMetrics: number;
  readonly dashboard: number;
  readonly freeDashboards: number;
  /** Per 1,000 metrics requested through GetMetricData. */
  readonly getMetricDataPer1000Metrics: number;
  /** Per custom metric per month, first tier. */
  readonly customMetric: number;
  readonly customMetricFirstTierLimit: number;
}

export const CLOUDWATCH_PRICES_US_EAST_1: PriceTable = {
  region: 'us-east-1',
  currency: 'USD',
  asOf: '2026-11-29',
  source: 'https://aws.amazon.com/cloudwatch/pricing/ (list prices as recorded in shared/REFERENCE.md section 5)',
  standardAlarmMetric: 0.1,
  highResolutionAlarmMetric: 0.3,
  compositeAlarm: 0.5,
  anomalyDetectionMetricsPerAlarm: 3,
  freeAlarmMetrics: 10,
  dashboard: 3,
  freeDashboards: 3,
  getMetricDataPer1000Metrics: 0.01,
  customMetric: 0.3,
  customMetricFirstTierLimit: 10000,
};

/**
 * How many CloudWatch metrics one S3 request-metrics filter publishes (AllRequests, Get/Put/Delete/Head/Post/
 * List/Select requests, Select bytes scanned/returned, bytes down/uploaded, 4xx, 5xx, first-byte and total
 * latency); they are billed as custom metrics.
 */
export const S3_REQUEST_METRICS_PER_FILTER = 16;
