/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized CloudFormation is untyped JSON */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ServiceLevelObjective } from '../src';
import {
  CLOUDFORMATION_MAX_OUTPUTS,
  CLOUDFORMATION_MAX_PARAMETERS,
  CLOUDFORMATION_MAX_RESOURCES,
  CLOUDFORMATION_MAX_TEMPLATE_BYTES,
} from '../src/placement';

/** A stack with a concrete region and account (alarm Region dimensions and ARNs resolve). */
export function newStack(id = 'Test', region = 'eu-west-1'): { app: App; stack: Stack } {
  const app = new App();
  const stack = new Stack(app, id, { env: { account: '123456789012', region } });
  return { app, stack };
}

export type SloProps = ConstructorParameters<typeof ServiceLevelObjective>[2];

/**
 * SLO `Slo` (service shop, name x, 99 %, no actions) on the given metrics in a new stack `stackId`, with `props`
 * on top: the SLO a test varies one prop of (its errors then name the path `<stackId>/Slo`).
 */
export function newSlo(
  metrics: Pick<SloProps, 'badMetric' | 'totalMetric'>,
  props: Partial<SloProps> = {},
  stackId = 'Bad',
): { app: App; stack: Stack; slo: ServiceLevelObjective } {
  const { app, stack } = newStack(stackId);
  const slo = new ServiceLevelObjective(stack, 'Slo', {
    sloName: 'x',
    service: 'shop',
    objective: 0.99,
    allowAlarmsWithoutActions: true,
    ...metrics,
    ...props,
  });
  return { app, stack, slo };
}

/** A template file as synth wrote it, counted as CloudFormation counts its limits. */
export interface WrittenTemplate {
  file: string;
  bytes: number;
  resources: number;
  parameters: number;
  outputs: number;
  types: string[];
  /** Written on one line (CDK indents unless the stack suppresses it). */
  minified: boolean;
  template: {
    Resources?: Record<string, { Type: string; DependsOn?: string[]; Properties?: Record<string, unknown> }>;
  };
}

/** Every template file in a cloud assembly directory (the parent's and each nested stack's). */
export function writtenTemplates(dir: string): WrittenTemplate[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.template.json'))
    .map((file) => {
      const text = readFileSync(join(dir, file), 'utf8');
      const template = JSON.parse(text);
      const count = (section: unknown) => Object.keys(section ?? {}).length;
      return {
        file,
        bytes: statSync(join(dir, file)).size,
        resources: count(template.Resources),
        parameters: count(template.Parameters),
        outputs: count(template.Outputs),
        types: Object.values<{ Type: string }>(template.Resources ?? {}).map((r) => r.Type),
        minified: !text.includes('\n'),
        template,
      };
    });
}

/**
 * Every template within CloudFormation's limits (resources, bytes as written on disk, parameters, outputs), and
 * none empty: CloudFormation refuses a template without resources, so an empty nested stack fails the deploy.
 */
export function expectWithinLimits(files: readonly WrittenTemplate[]): void {
  for (const f of files) {
    expect({ file: f.file, resources: f.resources <= CLOUDFORMATION_MAX_RESOURCES }).toEqual({
      file: f.file,
      resources: true,
    });
    expect({ file: f.file, bytes: f.bytes <= CLOUDFORMATION_MAX_TEMPLATE_BYTES }).toEqual({
      file: f.file,
      bytes: true,
    });
    expect(f.parameters).toBeLessThanOrEqual(CLOUDFORMATION_MAX_PARAMETERS);
    expect(f.outputs).toBeLessThanOrEqual(CLOUDFORMATION_MAX_OUTPUTS);
    expect(f.resources).toBeGreaterThan(0);
  }
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
