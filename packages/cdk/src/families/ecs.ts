import * as ecs from 'aws-cdk-lib/aws-ecs';
import type { Construct } from 'constructs';
import { inputError } from '../errors';
import { FamilyAlarms } from './family-alarms';
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
 * need Container Insights enabled on the cluster.
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
    this._render(
      [{ dimensions: { ClusterName: clusterName, ServiceName: serviceName } }],
      derivedProperties(props.ecsService),
    );
  }
}

/** Fargate tasks get 20 GiB of ephemeral storage unless the task definition asks for more. */
function derivedProperties(service: ecs.IBaseService | undefined): Record<string, number> {
  if (!(service instanceof ecs.FargateService)) return {};
  const task = service.taskDefinition;
  return task instanceof ecs.FargateTaskDefinition ? { ephemeralStorageGiB: task.ephemeralStorageGiB ?? 20 } : {};
}
