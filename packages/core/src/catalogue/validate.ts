import { cloudWatchPeriodProblem } from '../math/cloudwatch-window';
import {
  COMPARISON_OPERATORS,
  SEVERITIES,
  TREAT_MISSING_DATA,
  type CatalogueAlarm,
  type CatalogueMetric,
  type MetricPrecondition,
} from '../model/alarms';
import { expressionIds, MAX_METRICS_PER_ALARM, METRIC_ID, statisticProblem } from '../spec/cloudwatch';

/** One thing wrong with a catalogue entry: the field, the value found there, and why CloudWatch or the kit refuses it. */
export interface CatalogueEntryProblem {
  readonly field: string;
  readonly value: unknown;
  readonly problem: string;
}

/** Family names: what alarm ids, tags and router labels carry (`sqs`, `api-gateway`). */
export const FAMILY_NAME = /^[a-z][a-z0-9-]*$/;
const SLUG = /^[a-z0-9][a-z0-9.-]*$/;

/**
 * Everything that would make an entry fail at deploy time, or make the kit draw an alarm that
 * can never be right, found before any alarm exists. The built-in catalogue is held to it by a
 * test and entries registered from code pass through it, so both are judged by one rule set.
 */
export function catalogueEntryProblems(entry: CatalogueAlarm): CatalogueEntryProblem[] {
  const out: CatalogueEntryProblem[] = [];
  const bad = (field: string, value: unknown, problem: string) => out.push({ field, value, problem });
  if (!FAMILY_NAME.test(entry.family ?? ''))
    bad('family', entry.family, 'a family name is lower-case letters, digits and -, starting with a letter');
  const prefix = `${entry.family}.`;
  if (typeof entry.id !== 'string' || !entry.id.startsWith(prefix) || !SLUG.test(entry.id.slice(prefix.length)))
    bad('id', entry.id, `an id is "${prefix}<slug>" (lower-case letters, digits, . and -)`);
  if (!entry.title?.trim()) bad('title', entry.title, 'a title is required');
  if (!entry.runbook?.trim())
    bad('runbook', entry.runbook, 'a runbook (what to check and do when it fires) is required');
  if (!!entry.metric === !!entry.expression)
    bad('metric', entry.metric ?? entry.expression, 'give exactly one of metric or expression');
  if (entry.metric) metricProblems('metric', entry.metric, bad);
  if (entry.expression) {
    const ids = Object.keys(entry.expression.metrics ?? {});
    if (ids.length === 0)
      bad('expression.metrics', entry.expression.metrics, 'an expression needs at least one metric');
    if (ids.length > MAX_METRICS_PER_ALARM)
      bad('expression.metrics', ids.length, `CloudWatch takes at most ${MAX_METRICS_PER_ALARM} metrics per alarm`);
    for (const id of ids) {
      if (!METRIC_ID.test(id))
        bad(`expression.metrics.${id}`, id, 'a metric id starts lower-case (letters, digits, _)');
      metricProblems(`expression.metrics.${id}`, entry.expression.metrics[id]!, bad);
    }
    const used = expressionIds(entry.expression.expression ?? '');
    for (const id of used)
      if (!ids.includes(id))
        bad(
          'expression',
          entry.expression.expression,
          `uses "${id}", which is not one of its metrics (${ids.join(', ')})`,
        );
    for (const id of ids) if (!used.includes(id)) bad(`expression.metrics.${id}`, id, 'is not used by the expression');
  }
  thresholdProblems(entry, bad);
  if (!COMPARISON_OPERATORS.includes(entry.comparison))
    bad('comparison', entry.comparison, `use one of ${COMPARISON_OPERATORS.join(', ')}`);
  if (!TREAT_MISSING_DATA.includes(entry.treatMissingData))
    bad('treatMissingData', entry.treatMissingData, `use one of ${TREAT_MISSING_DATA.join(', ')}`);
  if (!SEVERITIES.includes(entry.severity)) bad('severity', entry.severity, `use one of ${SEVERITIES.join(', ')}`);
  if (!Number.isInteger(entry.evaluationPeriods) || entry.evaluationPeriods < 1)
    bad('evaluationPeriods', entry.evaluationPeriods, 'a whole number of periods, at least 1');
  else {
    const period = cloudWatchPeriodProblem(entry.periodSeconds, entry.evaluationPeriods);
    if (period) bad('period', entry.periodSeconds, period);
  }
  if (
    !Number.isInteger(entry.datapointsToAlarm) ||
    entry.datapointsToAlarm < 1 ||
    entry.datapointsToAlarm > entry.evaluationPeriods
  )
    bad(
      'datapointsToAlarm',
      entry.datapointsToAlarm,
      `a whole number from 1 to evaluationPeriods (${entry.evaluationPeriods})`,
    );
  for (const [i, p] of (entry.preconditions ?? []).entries())
    preconditionProblems(`preconditions[${i}]`, p, entry, bad);
  return out;
}

type Report = (field: string, value: unknown, problem: string) => void;

function metricProblems(field: string, m: CatalogueMetric, bad: Report): void {
  if (!m?.namespace?.trim()) bad(`${field}.namespace`, m?.namespace, 'a namespace is required');
  else if (m.namespace.startsWith(':') || m.namespace.length > 255)
    bad(`${field}.namespace`, m.namespace, 'not a CloudWatch namespace');
  if (!m?.metricName?.trim()) bad(`${field}.metricName`, m?.metricName, 'a metric name is required');
  const stat = statisticProblem(m?.statistic ?? '');
  if (stat) bad(`${field}.statistic`, m?.statistic, stat);
  if (!Array.isArray(m?.dimensionNames))
    bad(`${field}.dimensionNames`, m?.dimensionNames, 'a list of names ([] for none)');
  else if (m.dimensionNames.length > 30)
    bad(`${field}.dimensionNames`, m.dimensionNames.length, 'CloudWatch takes at most 30 dimensions');
  for (const name of Object.keys(m?.fixedDimensions ?? {}))
    if (!m.dimensionNames?.includes(name))
      bad(`${field}.fixedDimensions.${name}`, name, 'a fixed dimension must also be one of dimensionNames');
}

function thresholdProblems(entry: CatalogueAlarm, bad: Report): void {
  const rule = entry.threshold;
  switch (rule?.kind) {
    case 'fixed':
      if (!Number.isFinite(rule.value)) bad('threshold', rule.value, 'a fixed threshold is a finite number');
      return;
    case 'userDefined':
      if (!Number.isFinite(rule.suggested))
        bad('threshold', rule.suggested, 'the suggested threshold is a finite number');
      if (!rule.why?.trim()) bad('threshold', rule.why, 'say why the user must choose this threshold');
      return;
    case 'percentOf':
      if (!Number.isFinite(rule.percent) || rule.percent <= 0) bad('threshold', rule.percent, 'a percentage above 0');
      if (!/^[a-z][A-Za-z0-9]*$/.test(rule.of ?? ''))
        bad('threshold', rule.of, 'the property a threshold derives from is a camelCase name (timeoutMs)');
      if (rule.fallback !== undefined && !Number.isFinite(rule.fallback))
        bad('threshold', rule.fallback, 'the fallback is a finite number');
      return;
    default:
      bad('threshold', rule, 'a threshold rule is fixed, userDefined or percentOf');
  }
}

function preconditionProblems(field: string, p: MetricPrecondition, entry: CatalogueAlarm, bad: Report): void {
  const names = new Set(
    (entry.metric ? [entry.metric] : Object.values(entry.expression?.metrics ?? {})).flatMap(
      (m) => m.dimensionNames ?? [],
    ),
  );
  if (!names.has(p?.dimension))
    bad(
      `${field}.dimension`,
      p?.dimension,
      `not a dimension of the entry's metrics (${[...names].join(', ') || 'none'})`,
    );
  if (!/^[A-Za-z0-9]+::[A-Za-z0-9]+::[A-Za-z0-9]+$/.test(p?.resourceType ?? ''))
    bad(`${field}.resourceType`, p?.resourceType, 'a CloudFormation type such as AWS::SES::ConfigurationSet');
  if (p?.oneOf !== undefined && (!Array.isArray(p.oneOf) || p.oneOf.length === 0 || p.property === undefined))
    bad(`${field}.oneOf`, p.oneOf, 'oneOf needs a property and at least one value');
  if (!p?.reason?.trim()) bad(`${field}.reason`, p?.reason, 'say why the metric is not published otherwise');
  if (!p?.fix?.trim()) bad(`${field}.fix`, p?.fix, 'say what to change');
}
