import type { PanelGroup } from './dashboards/panels';
import type { DashboardQuery, Widget } from './model/dashboard';
import type { CloudWatchMetricStat, Indicator, MetricSource, Slo } from './model/slo';

/**
 * The SLO with every CloudWatch dimension value replaced by name from `values`. Specs carry
 * placeholder values in the shape of the deployed names (`app/goodgreets-api/...`); the app that
 * deploys them knows the real ones. Alarms and dashboards must read the same substituted SLO, so
 * this is the one place it happens.
 */
export function withDimensionValues(slo: Slo, values: Readonly<Record<string, string>>): Slo {
  if (Object.keys(values).length === 0) return slo;
  return { ...slo, indicator: substituteIndicator(slo.indicator, values) };
}

function substituteIndicator(indicator: Indicator, values: Readonly<Record<string, string>>): Indicator {
  const sub = (source: MetricSource) => substituteSource(source, values);
  switch (indicator.kind) {
    case 'ratio':
      return {
        ...indicator,
        total: sub(indicator.total),
        ...(indicator.good ? { good: sub(indicator.good) } : {}),
        ...(indicator.bad ? { bad: sub(indicator.bad) } : {}),
      };
    case 'threshold':
      return { ...indicator, metric: sub(indicator.metric) };
    case 'rawErrorRatio':
      return { ...indicator, errorRatio: sub(indicator.errorRatio) };
  }
}

function substituteSource(source: MetricSource, values: Readonly<Record<string, string>>): MetricSource {
  if (source.type !== 'CloudWatch') return source;
  if (source.kind === 'metric') return substituteStat(source, values);
  const metrics: Record<string, CloudWatchMetricStat> = {};
  for (const [id, m] of Object.entries(source.metrics)) metrics[id] = substituteStat(m, values);
  return { ...source, metrics };
}

function substituteStat(m: CloudWatchMetricStat, values: Readonly<Record<string, string>>): CloudWatchMetricStat {
  const dimensions: Record<string, string> = {};
  for (const [name, value] of Object.entries(m.dimensions)) dimensions[name] = values[name] ?? value;
  return { ...m, dimensions };
}

/**
 * The same substitution for explicit `kind: Dashboard` panels: their metric dimensions carry the specs'
 * placeholders too, and a panel must read the resource the SLOs and alarms read.
 */
export function withPanelDimensionValues(group: PanelGroup, values: Readonly<Record<string, string>>): PanelGroup {
  if (Object.keys(values).length === 0) return group;
  const query = (q: DashboardQuery): DashboardQuery =>
    'source' in q && q.source.type === 'CloudWatch' && q.source.kind === 'metric'
      ? { ...q, source: substituteStat(q.source, values) }
      : q;
  const widget = (w: Widget): Widget => ('queries' in w ? { ...w, queries: w.queries.map(query) } : w);
  return { ...group, widgets: group.widgets.map(widget) };
}
