import type { CatalogueAlarm } from '../model/alarms';
import { alarm, metric, NO_TRAFFIC_NOT_BREACHING } from './shared';

const NS = 'AWS/ApplicationELB';
const LB = ['LoadBalancer'];
const TG = ['LoadBalancer', 'TargetGroup'];

export const ALB_ALARMS: readonly CatalogueAlarm[] = [
  alarm({
    id: 'alb.unhealthy-host-count',
    family: 'alb',
    title: 'ALB target group has unhealthy targets',
    metric: metric(NS, 'UnHealthyHostCount', TG, 'Minimum'),
    threshold: { kind: 'fixed', value: 1 },
    comparison: 'GreaterThanOrEqualToThreshold',
    evaluationPeriods: 2,
    datapointsToAlarm: 2,
    treatMissingData: 'notBreaching',
    treatMissingReason:
      'published every minute while targets are registered; no targets is what alb.healthy-host-count reports',
    severity: 'warning',
    runbook:
      'Targets fail health checks: check the target health reason in the console (timeouts vs. HTTP codes), ' +
      'the health check path on one task, and security groups between the ALB and targets.',
  }),
  alarm({
    id: 'alb.healthy-host-count',
    family: 'alb',
    title: 'ALB target group has no healthy targets',
    metric: metric(NS, 'HealthyHostCount', TG, 'Maximum'),
    threshold: { kind: 'fixed', value: 1 },
    comparison: 'LessThanThreshold',
    evaluationPeriods: 2,
    datapointsToAlarm: 2,
    treatMissingData: 'breaching',
    treatMissingReason: 'the metric disappears when no target is registered, which is the outage this alarm exists for',
    severity: 'critical',
    runbook:
      'Every request gets a 503 from the ALB: check the ECS service (running tasks, deployment circuit breaker) ' +
      'and target registration; roll back the last deployment if tasks fail their health check.',
    source:
      'this project: the original GoodGreets alarm set (HealthyHostCount max <= 0); complements UnHealthyHostCount',
  }),
  alarm({
    id: 'alb.elb-5xx-rate',
    family: 'alb',
    title: 'ALB-generated 5XX rate (percent of requests)',
    // A count threshold means something different at 10 and at 10,000 requests a minute; a rate does not.
    expression: {
      expression: 'IF(requests > 0, 100 * FILL(elb5xx, 0) / requests, 0)',
      metrics: {
        elb5xx: metric(NS, 'HTTPCode_ELB_5XX_Count', LB, 'Sum'),
        requests: metric(NS, 'RequestCount', LB, 'Sum'),
      },
    },
    threshold: { kind: 'userDefined', suggested: 1, why: 'percent of requests; AWS leaves the threshold to you' },
    comparison: 'GreaterThanThreshold',
    evaluationPeriods: 5,
    datapointsToAlarm: 3,
    treatMissingData: 'notBreaching',
    treatMissingReason: NO_TRAFFIC_NOT_BREACHING,
    severity: 'critical',
    runbook:
      'The load balancer itself answers 5XX (502 bad gateway, 503 no targets, 504 timeout): correlate with ' +
      'alb.healthy-host-count and target restarts; 504s point at targets slower than the idle timeout.',
  }),
  alarm({
    id: 'alb.target-5xx-rate',
    family: 'alb',
    title: 'Target 5XX rate (percent of requests)',
    expression: {
      expression: 'IF(requests > 0, 100 * FILL(target5xx, 0) / requests, 0)',
      metrics: {
        target5xx: metric(NS, 'HTTPCode_Target_5XX_Count', TG, 'Sum'),
        requests: metric(NS, 'RequestCount', TG, 'Sum'),
      },
    },
    threshold: { kind: 'userDefined', suggested: 1, why: 'percent of requests; AWS leaves the threshold to you' },
    comparison: 'GreaterThanThreshold',
    evaluationPeriods: 5,
    datapointsToAlarm: 3,
    treatMissingData: 'notBreaching',
    treatMissingReason: NO_TRAFFIC_NOT_BREACHING,
    severity: 'critical',
    runbook:
      'The application answers 5XX: read the API error logs for the window (by request id), check the database ' +
      'and dependencies, and the last deployment.',
  }),
  alarm({
    id: 'alb.rejected-connections',
    family: 'alb',
    title: 'ALB rejected connections',
    metric: metric(NS, 'RejectedConnectionCount', LB, 'Sum'),
    threshold: { kind: 'userDefined', suggested: 0, why: 'any rejection means the ALB hit its connection maximum' },
    comparison: 'GreaterThanThreshold',
    evaluationPeriods: 5,
    datapointsToAlarm: 3,
    treatMissingData: 'notBreaching',
    treatMissingReason: 'only published when connections are rejected',
    severity: 'warning',
    runbook:
      'The ALB refused connections at its maximum: check for a traffic surge or attack (WAF BlockedRequests), ' +
      'clients not reusing connections, and targets holding connections open.',
    source: 'this project: the original GoodGreets alarm set (RejectedConnectionCount); not in the AWS list',
  }),
  alarm({
    id: 'alb.target-response-time-p99',
    family: 'alb',
    title: 'Target response time p99 high',
    metric: metric(NS, 'TargetResponseTime', TG, 'p99'),
    threshold: { kind: 'userDefined', suggested: 1, why: 'seconds; set from your latency SLO' },
    comparison: 'GreaterThanThreshold',
    evaluationPeriods: 5,
    datapointsToAlarm: 5,
    treatMissingData: 'notBreaching',
    treatMissingReason: NO_TRAFFIC_NOT_BREACHING,
    severity: 'warning',
    runbook:
      'Slow responses: find the slow routes in the API logs (duration by route), check database latency ' +
      '(rds.read-latency / rds.write-latency) and CPU saturation of the tasks.',
  }),
];
