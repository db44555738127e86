/**
 * The JSON CloudWatch publishes to SNS (the `Message` string of an SNS record).
 * Three shapes: metric alarm (Trigger.MetricName), metric math / anomaly band
 * (Trigger.Metrics), composite (AlarmRule + TriggeringChildren, no Trigger).
 */
import { parseAlarmArn } from './arn';
import { isRecord } from './metadata';
import { buildEvent, fail, num, str, type EventCore } from './normalise';
import type { AlarmTrigger, CompositeChild, MetricQuery, MetricRef, ParseResult } from './types';

export function parseCloudWatchMessage(id: string, message: string, source: 'sns' | 'drill' = 'sns'): ParseResult {
  let body: unknown;
  try {
    body = JSON.parse(message);
  } catch {
    return fail(id, 'malformed', 'SNS Message is not JSON');
  }
  if (!isRecord(body)) return fail(id, 'malformed', 'SNS Message is not a JSON object');
  if (typeof body.AlarmName !== 'string' || body.NewStateValue === undefined) {
    return fail(id, 'unknown', 'not a CloudWatch alarm notification (no AlarmName/NewStateValue)');
  }
  const core: EventCore = {
    id,
    source,
    alarmName: body.AlarmName,
    alarmArn: str(body.AlarmArn) ?? '',
    rawDescription: str(body.AlarmDescription),
    state: str(body.NewStateValue) ?? '',
    previousState: str(body.OldStateValue),
    reason: str(body.NewStateReason) ?? '',
    stateChangeTime: str(body.StateChangeTime) ?? '',
  };
  if (str(body.AlarmRule) !== undefined || Array.isArray(body.TriggeringChildren)) {
    const children: CompositeChild[] = (Array.isArray(body.TriggeringChildren) ? body.TriggeringChildren : [])
      .filter(isRecord)
      .map((c) => {
        const arn = str(c.Arn) ?? '';
        const state = isRecord(c.State) ? (str(c.State.Value) ?? '') : (str(c.State) ?? '');
        return { arn, name: parseAlarmArn(arn)?.alarmName ?? arn, state };
      });
    return buildEvent(core, 'composite', { composite: { rule: str(body.AlarmRule) ?? '', children } });
  }
  if (!isRecord(body.Trigger))
    return fail(id, 'malformed', `alarm ${body.AlarmName} has neither Trigger nor AlarmRule`);
  const t = body.Trigger;
  const common = {
    periodSeconds: num(t.Period),
    evaluationPeriods: num(t.EvaluationPeriods),
    datapointsToAlarm: num(t.DatapointsToAlarm),
    comparison: str(t.ComparisonOperator),
    threshold: num(t.Threshold),
    thresholdMetricId: str(t.ThresholdMetricId),
    treatMissingData: str(t.TreatMissingData)?.replace(/^-\s*TreatMissingData:\s*/, ''),
    unit: str(t.Unit),
  };
  if (Array.isArray(t.Metrics)) {
    const queries = t.Metrics.filter(isRecord).map(readQuery);
    if (queries.length === 0) return fail(id, 'malformed', `alarm ${body.AlarmName} has an empty Trigger.Metrics`);
    const trigger: AlarmTrigger = { ...common, queries };
    return buildEvent(core, isAnomaly(trigger) ? 'anomaly-band' : 'metric-math', { trigger });
  }
  if (typeof t.MetricName === 'string' && typeof t.Namespace === 'string') {
    const metric: MetricRef = {
      namespace: t.Namespace,
      metricName: t.MetricName,
      dimensions: readDimensions(t.Dimensions),
    };
    const statistic = str(t.ExtendedStatistic) ?? str(t.Statistic);
    return buildEvent(core, 'metric', {
      trigger: { ...common, metric, statistic: statistic && prettyStatistic(statistic) },
    });
  }
  return fail(id, 'malformed', `alarm ${body.AlarmName} has a Trigger without MetricName or Metrics`);
}

function readQuery(m: Record<string, unknown>): MetricQuery {
  const stat = isRecord(m.MetricStat) ? m.MetricStat : undefined;
  const metric = stat && isRecord(stat.Metric) ? stat.Metric : undefined;
  return {
    id: str(m.Id) ?? '?',
    label: str(m.Label),
    expression: str(m.Expression),
    metric: metric
      ? {
          namespace: str(metric.Namespace) ?? '',
          metricName: str(metric.MetricName) ?? '',
          dimensions: readDimensions(metric.Dimensions),
        }
      : undefined,
    statistic: stat ? str(stat.Stat) : undefined,
    periodSeconds: stat ? num(stat.Period) : undefined,
    returnData: m.ReturnData !== false,
  };
}

/** SNS lists dimensions as `[{name, value}]` (lower case keys, unlike the API). */
function readDimensions(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!Array.isArray(v)) return out;
  for (const d of v.filter(isRecord)) {
    const name = str(d.name) ?? str(d.Name);
    const value = str(d.value) ?? str(d.Value);
    if (name !== undefined && value !== undefined) out[name] = value;
  }
  return out;
}

export function isAnomaly(trigger: AlarmTrigger): boolean {
  return trigger.thresholdMetricId !== undefined || bandQueryId(trigger.queries ?? []) !== undefined;
}

/** The id of the query computing an anomaly band, for payloads that do not name their threshold query. */
export function bandQueryId(queries: readonly MetricQuery[]): string | undefined {
  return queries.find((q) => /ANOMALY_DETECTION_BAND\s*\(/i.test(q.expression ?? ''))?.id;
}

/** SNS says `SUM`/`AVERAGE`; people and the console say `Sum`/`Average`. Percentiles pass through. */
function prettyStatistic(s: string): string {
  const known: Record<string, string> = {
    SUM: 'Sum',
    AVERAGE: 'Average',
    MINIMUM: 'Minimum',
    MAXIMUM: 'Maximum',
    SAMPLE_COUNT: 'SampleCount',
    SAMPLECOUNT: 'SampleCount',
  };
  return known[s.toUpperCase()] ?? s;
}
