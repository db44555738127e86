/**
 * Reads the CloudWatch alarms a synthesized cloud assembly (cdk.out) declares, in the shape CloudWatch will
 * hold them after deployment: names, ARNs, alarm rules and actions with their CloudFormation tokens
 * resolved (Ref, Fn::GetAtt, Fn::Join, Fn::Sub, Fn::ImportValue, pseudo parameters, nested-stack
 * parameters). Stacks come from manifest.json; nested stacks from each AWS::CloudFormation::Stack's
 * `aws:asset:path`; nested assemblies (stages) are followed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { alarmNameOf, alarmRuleRefs, parseAlarmRule, type SimulatedAlarm, type SimulatedQuery } from '@sre-kit/core';

export class AssemblyError extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
    this.name = 'AssemblyError';
  }
}

interface Resource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly Metadata?: Record<string, unknown>;
}

interface Template {
  readonly Resources?: Record<string, Resource>;
  readonly Outputs?: Record<string, { Value: unknown; Export?: { Name: unknown } }>;
}

interface StackContext {
  readonly stackName: string;
  readonly file: string;
  readonly region: string;
  readonly account: string;
  readonly template: Template;
  /** A nested stack's parameter values, as written in its parent (resolved in `parent`). */
  readonly parameters?: Record<string, unknown>;
  readonly parent?: StackContext;
}

export interface AssemblyAlarm {
  readonly alarm: SimulatedAlarm;
  readonly stack: string;
  readonly logicalId: string;
  readonly tags: Readonly<Record<string, string>>;
  /** The AWS::CloudWatch::Alarm properties, tokens resolved where the simulation or a notification needs them. */
  readonly properties: Readonly<Record<string, unknown>>;
  readonly region: string;
  readonly account: string;
  /** Metric alarms: the `Trigger` CloudWatch puts in its SNS notification, dimension values resolved. */
  readonly trigger?: Readonly<Record<string, unknown>>;
}

export interface AssemblyReadOptions {
  /** Account for ARNs when the assembly's environment leaves it unresolved. @default 000000000000 */
  readonly account?: string;
  /** Region when the environment leaves it unresolved. @default us-east-1 */
  readonly region?: string;
}

function readJson<T>(file: string): T {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new AssemblyError(
      `${file}: ${code ? `cannot read (${code})` : `not JSON (${(err as Error).message})`}`,
      'synthesize again (npm run synth, or cdk synth)',
    );
  }
}

interface Manifest {
  readonly artifacts?: Record<
    string,
    {
      readonly type: string;
      readonly environment?: string;
      readonly properties?: { templateFile?: string; stackName?: string; directoryName?: string; file?: string };
    }
  >;
}

function stacksOf(dir: string, options: AssemblyReadOptions): StackContext[] {
  const manifestFile = join(dir, 'manifest.json');
  if (!existsSync(manifestFile))
    throw new AssemblyError(
      `${dir} is not a cloud assembly (no manifest.json)`,
      'pass the cdk.out folder that cdk synth (or npm run synth) wrote',
    );
  const manifest = readJson<Manifest>(manifestFile);
  // Nested stack templates are file assets: their TemplateURL ends in <hash>.json, the asset manifests map it.
  const assets = new Map<string, string>();
  for (const artifact of Object.values(manifest.artifacts ?? {})) {
    if (artifact.type !== 'cdk:asset-manifest' || !artifact.properties?.file) continue;
    const files = readJson<{ files?: Record<string, { source?: { path?: string } }> }>(
      join(dir, artifact.properties.file),
    ).files;
    for (const [hash, f] of Object.entries(files ?? {})) if (f.source?.path) assets.set(hash, f.source.path);
  }
  const out: StackContext[] = [];
  for (const [id, artifact] of Object.entries(manifest.artifacts ?? {})) {
    if (artifact.type === 'cdk:cloud-assembly' && artifact.properties?.directoryName)
      out.push(...stacksOf(join(dir, artifact.properties.directoryName), options));
    if (artifact.type !== 'aws:cloudformation:stack' || !artifact.properties?.templateFile) continue;
    const [, account, region] = /^aws:\/\/([^/]+)\/(.+)$/.exec(artifact.environment ?? '') ?? [];
    const file = join(dir, artifact.properties.templateFile);
    const root: StackContext = {
      stackName: artifact.properties.stackName ?? id,
      file,
      region: region && !region.startsWith('unknown-') ? region : (options.region ?? 'us-east-1'),
      account: account && !account.startsWith('unknown-') ? account : (options.account ?? '000000000000'),
      template: readJson<Template>(file),
    };
    out.push(root, ...nestedStacks(dir, root, assets));
  }
  return out;
}

function nestedStacks(dir: string, parent: StackContext, assets: ReadonlyMap<string, string>): StackContext[] {
  const out: StackContext[] = [];
  for (const [logicalId, r] of Object.entries(parent.template.Resources ?? {})) {
    if (r.Type !== 'AWS::CloudFormation::Stack') continue;
    const hash = /([0-9a-f]{64})\.json/.exec(JSON.stringify(r.Properties?.TemplateURL ?? ''))?.[1];
    const asset = r.Metadata?.['aws:asset:path'] ?? (hash ? assets.get(hash) : undefined);
    if (typeof asset !== 'string')
      throw new AssemblyError(
        `${parent.file}: nested stack ${logicalId} has no template in the assembly`,
        'synthesize again; the nested template must be in the same cdk.out',
      );
    const file = join(dir, asset);
    const child: StackContext = {
      stackName: `${parent.stackName}/${logicalId}`,
      file,
      region: parent.region,
      account: parent.account,
      template: readJson<Template>(file),
      parameters: (r.Properties?.Parameters as Record<string, unknown> | undefined) ?? {},
      parent,
    };
    out.push(child, ...nestedStacks(dir, child, assets));
  }
  return out;
}

class Resolver {
  constructor(private readonly stacks: readonly StackContext[]) {}

  /** The name CloudWatch will know the alarm by: AlarmName, or CloudFormation's generated `<stack>-<id>` prefix. */
  alarmName(ctx: StackContext, logicalId: string): string {
    const r = ctx.template.Resources?.[logicalId];
    const name = r?.Properties?.AlarmName;
    return name === undefined ? `${ctx.stackName}-${logicalId}` : this.string(name, ctx, `${logicalId}.AlarmName`);
  }

  alarmArn(ctx: StackContext, logicalId: string): string {
    return `arn:aws:cloudwatch:${ctx.region}:${ctx.account}:alarm:${this.alarmName(ctx, logicalId)}`;
  }

  private resource(ctx: StackContext, logicalId: string, path: string): Resource {
    const r = ctx.template.Resources?.[logicalId];
    if (!r)
      throw new AssemblyError(
        `${ctx.file}: ${path} refers to ${logicalId}, which is not a resource of ${ctx.stackName}`,
        'synthesize again',
      );
    return r;
  }

  private ref(ctx: StackContext, target: string, path: string): string {
    const pseudo: Record<string, string> = {
      'AWS::Region': ctx.region,
      'AWS::AccountId': ctx.account,
      'AWS::Partition': 'aws',
      'AWS::URLSuffix': 'amazonaws.com',
      'AWS::StackName': ctx.stackName,
    };
    if (pseudo[target] !== undefined) return pseudo[target];
    if (ctx.parameters && target in ctx.parameters && ctx.parent)
      return this.string(ctx.parameters[target], ctx.parent, `${path} (parameter ${target})`);
    const r = this.resource(ctx, target, path);
    if (r.Type === 'AWS::CloudWatch::Alarm' || r.Type === 'AWS::CloudWatch::CompositeAlarm')
      return this.alarmName(ctx, target);
    if (r.Type === 'AWS::SNS::Topic') return this.topicArn(ctx, target, path);
    return target;
  }

  private topicArn(ctx: StackContext, logicalId: string, path: string): string {
    const name = this.resource(ctx, logicalId, path).Properties?.TopicName;
    const topic = name === undefined ? `${ctx.stackName}-${logicalId}` : this.string(name, ctx, `${path}.TopicName`);
    return `arn:aws:sns:${ctx.region}:${ctx.account}:${topic}`;
  }

  private getAtt(ctx: StackContext, [target, attribute]: [string, string], path: string): string {
    const r = this.resource(ctx, target, path);
    if ((r.Type === 'AWS::CloudWatch::Alarm' || r.Type === 'AWS::CloudWatch::CompositeAlarm') && attribute === 'Arn')
      return this.alarmArn(ctx, target);
    if (r.Type === 'AWS::SNS::Topic' && attribute === 'TopicArn') return this.topicArn(ctx, target, path);
    if (r.Type === 'AWS::SNS::Topic' && attribute === 'TopicName')
      return this.topicArn(ctx, target, path).split(':').pop()!;
    // Values only shown in messages (load balancer names in dimensions, ...): a stand-in that names its source.
    return `${target}.${attribute}`;
  }

  private importValue(name: string, path: string): string {
    for (const ctx of this.stacks)
      for (const output of Object.values(ctx.template.Outputs ?? {}))
        if (output.Export && this.string(output.Export.Name, ctx, 'Export.Name') === name)
          return this.string(output.Value, ctx, `${path} (export ${name})`);
    throw new AssemblyError(
      `${path}: Fn::ImportValue ${name} is exported by no stack of the assembly`,
      'synthesize every stack together',
    );
  }

  /** A property value as the deployed string. */
  string(value: unknown, ctx: StackContext, path: string): string {
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const entries = Object.entries(value);
      if (entries.length === 1) {
        const [fn, arg] = entries[0];
        if (fn === 'Ref' && typeof arg === 'string') return this.ref(ctx, arg, path);
        if (fn === 'Fn::GetAtt') {
          const parts = Array.isArray(arg) ? arg : typeof arg === 'string' ? arg.split('.') : [];
          if (parts.length === 2) return this.getAtt(ctx, parts as [string, string], path);
        }
        if (fn === 'Fn::Join' && Array.isArray(arg) && Array.isArray(arg[1]))
          return (arg[1] as unknown[]).map((v, i) => this.string(v, ctx, `${path}[${i}]`)).join(String(arg[0]));
        if (fn === 'Fn::ImportValue') return this.importValue(this.string(arg, ctx, path), path);
        if (fn === 'Fn::Sub') {
          const [text, vars] = Array.isArray(arg) ? [arg[0], (arg[1] ?? {}) as Record<string, unknown>] : [arg, {}];
          return String(text).replace(/\$\{([^}!][^}]*)\}/g, (_, name: string) => {
            if (name in vars) return this.string(vars[name], ctx, `${path}.${name}`);
            const [target, attribute] = name.split('.');
            return attribute ? this.getAtt(ctx, [target, attribute], path) : this.ref(ctx, target, path);
          });
        }
      }
    }
    throw new AssemblyError(
      `${ctx.file}: ${path}: cannot resolve ${JSON.stringify(value).slice(0, 120)}`,
      'the reader resolves Ref, Fn::GetAtt, Fn::Join, Fn::Sub, Fn::ImportValue and nested-stack parameters',
    );
  }

  strings(value: unknown, ctx: StackContext, path: string): string[] {
    if (value === undefined) return [];
    if (!Array.isArray(value)) throw new AssemblyError(`${ctx.file}: ${path} is not a list`, 'synthesize again');
    return value.map((v, i) => this.string(v, ctx, `${path}[${i}]`));
  }
}

function num(value: unknown, fallback?: number): number | undefined {
  if (value === undefined) return fallback;
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? n : undefined;
}

function tagsOf(props: Record<string, unknown>, resolve: (v: unknown, path: string) => string): Record<string, string> {
  const out: Record<string, string> = {};
  const tags = Array.isArray(props.Tags) ? (props.Tags as { Key: unknown; Value: unknown }[]) : [];
  tags.forEach((t, i) => (out[resolve(t.Key, `Tags[${i}].Key`)] = resolve(t.Value, `Tags[${i}].Value`)));
  return out;
}

/** Every alarm of the assembly, nested stacks included. */
export function readAssemblyAlarms(dir: string, options: AssemblyReadOptions = {}): AssemblyAlarm[] {
  const stacks = stacksOf(dir, options);
  const resolver = new Resolver(stacks);
  const out: AssemblyAlarm[] = [];
  for (const ctx of stacks) {
    for (const [logicalId, r] of Object.entries(ctx.template.Resources ?? {})) {
      if (r.Type !== 'AWS::CloudWatch::Alarm' && r.Type !== 'AWS::CloudWatch::CompositeAlarm') continue;
      const p = r.Properties ?? {};
      const at = (path: string) => `${logicalId}.${path}`;
      const str = (v: unknown, path: string) => resolver.string(v, ctx, at(path));
      const base = {
        name: resolver.alarmName(ctx, logicalId),
        arn: resolver.alarmArn(ctx, logicalId),
        description: p.AlarmDescription === undefined ? undefined : str(p.AlarmDescription, 'AlarmDescription'),
        actions: {
          alarm: resolver.strings(p.AlarmActions, ctx, at('AlarmActions')),
          ok: resolver.strings(p.OKActions, ctx, at('OKActions')),
          insufficientData: resolver.strings(p.InsufficientDataActions, ctx, at('InsufficientDataActions')),
        },
        actionsEnabled:
          p.ActionsEnabled === undefined ? true : p.ActionsEnabled !== false && p.ActionsEnabled !== 'false',
        origin: `${ctx.stackName}/${logicalId}`,
      };
      let alarm: SimulatedAlarm;
      if (r.Type === 'AWS::CloudWatch::CompositeAlarm') {
        alarm = {
          ...base,
          kind: 'composite',
          rule: str(p.AlarmRule, 'AlarmRule'),
          ...(p.ActionsSuppressor === undefined
            ? {}
            : {
                suppressor: {
                  alarm: str(p.ActionsSuppressor, 'ActionsSuppressor'),
                  waitSeconds: num(p.ActionsSuppressorWaitPeriod, 0)!,
                  extensionSeconds: num(p.ActionsSuppressorExtensionPeriod, 0)!,
                },
              }),
        };
      } else {
        alarm = { ...base, kind: 'metric', ...metricPart(p, ctx.file, logicalId) };
      }
      out.push({
        alarm,
        ...(alarm.kind === 'metric' ? { trigger: triggerOf(p, str) } : {}),
        stack: ctx.stackName,
        logicalId,
        tags: tagsOf(p, str),
        properties: p,
        region: ctx.region,
        account: ctx.account,
      });
    }
  }
  return out;
}

function metricPart(p: Record<string, unknown>, file: string, logicalId: string) {
  const where = `${file}: ${logicalId}`;
  let queries: SimulatedQuery[];
  if (Array.isArray(p.Metrics)) {
    queries = (p.Metrics as Record<string, unknown>[]).map((m) => {
      const stat = m.MetricStat as
        { Metric?: { Namespace?: string; MetricName?: string }; Period?: unknown; Stat?: string } | undefined;
      return {
        id: String(m.Id),
        ...(typeof m.Expression === 'string' ? { expression: m.Expression } : {}),
        ...(stat
          ? {
              stat: String(stat.Stat),
              periodSeconds: num(stat.Period),
              metric: `${stat.Metric?.Namespace}/${stat.Metric?.MetricName}`,
            }
          : {}),
        returnData: m.ReturnData !== false,
      };
    });
  } else {
    // A single-metric alarm: one query, its own period and statistic.
    queries = [
      {
        id: 'm1',
        stat: String(p.ExtendedStatistic ?? p.Statistic),
        periodSeconds: num(p.Period),
        metric: `${String(p.Namespace)}/${String(p.MetricName)}`,
        returnData: true,
      },
    ];
  }
  const threshold = num(p.Threshold);
  const evaluationPeriods = num(p.EvaluationPeriods);
  if (threshold === undefined || evaluationPeriods === undefined)
    throw new AssemblyError(`${where}: Threshold or EvaluationPeriods is missing or not a number`, 'synthesize again');
  return {
    queries,
    evaluationPeriods,
    datapointsToAlarm: num(p.DatapointsToAlarm, evaluationPeriods)!,
    threshold,
    comparison: String(p.ComparisonOperator),
    treatMissingData: typeof p.TreatMissingData === 'string' ? p.TreatMissingData : 'missing',
  };
}

/**
 * The alarms of one SLO: those tagged `sre-kit:slo` with its name, and every alarm their rules and
 * suppressors reference (so an untagged child is not silently dropped).
 */
export function sloAlarms(all: readonly AssemblyAlarm[], slo: string): AssemblyAlarm[] {
  const tagged = all.filter((a) => a.tags['sre-kit:slo'] === slo);
  if (tagged.length === 0) {
    const known = [...new Set(all.map((a) => a.tags['sre-kit:slo']).filter(Boolean))].sort();
    throw new AssemblyError(
      `no alarm of the assembly is tagged sre-kit:slo=${slo}`,
      known.length > 0 ? `SLOs with alarms: ${known.join(', ')}` : 'the assembly has no SLO alarms (sre-kit:slo tags)',
    );
  }
  const byName = new Map(all.map((a) => [a.alarm.name, a]));
  const chosen = new Map(tagged.map((a) => [a.alarm.name, a]));
  const queue = [...tagged];
  while (queue.length > 0) {
    const a = queue.pop()!.alarm;
    if (a.kind !== 'composite') continue;
    let refs: string[] = [];
    try {
      refs = alarmRuleRefs(parseAlarmRule(a.rule)).map(alarmNameOf);
    } catch {
      // A rule the parser refuses is reported, with its composite, by the simulation itself.
    }
    if (a.suppressor) refs.push(alarmNameOf(a.suppressor.alarm));
    for (const name of refs) {
      const child = byName.get(name);
      if (child && !chosen.has(name)) {
        chosen.set(name, child);
        queue.push(child);
      }
    }
  }
  return [...chosen.values()];
}

/** The SNS notification's `Trigger` (REFERENCE.md section 4): lower-case dimension keys, as CloudWatch sends them. */
function triggerOf(p: Record<string, unknown>, str: (v: unknown, path: string) => string): Record<string, unknown> {
  const dims = (v: unknown, path: string) =>
    (Array.isArray(v) ? (v as { Name: unknown; Value: unknown }[]) : []).map((d, i) => ({
      value: str(d.Value, `${path}[${i}].Value`),
      name: str(d.Name, `${path}[${i}].Name`),
    }));
  const common = {
    Period: p.Period,
    EvaluationPeriods: p.EvaluationPeriods,
    DatapointsToAlarm: p.DatapointsToAlarm,
    ComparisonOperator: p.ComparisonOperator,
    Threshold: p.Threshold,
    TreatMissingData: p.TreatMissingData ?? 'missing',
    EvaluateLowSampleCountPercentile: p.EvaluateLowSampleCountPercentile ?? '',
  };
  if (!Array.isArray(p.Metrics))
    return {
      MetricName: p.MetricName,
      Namespace: p.Namespace,
      StatisticType: p.ExtendedStatistic ? 'ExtendedStatistic' : 'Statistic',
      Statistic: typeof p.Statistic === 'string' ? p.Statistic.toUpperCase() : undefined,
      ExtendedStatistic: p.ExtendedStatistic,
      Unit: p.Unit ?? null,
      Dimensions: dims(p.Dimensions, 'Dimensions'),
      ...common,
    };
  return {
    ...common,
    Metrics: (p.Metrics as Record<string, unknown>[]).map((m, i) => {
      const stat = m.MetricStat as
        | {
            Metric: { Namespace: string; MetricName: string; Dimensions?: unknown };
            Period: number;
            Stat: string;
            Unit?: string;
          }
        | undefined;
      return {
        Id: m.Id,
        ...(m.Expression !== undefined ? { Expression: m.Expression } : {}),
        ...(stat
          ? {
              MetricStat: {
                Metric: {
                  Dimensions: dims(stat.Metric.Dimensions, `Metrics[${i}].MetricStat.Metric.Dimensions`),
                  MetricName: stat.Metric.MetricName,
                  Namespace: stat.Metric.Namespace,
                },
                Period: stat.Period,
                Stat: stat.Stat,
                ...(stat.Unit ? { Unit: stat.Unit } : {}),
              },
            }
          : {}),
        ...(m.Label !== undefined ? { Label: m.Label } : {}),
        ReturnData: m.ReturnData !== false,
      };
    }),
  };
}
