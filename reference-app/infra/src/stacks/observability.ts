import * as path from 'node:path';
import { Stack, StackProps } from 'aws-cdk-lib';
import { AlertRouter, SreKit } from '@sre-kit/cdk';
import { Construct } from 'constructs';
import type { GoodGreetsConfig } from '../config';
import type { ApiStack } from './api';
import { REPO_ROOT } from './api';
import type { DataStack } from './data';
import type { EdgeStack } from './edge';
import type { NetworkStack } from './network';
import type { StorageStack } from './storage';
import type { WorkersStack } from './workers';

export interface ObservabilityStackProps extends StackProps {
  readonly config: GoodGreetsConfig;
  readonly network: NetworkStack;
  readonly data: DataStack;
  readonly storage: StorageStack;
  readonly workers: WorkersStack;
  readonly api: ApiStack;
  readonly edge: EdgeStack;
}

/** The specs GoodGreets is monitored by: the same files `sre validate` / `sre cost` read. */
export const SPEC_PATHS = [path.join(REPO_ROOT, 'slos'), path.join(REPO_ROOT, 'alarms')];
export const ROUTING_FILE = path.join(REPO_ROOT, 'alarms', 'routing.yaml');

/**
 * sre-kit applied to GoodGreets: every resource id of alarms/goodgreets.yaml is mapped onto the
 * construct it names (an unmapped one fails synth), the SLOs of slos/ read the real load balancer
 * and distribution, the three audience dashboards plus the SLO dashboard, and the alert router
 * with alarms/routing.yaml (Slack webhooks from Secrets Manager, critical alerts also by email).
 */
export class ObservabilityStack extends Stack {
  readonly kit: SreKit;
  readonly router: AlertRouter;

  constructor(scope: Construct, id: string, props: ObservabilityStackProps) {
    super(scope, id, props);
    const { api, data, edge, network, storage, workers, config } = props;

    this.kit = new SreKit(this, 'Sre', {
      service: 'goodgreets',
      specPaths: SPEC_PATHS,
      emails: [{ address: config.alertEmail }],
      dashboards: true,
      // Spec dimension values are placeholders; the SLO metrics must read the deployed resources.
      dimensionValues: {
        LoadBalancer: api.loadBalancer.loadBalancerFullName,
        TargetGroup: api.targetGroup.targetGroupFullName,
        DistributionId: edge.distribution.distributionId,
      },
    });
    this.router = new AlertRouter(this, 'AlertRouter', {
      routingFile: ROUTING_FILE,
      topics: this.kit.topics,
      operatorEmails: [config.alertEmail],
    });

    this.kit.monitorLambda('delivery', workers.deliveryFunction);
    this.kit.monitorLambda('delivery-dead-letters', workers.deadLetterFunction);
    this.kit.monitorLambda('thumbnailer', workers.thumbnailFunction);
    this.kit.monitorLambda('alert-router', this.router.routerFunction);
    this.kit.monitorEcsService('api', api.service);
    this.kit.monitorBucket('images', storage.images);
    this.kit.monitorLoadBalancer('api', api.loadBalancer, { targetGroups: [api.targetGroup] });
    this.kit.monitorDatabaseInstance('database', data.database);
    this.kit.monitorWebAcl('regional', edge.regionalWebAcl);
    this.kit.monitorWebAcl('cloudfront', edge.webAcl);
    const [natA, natB] = network.natGatewayIds;
    this.kit.monitorNatGateway('nat-a', natA);
    this.kit.monitorNatGateway('nat-b', natB);
  }
}
