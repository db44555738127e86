/** OpenSLO indicators: `kind: SLI` documents, inline `indicator` blocks and `indicatorRef`. */
import type { MetricSource } from '../model/slo';
import type { ParseContext } from './context';
import { parseMetricSource } from './metric-source';
import type { At } from './reader';
import { suggestion } from './suggest';

/** An indicator before objectives are applied: a threshold SLI gets its operator and value from each objective. */
export type ParsedSli =
  | { readonly kind: 'ratio'; readonly good?: MetricSource; readonly bad?: MetricSource; readonly total: MetricSource }
  | { readonly kind: 'rawErrorRatio'; readonly errorRatio: MetricSource; readonly rawType: 'success' | 'failure' }
  | { readonly kind: 'thresholdMetric'; readonly metric: MetricSource };

function metricSourceOf(holder: At, ctx: ParseContext, needsWindow: boolean): MetricSource | undefined {
  if (!holder.expectMap(true, `${holder.path.split('.').pop()} (a mapping with metricSource)`)) return undefined;
  holder.fields(['metricSource']);
  return parseMetricSource(holder.get('metricSource'), ctx, needsWindow);
}

function parseRatio(at: At, ctx: ParseContext): ParsedSli | undefined {
  if (!at.expectMap(true)) return undefined;
  at.fields(['counter', 'good', 'bad', 'total', 'rawType', 'raw']);
  at.get('counter').boolean();
  const raw = at.get('raw');
  if (raw.present) {
    for (const key of ['good', 'bad', 'total']) {
      if (at.has(key)) at.get(key).error(`"${key}" cannot be combined with "raw"`, 'a raw ratio is already the SLI');
    }
    const rawTypeAt = at.get('rawType');
    const rawType = rawTypeAt.string(true, 'rawType (success or failure)');
    if (rawType !== undefined && rawType !== 'success' && rawType !== 'failure') {
      rawTypeAt.error(
        `rawType must be success or failure, got "${rawType}"`,
        suggestion(rawType, ['success', 'failure']),
      );
    }
    const errorRatio = metricSourceOf(raw, ctx, true);
    if (!errorRatio || (rawType !== 'success' && rawType !== 'failure')) return undefined;
    return { kind: 'rawErrorRatio', errorRatio, rawType };
  }
  if (at.has('rawType')) at.get('rawType').error('rawType needs raw', 'add raw: {metricSource: ...} or remove rawType');
  const hasGood = at.has('good');
  const hasBad = at.has('bad');
  if (hasGood && hasBad) {
    const later = at.get('good').offset > at.get('bad').offset ? 'good' : 'bad';
    at.get(later).error(
      'good and bad are both given',
      'a ratio SLI counts either good or bad events over total: keep one',
    );
  }
  if (!hasGood && !hasBad) at.error('ratioMetric needs good or bad', 'add good: or bad: with a metricSource');
  const good = hasGood ? metricSourceOf(at.get('good'), ctx, true) : undefined;
  const bad = hasBad ? metricSourceOf(at.get('bad'), ctx, true) : undefined;
  const totalAt = at.get('total');
  if (!totalAt.present) {
    totalAt.error('ratioMetric is missing total', 'add total: with a metricSource counting all events');
    return undefined;
  }
  const total = metricSourceOf(totalAt, ctx, true);
  if (!total || (hasGood && !good) || (hasBad && !bad) || hasGood === hasBad) return undefined;
  return { kind: 'ratio', ...(good ? { good } : {}), ...(bad ? { bad } : {}), total };
}

/** The `spec` of an SLI (inline or its own document). */
export function parseSliSpec(spec: At, ctx: ParseContext): ParsedSli | undefined {
  if (!spec.expectMap(true, 'indicator spec')) return undefined;
  spec.fields(['description', 'thresholdMetric', 'ratioMetric']);
  spec.get('description').string();
  const threshold = spec.get('thresholdMetric');
  const ratio = spec.get('ratioMetric');
  if (threshold.present && ratio.present) {
    ratio.error('an SLI has either thresholdMetric or ratioMetric, not both');
    return undefined;
  }
  if (ratio.present) return parseRatio(ratio, ctx);
  if (threshold.present) {
    const metric = metricSourceOf(threshold, ctx, false);
    return metric ? { kind: 'thresholdMetric', metric } : undefined;
  }
  spec.error('the SLI has no metric', 'add ratioMetric (good|bad + total, or raw) or thresholdMetric');
  return undefined;
}

/** Parses `kind: SLI` documents once, however many SLOs refer to them. */
export function sliByName(name: string, ctx: ParseContext): ParsedSli | undefined {
  const doc = ctx.lookup('SLI', name);
  if (!doc) return undefined;
  return ctx.once(`SLI/${name}`, () => parseSliSpec(doc.root.get('spec'), ctx));
}
