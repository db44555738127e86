import { Stack, Token } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import {
  catalogueMetrics,
  CONTAINER_INSIGHTS_NAMESPACE,
  containerInsightsEnabled,
  type ResolvedAlarm,
} from '@sre-kit/core';
import type { Construct } from 'constructs';
import { inputError } from '../errors';
import { FamilyAlarms, type UnpublishedMetric } from './family-alarms';
import type { FamilyAlarmsOptions } from './options';

export interface EcsServiceAlarmsProps extends FamilyAlarmsOptions {
  /** The ECS/Fargate service (L2). One of `ecsService` or `clusterName` + `ecsServiceName`. @default - use the names */
  readonly ecsService?: ecs.IBaseService;
  /** Cluster name of a service outside this app. @default - from `ecsService` */
  readonly clusterName?: string;
  /** Service name of a service outside this app. @default - from `ecsService` */
  readonly ecsServiceName?: string;
}

/**
 * Catalogue family `ecs` (CPU and memory utilisation, running task count and
 * ephemeral storage from Container Insights). Task-count and storage alarms
 * need Container Insights enabled on the cluster: for a cluster of this app
 * with it off they are left out with a synth warning (a RunningTaskCount alarm
 * that treats missing data as breaching would otherwise page forever).
 */
export class EcsServiceAlarms extends FamilyAlarms {
  constructor(scope: Construct, id: string, props: EcsServiceAlarmsProps) {
    super(scope, id, 'ecs', props);
    const byNames = props.clusterName !== undefined || props.ecsServiceName !== undefined;
    if (!!props.ecsService === byNames || (byNames && !(props.clusterName && props.ecsServiceName)))
      inputError(
        this,
        'exactly one of ecsService or clusterName + ecsServiceName is required',
        { ecsService: !!props.ecsService, clusterName: props.clusterName, ecsServiceName: props.ecsServiceName },
        'pass the L2 service, or both names of a service outside this app',
      );
    const clusterName = props.ecsService?.cluster.clusterName ?? props.clusterName!;
    const serviceName = props.ecsService?.serviceName ?? props.ecsServiceName!;
    const insightsOff = props.ecsService && containerInsightsOff(props.ecsService.cluster);
    this._render(
      [{ dimensions: { ClusterName: clusterName, ServiceName: serviceName } }],
      derivedProperties(props.ecsService),
      {
        unpublished: (alarm) => (insightsOff ? withoutContainerInsights(alarm, props.ecsService!.cluster) : undefined),
      },
    );
  }
}

/** Fargate tasks get 20 GiB of ephemeral storage unless the task definition asks for more. */
function derivedProperties(service: ecs.IBaseService | undefined): Record<string, number> {
  if (!(service instanceof ecs.FargateService)) return {};
  const task = service.taskDefinition;
  if (!(task instanceof ecs.FargateTaskDefinition)) return {};
  const gib = task.ephemeralStorageGiB ?? 20;
  // A size known only at deploy time (a CfnParameter) must be passed in properties, like an imported service's.
  return Token.isUnresolved(gib) ? {} : { ephemeralStorageGiB: gib };
}

/** True for a cluster of this app whose template leaves Container Insights off; imported clusters are unknown. */
function containerInsightsOff(cluster: ecs.ICluster): boolean {
  const cfn = cluster.node.defaultChild;
  if (!(cfn instanceof ecs.CfnCluster)) return false;
  const settings: unknown = Stack.of(cfn).resolve(cfn.clusterSettings);
  // The L1 holds camelCase keys until the template is rendered; verify reads the rendered (PascalCase) form.
  const rendered = Array.isArray(settings)
    ? settings.map((s: Record<string, unknown>) => ({ Name: s.name ?? s.Name, Value: s.value ?? s.Value }))
    : settings;
  return !containerInsightsEnabled(rendered);
}

function withoutContainerInsights(alarm: ResolvedAlarm, cluster: ecs.ICluster): UnpublishedMetric | undefined {
  if (!catalogueMetrics(alarm).some((m) => m.namespace === CONTAINER_INSIGHTS_NAMESPACE)) return undefined;
  return {
    action: 'skip',
    reason: `Container Insights is off on cluster ${cluster.node.path}, so ${CONTAINER_INSIGHTS_NAMESPACE} has no data for it`,
    fix: `enable it (new ecs.Cluster(..., { containerInsightsV2: ecs.ContainerInsights.ENHANCED })), or disable the alarm with overrides: { '${alarm.catalogueId}': { enabled: false } } to silence this warning`,
  };
}
