import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { Construct } from 'constructs';
import { inputError } from '../errors';
import { FamilyAlarms } from './family-alarms';
import type { FamilyAlarmsOptions } from './options';

export interface NatGatewayAlarmsProps extends FamilyAlarmsOptions {
  /** The NAT gateway id (`nat-...` or a token such as `CfnNatGateway.ref`). */
  readonly natGatewayId: string;
}

/**
 * Catalogue family `natgateway` (cdk-monitoring-constructs has no NAT
 * module): port allocation errors, and packets dropped as a percentage of
 * packets in, by metric math (a count means nothing without the traffic).
 */
export class NatGatewayAlarms extends FamilyAlarms {
  /** One `NatGatewayAlarms` per NAT gateway of an L2 VPC, with resource ids `<resourceId>-<n>`. */
  public static forVpc(scope: Construct, id: string, vpc: ec2.IVpc, options: FamilyAlarmsOptions): NatGatewayAlarms[] {
    const ids = vpcNatGatewayIds(scope, vpc);
    const base = options.resourceId ?? id;
    return ids.map(
      (natGatewayId, index) =>
        new NatGatewayAlarms(scope, `${id}${index + 1}`, {
          ...options,
          resourceId: `${base}-${index + 1}`,
          natGatewayId,
        }),
    );
  }

  constructor(scope: Construct, id: string, props: NatGatewayAlarmsProps) {
    super(scope, id, 'natgateway', props);
    if (!props.natGatewayId)
      inputError(
        this,
        'natGatewayId is required',
        props.natGatewayId,
        'pass the id of the gateway (for example CfnNatGateway.ref)',
      );
    this._render([{ dimensions: { NatGatewayId: props.natGatewayId } }], {});
  }
}

/** NAT gateways aws-cdk-lib created for the VPC's public subnets. */
/** The NAT gateways of an L2 VPC; fails, naming `scope`, when it has none. */
export function vpcNatGatewayIds(scope: Construct, vpc: ec2.IVpc): string[] {
  const ids = natGatewayIds(vpc);
  if (ids.length === 0)
    inputError(
      scope,
      `VPC ${vpc.node.path} has no NAT gateways defined in this app`,
      vpc.vpcId,
      'create the VPC with natGateways >= 1, or pass NAT gateway ids to NatGatewayAlarms',
    );
  return ids;
}

export function natGatewayIds(vpc: ec2.IVpc): string[] {
  const out: string[] = [];
  for (const subnet of vpc.publicSubnets) {
    const gateway = subnet.node.tryFindChild('NATGateway');
    if (gateway instanceof ec2.CfnNatGateway) out.push(gateway.ref);
  }
  return out;
}
