import type { CatalogueAlarm } from '../model/alarms';
import { alarm, metric } from './shared';

const SVC = ['ClusterName', 'ServiceName'];
const CPU_MEMORY_MISSING =
  'no datapoints means no running tasks, which ecs.running-task-count reports; utilisation alone should not alarm on it';

export const ECS_ALARMS: readonly CatalogueAlarm[] = [
  alarm({
    id: 'ecs.cpu-utilization',
    family: 'ecs',
    title: 'ECS service CPU high',
    metric: metric('AWS/ECS', 'CPUUtilization', SVC, 'Average'),
    threshold: { kind: 'fixed', value: 80 },
    comparison: 'GreaterThanThreshold',
    evaluationPeriods: 5,
    datapointsToAlarm: 5,
    treatMissingData: 'notBreaching',
    treatMissingReason: CPU_MEMORY_MISSING,
    severity: 'warning',
    runbook:
      'Sustained CPU above 80 %: check whether auto scaling is at its maximum task count, look for a traffic ' +
      'surge or a hot code path after a deploy; raise max capacity or task CPU.',
  }),
  alarm({
    id: 'ecs.memory-utilization',
    family: 'ecs',
    title: 'ECS service memory high',
    metric: metric('AWS/ECS', 'MemoryUtilization', SVC, 'Average'),
    threshold: { kind: 'fixed', value: 80 },
    comparison: 'GreaterThanThreshold',
    evaluationPeriods: 5,
    datapointsToAlarm: 5,
    treatMissingData: 'notBreaching',
    treatMissingReason: CPU_MEMORY_MISSING,
    severity: 'warning',
    runbook:
      'Memory above 80 %: a steady climb after deploy suggests a leak (compare task ages), a step suggests load; ' +
      'tasks killed with exit code 137 confirm OOM. Raise task memory or fix the leak.',
  }),
  alarm({
    id: 'ecs.running-task-count',
    family: 'ecs',
    title: 'ECS service has no running tasks',
    metric: metric('ECS/ContainerInsights', 'RunningTaskCount', SVC, 'Average'),
    threshold: { kind: 'fixed', value: 0 },
    comparison: 'LessThanOrEqualToThreshold',
    evaluationPeriods: 5,
    datapointsToAlarm: 5,
    treatMissingData: 'breaching',
    treatMissingReason:
      'Container Insights stops reporting when the service has no tasks; silence here is the outage this alarm exists for',
    severity: 'critical',
    runbook:
      'The service is down: check ECS service events (failed health checks, image pull errors, insufficient ' +
      "capacity) and the stopped tasks' stop reason. Requires Container Insights on the cluster.",
  }),
  alarm({
    id: 'ecs.ephemeral-storage-utilized',
    family: 'ecs',
    title: 'ECS task ephemeral storage filling up',
    metric: metric('ECS/ContainerInsights', 'EphemeralStorageUtilized', SVC, 'Average'),
    // Gigabytes; 20 GiB is the Fargate default ephemeral storage.
    threshold: { kind: 'percentOf', percent: 80, of: 'ephemeralStorageGiB', fallback: 16 },
    comparison: 'GreaterThanThreshold',
    evaluationPeriods: 5,
    datapointsToAlarm: 5,
    treatMissingData: 'notBreaching',
    treatMissingReason: 'no running tasks means no storage use; ecs.running-task-count covers that case',
    severity: 'warning',
    runbook:
      'Task disk is filling: look for temp files or logs written to the container filesystem (for example image ' +
      'processing leftovers); clean up in code or raise ephemeralStorage. Requires Container Insights.',
  }),
];
