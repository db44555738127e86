/**
 * Reads the CloudWatch alarms a synthesized cloud assembly (cdk.out) declares, in the shape CloudWatch will
 * hold them after deployment: names, ARNs, alarm rules and actions with their CloudFormation tokens
 * resolved. Core's `readCloudAssembly` / `resolveValue` (the reader `sre verify` uses) load the stacks,
 * nested stacks and stages and follow Ref, Fn::GetAtt, Fn::ImportValue and nested-stack parameters; this
 * adds what a deployed name needs on top: Fn::Join, Fn::Sub, pseudo parameters, alarm names and ARNs, topic ARNs.
 */
import {
  alarmNameOf,
  alarmRuleRefs,
  AssemblyReadError,
  parseAlarmRule,
  readCloudAssembly,
  resolveValue,
  type AssemblyTemplate,
  type CloudAssemblyInput,
  type SimulatedAlarm,
  type SimulatedQuery,
} from '@sre-kit/core';
import type { AlarmDefinition } from '@sre-kit/alert-router';

export class AssemblyError extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
    this.name = 'AssemblyError';
  }
}

export interface AssemblyAlarm {
  readonly alarm: SimulatedAlarm;
  readonly stack: string;
  readonly logicalId: string;
  readonly tags: Readonly<Record<string, string>>;
  /** The AWS::CloudWatch::Alarm properties as synthesized (tokens unresolved). */
  readonly properties: Readonly<Record<string, unknown>>;
  readonly region: string;
  readonly account: string;
  /** The alarm as CloudWatch holds it (tokens resolved): what its notifications are built from. */
  readonly definition: AlarmDefinition;
}

export interface AssemblyReadOptions {
  /** Account for ARNs when the assembly's environment leaves it unresolved. @default 000000000000 */
  readonly account?: string;
  /** Region when the environment leaves it unresolved. @default us-east-1 */
  readonly region?: string;
}

const ALARM_TYPES = ['AWS::CloudWatch::Alarm', 'AWS::CloudWatch::CompositeAlarm'];

class Resolver {
  constructor(
    private readonly assembly: CloudAssemblyInput,
    private readonly options: AssemblyReadOptions,
  ) {}

  region(t: AssemblyTemplate): string {
    return t.environment?.region ?? this.options.region ?? 'us-east-1';
  }

  account(t: AssemblyTemplate): string {
    return t.environment?.account ?? this.options.account ?? '000000000000';
  }

  /** The name CloudWatch will know the alarm by: AlarmName, or CloudFormation's generated `<stack>-<id>` prefix. */
  alarmName(t: AssemblyTemplate, logicalId: string): string {
    const name = t.template.Resources?.[logicalId]?.Properties?.AlarmName;
    return name === undefined ? `${t.stack}-${logicalId}` : this.string(name, t, `${logicalId}.AlarmName`);
  }

  alarmArn(t: AssemblyTemplate, logicalId: string): string {
    return `arn:aws:cloudwatch:${this.region(t)}:${this.account(t)}:alarm:${this.alarmName(t, logicalId)}`;
  }

  private topicArn(t: AssemblyTemplate, logicalId: string): string {
    const name = t.template.Resources?.[logicalId]?.Properties?.TopicName;
    const topic = name === undefined ? `${t.stack}-${logicalId}` : this.string(name, t, `${logicalId}.TopicName`);
    return `arn:aws:sns:${this.region(t)}:${this.account(t)}:${topic}`;
  }

  /** A property value as the deployed string. */
  string(value: unknown, t: AssemblyTemplate, path: string): string {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const o = value as Record<string, unknown>;
      const join = o['Fn::Join'];
      if (Array.isArray(join) && Array.isArray(join[1]))
        return (join[1] as unknown[]).map((v, i) => this.string(v, t, `${path}[${i}]`)).join(String(join[0]));
      const sub = o['Fn::Sub'];
      if (sub !== undefined) {
        const [text, vars] = Array.isArray(sub) ? [sub[0], (sub[1] ?? {}) as Record<string, unknown>] : [sub, {}];
        return String(text).replace(/\$\{([^}!][^}]*)\}/g, (_, name: string) => {
          if (name in vars) return this.string(vars[name], t, `${path}.${name}`);
          const [target, ...attribute] = name.split('.');
          const token = attribute.length > 0 ? { 'Fn::GetAtt': [target, attribute.join('.')] } : { Ref: target };
          return this.string(token, t, path);
        });
      }
    }
    const r = resolveValue(this.assembly, t, value);
    switch (r.kind) {
      case 'literal':
        return r.value;
      case 'pseudo': {
        const pseudo: Record<string, string> = {
          'AWS::Region': this.region(t),
          'AWS::AccountId': this.account(t),
          'AWS::Partition': 'aws',
          'AWS::URLSuffix': 'amazonaws.com',
          'AWS::StackName': t.stack,
        };
        if (pseudo[r.name] !== undefined) return pseudo[r.name];
        break;
      }
      case 'resource': {
        const type = r.resource.Type;
        if (ALARM_TYPES.includes(type))
          return r.attribute === 'Arn'
            ? this.alarmArn(r.template, r.logicalId)
            : this.alarmName(r.template, r.logicalId);
        if (type === 'AWS::SNS::Topic')
          return r.attribute === 'TopicName'
            ? this.topicArn(r.template, r.logicalId).split(':').pop()!
            : this.topicArn(r.template, r.logicalId);
        // Values only shown in messages (load balancer names in dimensions, ...): a stand-in naming its source.
        return r.attribute ? `${r.logicalId}.${r.attribute}` : r.logicalId;
      }
      default:
        throw new AssemblyError(
          `${t.stack}: ${path}: cannot resolve ${r.kind === 'unresolved' ? r.why : JSON.stringify(value).slice(0, 120)}`,
          'the reader follows Ref, Fn::GetAtt, Fn::Join, Fn::Sub, Fn::ImportValue and nested-stack parameters',
        );
    }
    throw new AssemblyError(`${t.stack}: ${path}: pseudo parameter ${r.name} is not known`, 'use a literal value');
  }

  strings(value: unknown, t: AssemblyTemplate, path: string): string[] {
    if (value === undefined) return [];
    if (!Array.isArray(value)) throw new AssemblyError(`${t.stack}: ${path} is not a list`, 'synthesize again');
    return value.map((v, i) => this.string(v, t, `${path}[${i}]`));
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
  let assembly: CloudAssemblyInput;
  try {
    assembly = readCloudAssembly(dir);
  } catch (err) {
    if (err instanceof AssemblyReadError)
      throw new AssemblyError(err.message, 'pass the cdk.out folder that cdk synth (or npm run synth) wrote');
    throw err;
  }
  const resolver = new Resolver(assembly, options);
  const out: AssemblyAlarm[] = [];
  for (const ctx of assembly.templates) {
    for (const [logicalId, r] of Object.entries(ctx.template.Resources ?? {})) {
      if (!ALARM_TYPES.includes(r.Type)) continue;
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
        origin: `${ctx.stack}/${logicalId}`,
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
        alarm = { ...base, kind: 'metric', ...metricPart(p, ctx.stack, logicalId) };
      }
      out.push({
        alarm,
        definition: definitionOf(alarm, p, str),
        stack: ctx.stack,
        logicalId,
        tags: tagsOf(p, str),
        properties: p,
        region: resolver.region(ctx),
        account: resolver.account(ctx),
      });
    }
  }
  return out;
}

function metricPart(p: Record<string, unknown>, stack: string, logicalId: string) {
  const where = `${stack}: ${logicalId}`;
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

/** The alarm as the router's notification builder takes it: CloudFormation's shape, tokens resolved. */
function definitionOf(
  alarm: SimulatedAlarm,
  p: Record<string, unknown>,
  str: (v: unknown, path: string) => string,
): AlarmDefinition {
  const base = {
    AlarmName: alarm.name,
    ...(alarm.description !== undefined ? { AlarmDescription: alarm.description } : {}),
  };
  if (alarm.kind === 'composite') return { ...base, AlarmRule: alarm.rule };
  const dims = (v: unknown, path: string) =>
    (Array.isArray(v) ? (v as { Name: unknown; Value: unknown }[]) : []).map((d, i) => ({
      Name: str(d.Name, `${path}[${i}].Name`),
      Value: str(d.Value, `${path}[${i}].Value`),
    }));
  const n = (v: unknown) => (v === undefined ? undefined : Number(v));
  const s = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return {
    ...base,
    Period: n(p.Period),
    EvaluationPeriods: n(p.EvaluationPeriods),
    DatapointsToAlarm: n(p.DatapointsToAlarm),
    Threshold: n(p.Threshold),
    ComparisonOperator: s(p.ComparisonOperator),
    TreatMissingData: s(p.TreatMissingData) ?? 'missing',
    ...(Array.isArray(p.Metrics)
      ? {
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
              Id: String(m.Id),
              ...(typeof m.Expression === 'string' ? { Expression: m.Expression } : {}),
              ...(typeof m.Label === 'string' ? { Label: m.Label } : {}),
              ReturnData: m.ReturnData !== false,
              ...(stat
                ? {
                    MetricStat: {
                      Metric: {
                        Namespace: stat.Metric.Namespace,
                        MetricName: stat.Metric.MetricName,
                        Dimensions: dims(stat.Metric.Dimensions, `Metrics[${i}].MetricStat.Metric.Dimensions`),
                      },
                      Period: Number(stat.Period),
                      Stat: stat.Stat,
                      ...(stat.Unit ? { Unit: stat.Unit } : {}),
                    },
                  }
                : {}),
            };
          }),
        }
      : {
          Namespace: s(p.Namespace),
          MetricName: s(p.MetricName),
          Statistic: s(p.Statistic),
          ExtendedStatistic: s(p.ExtendedStatistic),
          Unit: s(p.Unit),
          Dimensions: dims(p.Dimensions, 'Dimensions'),
        }),
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
