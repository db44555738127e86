/**
 * The notifications CloudWatch sends for a state change of an alarm defined as in a CloudFormation
 * template (AWS::CloudWatch::Alarm / CompositeAlarm properties, intrinsics already resolved): the
 * SNS record a Lambda subscriber receives and the EventBridge "CloudWatch Alarm State Change" event
 * (REFERENCE.md section 4). Tests and `sre simulate --deliver` feed synthesized alarms through the
 * real router with these, so what they prove is what CloudWatch would deliver: the name and
 * description as deployed, and no tags (notifications never carry tags).
 */

/** CloudFormation properties of a metric, metric-math, anomaly-band or composite alarm. */
export interface AlarmDefinition {
  readonly AlarmName: string;
  readonly AlarmDescription?: string;
  readonly Namespace?: string;
  readonly MetricName?: string;
  readonly Dimensions?: readonly { readonly Name: string; readonly Value: string }[];
  readonly Statistic?: string;
  readonly ExtendedStatistic?: string;
  readonly Unit?: string;
  readonly Period?: number;
  readonly EvaluationPeriods?: number;
  readonly DatapointsToAlarm?: number;
  readonly Threshold?: number;
  readonly ThresholdMetricId?: string;
  readonly ComparisonOperator?: string;
  readonly TreatMissingData?: string;
  readonly Metrics?: readonly CfnMetricDataQuery[];
  readonly AlarmRule?: string;
}

export interface CfnMetricDataQuery {
  readonly Id: string;
  readonly Expression?: string;
  readonly Label?: string;
  readonly ReturnData?: boolean;
  readonly MetricStat?: {
    readonly Metric: {
      readonly Namespace: string;
      readonly MetricName: string;
      readonly Dimensions?: readonly { readonly Name: string; readonly Value: string }[];
    };
    readonly Period: number;
    readonly Stat: string;
    readonly Unit?: string;
  };
}

export interface StateChange {
  readonly state: 'ALARM' | 'OK' | 'INSUFFICIENT_DATA';
  /** @default the opposite of `state` (OK for ALARM, ALARM otherwise) */
  readonly previousState?: 'ALARM' | 'OK' | 'INSUFFICIENT_DATA';
  readonly time: Date;
  readonly region: string;
  readonly accountId: string;
  /** @default 'aws' */
  readonly partition?: string;
  /** Values of the evaluated datapoints, newest first (metric alarms). */
  readonly datapoints?: readonly number[];
  /** Children that triggered the change (composites): alarm names, their state and since when. */
  readonly triggeringChildren?: readonly { readonly name: string; readonly state: string; readonly since?: Date }[];
  /** NewStateReason as CloudWatch wrote it (`sre simulate` knows it). @default a reason in CloudWatch's shape */
  readonly reason?: string;
  /** The alarm's actions as deployed. @default `topicArn` for ALARM and OK */
  readonly actions?: {
    readonly alarm: readonly string[];
    readonly ok: readonly string[];
    readonly insufficientData: readonly string[];
  };
  /** When the actions ran (a suppressor may hold them after the change). @default `time` */
  readonly publishedAt?: Date;
  /** AlarmConfigurationUpdatedTimestamp. @default `time` */
  readonly configurationUpdatedAt?: Date;
  /** SNS MessageId; the EventBridge event id is `<id>:eventbridge` (two deliveries, two ids). @default derived from the alarm name, state and time */
  readonly id?: string;
  /** The topic the alarm action publishes to. @default `<service>-alerts` in the same account */
  readonly topicArn?: string;
}

const REGION_NAMES: Readonly<Record<string, string>> = {
  'us-east-1': 'US East (N. Virginia)',
  'us-east-2': 'US East (Ohio)',
  'us-west-2': 'US West (Oregon)',
  'eu-west-1': 'EU (Ireland)',
  'eu-central-1': 'EU (Frankfurt)',
  'ap-southeast-2': 'Asia Pacific (Sydney)',
};

export interface CloudWatchNotifications {
  /** A Lambda event: an SNS batch with one record. */
  readonly sns: Record<string, unknown>;
  /** A Lambda event: one EventBridge alarm state change. */
  readonly eventBridge: Record<string, unknown>;
}

export function cloudWatchNotifications(alarm: AlarmDefinition, change: StateChange): CloudWatchNotifications {
  const partition = change.partition ?? 'aws';
  const arnOf = (name: string) => `arn:${partition}:cloudwatch:${change.region}:${change.accountId}:alarm:${name}`;
  const alarmArn = arnOf(alarm.AlarmName);
  const previous = change.previousState ?? (change.state === 'ALARM' ? 'OK' : 'ALARM');
  const iso = change.time.toISOString();
  const cwTime = iso.replace('Z', '+0000');
  const id = change.id ?? `${alarm.AlarmName}#${change.state}#${iso}`;
  const topicArn = change.topicArn ?? `arn:${partition}:sns:${change.region}:${change.accountId}:alerts`;
  const children = (change.triggeringChildren ?? []).map((c) => ({
    arn: arnOf(c.name),
    state: c.state,
    timestamp: c.since ? c.since.toISOString().replace('Z', '+0000') : cwTime,
  }));
  const reason = change.reason ?? reasonText(alarm, change, children);

  const message: Record<string, unknown> = {
    AlarmName: alarm.AlarmName,
    AlarmDescription: alarm.AlarmDescription ?? null,
    AWSAccountId: change.accountId,
    AlarmConfigurationUpdatedTimestamp: change.configurationUpdatedAt
      ? change.configurationUpdatedAt.toISOString().replace('Z', '+0000')
      : cwTime,
    NewStateValue: change.state,
    NewStateReason: reason,
    StateChangeTime: cwTime,
    Region: REGION_NAMES[change.region] ?? change.region,
    AlarmArn: alarmArn,
    OldStateValue: previous,
    OKActions: change.actions?.ok ?? [topicArn],
    AlarmActions: change.actions?.alarm ?? [topicArn],
    InsufficientDataActions: change.actions?.insufficientData ?? [],
  };
  if (alarm.AlarmRule !== undefined) {
    message.AlarmRule = alarm.AlarmRule;
    message.TriggeringChildren = children.map((c) => ({
      Arn: c.arn,
      State: { Value: c.state, Timestamp: c.timestamp },
    }));
  } else {
    message.Trigger = snsTrigger(alarm);
  }
  const sns = {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        Sns: {
          Type: 'Notification',
          MessageId: id,
          TopicArn: topicArn,
          Subject: `${change.state}: "${alarm.AlarmName}" in ${REGION_NAMES[change.region] ?? change.region}`.slice(
            0,
            100,
          ),
          Message: JSON.stringify(message),
          Timestamp: (change.publishedAt ?? change.time).toISOString(),
          MessageAttributes: {},
        },
      },
    ],
  };

  const configuration: Record<string, unknown> = { description: alarm.AlarmDescription };
  let reasonData: Record<string, unknown>;
  if (alarm.AlarmRule !== undefined) {
    configuration.alarmRule = alarm.AlarmRule;
    reasonData = {
      triggeringAlarms: children.map((c) => ({ arn: c.arn, state: { value: c.state, timestamp: c.timestamp } })),
    };
  } else {
    configuration.metrics = eventBridgeMetrics(alarm);
    if (alarm.ThresholdMetricId) configuration.thresholdMetricId = alarm.ThresholdMetricId;
    reasonData = {
      version: '1.0',
      queryDate: cwTime,
      period: alarm.Period ?? alarm.Metrics?.find((q) => q.MetricStat)?.MetricStat?.Period,
      recentDatapoints: change.datapoints ?? [],
      ...(alarm.Threshold !== undefined ? { threshold: alarm.Threshold } : {}),
      ...(alarm.Statistic ? { statistic: alarm.Statistic } : {}),
    };
  }
  const eventBridge = {
    version: '0',
    id: `${id}:eventbridge`,
    'detail-type': 'CloudWatch Alarm State Change',
    source: 'aws.cloudwatch',
    account: change.accountId,
    time: iso.replace(/\.\d{3}Z$/, 'Z'),
    region: change.region,
    resources: [alarmArn],
    detail: {
      alarmName: alarm.AlarmName,
      state: { value: change.state, reason, reasonData: JSON.stringify(reasonData), timestamp: cwTime },
      previousState: { value: previous, reason: '', timestamp: cwTime },
      configuration,
    },
  };
  return { sns, eventBridge };
}

function reasonText(
  alarm: AlarmDefinition,
  change: StateChange,
  children: readonly { arn: string; state: string }[],
): string {
  if (alarm.AlarmRule !== undefined) {
    const first = children[0];
    return first ? `${first.arn} transitioned to ${first.state}` : `Alarm rule evaluated to ${change.state}`;
  }
  const points = change.datapoints ?? [];
  if (points.length === 0) return `Insufficient Data: no datapoints were received.`;
  // The shape CloudWatch writes; the router reads the values back from it.
  const stamp = (d: Date) =>
    `${String(d.getUTCDate()).padStart(2, '0')}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${String(d.getUTCFullYear() % 100).padStart(2, '0')} ${d.toISOString().slice(11, 19)}`;
  const listed = points.map((v) => `${v} (${stamp(change.time)})`).join(', ');
  const verb = change.state === 'ALARM' ? 'was' : 'was not';
  return `Threshold Crossed: ${points.length} out of the last ${points.length} datapoints [${listed}] ${verb} ${alarm.ComparisonOperator ?? 'compared to'} the threshold (${alarm.Threshold ?? 'band'}).`;
}

function snsTrigger(alarm: AlarmDefinition): Record<string, unknown> {
  const common = {
    Period: alarm.Period,
    EvaluationPeriods: alarm.EvaluationPeriods,
    DatapointsToAlarm: alarm.DatapointsToAlarm,
    ComparisonOperator: alarm.ComparisonOperator,
    Threshold: alarm.Threshold,
    ThresholdMetricId: alarm.ThresholdMetricId,
    TreatMissingData: alarm.TreatMissingData,
    EvaluateLowSampleCountPercentile: '',
  };
  if (alarm.Metrics) {
    return {
      ...common,
      Period: common.Period ?? alarm.Metrics.find((q) => q.MetricStat)?.MetricStat?.Period,
      Metrics: alarm.Metrics.map((q) => ({
        Id: q.Id,
        ...(q.Expression ? { Expression: q.Expression } : {}),
        ...(q.Label ? { Label: q.Label } : {}),
        ...(q.MetricStat
          ? {
              MetricStat: {
                Metric: {
                  // SNS spells dimension keys in lower case.
                  Dimensions: (q.MetricStat.Metric.Dimensions ?? []).map((d) => ({ value: d.Value, name: d.Name })),
                  MetricName: q.MetricStat.Metric.MetricName,
                  Namespace: q.MetricStat.Metric.Namespace,
                },
                Period: q.MetricStat.Period,
                Stat: q.MetricStat.Stat,
              },
            }
          : {}),
        ReturnData: q.ReturnData !== false,
      })),
    };
  }
  return {
    MetricName: alarm.MetricName,
    Namespace: alarm.Namespace,
    StatisticType: alarm.ExtendedStatistic ? 'ExtendedStatistic' : 'Statistic',
    ...(alarm.ExtendedStatistic
      ? { ExtendedStatistic: alarm.ExtendedStatistic }
      : { Statistic: alarm.Statistic?.toUpperCase() }),
    Unit: alarm.Unit ?? null,
    Dimensions: (alarm.Dimensions ?? []).map((d) => ({ value: d.Value, name: d.Name })),
    ...common,
  };
}

function eventBridgeMetrics(alarm: AlarmDefinition): Record<string, unknown>[] {
  const dims = (list?: readonly { Name: string; Value: string }[]) =>
    Object.fromEntries((list ?? []).map((d) => [d.Name, d.Value]));
  if (!alarm.Metrics) {
    return [
      {
        id: 'm1',
        metricStat: {
          metric: { namespace: alarm.Namespace, name: alarm.MetricName, dimensions: dims(alarm.Dimensions) },
          period: alarm.Period,
          stat: alarm.ExtendedStatistic ?? alarm.Statistic,
        },
        returnData: true,
      },
    ];
  }
  return alarm.Metrics.map((q) => ({
    id: q.Id,
    ...(q.Expression ? { expression: q.Expression } : {}),
    ...(q.Label ? { label: q.Label } : {}),
    ...(q.MetricStat
      ? {
          metricStat: {
            metric: {
              namespace: q.MetricStat.Metric.Namespace,
              name: q.MetricStat.Metric.MetricName,
              dimensions: dims(q.MetricStat.Metric.Dimensions),
            },
            period: q.MetricStat.Period,
            stat: q.MetricStat.Stat,
          },
        }
      : {}),
    returnData: q.ReturnData !== false,
  }));
}

export interface DeployTarget {
  readonly region: string;
  readonly accountId: string;
  /** @default 'aws' */
  readonly partition?: string;
  /** Names the alarms CloudFormation names itself (`<stack>-<logical id>-<suffix>`). */
  readonly stackName: string;
}

export interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
}

/**
 * An alarm of a synthesized template as it would be deployed: pseudo parameters and Fn::Join
 * resolved (so tokens in descriptions, such as a region in a URL, read as they will), alarm ARNs
 * for Fn::GetAtt of other alarms (composite rules), and `ref-<id>` / `<id>.<attribute>` stand-ins
 * for other resources' values. Tags are dropped: CloudWatch never sends them.
 */
export function alarmDefinitionFromTemplate(
  resources: Readonly<Record<string, TemplateResource>>,
  logicalId: string,
  target: DeployTarget,
): AlarmDefinition {
  const partition = target.partition ?? 'aws';
  const nameOf = (id: string): string => {
    const name = resources[id]?.Properties?.AlarmName;
    return typeof name === 'string' ? name : `${target.stackName}-${id}-1A2B3C4D5E6F`;
  };
  const pseudo: Record<string, string> = {
    'AWS::Region': target.region,
    'AWS::AccountId': target.accountId,
    'AWS::Partition': partition,
    'AWS::URLSuffix': partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com',
    'AWS::StackName': target.stackName,
  };
  const resolve = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(resolve);
    if (value === null || typeof value !== 'object') return value;
    const v = value as Record<string, unknown>;
    if (typeof v.Ref === 'string') return pseudo[v.Ref] ?? `ref-${v.Ref}`;
    if (Array.isArray(v['Fn::Join'])) {
      const [sep, parts] = v['Fn::Join'] as [string, unknown[]];
      return (resolve(parts) as unknown[]).join(sep);
    }
    if (Array.isArray(v['Fn::GetAtt'])) {
      const [id, attr] = v['Fn::GetAtt'] as [string, string];
      if (attr === 'Arn' && resources[id]?.Type.startsWith('AWS::CloudWatch::'))
        return `arn:${partition}:cloudwatch:${target.region}:${target.accountId}:alarm:${nameOf(id)}`;
      return `${id}.${attr}`;
    }
    if (v['Fn::ImportValue'] !== undefined) return `import-${JSON.stringify(v['Fn::ImportValue']).replace(/\W+/g, '')}`;
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolve(x)]));
  };
  const resource = resources[logicalId];
  if (!resource || !/^AWS::CloudWatch::(Composite)?Alarm$/.test(resource.Type))
    throw new Error(`${logicalId} is not an AWS::CloudWatch::Alarm or CompositeAlarm of the template`);
  const { Tags: _tags, ...props } = resolve(resource.Properties ?? {}) as Record<string, unknown>;
  return { ...(props as unknown as AlarmDefinition), AlarmName: nameOf(logicalId) };
}
