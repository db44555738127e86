/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized CloudFormation is untyped JSON */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';

/** A stack with a concrete region and account (alarm Region dimensions and ARNs resolve). */
export function newStack(id = 'Test', region = 'eu-west-1'): { app: App; stack: Stack } {
  const app = new App();
  const stack = new Stack(app, id, { env: { account: '123456789012', region } });
  return { app, stack };
}

export interface CfnAlarm {
  readonly logicalId: string;
  readonly props: Record<string, any>;
}

/** Every AWS::CloudWatch::Alarm keyed by AlarmName. */
export function alarmsByName(template: Template): Map<string, CfnAlarm> {
  const out = new Map<string, CfnAlarm>();
  for (const [logicalId, resource] of Object.entries(template.findResources('AWS::CloudWatch::Alarm'))) {
    out.set(resource.Properties.AlarmName, { logicalId, props: resource.Properties });
  }
  return out;
}

export function compositesByName(template: Template): Map<string, CfnAlarm> {
  const out = new Map<string, CfnAlarm>();
  for (const [logicalId, resource] of Object.entries(template.findResources('AWS::CloudWatch::CompositeAlarm'))) {
    out.set(resource.Properties.AlarmName, { logicalId, props: resource.Properties });
  }
  return out;
}

export function tagsOf(props: Record<string, any>): Record<string, string> {
  return Object.fromEntries((props.Tags ?? []).map((t: { Key: string; Value: string }) => [t.Key, t.Value]));
}

/** Dimensions as an object (CloudFormation has a list of {Name, Value}). */
export function dims(list: { Name: string; Value: unknown }[] | undefined): Record<string, unknown> {
  return Object.fromEntries((list ?? []).map((d) => [d.Name, d.Value]));
}
