/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized CloudFormation is untyped JSON */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
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

/**
 * Findings of aws-cdk-lib's built-in CloudFormation schema validation (it runs at every synth and
 * writes validation-report.json) on constructs under `pathPrefix`.
 */
export function schemaFindings(app: App, pathPrefix: string): string[] {
  const report = join(app.synth().directory, 'validation-report.json');
  if (!existsSync(report)) return [];
  const out: string[] = [];
  for (const plugin of JSON.parse(readFileSync(report, 'utf8')).pluginReports ?? [])
    for (const v of plugin.violations ?? [])
      for (const c of v.violatingConstructs ?? [])
        if (String(c.constructPath).startsWith(pathPrefix))
          out.push(`${c.constructPath}: ${v.ruleName} ${String(v.description).slice(0, 200)}`);
  return out;
}
