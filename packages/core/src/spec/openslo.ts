/**
 * OpenSLO v1 `SLO`, `Service` and `DataSource` documents. One SLO document
 * with several objectives becomes one model `Slo` per objective.
 */
import { formatDuration } from '../duration';
import { defaultBurnRatePolicy } from '../math';
import type { BudgetingMethod, BurnRatePolicy, Indicator, Slo, SloPeriod } from '../model/slo';
import { checkAlarmMetricCount, checkBurnRateRules, checkCloudWatchWindows, checkTiersCanFire } from './checks';
import { where, type ParseContext, type SpecDoc } from './context';
import { parseAlertPolicies } from './openslo-alerting';
import { applyTierControls, isTierControlKey } from './tier-controls';
import { parseSliSpec, sliByName, type ParsedSli } from './openslo-sli';
import type { At } from './reader';
import { suggestion } from './suggest';

const BUDGETING_METHODS: readonly BudgetingMethod[] = ['Occurrences', 'Timeslices', 'RatioTimeslices'];
const SLO_SPEC_FIELDS = [
  'description',
  'service',
  'indicator',
  'indicatorRef',
  'timeWindow',
  'budgetingMethod',
  'objectives',
  'alertPolicies',
];
const OBJECTIVE_FIELDS = [
  'displayName',
  'name',
  'op',
  'value',
  'target',
  'targetPercent',
  'timeSliceTarget',
  'timeSliceWindow',
];
const COMPOSITE_FIELDS = ['indicator', 'indicatorRef', 'compositeWeight'];
const OPERATORS = ['lt', 'lte', 'gt', 'gte'] as const;

/** sre-kit's own annotations on an OpenSLO SLO (documented in the core README). */
export const SRE_KIT_ANNOTATIONS = { runbook: 'sre-kit/runbook', alertWindows: 'sre-kit/alert-windows' } as const;

const DAY = 86400;
// OpenSLO duration shorthand: m h d w, and calendar units M (month) Q (quarter) Y (year).
const UNIT: Record<string, { seconds: number; calendar?: SloPeriod['calendarUnit'] }> = {
  m: { seconds: 60 },
  h: { seconds: 3600 },
  d: { seconds: DAY, calendar: 'Day' },
  w: { seconds: 7 * DAY, calendar: 'Week' },
  // Calendar lengths vary; the math uses these nominal lengths, calendar renderers align to the real ones.
  M: { seconds: 30 * DAY, calendar: 'Month' },
  Q: { seconds: 90 * DAY, calendar: 'Quarter' },
  Y: { seconds: 365 * DAY, calendar: 'Year' },
};

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function parseTimeWindow(at: At): SloPeriod | undefined {
  if (!at.expectSeq(true, 'timeWindow (a list with one window)')) return undefined;
  const items = at.items();
  if (items.length !== 1) {
    at.error(`timeWindow must hold exactly one window, got ${items.length}`);
    if (items.length === 0) return undefined;
  }
  const window = items[0];
  if (!window.expectMap(true, 'a time window')) return undefined;
  window.fields(['duration', 'isRolling', 'calendar']);
  const durationAt = window.get('duration');
  const text = durationAt.text(true);
  const match = text === undefined ? null : /^(\d+)([mhdwMQY])$/.exec(text.trim());
  if (text !== undefined && (!match || Number(match[1]) === 0)) {
    durationAt.error(
      `bad duration "${text}"`,
      'write a count and a unit: m, h, d, w, M (month), Q (quarter) or Y, e.g. 30d or 1M',
    );
  }
  const calendar = window.get('calendar');
  const rolling = window.get('isRolling').boolean() ?? !calendar.present;
  if (calendar.present && rolling) calendar.error('calendar applies only when isRolling is false');
  if (calendar.expectMap()) {
    calendar.fields(['startTime', 'timeZone']);
    calendar.get('startTime').text(true);
    const zoneAt = calendar.get('timeZone');
    const zone = zoneAt.string(true, 'timeZone');
    if (zone !== undefined && !isTimeZone(zone))
      zoneAt.error(`unknown time zone "${zone}"`, 'use an IANA name such as Europe/Berlin');
  }
  if (!match || Number(match[1]) === 0) return undefined;
  const unit = UNIT[match[2]];
  const seconds = Number(match[1]) * unit.seconds;
  if (seconds < 3600) {
    durationAt.warn(
      `an SLO period of ${text} is very short`,
      'OpenSLO writes a calendar month as 1M; 1m is one minute',
    );
  }
  return { seconds, rolling, ...(!rolling && unit.calendar ? { calendarUnit: unit.calendar } : {}) };
}

function parseLabels(at: At): Record<string, string> {
  const out: Record<string, string> = {};
  if (!at.expectMap()) return out;
  for (const [key, value] of at.entries()) {
    // OpenSLO v1 allows a label to hold a list of values.
    const text = value.isSeq
      ? value
          .items()
          .map((v) => v.text(true))
          .join(',')
      : value.text(true);
    if (text !== undefined) out[key] = text;
  }
  return out;
}

/** The target as a ratio: `target` in (0, 1) or `targetPercent` in (0, 100), never both. */
function parseTarget(objective: At): number | undefined {
  const ratioAt = objective.get('target');
  const percentAt = objective.get('targetPercent');
  if (ratioAt.present && percentAt.present) {
    percentAt.error('target is given both as a ratio (target) and as a percentage (targetPercent)', 'keep one of them');
    return undefined;
  }
  if (percentAt.present) {
    const percent = percentAt.number(true, 'targetPercent');
    if (percent === undefined) return undefined;
    if (percent > 0 && percent < 100) return Number((percent / 100).toPrecision(12));
    percentAt.error(`objective ${percent}% is out of range`, 'targetPercent must be above 0 and below 100');
    return undefined;
  }
  const target = ratioAt.number(true, 'target (a ratio such as 0.999) or targetPercent');
  if (target === undefined) return undefined;
  if (target > 0 && target < 1) return target;
  const hint =
    target > 1 && target < 100
      ? `for a percentage write targetPercent: ${target} or target: ${Number((target / 100).toPrecision(12))}`
      : 'target is a ratio above 0 and below 1, e.g. 0.999';
  ratioAt.error(`objective ${target} is out of range`, hint);
  return undefined;
}

function indicatorFor(spec: At, ctx: ParseContext): ParsedSli | undefined {
  const inline = spec.get('indicator');
  const refAt = spec.get('indicatorRef');
  if (inline.present && refAt.present) {
    refAt.error('indicator and indicatorRef are both given', 'keep one of them');
    return undefined;
  }
  if (refAt.present) {
    const ref = refAt.string(true, 'indicatorRef');
    if (ref === undefined) return undefined;
    if (!ctx.lookup('SLI', ref)) {
      refAt.error(
        `unknown SLI "${ref}"`,
        suggestion(ref, ctx.names('SLI')) || `declare kind: SLI with metadata.name: ${ref}`,
      );
      return undefined;
    }
    return sliByName(ref, ctx);
  }
  if (!inline.expectMap(true, 'indicator or indicatorRef')) return undefined;
  inline.fields(['metadata', 'spec']);
  return parseSliSpec(inline.get('spec'), ctx);
}

function policyFor(spec: At, annotations: At, period: SloPeriod, ctx: ParseContext): BurnRatePolicy {
  const conditions = parseAlertPolicies(spec.get('alertPolicies'), ctx);
  if (conditions.length > 0) {
    const tiers = conditions.map((c) => {
      if (c.longWindowSeconds > period.seconds) {
        c.windowAt.error(
          `lookbackWindow ${formatDuration(c.longWindowSeconds)} is longer than the SLO period ${formatDuration(period.seconds)}`,
          'a burn-rate window must fit inside the period',
        );
      }
      return {
        name: c.name,
        severity: c.severity,
        longWindowSeconds: c.longWindowSeconds,
        shortWindowSeconds: c.shortWindowSeconds,
        burnRate: c.burnRate,
        budgetFraction: (c.burnRate * c.longWindowSeconds) / period.seconds,
      };
    });
    const policy = { periodSeconds: period.seconds, tiers };
    checkBurnRateRules(policy, (i) => conditions[i].thresholdAt);
    return policy;
  }
  const windowsAt = annotations.get(SRE_KIT_ANNOTATIONS.alertWindows);
  const windowsName = windowsAt.string();
  if (windowsName !== undefined) {
    const named = ctx.alertWindows.get(windowsName);
    if (!named) {
      windowsAt.error(
        `unknown AlertWindows "${windowsName}"`,
        suggestion(windowsName, [...ctx.alertWindows.keys()]) || 'load the AlertWindows file with the SLOs',
      );
    } else if (named.policy.periodSeconds !== period.seconds) {
      windowsAt.error(
        `AlertWindows "${windowsName}" is for a ${formatDuration(named.policy.periodSeconds)} period but the SLO period is ${formatDuration(period.seconds)}`,
        `declared at ${where(named.location)}`,
      );
    } else return named.policy;
  }
  return defaultBurnRatePolicy(period.seconds);
}

function toIndicator(sli: ParsedSli, objective: At): Indicator | undefined {
  if (sli.kind === 'ratio') return sli;
  if (sli.kind === 'rawErrorRatio') return sli;
  const opAt = objective.get('op');
  const op = opAt.string(true, 'op (lt, lte, gt or gte) for the thresholdMetric');
  const threshold = objective.get('value').number(true, 'value (the threshold) for the thresholdMetric');
  if (op !== undefined && !(OPERATORS as readonly string[]).includes(op)) {
    opAt.error(`unknown op "${op}"`, suggestion(op, OPERATORS));
    return undefined;
  }
  if (op === undefined || threshold === undefined) return undefined;
  return { kind: 'threshold', metric: sli.metric, operator: op as (typeof OPERATORS)[number], threshold };
}

function objectiveName(base: string, objective: At, index: number, count: number): string {
  if (count === 1) return base;
  const label = objective.get('name').string() ?? objective.get('displayName').string() ?? String(index + 1);
  const slug = label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  return `${base}-${slug || index + 1}`;
}

export function parseOpenSloSlo(doc: SpecDoc, ctx: ParseContext): void {
  const metadata = doc.root.get('metadata');
  const spec = doc.root.get('spec');
  if (!spec.expectMap(true, 'spec')) return;
  spec.fields(SLO_SPEC_FIELDS);
  const description = spec.get('description').string();
  const serviceAt = spec.get('service');
  const service = serviceAt.string(true, 'service');
  const declared = ctx.names('Service');
  if (service !== undefined && declared.length > 0 && !declared.includes(service)) {
    serviceAt.error(
      `unknown Service "${service}"`,
      suggestion(service, declared) || `declare kind: Service named "${service}"`,
    );
  }
  const labels = parseLabels(metadata.get('labels'));
  const annotationsAt = metadata.get('annotations');
  const annotations = annotationsAt.stringMap();
  for (const key of Object.keys(annotations)) {
    if (
      key.startsWith('sre-kit/') &&
      !Object.values(SRE_KIT_ANNOTATIONS).includes(key as never) &&
      !isTierControlKey(key)
    ) {
      annotationsAt
        .keyAt(key)
        .error(`unknown sre-kit annotation "${key}"`, suggestion(key, Object.values(SRE_KIT_ANNOTATIONS)));
    }
  }
  const runbookAt = annotationsAt.get(SRE_KIT_ANNOTATIONS.runbook);
  const runbookUrl = runbookAt.string();
  if (runbookUrl !== undefined && !/^https?:\/\/\S+$/.test(runbookUrl))
    runbookAt.error('runbook must be an http(s) URL');
  const sli = indicatorFor(spec, ctx);
  const period = parseTimeWindow(spec.get('timeWindow'));
  const methodAt = spec.get('budgetingMethod');
  const method = methodAt.string(true, 'budgetingMethod');
  if (method !== undefined && !BUDGETING_METHODS.includes(method as BudgetingMethod)) {
    methodAt.error(`unknown budgetingMethod "${method}"`, suggestion(method, BUDGETING_METHODS));
  }
  const policy = period ? policyFor(spec, annotationsAt, period, ctx) : undefined;
  // Before the objectives: every objective of the document shares the indicator, so one report suffices.
  if (sli && sli.kind !== 'thresholdMetric' && (!policy || policy.tiers.length > 0)) {
    checkAlarmMetricCount(sli, spec.has('indicatorRef') ? spec.get('indicatorRef') : spec.get('indicator').get('spec'));
  }
  const objectivesAt = spec.get('objectives');
  if (!objectivesAt.expectSeq(true, 'objectives')) return;
  const objectives = objectivesAt.items();
  if (objectives.length === 0) objectivesAt.error('an SLO needs at least one objective');
  objectives.forEach((objective, index) => {
    if (!objective.expectMap(true, 'an objective')) return;
    for (const key of COMPOSITE_FIELDS) {
      if (objective.has(key))
        objective.keyAt(key).error(`composite objectives ("${key}") are not supported`, 'write one SLO per indicator');
    }
    objective.fields([...OBJECTIVE_FIELDS, ...COMPOSITE_FIELDS]);
    const target = parseTarget(objective);
    const sliceTargetAt = objective.get('timeSliceTarget');
    const timeSliceTarget = sliceTargetAt.number();
    if (timeSliceTarget !== undefined && !(timeSliceTarget > 0 && timeSliceTarget <= 1)) {
      sliceTargetAt.error(`timeSliceTarget ${timeSliceTarget} is out of range`, 'a ratio above 0 and at most 1');
    }
    const sliceWindowAt = objective.get('timeSliceWindow');
    const timeSliceWindowSeconds = sliceWindowAt.duration();
    if (method === 'Timeslices' && !sliceTargetAt.present)
      sliceTargetAt.error('budgetingMethod Timeslices needs timeSliceTarget');
    if ((method === 'Timeslices' || method === 'RatioTimeslices') && !sliceWindowAt.present) {
      sliceWindowAt.error(`budgetingMethod ${method} needs timeSliceWindow`, 'for example timeSliceWindow: 1m');
    }
    if (period && timeSliceWindowSeconds !== undefined && timeSliceWindowSeconds > period.seconds) {
      sliceWindowAt.error('timeSliceWindow is longer than the SLO period');
    }
    const indicator = sli && toIndicator(sli, objective);
    if (
      !indicator ||
      target === undefined ||
      !period ||
      !policy ||
      !BUDGETING_METHODS.includes(method as BudgetingMethod)
    )
      return;
    const displayName = objective.get('displayName').string() ?? metadata.get('displayName').string();
    // Per objective: the default low-traffic guard depends on the target.
    const controls = applyTierControls(annotationsAt, annotations, policy, target, indicator, true);
    const slo: Slo = {
      name: objectiveName(doc.name, objective, index, objectives.length),
      ...(displayName !== undefined ? { displayName } : {}),
      ...(description !== undefined ? { description } : {}),
      service: service ?? '',
      labels,
      objective: target,
      period,
      budgetingMethod: method as BudgetingMethod,
      ...(timeSliceTarget !== undefined ? { timeSliceTarget } : {}),
      ...(timeSliceWindowSeconds !== undefined ? { timeSliceWindowSeconds } : {}),
      indicator,
      alerting: {
        enabled: controls.policy.tiers.length > 0,
        policy: controls.policy,
        ...(controls.tierChanges.length > 0 ? { tierChanges: controls.tierChanges } : {}),
        labels: {},
        annotations: Object.fromEntries(Object.entries(annotations).filter(([k]) => !k.startsWith('sre-kit/'))),
        ...(runbookUrl !== undefined ? { runbookUrl } : {}),
      },
      origin: { format: 'openslo', location: doc.nameAt.location() },
    };
    const targetAt = objective.get(objective.has('targetPercent') ? 'targetPercent' : 'target');
    checkTiersCanFire(slo, targetAt);
    const windowsAt = annotationsAt.get(SRE_KIT_ANNOTATIONS.alertWindows);
    checkCloudWatchWindows(
      slo,
      spec.has('alertPolicies') ? spec.get('alertPolicies') : windowsAt.present ? windowsAt : targetAt,
    );
    ctx.slos.push(slo);
    ctx.sloNameAt.push(doc.nameAt);
  });
}

export function parseService(doc: SpecDoc, ctx: ParseContext): void {
  const spec = doc.root.get('spec');
  if (spec.present && !spec.expectMap()) return;
  spec.fields(['description']);
  const description = spec.get('description').string();
  const displayName = doc.root.get('metadata').get('displayName').string();
  ctx.services.push({
    name: doc.name,
    ...(displayName !== undefined ? { displayName } : {}),
    ...(description !== undefined ? { description } : {}),
    location: doc.nameAt.location(),
  });
}

export function parseDataSource(doc: SpecDoc, ctx: ParseContext): void {
  const spec = doc.root.get('spec');
  if (!spec.expectMap(true, 'spec')) return;
  spec.fields(['description', 'type', 'connectionDetails']);
  spec.get('description').string();
  const type = spec.get('type').string(true, 'type');
  if (type === undefined) return;
  ctx.dataSources.push({
    name: doc.name,
    type,
    connectionDetails: spec.get('connectionDetails').node?.toJSON() ?? null,
    location: doc.nameAt.location(),
  });
}
