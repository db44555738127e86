/**
 * EventBridge "CloudWatch Alarm State Change" events. Unlike SNS messages they
 * carry the region as a code, dimensions as an object, and put thresholds and
 * triggering children into `state.reasonData` (a JSON string).
 */
import { bandQueryId, isAnomaly } from './cloudwatch-message';
import { isRecord } from './metadata';
import { buildEvent, fail, num, str } from './normalise';
import { parseAlarmArn } from './arn';
import type { AlarmTrigger, CompositeChild, MetricQuery, ParseResult } from './types';

export const ALARM_STATE_CHANGE = 'CloudWatch Alarm State Change';

export function parseEventBridgeAlarm(event: Record<string, unknown>): ParseResult {
  const id = str(event.id) ?? 'eventbridge:unknown-id';
  if (event['detail-type'] !== ALARM_STATE_CHANGE || event.source !== 'aws.cloudwatch') {
    return fail(
      id,
      'unknown',
      `EventBridge event "${String(event['detail-type'])}" from ${String(event.source)} is not an alarm state change`,
    );
  }
  const d = event.detail;
  if (!isRecord(d) || typeof d.alarmName !== 'string' || !isRecord(d.state)) {
    return fail(id, 'malformed', 'alarm state change without detail.alarmName/detail.state');
  }
  const resources = Array.isArray(event.resources)
    ? event.resources.filter((r): r is string => typeof r === 'string')
    : [];
  const region = str(event.region);
  const account = str(event.account);
  const alarmArn =
    resources.find((r) => parseAlarmArn(r)) ??
    (region && account ? `arn:aws:cloudwatch:${region}:${account}:alarm:${d.alarmName}` : '');
  const config = isRecord(d.configuration) ? d.configuration : {};
  const reasonData = parseReasonData(d.state.reasonData);
  const core = {
    id,
    source: 'eventbridge' as const,
    alarmName: d.alarmName,
    alarmArn,
    rawDescription: str(config.description),
    state: str(d.state.value) ?? '',
    previousState: isRecord(d.previousState) ? str(d.previousState.value) : undefined,
    reason: str(d.state.reason) ?? '',
    stateChangeTime: str(d.state.timestamp) ?? str(event.time) ?? '',
  };
  if (str(config.alarmRule) !== undefined) {
    const triggering = Array.isArray(reasonData.triggeringAlarms) ? reasonData.triggeringAlarms.filter(isRecord) : [];
    const children: CompositeChild[] = triggering.map((c) => {
      const arn = str(c.arn) ?? '';
      return {
        arn,
        name: parseAlarmArn(arn)?.alarmName ?? arn,
        state: isRecord(c.state) ? (str(c.state.value) ?? '') : '',
      };
    });
    return buildEvent(core, 'composite', { composite: { rule: str(config.alarmRule) ?? '', children } });
  }
  const metrics = Array.isArray(config.metrics) ? config.metrics.filter(isRecord) : [];
  if (metrics.length === 0)
    return fail(id, 'malformed', `alarm ${d.alarmName} has neither configuration.metrics nor alarmRule`);
  const queries = metrics.map(readQuery);
  const recent = Array.isArray(reasonData.recentDatapoints) ? reasonData.recentDatapoints.map(num) : [];
  const base = {
    threshold: num(reasonData.threshold),
    periodSeconds: num(reasonData.period) ?? queries.find((q) => q.periodSeconds)?.periodSeconds,
    statistic: str(reasonData.statistic),
    // EventBridge configurations omit thresholdMetricId; without it the band would render as a plain expression.
    thresholdMetricId: str(config.thresholdMetricId) ?? bandQueryId(queries),
  };
  const datapoints = recent.filter((v): v is number => v !== undefined);
  if (queries.length === 1 && queries[0].metric) {
    const q = queries[0];
    const trigger: AlarmTrigger = { ...base, metric: q.metric, statistic: q.statistic ?? base.statistic };
    return buildEvent(core, 'metric', { trigger, datapoints: datapoints.length ? datapoints : undefined });
  }
  const trigger: AlarmTrigger = { ...base, queries };
  return buildEvent(core, isAnomaly(trigger) ? 'anomaly-band' : 'metric-math', {
    trigger,
    datapoints: datapoints.length ? datapoints : undefined,
  });
}

function readQuery(m: Record<string, unknown>): MetricQuery {
  const stat = isRecord(m.metricStat) ? m.metricStat : undefined;
  const metric = stat && isRecord(stat.metric) ? stat.metric : undefined;
  const dims: Record<string, string> = {};
  if (metric && isRecord(metric.dimensions)) {
    for (const [k, v] of Object.entries(metric.dimensions)) if (typeof v === 'string') dims[k] = v;
  }
  return {
    id: str(m.id) ?? '?',
    label: str(m.label),
    expression: str(m.expression),
    metric: metric
      ? { namespace: str(metric.namespace) ?? '', metricName: str(metric.name) ?? '', dimensions: dims }
      : undefined,
    statistic: stat ? str(stat.stat) : undefined,
    periodSeconds: stat ? num(stat.period) : undefined,
    returnData: m.returnData !== false,
  };
}

function parseReasonData(v: unknown): Record<string, unknown> {
  if (typeof v !== 'string') return isRecord(v) ? v : {};
  try {
    const parsed: unknown = JSON.parse(v);
    return isRecord(parsed) ? parsed : {};
  } catch {
    return {};
  }
}
