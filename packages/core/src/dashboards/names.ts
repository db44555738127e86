/**
 * Logical alarm names shared by the CDK constructs (which create the alarms) and the dashboards
 * (which show their state). Renderers map a logical name to a real alarm (ARN) when they know it.
 */
import type { ResolvedAlarm } from '../model/alarms';
import type { BurnRateTier, Slo } from '../model/slo';

/** `<service>-<resource>-<catalogueId>`, for example `goodgreets-api-alb.target-5xx-rate`. */
export function resourceAlarmName(alarm: Pick<ResolvedAlarm, 'service' | 'resourceId' | 'catalogueId'>): string {
  return `${alarm.service}-${alarm.resourceId}-${alarm.catalogueId}`;
}

/** The composite alarm of one burn-rate tier, as @sre-kit/cdk names it: `<service>-<slo>-<tier>`. */
export function sloTierAlarmName(slo: Pick<Slo, 'service' | 'name'>, tier: Pick<BurnRateTier, 'name'>): string {
  return `${slo.service}-${slo.name}-${tier.name}`;
}
