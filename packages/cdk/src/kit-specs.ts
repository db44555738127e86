import { Duration } from 'aws-cdk-lib';
import type { AlarmFamilyName, AlarmPolicy, MonitoredResource, SpecSet } from '@sre-kit/core';
import { fromCoreOverride, type AlarmOverrideProps } from './families/options';

/**
 * How SreKit reads an alarms/*.yaml spec for one resource: the policy's
 * family defaults, the resource's overrides and properties. Kept apart from
 * the facade so the facade only wires constructs.
 */
export interface SpecResourceSettings {
  readonly policy: AlarmPolicy;
  readonly resource: MonitoredResource;
  readonly defaults: { [id: string]: AlarmOverrideProps };
  readonly overrides: { [id: string]: AlarmOverrideProps };
}

export function specResource(
  specs: SpecSet | undefined,
  family: AlarmFamilyName,
  resourceId: string,
): SpecResourceSettings | undefined {
  for (const policy of specs?.alarmPolicies ?? []) {
    const resource = policy.families[family]?.find((r) => r.id === resourceId);
    if (!resource) continue;
    const seconds = (s: number) => Duration.seconds(s);
    const defaults: { [id: string]: AlarmOverrideProps } = {};
    const overrides: { [id: string]: AlarmOverrideProps } = {};
    for (const [id, o] of Object.entries(policy.defaults))
      if (id.startsWith(`${family}.`)) defaults[id] = fromCoreOverride(o, seconds);
    for (const [id, o] of Object.entries(resource.overrides)) overrides[id] = fromCoreOverride(o, seconds);
    return { policy, resource, defaults, overrides };
  }
  return undefined;
}

/** Every spec resource as `family/id` with the resource, in spec order. */
export function specResources(
  specs: SpecSet | undefined,
): { key: string; family: AlarmFamilyName; resource: MonitoredResource }[] {
  const out: { key: string; family: AlarmFamilyName; resource: MonitoredResource }[] = [];
  for (const policy of specs?.alarmPolicies ?? [])
    for (const [family, resources] of Object.entries(policy.families))
      for (const resource of (resources ?? []) as MonitoredResource[])
        out.push({ key: `${family}/${resource.id}`, family: family as AlarmFamilyName, resource });
  return out;
}

const MONITOR_METHOD: Record<AlarmFamilyName, string> = {
  lambda: 'monitorLambda',
  ecs: 'monitorEcsService',
  s3: 'monitorBucket',
  alb: 'monitorLoadBalancer',
  rds: 'monitorDatabaseInstance',
  waf: 'monitorWebAcl',
  natgateway: 'monitorNatGateway',
};

/** `file:line:col:` errors for spec resources no monitor call mapped. */
export function unmappedSpecResources(specs: SpecSet | undefined, mapped: ReadonlySet<string>): string[] {
  return specResources(specs)
    .filter(({ key }) => !mapped.has(key))
    .map(
      ({ family, resource: r }) =>
        `${r.location.file}:${r.location.line}:${r.location.col}: ${family} resource "${r.id}" is not mapped to a construct. ` +
        `Fix: call kit.${MONITOR_METHOD[family]}('${r.id}', ...) with the construct, or kit.monitorSpecResources() ` +
        'to use the dimensions written in the spec, or remove it from the spec.',
    );
}
