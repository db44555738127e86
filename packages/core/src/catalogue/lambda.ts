import type { CatalogueAlarm } from '../model/alarms';
import { alarm, metric, NO_TRAFFIC_NOT_BREACHING } from './shared';

const NS = 'AWS/Lambda';
const FN = ['FunctionName'];

export const LAMBDA_ALARMS: readonly CatalogueAlarm[] = [
  alarm({
    id: 'lambda.errors',
    family: 'lambda',
    title: 'Lambda function errors',
    metric: metric(NS, 'Errors', FN, 'Sum'),
    threshold: { kind: 'userDefined', suggested: 0, why: 'AWS: > 0 or your tolerated error count per minute' },
    comparison: 'GreaterThanThreshold',
    evaluationPeriods: 3,
    datapointsToAlarm: 3,
    treatMissingData: 'notBreaching',
    treatMissingReason: NO_TRAFFIC_NOT_BREACHING,
    severity: 'critical',
    runbook:
      'Open the function logs for the alarm window (Logs Insights: filter @message like /ERROR|Task timed out/). ' +
      'Check the last deployment and downstream dependencies; roll back if errors started with a release.',
  }),
  alarm({
    id: 'lambda.throttles',
    family: 'lambda',
    title: 'Lambda function throttled',
    metric: metric(NS, 'Throttles', FN, 'Sum'),
    threshold: { kind: 'userDefined', suggested: 1, why: 'AWS: > 0 or your tolerated throttles per minute' },
    comparison: 'GreaterThanOrEqualToThreshold',
    evaluationPeriods: 5,
    datapointsToAlarm: 5,
    treatMissingData: 'notBreaching',
    treatMissingReason: NO_TRAFFIC_NOT_BREACHING,
    severity: 'warning',
    runbook:
      'Throttling means concurrency ran out: compare ConcurrentExecutions with reserved concurrency and the ' +
      'account quota; raise reserved concurrency or request a quota increase; check for a retry storm upstream.',
  }),
  alarm({
    id: 'lambda.duration',
    family: 'lambda',
    title: 'Lambda duration p90 close to the timeout',
    metric: metric(NS, 'Duration', FN, 'p90'),
    // Duration is in milliseconds, like the timeoutMs property it derives from; 3 s is the Lambda default timeout.
    threshold: { kind: 'percentOf', percent: 90, of: 'timeoutMs', fallback: 2700 },
    comparison: 'GreaterThanThreshold',
    evaluationPeriods: 15,
    datapointsToAlarm: 15,
    treatMissingData: 'notBreaching',
    treatMissingReason: NO_TRAFFIC_NOT_BREACHING,
    severity: 'warning',
    runbook:
      'p90 duration is near the timeout: look for slow downstream calls (X-Ray / logs), cold starts after a ' +
      'deploy, or a payload size change; raise memory (more CPU) or the timeout only after finding the cause.',
  }),
  alarm({
    id: 'lambda.concurrent-executions',
    family: 'lambda',
    title: 'Lambda concurrency near the quota',
    metric: metric(NS, 'ConcurrentExecutions', FN, 'Maximum'),
    // 1000 is the default regional concurrency quota.
    threshold: { kind: 'percentOf', percent: 90, of: 'concurrencyQuota', fallback: 900 },
    comparison: 'GreaterThanThreshold',
    evaluationPeriods: 10,
    datapointsToAlarm: 10,
    treatMissingData: 'notBreaching',
    treatMissingReason: NO_TRAFFIC_NOT_BREACHING,
    severity: 'warning',
    runbook:
      'Concurrency is close to the quota, throttling is next: check the invocation source for a surge or retry ' +
      'loop and request a concurrency quota increase if the load is legitimate.',
  }),
  alarm({
    id: 'lambda.claimed-account-concurrency',
    family: 'lambda',
    title: 'Account-wide claimed Lambda concurrency near the quota',
    metric: metric(NS, 'ClaimedAccountConcurrency', [], 'Maximum'),
    threshold: { kind: 'percentOf', percent: 90, of: 'concurrencyQuota', fallback: 900 },
    comparison: 'GreaterThanThreshold',
    evaluationPeriods: 10,
    datapointsToAlarm: 10,
    treatMissingData: 'notBreaching',
    treatMissingReason: NO_TRAFFIC_NOT_BREACHING,
    severity: 'warning',
    runbook:
      'All functions together claim most of the account concurrency: find the top consumers (ConcurrentExecutions ' +
      'by function), cap noisy ones with reserved concurrency, request a quota increase.',
    // Account-level metric: enabling it on every function would create identical alarms. Opt in on one resource.
    enabledByDefault: false,
  }),
];
