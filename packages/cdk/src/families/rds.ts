import { Stack, Token } from 'aws-cdk-lib';
import * as rds from 'aws-cdk-lib/aws-rds';
import {
  catalogueMetrics,
  RDS_REPLICA_ONLY_METRICS,
  rdsDefaultMaxConnections,
  rdsInstanceMemoryBytes,
  type ResolvedAlarm,
} from '@sre-kit/core';
import type { Construct } from 'constructs';
import { inputError } from '../errors';
import { FamilyAlarms, type FamilyTarget, type UnpublishedMetric } from './family-alarms';
import type { AlarmOverrideProps, FamilyAlarmsOptions } from './options';

export interface RdsAlarmsProps extends FamilyAlarmsOptions {
  /** A DB instance. One of `instance`, `cluster` or `instanceIdentifiers`. @default - none */
  readonly instance?: rds.IDatabaseInstance;
  /** An Aurora/Multi-AZ cluster: alarms per member instance. @default - none */
  readonly cluster?: rds.IDatabaseCluster;
  /** DB instance identifiers of databases outside this app. @default - none */
  readonly instanceIdentifiers?: string[];
}

const GIB = 1024 ** 3;

/**
 * Catalogue family `rds`: CPU, connections against max_connections, freeable
 * memory, free storage, read/write latency p90, replica lag and EBS burst
 * balances, per DB instance (for a cluster, per member instance).
 * For an L2 instance, `memoryBytes` comes from the instance class and
 * `maxConnections` from the engine's default formula (only with the default
 * parameter group); otherwise pass them in `properties` (the error says so).
 */
export class RdsAlarms extends FamilyAlarms {
  constructor(scope: Construct, id: string, props: RdsAlarmsProps) {
    super(scope, id, 'rds', withClusterDefaults(props));
    const given = [props.instance, props.cluster, props.instanceIdentifiers].filter((x) => x !== undefined).length;
    if (given !== 1)
      inputError(
        this,
        'exactly one of instance, cluster or instanceIdentifiers is required',
        given,
        'pass the L2 instance or cluster, or the identifiers of databases outside this app',
      );
    const ids = props.instance
      ? [props.instance.instanceIdentifier]
      : (props.cluster?.instanceIdentifiers ?? props.instanceIdentifiers ?? []);
    if (ids.length === 0)
      inputError(
        this,
        'no DB instance identifiers to monitor',
        ids,
        'pass at least one identifier (or a cluster with instances)',
      );
    const targets: FamilyTarget[] = ids.map((identifier, index) => ({
      suffix: ids.length > 1 ? `db${index + 1}` : undefined,
      dimensions: { DBInstanceIdentifier: identifier },
    }));
    const primary = props.instance && isPrimary(props.instance);
    this._render(targets, props.instance ? derivedProperties(props.instance) : {}, {
      unpublished: (alarm) => (primary ? replicaOnly(alarm, props.instance!) : undefined),
    });
  }
}

/**
 * Aurora storage grows by itself and publishes no FreeStorageSpace, so the
 * free-storage alarm is off for clusters unless the user turns it on.
 */
function withClusterDefaults(props: RdsAlarmsProps): RdsAlarmsProps {
  if (!props.cluster) return props;
  const off: AlarmOverrideProps = { enabled: false };
  return { ...props, defaults: { 'rds.free-storage-space': off, ...(props.defaults ?? {}) } };
}

/** An instance of this app created without a source instance: no replica metrics. Imported ones are unknown. */
function isPrimary(instance: rds.IDatabaseInstance): boolean {
  const cfn = instance.node.defaultChild;
  return cfn instanceof rds.CfnDBInstance && cfn.sourceDbInstanceIdentifier === undefined;
}

/** ReplicaLag is off by default, so asking for it on a primary is a mistake worth stopping synth for. */
function replicaOnly(alarm: ResolvedAlarm, instance: rds.IDatabaseInstance): UnpublishedMetric | undefined {
  const metric = catalogueMetrics(alarm).find((m) => RDS_REPLICA_ONLY_METRICS.includes(m.metricName));
  if (!metric) return undefined;
  return {
    action: 'fail',
    reason: `${metric.metricName} is published only for read replicas, and ${instance.node.path} is not one (a Multi-AZ standby publishes none)`,
    fix: `remove '${alarm.catalogueId}': { enabled: true } for this instance, or monitor a read replica (rds.DatabaseInstanceReadReplica)`,
  };
}

function derivedProperties(instance: rds.IDatabaseInstance): Record<string, number> {
  const cfn = instance.node.defaultChild;
  if (!(cfn instanceof rds.CfnDBInstance)) return {};
  const out: Record<string, number> = {};
  const allocated = cfn.allocatedStorage;
  // A string token parses to NaN, but the L2 stringifies a number token (allocatedStorage:
  // param.valueAsNumber) into a numeric string that deploys as a Ref: only the parsed number shows it.
  const gib = Number(allocated);
  if (Number.isFinite(gib) && !Token.isUnresolved(gib)) out.allocatedStorageBytes = gib * GIB;
  // aws-cdk-lib renders the class lazily (`db.` + instance type); resolving gives the literal when there is one.
  const instanceClass: unknown = Stack.of(cfn).resolve(cfn.dbInstanceClass);
  const memory = typeof instanceClass === 'string' ? rdsInstanceMemoryBytes(instanceClass) : undefined;
  if (memory === undefined) return out;
  out.memoryBytes = memory;
  // A custom parameter group may set any max_connections: then only the user knows it.
  const engine = cfn.engine;
  if (cfn.dbParameterGroupName === undefined && engine && !Token.isUnresolved(engine)) {
    const max = rdsDefaultMaxConnections(engine, memory);
    if (max !== undefined) out.maxConnections = max;
  }
  return out;
}
