/**
 * Environment and region as dashboard variables: one generated board serves staging and production
 * and any region, and the choice sits at the top of the board instead of in every query. CloudWatch
 * dashboards have no variables, so this is Grafana-only: the model keeps the literal values and the
 * renderer swaps them for `$environment` and `$region` where a query would read them.
 */
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import type { Dashboard, DashboardQuery, Widget } from '@sre-kit/core';
import { CLOUDWATCH } from './datasources';

export const REGION_VARIABLE = 'region';
export const ENVIRONMENT_VARIABLE = 'environment';
/** The dimension that names a deployment's environment in metrics an app publishes itself. */
export const ENVIRONMENT_DIMENSION = 'Environment';

interface FoundEnvironment {
  readonly value: string;
  readonly namespace: string;
  readonly metricName: string;
}

const searchTerm = (value: string) =>
  new RegExp(`\\b${ENVIRONMENT_DIMENSION}="${value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"`, 'g');

function metricQueries(w: Widget): readonly DashboardQuery[] {
  const own = 'queries' in w ? w.queries : [];
  const conditions = w.type === 'alarmStatus' ? (w.conditions ?? []).flatMap((c) => c.queries) : [];
  return [...own, ...conditions];
}

/** The Environment terms of the SEARCH calls of an expression, with their namespace and metric name. */
function searchEnvironments(expression: string): FoundEnvironment[] {
  const out: FoundEnvironment[] = [];
  for (const m of expression.matchAll(/SEARCH\(\s*'\{([^,}]+)[^}]*\}((?:[^'\\]|\\.)*)'/g)) {
    const term = (key: string) => new RegExp(`\\b${key}="([^"]*)"`).exec(m[2]!)?.[1];
    const value = term(ENVIRONMENT_DIMENSION);
    const metricName = term('MetricName');
    if (value !== undefined && metricName !== undefined) out.push({ value, namespace: m[1]!.trim(), metricName });
  }
  return out;
}

/** The one Environment value the board's metrics read, with a metric to list the others from; none when they differ. */
export function environmentOf(model: Dashboard): FoundEnvironment | undefined {
  const found: FoundEnvironment[] = [];
  for (const s of model.sections)
    for (const w of s.widgets)
      for (const q of metricQueries(w)) {
        if ('expression' in q) {
          found.push(...searchEnvironments(q.expression));
          continue;
        }
        if (q.source.type !== 'CloudWatch' || q.source.kind !== 'metric') continue;
        const value = q.source.dimensions[ENVIRONMENT_DIMENSION];
        if (value !== undefined)
          found.push({ value: String(value), namespace: q.source.namespace, metricName: q.source.metricName });
      }
  const values = new Set(found.map((f) => f.value));
  return values.size === 1 ? found[0] : undefined;
}

/** The model with `value` of the Environment dimension (metrics and SEARCH terms) read from `$environment`. */
export function withEnvironmentVariable(model: Dashboard, value: string): Dashboard {
  const variable = `$${ENVIRONMENT_VARIABLE}`;
  const query = (q: DashboardQuery): DashboardQuery => {
    if ('expression' in q)
      return { ...q, expression: q.expression.replace(searchTerm(value), `${ENVIRONMENT_DIMENSION}="${variable}"`) };
    if (q.source.type !== 'CloudWatch' || q.source.kind !== 'metric') return q;
    if (String(q.source.dimensions[ENVIRONMENT_DIMENSION]) !== value) return q;
    return { ...q, source: { ...q.source, dimensions: { ...q.source.dimensions, [ENVIRONMENT_DIMENSION]: variable } } };
  };
  const widget = (w: Widget): Widget => {
    if (w.type === 'alarmStatus')
      return w.conditions
        ? { ...w, conditions: w.conditions.map((c) => ({ ...c, queries: c.queries.map(query) })) }
        : w;
    return 'queries' in w ? { ...w, queries: w.queries.map(query) } : w;
  };
  return { ...model, sections: model.sections.map((s) => ({ ...s, widgets: s.widgets.map(widget) })) };
}

/** Regions from the CloudWatch data source, the render region selected. */
export function regionVariable(region: string): dashboard.QueryVariableBuilder {
  return new dashboard.QueryVariableBuilder(REGION_VARIABLE)
    .label('Region')
    .datasource(CLOUDWATCH)
    .query({ refId: 'regions', queryType: 'regions' })
    .current({ text: region, value: region, selected: true })
    .refresh(dashboard.VariableRefresh.OnDashboardLoad);
}

/** The environments the board's metric publishes (CloudWatch dimension values), the spec's one selected. */
export function environmentVariable(env: FoundEnvironment): dashboard.QueryVariableBuilder {
  return new dashboard.QueryVariableBuilder(ENVIRONMENT_VARIABLE)
    .label('Environment')
    .datasource(CLOUDWATCH)
    .query({
      refId: 'environments',
      queryType: 'dimensionValues',
      region: `$${REGION_VARIABLE}`,
      namespace: env.namespace,
      metricName: env.metricName,
      dimensionKey: ENVIRONMENT_DIMENSION,
    })
    .current({ text: env.value, value: env.value, selected: true })
    .refresh(dashboard.VariableRefresh.OnDashboardLoad);
}
