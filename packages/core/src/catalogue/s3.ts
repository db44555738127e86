import type { CatalogueAlarm } from '../model/alarms';
import { alarm, metric, NO_TRAFFIC_NOT_BREACHING } from './shared';

// Request metrics exist only for buckets with a request-metrics configuration (a filter, named by FilterId;
// `EntireBucket` is the usual whole-bucket filter) and are billed as custom metrics.
const BUCKET = ['BucketName', 'FilterId'];
const REQUEST_METRICS =
  ' S3 request metrics need a metrics configuration on the bucket (FilterId); without it this alarm has no data.';

export const S3_ALARMS: readonly CatalogueAlarm[] = [
  alarm({
    id: 's3.5xx-errors',
    family: 's3',
    title: 'S3 server error rate',
    // Each request reports 0 or 1, so the Average over a period is the 5xx rate.
    metric: metric('AWS/S3', '5xxErrors', BUCKET, 'Average'),
    threshold: { kind: 'fixed', value: 0.05 },
    comparison: 'GreaterThanThreshold',
    evaluationPeriods: 15,
    datapointsToAlarm: 15,
    treatMissingData: 'notBreaching',
    treatMissingReason: NO_TRAFFIC_NOT_BREACHING,
    severity: 'critical',
    runbook:
      'More than 5 % of requests fail on the S3 side: check the AWS Health Dashboard for S3 in the region and ' +
      'whether clients retry with backoff (503 SlowDown means request rate per prefix is too high).' +
      REQUEST_METRICS,
  }),
  alarm({
    id: 's3.4xx-errors',
    family: 's3',
    title: 'S3 client error rate',
    metric: metric('AWS/S3', '4xxErrors', BUCKET, 'Average'),
    threshold: { kind: 'fixed', value: 0.05 },
    comparison: 'GreaterThanThreshold',
    evaluationPeriods: 15,
    datapointsToAlarm: 15,
    treatMissingData: 'notBreaching',
    treatMissingReason: NO_TRAFFIC_NOT_BREACHING,
    severity: 'warning',
    runbook:
      'More than 5 % of requests are rejected (403/404): check recent bucket policy, IAM or KMS key policy ' +
      'changes, and clients requesting keys that do not exist (CloudTrail data events or server access logs).' +
      REQUEST_METRICS,
  }),
  alarm({
    id: 's3.total-request-latency',
    family: 's3',
    title: 'S3 request latency p99 high',
    metric: metric('AWS/S3', 'TotalRequestLatency', BUCKET, 'p99'),
    threshold: {
      kind: 'userDefined',
      suggested: 2000,
      why: 'milliseconds; the original GoodGreets alarm used 2 s, tune to your object sizes',
    },
    comparison: 'GreaterThanThreshold',
    evaluationPeriods: 15,
    datapointsToAlarm: 15,
    treatMissingData: 'notBreaching',
    treatMissingReason: NO_TRAFFIC_NOT_BREACHING,
    severity: 'warning',
    runbook:
      'Slow S3 requests: compare FirstByteLatency (S3 side) with TotalRequestLatency (includes the transfer to a ' +
      'slow client); large objects or cross-region clients explain the latter.' +
      REQUEST_METRICS,
    source: 'this project: the original GoodGreets alarm set (REFERENCE.md section 1); not in the AWS list',
  }),
];
