/**
 * Turning model metric sources into widget queries. A widget's queries live in one id space
 * (CloudWatch metric math and Grafana's CloudWatch plugin both resolve ids per widget), so a
 * source is flattened under a prefix: an expression's metrics become hidden queries `<prefix>_<id>`
 * and the expression is rewritten to use those ids.
 */
import type { CloudWatchMetricStat, MetricSource, PrometheusQuery } from '../model/slo';
import type { DashboardQuery } from '../model/dashboard';

/** The queries that produce `id`, and whether the source could be drawn at all. */
export interface FlatSource {
  readonly queries: readonly DashboardQuery[];
  /** Which query system it needs: CloudWatch sources draw in both renderers, Prometheus in Grafana only. */
  readonly system: 'cloudwatch' | 'prometheus' | 'none';
}

const IDENT = /\b[a-z][A-Za-z0-9_]*\b/g;

/** Rewrites the expression's metric identifiers, leaving function names (upper case) and numbers alone. */
export function renameIds(expression: string, rename: (id: string) => string | undefined): string {
  return expression.replace(IDENT, (word) => rename(word) ?? word);
}

export function metricQuery(
  id: string,
  source: CloudWatchMetricStat,
  opts: { label?: string; hidden?: boolean; periodSeconds?: number } = {},
): DashboardQuery {
  return {
    id,
    source,
    ...(opts.label !== undefined ? { label: opts.label } : {}),
    ...(opts.hidden ? { hidden: true } : {}),
    ...(opts.periodSeconds !== undefined ? { periodSeconds: opts.periodSeconds } : {}),
  };
}

export function mathQuery(id: string, expression: string, opts: { label?: string; hidden?: boolean } = {}): DashboardQuery {
  return {
    id,
    expression,
    ...(opts.label !== undefined ? { label: opts.label } : {}),
    ...(opts.hidden ? { hidden: true } : {}),
  };
}

/**
 * Flattens `source` so that query `id` yields its value. Prometheus `{{.window}}` is replaced by
 * `window` (a PromQL duration or Grafana's `$__rate_interval`).
 */
export function flattenSource(
  id: string,
  source: MetricSource,
  opts: { hidden?: boolean; label?: string; periodSeconds?: number; promWindow?: string } = {},
): FlatSource {
  switch (source.type) {
    case 'CloudWatch': {
      if (source.kind === 'metric') return { system: 'cloudwatch', queries: [metricQuery(id, source, opts)] };
      const inner = Object.entries(source.metrics).map(([name, metric]) =>
        metricQuery(`${id}_${name}`, metric, { hidden: true, periodSeconds: opts.periodSeconds }),
      );
      const expression = renameIds(source.expression, (word) => (word in source.metrics ? `${id}_${word}` : undefined));
      return { system: 'cloudwatch', queries: [...inner, mathQuery(id, expression, opts)] };
    }
    case 'Prometheus':
      return {
        system: 'prometheus',
        queries: [
          {
            id,
            source: promWithWindow(source, opts.promWindow ?? '$__rate_interval'),
            ...(opts.label !== undefined ? { label: opts.label } : {}),
            ...(opts.hidden ? { hidden: true } : {}),
          },
        ],
      };
    default:
      return { system: 'none', queries: [] };
  }
}

export function promWithWindow(source: PrometheusQuery, window: string): PrometheusQuery {
  return { type: 'Prometheus', query: source.query.split('{{.window}}').join(window) };
}

/** A CloudWatch metric stat with the given dimension values. */
export function cw(
  namespace: string,
  metricName: string,
  dimensions: Readonly<Record<string, string>>,
  statistic: string,
): CloudWatchMetricStat {
  return { type: 'CloudWatch', kind: 'metric', namespace, metricName, dimensions, statistic };
}
