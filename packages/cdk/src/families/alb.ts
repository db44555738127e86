import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type { Construct } from 'constructs';
import { inputError } from '../errors';
import { FamilyAlarms, type FamilyTarget } from './family-alarms';
import type { FamilyAlarmsOptions } from './options';

export interface ApplicationLoadBalancerAlarmsProps extends FamilyAlarmsOptions {
  /** The load balancer. One of `loadBalancer` or `loadBalancerFullName`. @default - use the full name */
  readonly loadBalancer?: elbv2.ApplicationLoadBalancer;
  /** `app/<name>/<id>` of a load balancer outside this app. @default - from `loadBalancer` */
  readonly loadBalancerFullName?: string;
  /** Target groups: each gets the per-target-group alarms (unhealthy hosts, target 5XX rate, response time). @default - none */
  readonly targetGroups?: elbv2.ApplicationTargetGroup[];
  /** `targetgroup/<name>/<id>` of target groups outside this app. @default - none */
  readonly targetGroupFullNames?: string[];
}

/**
 * Catalogue family `alb`, stand-alone (cdk-monitoring-constructs only monitors
 * an ALB inside its ECS patterns): ELB and target 5XX as rates over
 * RequestCount, target response time p99, unhealthy/healthy hosts, rejected
 * connections. Load-balancer alarms once, target-group alarms per group.
 */
export class ApplicationLoadBalancerAlarms extends FamilyAlarms {
  constructor(scope: Construct, id: string, props: ApplicationLoadBalancerAlarmsProps) {
    super(scope, id, 'alb', props);
    if (!props.loadBalancer === !props.loadBalancerFullName)
      inputError(
        this,
        'exactly one of loadBalancer or loadBalancerFullName is required',
        { loadBalancer: !!props.loadBalancer, loadBalancerFullName: props.loadBalancerFullName },
        'pass the L2 load balancer, or the full name app/<name>/<id>',
      );
    if (props.loadBalancerFullName && !/^app\/[^/]+\/[^/]+$/.test(props.loadBalancerFullName))
      inputError(
        this,
        'loadBalancerFullName is not app/<name>/<id>',
        props.loadBalancerFullName,
        'copy the part of the ARN after "loadbalancer/"',
      );
    const lb = props.loadBalancer?.loadBalancerFullName ?? props.loadBalancerFullName!;
    const groups: string[] = [
      ...(props.targetGroups ?? []).map((tg) => tg.targetGroupFullName),
      ...(props.targetGroupFullNames ?? []).map((name) => {
        if (!/^targetgroup\/[^/]+\/[^/]+$/.test(name))
          inputError(
            this,
            'target group full name is not targetgroup/<name>/<id>',
            name,
            'copy the part of the ARN after the account id ("targetgroup/...")',
          );
        return name;
      }),
    ];
    const targets: FamilyTarget[] = [{ dimensions: { LoadBalancer: lb } }];
    groups.forEach((tg, index) =>
      targets.push({
        suffix: groups.length > 1 ? `tg${index + 1}` : undefined,
        dimensions: { LoadBalancer: lb, TargetGroup: tg },
      }),
    );
    this._render(targets, {});
  }

  protected override missingTargetHint(catalogueId: string): string {
    return `Pass targetGroups (or targetGroupFullNames) to get it, or disable it with overrides: { '${catalogueId}': { enabled: false } }.`;
  }
}
