/**
 * OpenSLO AlertPolicy / AlertCondition / AlertNotificationTarget. An OpenSLO
 * burn-rate condition has a single lookback window; sre-kit turns each one into
 * a multi-window tier whose short window is 1/12 of the lookback (the ratio of
 * the published tiers, REFERENCE.md section 3).
 */
import { SHORT_WINDOW_DIVISOR } from '../math';
import type { TierSeverity } from '../model/slo';
import type { ParseContext } from './context';
import type { At } from './reader';
import { suggestion } from './suggest';

export interface ParsedCondition {
  readonly name: string;
  readonly severity: TierSeverity;
  readonly burnRate: number;
  readonly longWindowSeconds: number;
  readonly shortWindowSeconds: number;
  /** Where the lookback window is written (checked against each SLO's period). */
  readonly windowAt: At;
  /** Where the burn rate is written (burn-rate rule warnings point here). */
  readonly thresholdAt: At;
}

const DOC_FIELDS = ['apiVersion', 'kind', 'metadata', 'spec'];
const OPS = ['gt', 'gte', 'lt', 'lte'];

function nameOf(at: At, fallback: string): string {
  return at.get('metadata').get('name').string() ?? fallback;
}

function parseConditionSpec(spec: At, name: string): ParsedCondition | undefined {
  if (!spec.expectMap(true, 'AlertCondition spec')) return undefined;
  spec.fields(['description', 'severity', 'condition']);
  spec.get('description').string();
  const severityText = spec.get('severity').string(true, 'severity');
  const condition = spec.get('condition');
  if (!condition.expectMap(true, 'condition')) return undefined;
  condition.fields(['kind', 'op', 'threshold', 'lookbackWindow', 'alertAfter']);
  const kindAt = condition.get('kind');
  const kind = kindAt.string(true, 'condition kind');
  if (kind !== undefined && kind !== 'burnrate') {
    kindAt.error(`unknown condition kind "${kind}"`, 'OpenSLO v1 defines kind: burnrate');
  }
  const opAt = condition.get('op');
  const op = opAt.string(true, 'op');
  if (op !== undefined && !OPS.includes(op)) opAt.error(`unknown op "${op}"`, suggestion(op, OPS));
  else if (op === 'lt' || op === 'lte') {
    opAt.error(`a burn-rate condition with op ${op} fires while the service is healthy`, 'use op: gt or gte');
  }
  const thresholdAt = condition.get('threshold');
  const burnRate = thresholdAt.number(true, 'threshold (the burn rate)');
  if (burnRate !== undefined && burnRate <= 0)
    thresholdAt.error(`burn-rate threshold must be above 0, got ${burnRate}`);
  const windowAt = condition.get('lookbackWindow');
  const longWindowSeconds = windowAt.duration(true);
  condition.get('alertAfter').duration();
  if (
    severityText === undefined ||
    kind !== 'burnrate' ||
    burnRate === undefined ||
    burnRate <= 0 ||
    longWindowSeconds === undefined
  ) {
    return undefined;
  }
  return {
    name,
    severity: /page|critical|high|urgent/i.test(severityText) ? 'page' : 'ticket',
    burnRate,
    longWindowSeconds,
    shortWindowSeconds: Math.round(longWindowSeconds / SHORT_WINDOW_DIVISOR),
    windowAt,
    thresholdAt,
  };
}

/** An inline `{kind: X, metadata, spec}` or a `{<refField>: name}` reference to a document of `kind`. */
function inlineOrRef<T>(
  item: At,
  ctx: ParseContext,
  kind: string,
  refField: string,
  parse: (spec: At, name: string) => T | undefined,
): T | undefined {
  if (!item.expectMap(true, `a ${kind} or ${refField}`)) return undefined;
  if (item.has(refField)) {
    item.fields([refField]);
    const refAt = item.get(refField);
    const ref = refAt.string(true, refField);
    if (ref === undefined) return undefined;
    const doc = ctx.lookup(kind, ref);
    if (!doc) {
      refAt.error(`unknown ${kind} "${ref}"`, suggestion(ref, ctx.names(kind)) || `declare a ${kind} named "${ref}"`);
      return undefined;
    }
    return ctx.once(`${kind}/${ref}`, () => parse(doc.root.get('spec'), ref));
  }
  item.fields(DOC_FIELDS);
  const kindAt = item.get('kind');
  const written = kindAt.string(true, 'kind');
  if (written !== undefined && written !== kind) {
    kindAt.error(`expected kind ${kind} here, got "${written}"`, `write kind: ${kind} or use ${refField}`);
  }
  return parse(item.get('spec'), nameOf(item, item.path));
}

function parseTargetSpec(spec: At): true | undefined {
  if (!spec.expectMap(true, 'AlertNotificationTarget spec')) return undefined;
  spec.fields(['description', 'target']);
  spec.get('description').string();
  spec.get('target').string(true, 'target');
  return true;
}

function parsePolicySpec(spec: At, ctx: ParseContext): ParsedCondition[] {
  if (!spec.expectMap(true, 'AlertPolicy spec')) return [];
  spec.fields([
    'description',
    'alertWhenNoData',
    'alertWhenResolved',
    'alertWhenBreaching',
    'conditions',
    'notificationTargets',
  ]);
  spec.get('description').string();
  for (const flag of ['alertWhenNoData', 'alertWhenResolved', 'alertWhenBreaching']) spec.get(flag).boolean();
  const conditions: ParsedCondition[] = [];
  const conditionsAt = spec.get('conditions');
  if (conditionsAt.expectSeq(true, 'conditions (a list of AlertCondition or conditionRef)')) {
    if (conditionsAt.items().length === 0) conditionsAt.error('an AlertPolicy needs at least one condition');
    for (const item of conditionsAt.items()) {
      const condition = inlineOrRef(item, ctx, 'AlertCondition', 'conditionRef', parseConditionSpec);
      if (condition) conditions.push(condition);
    }
  }
  const targets = spec.get('notificationTargets');
  if (targets.expectSeq()) {
    for (const item of targets.items()) inlineOrRef(item, ctx, 'AlertNotificationTarget', 'targetRef', parseTargetSpec);
  }
  return conditions;
}

/** `spec.alertPolicies` of an SLO: the conditions of every policy, in order. */
export function parseAlertPolicies(at: At, ctx: ParseContext): ParsedCondition[] {
  if (!at.expectSeq(false, 'alertPolicies (a list of AlertPolicy or alertPolicyRef)')) return [];
  return at
    .items()
    .flatMap(
      (item) => inlineOrRef(item, ctx, 'AlertPolicy', 'alertPolicyRef', (spec) => parsePolicySpec(spec, ctx)) ?? [],
    );
}

/** Standalone documents are checked even when no SLO refers to them. */
export function checkStandaloneAlerting(ctx: ParseContext): void {
  for (const doc of ctx.all('AlertCondition')) {
    ctx.once(`AlertCondition/${doc.name}`, () => parseConditionSpec(doc.root.get('spec'), doc.name));
  }
  for (const doc of ctx.all('AlertPolicy')) {
    ctx.once(`AlertPolicy/${doc.name}`, () => parsePolicySpec(doc.root.get('spec'), ctx));
  }
  for (const doc of ctx.all('AlertNotificationTarget')) {
    const spec = doc.root.get('spec');
    ctx.once(`AlertNotificationTarget/${doc.name}`, () => parseTargetSpec(spec));
    ctx.notificationTargets.push({
      name: doc.name,
      target: spec.get('target').string(),
      description: spec.get('description').string(),
      location: doc.nameAt.location(),
    });
  }
}
