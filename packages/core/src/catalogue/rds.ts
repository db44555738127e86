import type { CatalogueAlarm } from '../model/alarms';
import { alarm, GAUGE_MISSING, metric } from './shared';

const NS = 'AWS/RDS';
const DB = ['DBInstanceIdentifier'];

function latency(id: 'rds.read-latency' | 'rds.write-latency', metricName: string, verb: string): CatalogueAlarm {
  return alarm({
    id,
    family: 'rds',
    title: `RDS ${verb} latency p90 high`,
    metric: metric(NS, metricName, DB, 'p90'),
    threshold: { kind: 'fixed', value: 0.02 },
    comparison: 'GreaterThanThreshold',
    evaluationPeriods: 5,
    datapointsToAlarm: 5,
    treatMissingData: 'missing',
    treatMissingReason: GAUGE_MISSING,
    severity: 'warning',
    runbook:
      `${verb} latency above 20 ms: check Performance Insights for the top SQL and waits, IOPS against the ` +
      'volume limit (and EBS balance on burstable storage), and missing indexes behind new queries.',
  });
}

function ebsBalance(id: 'rds.ebs-byte-balance' | 'rds.ebs-io-balance', metricName: string): CatalogueAlarm {
  return alarm({
    id,
    family: 'rds',
    title: `RDS ${metricName} low`,
    metric: metric(NS, metricName, DB, 'Average'),
    threshold: { kind: 'fixed', value: 10 },
    comparison: 'LessThanThreshold',
    evaluationPeriods: 3,
    datapointsToAlarm: 3,
    treatMissingData: 'notBreaching',
    treatMissingReason: 'only instance classes with burst balance publish it; absent means nothing to run out of',
    severity: 'warning',
    runbook:
      'The burst balance is nearly spent, after which throughput drops to the baseline: find the I/O-heavy ' +
      'queries, or move to a larger instance class or provisioned IOPS storage.',
  });
}

export const RDS_ALARMS: readonly CatalogueAlarm[] = [
  alarm({
    id: 'rds.cpu-utilization',
    family: 'rds',
    title: 'RDS CPU high',
    metric: metric(NS, 'CPUUtilization', DB, 'Average'),
    threshold: { kind: 'fixed', value: 90 },
    comparison: 'GreaterThanThreshold',
    evaluationPeriods: 5,
    datapointsToAlarm: 5,
    treatMissingData: 'missing',
    treatMissingReason: GAUGE_MISSING,
    severity: 'warning',
    runbook:
      'CPU above 90 %: Performance Insights top SQL by CPU; look for a new query without an index or a ' +
      'connection storm; scale the instance class only after ruling those out.',
  }),
  alarm({
    id: 'rds.database-connections',
    family: 'rds',
    title: 'RDS connections near max_connections',
    metric: metric(NS, 'DatabaseConnections', DB, 'Average'),
    // No fallback: max_connections depends on the instance memory and parameter group.
    threshold: { kind: 'percentOf', percent: 90, of: 'maxConnections' },
    comparison: 'GreaterThanThreshold',
    evaluationPeriods: 5,
    datapointsToAlarm: 5,
    treatMissingData: 'missing',
    treatMissingReason: GAUGE_MISSING,
    severity: 'warning',
    runbook:
      'Connections close to max_connections, new ones will fail: check connection pool sizes x task count, ' +
      'leaked connections (long Sleep in the processlist) and whether RDS Proxy is in the path.',
  }),
  alarm({
    id: 'rds.freeable-memory',
    family: 'rds',
    title: 'RDS freeable memory low',
    metric: metric(NS, 'FreeableMemory', DB, 'Average'),
    threshold: { kind: 'percentOf', percent: 25, of: 'memoryBytes' },
    comparison: 'LessThanThreshold',
    evaluationPeriods: 15,
    datapointsToAlarm: 15,
    treatMissingData: 'missing',
    treatMissingReason: GAUGE_MISSING,
    severity: 'warning',
    runbook:
      'Less than 25 % memory free: check buffer pool and per-connection buffers against the instance size; ' +
      'swap usage (SwapUsage) confirms pressure. Reduce connections or scale the instance class.',
  }),
  alarm({
    id: 'rds.free-storage-space',
    family: 'rds',
    title: 'RDS free storage low',
    metric: metric(NS, 'FreeStorageSpace', DB, 'Minimum'),
    threshold: { kind: 'percentOf', percent: 10, of: 'allocatedStorageBytes' },
    comparison: 'LessThanThreshold',
    evaluationPeriods: 5,
    datapointsToAlarm: 5,
    treatMissingData: 'missing',
    treatMissingReason: GAUGE_MISSING,
    severity: 'critical',
    runbook:
      'Less than 10 % storage left; a full volume stops writes: find the growing tables and binlog retention, ' +
      'then raise allocated storage. Disable this alarm (enabled: false) when storage autoscaling is on.',
  }),
  latency('rds.read-latency', 'ReadLatency', 'read'),
  latency('rds.write-latency', 'WriteLatency', 'write'),
  alarm({
    id: 'rds.replica-lag',
    family: 'rds',
    title: 'RDS replica lag high',
    metric: metric(NS, 'ReplicaLag', DB, 'Maximum'),
    threshold: { kind: 'fixed', value: 60 },
    comparison: 'GreaterThanThreshold',
    evaluationPeriods: 10,
    datapointsToAlarm: 10,
    treatMissingData: 'notBreaching',
    treatMissingReason: 'only read replicas publish it',
    severity: 'warning',
    runbook:
      'The replica is more than a minute behind, reads from it are stale: check long-running writes on the ' +
      'primary and replica instance size; stop routing reads to it if the lag keeps growing.',
    // Only meaningful for read replicas: opt in per replica resource.
    enabledByDefault: false,
  }),
  ebsBalance('rds.ebs-byte-balance', 'EBSByteBalance%'),
  ebsBalance('rds.ebs-io-balance', 'EBSIOBalance%'),
];
