/**
 * alarms/ALARMS.md: the table of every alarm the synthesized GoodGreets app deploys, read from
 * the CloudFormation templates themselves (not from the specs), so the document shows what AWS
 * will actually get. A drift test regenerates it and compares.
 */

import { alarmMetadataFromTags, mergeAlarmMetadata, parseAlarmDescription } from '@sre-kit/core';

export const ALARMS_DOC_HEADER =
  '<!-- Generated from the synthesized GoodGreets app by `npm run docs:alarms` (reference-app/infra). Do not edit. -->';

interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
}

export interface TemplateSet {
  readonly [stackName: string]: { readonly Resources: Readonly<Record<string, CfnResource>> };
}

export interface AlarmRow {
  readonly family: string;
  readonly resource: string;
  readonly alarm: string;
  readonly metric: string;
  readonly statistic: string;
  readonly threshold: string;
  readonly period: string;
  readonly datapoints: string;
  readonly severity: string;
  readonly route: string;
}

/** Receiver names an alarm with these tag labels reaches (the alert router's route tree). */
export type RouteLookup = (labels: Readonly<Record<string, string>>) => readonly string[];

type Tag = { Key: string; Value: unknown };
type MetricDataQuery = {
  Id: string;
  Expression?: string;
  ReturnData?: boolean;
  MetricStat?: { Metric: { Namespace: string; MetricName: string }; Stat: string; Period: number };
};

export function alarmRows(templates: TemplateSet, route: RouteLookup): AlarmRow[] {
  const rows: AlarmRow[] = [];
  for (const template of Object.values(templates)) {
    for (const resource of Object.values(template.Resources)) {
      if (resource.Type !== 'AWS::CloudWatch::Alarm' && resource.Type !== 'AWS::CloudWatch::CompositeAlarm') continue;
      const p = resource.Properties ?? {};
      const tags = Object.fromEntries(((p.Tags as Tag[] | undefined) ?? []).map((t) => [t.Key, String(t.Value)]));
      // What the router reads: the description's metadata, tags only filling what it lacks.
      const described = parseAlarmDescription(typeof p.AlarmDescription === 'string' ? p.AlarmDescription : '');
      const meta = mergeAlarmMetadata(described.metadata, alarmMetadataFromTags(tags));
      const labels = {
        severity: meta.severity ?? '',
        family: meta.family ?? '',
        service: meta.service ?? '',
        slo: meta.slo ?? '',
      };
      const hasActions = ((p.AlarmActions as unknown[] | undefined) ?? []).length > 0;
      const common = {
        family: labels.family || '-',
        resource: meta.resource ?? meta.slo ?? '-',
        alarm: meta.catalogueId ?? meta.tier ?? text(p.AlarmName),
        severity: labels.severity || '-',
        // Without a severity the alarm is outside the route tree (the router's own health alarms email the
        // operators directly); without actions it only feeds a composite.
        route: !hasActions
          ? '(feeds a composite)'
          : labels.severity
            ? route(labels).join(', ') || '-'
            : 'operators (direct email)',
      };
      if (resource.Type === 'AWS::CloudWatch::CompositeAlarm') {
        rows.push({
          ...common,
          metric: hasActions ? 'ALARM(long window) AND ALARM(short window)' : 'suppressor: a faster tier is firing',
          statistic: '-',
          threshold: '-',
          period: '-',
          datapoints: '-',
        });
        continue;
      }
      rows.push({ ...common, ...describeMetric(p) });
    }
  }
  return rows.sort((a, b) =>
    [a.family, a.resource, a.alarm, a.metric]
      .join('\u0000')
      .localeCompare([b.family, b.resource, b.alarm, b.metric].join('\u0000')),
  );
}

function describeMetric(
  p: Record<string, unknown>,
): Pick<AlarmRow, 'metric' | 'statistic' | 'threshold' | 'period' | 'datapoints'> {
  const comparison = COMPARISON[text(p.ComparisonOperator)] ?? text(p.ComparisonOperator);
  // Thresholds such as 14.4 x 0.001 carry float noise (0.014400000000000013): six significant digits say it.
  const threshold =
    p.Threshold === undefined
      ? `band ${text(p.ThresholdMetricId)}`
      : `${comparison} ${Number(Number(p.Threshold).toPrecision(6))}`;
  const evaluations = Number(p.EvaluationPeriods ?? 1);
  const datapoints = `${text(p.DatapointsToAlarm ?? evaluations)} of ${evaluations}`;
  const queries = p.Metrics as MetricDataQuery[] | undefined;
  if (!queries) {
    return {
      metric: `${text(p.Namespace)} ${text(p.MetricName)}`,
      statistic: text(p.ExtendedStatistic ?? p.Statistic),
      threshold,
      period: seconds(p.Period),
      datapoints,
    };
  }
  const result = queries.find((q) => q.ReturnData !== false) ?? queries[0];
  const inputs = queries.filter((q) => q.MetricStat);
  const metric = result.Expression
    ? `${result.Expression} (${inputs.map((q) => `${q.Id}: ${q.MetricStat!.Metric.MetricName}`).join(', ')})`
    : `${result.MetricStat!.Metric.Namespace} ${result.MetricStat!.Metric.MetricName}`;
  const stats = [...new Set(inputs.map((q) => q.MetricStat!.Stat))];
  const periods = [...new Set(inputs.map((q) => q.MetricStat!.Period))];
  return { metric, statistic: stats.join(', '), threshold, period: periods.map(seconds).join(', '), datapoints };
}

const COMPARISON: Readonly<Record<string, string>> = {
  GreaterThanThreshold: '>',
  GreaterThanOrEqualToThreshold: '>=',
  LessThanThreshold: '<',
  LessThanOrEqualToThreshold: '<=',
  LessThanLowerOrGreaterThanUpperThreshold: 'outside',
  GreaterThanUpperThreshold: 'above',
  LessThanLowerThreshold: 'below',
};

function seconds(value: unknown): string {
  const s = Number(value);
  if (!Number.isFinite(s)) return text(value);
  if (s % 86400 === 0) return `${s / 86400} d`;
  if (s % 3600 === 0) return `${s / 3600} h`;
  if (s % 60 === 0) return `${s / 60} min`;
  return `${s} s`;
}

/** CloudFormation values may be tokens (Ref, Fn::Join): show them compactly rather than fail. */
function text(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** What the kit's cost report says; printed under the table. */
export interface CostSummary {
  readonly totalUsd: number;
  readonly metricAlarms: number;
  readonly compositeAlarms: number;
  readonly dashboards: number;
  readonly prices: string;
  /** What the kit's report leaves out and `sre cost` adds. */
  readonly excludes: string;
}

export function alarmsMarkdown(rows: readonly AlarmRow[], cost: CostSummary): string {
  const columns: [keyof AlarmRow, string][] = [
    ['family', 'family'],
    ['resource', 'resource'],
    ['alarm', 'alarm'],
    ['metric', 'metric'],
    ['statistic', 'statistic'],
    ['threshold', 'threshold'],
    ['period', 'period'],
    ['datapoints', 'datapoints'],
    ['severity', 'severity'],
    ['route', 'route'],
  ];
  const escape = (cell: string) => cell.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const byFamily = new Map<string, number>();
  for (const row of rows) byFamily.set(row.family, (byFamily.get(row.family) ?? 0) + 1);
  return [
    ALARMS_DOC_HEADER,
    '',
    '# GoodGreets alarms',
    '',
    `${rows.length} alarms deployed by the GoodGreets CDK app: ${[...byFamily].map(([f, n]) => `${f} ${n}`).join(', ')}.`,
    'Route is the alert-router receiver the alarm reaches through `alarms/routing.yaml` (mute intervals aside).',
    '',
    `| ${columns.map(([, title]) => title).join(' | ')} |`,
    `| ${columns.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${columns.map(([key]) => escape(row[key])).join(' | ')} |`),
    '',
    `Estimated CloudWatch cost of the whole observability set: **${cost.totalUsd.toFixed(2)} USD/month** ` +
      `(${cost.metricAlarms} metric alarms, ${cost.compositeAlarms} composite alarms, ${cost.dashboards} dashboards; ` +
      `${cost.prices}; free tier not deducted). Not included: ${cost.excludes}. ` +
      'Per item: `npx sre cost slos alarms`.',
    '',
  ].join('\n');
}
