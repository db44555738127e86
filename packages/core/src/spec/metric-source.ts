/**
 * OpenSLO `metricSource` blocks. sre-kit defines two source types it can render
 * (`CloudWatch` and `Prometheus`, documented in the core README); any other type
 * is kept as an opaque source so that specs written for other tools still load.
 */
import type { CloudWatchMetricStat, MetricSource } from '../model/slo';
import {
  CLOUDWATCH_UNITS,
  expressionIds,
  MAX_METRICS_PER_ALARM,
  METRIC_ID,
  STATISTIC_HINT,
  statisticProblem,
} from './cloudwatch';
import type { ParseContext } from './context';
import { checkPromql } from './promql-syntax';
import type { At } from './reader';
import { suggestion } from './suggest';

const METRIC_STAT_FIELDS = ['namespace', 'metricName', 'dimensions', 'stat', 'unit', 'region', 'accountId'];
const WINDOW = '{{.window}}';

function dimensions(at: At): Record<string, string> {
  const out: Record<string, string> = {};
  if (at.isSeq) {
    // The CloudWatch API's own shape: [{name, value}].
    for (const item of at.items()) {
      if (!item.expectMap(true, 'a {name, value} dimension')) continue;
      item.fields(['name', 'value']);
      const name = item.get('name').string(true, 'dimension name');
      const value = item.get('value').text(true);
      if (name !== undefined && value !== undefined) out[name] = value;
    }
    return out;
  }
  if (!at.present) return out;
  if (!at.isMap) {
    at.error(`expected a mapping of dimension names to values, got ${at.describe()}`);
    return out;
  }
  return at.stringMap();
}

/** A CloudWatch metric with one statistic; undefined when something required is wrong. */
export function parseMetricStat(at: At): CloudWatchMetricStat | undefined {
  if (!at.expectMap(true, 'a CloudWatch metric (namespace, metricName, dimensions, stat)')) return undefined;
  at.fields(METRIC_STAT_FIELDS);
  const namespace = at.get('namespace').string(true, 'namespace');
  const metricName = at.get('metricName').string(true, 'metricName');
  const statAt = at.get('stat');
  const statistic = statAt.string(true, 'stat (statistic)');
  if (statistic !== undefined) {
    const problem = statisticProblem(statistic);
    if (problem) statAt.error(problem, STATISTIC_HINT);
  }
  const unitAt = at.get('unit');
  const unit = unitAt.string();
  if (unit !== undefined && !(CLOUDWATCH_UNITS as readonly string[]).includes(unit)) {
    unitAt.error(`unknown CloudWatch unit "${unit}"`, suggestion(unit, CLOUDWATCH_UNITS));
  }
  const dims = dimensions(at.get('dimensions'));
  if (Object.keys(dims).length > 30) at.get('dimensions').error('CloudWatch allows at most 30 dimensions per metric');
  const region = at.get('region').string();
  const accountId = at.get('accountId').text();
  if (namespace === undefined || metricName === undefined || statistic === undefined) return undefined;
  return {
    type: 'CloudWatch',
    kind: 'metric',
    namespace,
    metricName,
    dimensions: dims,
    statistic,
    ...(unit !== undefined ? { unit } : {}),
    ...(region !== undefined ? { region } : {}),
    ...(accountId !== undefined ? { accountId } : {}),
  };
}

function parseCloudWatch(spec: At): MetricSource | undefined {
  if (!spec.expectMap(true, 'metricSource.spec')) return undefined;
  if (!spec.has('expression')) return parseMetricStat(spec);

  spec.fields(['expression', 'metrics']);
  const expressionAt = spec.get('expression');
  const expression = expressionAt.string(true, 'expression');
  const metricsAt = spec.get('metrics');
  const metrics: Record<string, CloudWatchMetricStat> = {};
  let complete = true;
  if (metricsAt.expectMap(true, 'metrics (a mapping of metric id to metric)')) {
    const entries = metricsAt.entries();
    if (entries.length > MAX_METRICS_PER_ALARM) {
      metricsAt.error(
        `expression references ${entries.length} metrics; a CloudWatch alarm may use at most ${MAX_METRICS_PER_ALARM}`,
        'combine metrics with SEARCH or split the SLI',
      );
    }
    for (const [id, metricAt] of entries) {
      if (!METRIC_ID.test(id)) {
        metricsAt
          .keyAt(id)
          .error(`metric id "${id}" is not valid`, 'ids start with a lower-case letter, then letters, digits or _');
      }
      const metric = parseMetricStat(metricAt);
      if (metric) metrics[id] = metric;
      else complete = false;
    }
  } else complete = false;
  if (expression !== undefined && metricsAt.isMap) {
    for (const id of expressionIds(expression)) {
      if (!(id in metrics) && !metricsAt.has(id)) {
        expressionAt.error(
          `expression uses "${id}", which metrics does not define`,
          suggestion(id, Object.keys(metrics)),
        );
      }
    }
  }
  if (expression === undefined || !complete) return undefined;
  return { type: 'CloudWatch', kind: 'expression', expression, metrics };
}

function parsePrometheus(spec: At, needsWindow: boolean): MetricSource | undefined {
  if (!spec.expectMap(true, 'metricSource.spec')) return undefined;
  spec.fields(['query']);
  const queryAt = spec.get('query');
  const query = queryAt.string(true, 'query');
  if (query === undefined) return undefined;
  checkPromql(queryAt, query, 'sloth');
  if (needsWindow && !query.includes(WINDOW)) {
    queryAt.error(
      `query has no ${WINDOW} placeholder`,
      `write the range as [${WINDOW}] so each alert window gets its own range`,
    );
  }
  return { type: 'Prometheus', query };
}

/**
 * `{metricSourceRef?, type?, spec}`. With `metricSourceRef` the type comes from
 * the named DataSource. `needsWindow`: a ratio or raw SLI must evaluate per window.
 */
export function parseMetricSource(at: At, ctx: ParseContext, needsWindow: boolean): MetricSource | undefined {
  if (!at.expectMap(true, 'metricSource')) return undefined;
  at.fields(['metricSourceRef', 'type', 'spec']);
  let type = at.get('type').string();
  const refAt = at.get('metricSourceRef');
  const ref = refAt.string();
  if (ref !== undefined) {
    const dataSource = ctx.lookup('DataSource', ref);
    if (!dataSource) {
      refAt.error(
        `unknown DataSource "${ref}"`,
        suggestion(ref, ctx.names('DataSource')) || 'declare a DataSource with that name',
      );
      return undefined;
    }
    const sourceType = dataSource.root.get('spec').get('type').string();
    if (type !== undefined && sourceType !== undefined && type !== sourceType) {
      at.get('type').error(`type "${type}" contradicts DataSource "${ref}" of type "${sourceType}"`);
    }
    type ??= sourceType;
  }
  if (type === undefined) {
    if (ref === undefined)
      at.error('missing metricSource type', 'set type: CloudWatch or type: Prometheus, or metricSourceRef');
    return undefined;
  }
  const spec = at.get('spec');
  if (type === 'CloudWatch') return parseCloudWatch(spec);
  if (type === 'Prometheus') return parsePrometheus(spec, needsWindow);
  const near = suggestion(type, ['CloudWatch', 'Prometheus']);
  if (near.startsWith('did you mean')) {
    at.get('type').error(`unknown metricSource type "${type}"`, near);
    return undefined;
  }
  at.get('type').warn(
    `metricSource type "${type}" is kept but cannot be rendered`,
    'sre-kit renders CloudWatch and Prometheus sources',
  );
  return { type: 'Opaque', sourceType: type, spec: spec.node?.toJSON() ?? null };
}
