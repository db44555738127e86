/**
 * The CloudWatch metric-math query that yields an SLO's error ratio, shared by
 * the CDK renderer (one alarm per window) and the cost model (which bills per
 * referenced metric). Good/bad/total may each be a metric or an expression; the
 * same metric used twice is fetched once, because CloudWatch bills and limits
 * (10 per alarm) by referenced metric.
 */
import type { CloudWatchMetricStat, Indicator, MetricSource } from '../model/slo';

/**
 * The query ids the error-ratio query gives the SLI's parts: what `sre simulate --assembly` reads back from a
 * synthesized window alarm to know which metric carries the errors and which the traffic.
 */
export const SLI_QUERY_ROLES = ['good', 'bad', 'total', 'ratio'] as const;
export type SliQueryRole = (typeof SLI_QUERY_ROLES)[number];

export interface MathStep {
  /** Lowercase-first identifier, unique within the query. */
  readonly id: string;
  readonly expression: string;
}

export interface ErrorRatioQuery {
  /** Metric stats by query id, deduplicated. */
  readonly metrics: Readonly<Record<string, CloudWatchMetricStat>>;
  /** Intermediate expressions (good/bad/total when they are math), in dependency order. */
  readonly steps: readonly MathStep[];
  /** The returned expression: the error ratio in [0, 1]; its id is `errorRatio`. */
  readonly errorRatio: MathStep;
}

function metricKey(m: CloudWatchMetricStat): string {
  const dims = Object.entries(m.dimensions).sort(([a], [b]) => a.localeCompare(b));
  return JSON.stringify([m.namespace, m.metricName, dims, m.statistic, m.unit, m.region, m.accountId]);
}

class QueryBuilder {
  readonly metrics: Record<string, CloudWatchMetricStat> = {};
  readonly steps: MathStep[] = [];
  private readonly byKey = new Map<string, string>();

  private addMetric(preferredId: string, m: CloudWatchMetricStat): string {
    const key = metricKey(m);
    const known = this.byKey.get(key);
    if (known) return known;
    this.byKey.set(key, preferredId);
    this.metrics[preferredId] = m;
    return preferredId;
  }

  /** Adds a good/bad/total part and returns the identifier the final expression uses for it. */
  add(part: SliQueryRole, source: MetricSource): string | undefined {
    if (source.type !== 'CloudWatch') return undefined;
    if (source.kind === 'metric') return this.addMetric(part, source);
    const rename = new Map<string, string>();
    for (const [id, m] of Object.entries(source.metrics)) rename.set(id, this.addMetric(`${part}_${id}`, m));
    const expression = source.expression.replace(/\b[a-z][A-Za-z0-9_]*\b/g, (word) => rename.get(word) ?? word);
    this.steps.push({ id: part, expression });
    return part;
  }
}

/**
 * The error-ratio query for a CloudWatch indicator, or undefined when the
 * indicator is not CloudWatch (Prometheus, opaque) or is a threshold SLI, which
 * needs time slices that metric-math alarms cannot count.
 *
 * Missing bad/good datapoints are FILLed with 0 (error counts such as
 * HTTPCode_Target_5XX_Count are absent when there are no errors); when total
 * is 0 or missing there is no ratio, and the alarm treats missing data as
 * notBreaching. With `minEvents` the ratio is the low-traffic guarded one; a raw error-ratio SLI has no event
 * count, so the guard cannot apply to it (`sre validate` says so).
 */
export function errorRatioQuery(
  indicator: Indicator,
  options: { minEvents?: number } = {},
): ErrorRatioQuery | undefined {
  const q = new QueryBuilder();
  let expression: string;
  const n = options.minEvents ?? 0;
  if (indicator.kind === 'ratio') {
    const total = q.add('total', indicator.total);
    if (!total) return undefined;
    // The low-traffic guard (math/guard.ts) pads the denominator to minEvents; it reads no extra metric.
    const denominator = n > 0 ? `IF(${total} < ${n}, ${n}, ${total})` : total;
    if (indicator.bad) {
      const bad = q.add('bad', indicator.bad);
      if (!bad) return undefined;
      expression = `IF(${total} > 0, FILL(${bad}, 0) / ${denominator}, 0)`;
    } else if (indicator.good) {
      const good = q.add('good', indicator.good);
      if (!good) return undefined;
      expression = `IF(${total} > 0, (${total} - FILL(${good}, 0)) / ${denominator}, 0)`;
    } else return undefined;
  } else if (indicator.kind === 'rawErrorRatio') {
    const ratio = q.add('ratio', indicator.errorRatio);
    if (!ratio) return undefined;
    expression = ratio;
  } else return undefined;
  return { metrics: q.metrics, steps: q.steps, errorRatio: { id: 'errorRatio', expression } };
}
