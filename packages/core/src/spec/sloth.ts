/**
 * Sloth specs: `version: prometheus/v1` files (and the Kubernetes
 * `PrometheusServiceLevel` CRD with the same body) and `kind: AlertWindows`.
 * Sloth has no period in the spec (its CLI defaults to 30 days), so imported
 * SLOs get a rolling 30-day period and the default tiers.
 */
import { formatDuration } from '../duration';
import { defaultBurnRatePolicy, makeTier } from '../math';
import type { BurnRateTier, Indicator, SeverityAlerting, Slo, TierSeverity } from '../model/slo';
import { checkBurnRateRules, checkTiersCanFire } from './checks';
import { applyTierControls, isTierControlKey } from './tier-controls';
import { where, type ParseContext } from './context';
import { checkPromql } from './promql-syntax';
import type { At } from './reader';

export const SLOTH_DEFAULT_PERIOD_SECONDS = 30 * 86400;
const WINDOW = '{{.window}}';

function query(at: At): string | undefined {
  const text = at.string(true, 'a PromQL query');
  if (text !== undefined) checkPromql(at, text, 'sloth');
  if (text !== undefined && !text.includes(WINDOW)) {
    at.error(
      `query has no ${WINDOW} placeholder`,
      `write the range as [${WINDOW}] so each alert window gets its own range`,
    );
  }
  return text;
}

function parseSli(at: At): Indicator | undefined {
  if (!at.expectMap(true, 'sli')) return undefined;
  at.fields(['events', 'raw', 'plugin']);
  const given = ['events', 'raw', 'plugin'].filter((k) => at.has(k));
  if (given.length !== 1) {
    at.error(
      given.length === 0 ? 'sli needs events, raw or plugin' : `sli has ${given.join(' and ')}; give exactly one`,
      'events: {error_query, total_query} | raw: {error_ratio_query} | plugin: {id, options}',
    );
    return undefined;
  }
  if (given[0] === 'events') {
    const events = at.get('events');
    if (!events.expectMap(true)) return undefined;
    events.fields(['error_query', 'total_query']);
    const bad = query(events.get('error_query'));
    const total = query(events.get('total_query'));
    if (bad === undefined || total === undefined) return undefined;
    return { kind: 'ratio', bad: { type: 'Prometheus', query: bad }, total: { type: 'Prometheus', query: total } };
  }
  if (given[0] === 'raw') {
    const raw = at.get('raw');
    if (!raw.expectMap(true)) return undefined;
    raw.fields(['error_ratio_query']);
    const ratio = query(raw.get('error_ratio_query'));
    return ratio === undefined
      ? undefined
      : { kind: 'rawErrorRatio', errorRatio: { type: 'Prometheus', query: ratio } };
  }
  // Plugins run inside Sloth; keep them opaque so a Sloth-compatible export can pass them through.
  const plugin = at.get('plugin');
  if (!plugin.expectMap(true)) return undefined;
  plugin.fields(['id', 'options']);
  const id = plugin.get('id').string(true, 'plugin id');
  if (id === undefined) return undefined;
  return {
    kind: 'rawErrorRatio',
    errorRatio: {
      type: 'Opaque',
      sourceType: 'sloth-plugin',
      spec: { id, options: plugin.get('options').node?.toJSON() ?? {} },
    },
  };
}

function severityAlerting(at: At): SeverityAlerting {
  if (!at.expectMap()) return {};
  at.fields(['disable', 'labels', 'annotations']);
  const disabled = at.get('disable').boolean();
  return {
    ...(disabled !== undefined ? { disabled } : {}),
    labels: at.get('labels').stringMap(),
    annotations: at.get('annotations').stringMap(),
  };
}

function parseObjective(at: At): number | undefined {
  const objective = at.number(true, 'objective (a percentage such as 99.9)');
  if (objective === undefined) return undefined;
  if (!(objective > 0 && objective < 100)) {
    at.error(
      `objective ${objective} is out of range`,
      'Sloth objectives are percentages above 0 and below 100, e.g. 99.9',
    );
    return undefined;
  }
  if (objective <= 1)
    at.warn(`objective ${objective} is read as ${objective} %`, 'Sloth objectives are percentages: 99.9 means 99.9 %');
  return Number((objective / 100).toPrecision(12));
}

/** The body of a Sloth spec: `service`, `labels`, `slos` (top level for prometheus/v1, `spec` for the CRD). */
export function parseSlothBody(body: At, ctx: ParseContext, extraFields: readonly string[]): void {
  if (!body.expectMap(true, 'a Sloth spec')) return;
  body.fields([...extraFields, 'service', 'labels', 'slos']);
  const service = body.get('service').string(true, 'service');
  const labels = body.get('labels').stringMap();
  const slosAt = body.get('slos');
  if (!slosAt.expectSeq(true, 'slos')) return;
  if (slosAt.items().length === 0) slosAt.error('slos is empty');
  const policy = defaultBurnRatePolicy(SLOTH_DEFAULT_PERIOD_SECONDS);
  for (const at of slosAt.items()) {
    if (!at.expectMap(true, 'an SLO')) continue;
    at.fields(['name', 'description', 'objective', 'labels', 'sli', 'alerting']);
    const nameAt = at.get('name');
    const name = nameAt.string(true, 'name');
    if (name !== undefined && !/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name)) {
      nameAt.error(`SLO name "${name}" is not valid`, 'use letters, digits, "-", "_" and "."');
    }
    const description = at.get('description').string();
    const objectiveAt = at.get('objective');
    const objective = parseObjective(objectiveAt);
    const sloLabels = at.get('labels').stringMap();
    const indicator = parseSli(at.get('sli'));
    const alerting = at.get('alerting');
    alerting.expectMap();
    alerting.fields(['name', 'labels', 'annotations', 'page_alert', 'ticket_alert']);
    const alertName = alerting.get('name').string();
    const page = severityAlerting(alerting.get('page_alert'));
    const ticket = severityAlerting(alerting.get('ticket_alert'));
    if (name === undefined || service === undefined || objective === undefined || !indicator) continue;
    // sre-kit's own keys ride in alerting.annotations (Sloth passes them through untouched); off by default so
    // a Sloth spec renders Sloth's exact rules until it asks for the guard.
    const annotationsAt = alerting.get('annotations');
    const annotations = annotationsAt.stringMap();
    const controls = applyTierControls(annotationsAt, annotations, policy, objective, indicator, false);
    const slo: Slo = {
      name: `${service}-${name}`,
      displayName: name,
      ...(description !== undefined ? { description } : {}),
      service,
      labels: { ...labels, ...sloLabels },
      objective,
      period: { seconds: SLOTH_DEFAULT_PERIOD_SECONDS, rolling: true },
      budgetingMethod: 'Occurrences',
      indicator,
      alerting: {
        enabled: !(page.disabled && ticket.disabled) && controls.policy.tiers.length > 0,
        policy: controls.policy,
        ...(controls.tierChanges.length > 0 ? { tierChanges: controls.tierChanges } : {}),
        labels: alerting.get('labels').stringMap(),
        annotations: Object.fromEntries(Object.entries(annotations).filter(([k]) => !isTierControlKey(k))),
        ...(alertName !== undefined ? { pageAlertName: alertName, ticketAlertName: alertName } : {}),
        page,
        ticket,
      },
      origin: { format: 'sloth', location: nameAt.location() },
    };
    checkTiersCanFire(slo, objectiveAt);
    ctx.slos.push(slo);
    ctx.sloNameAt.push(nameAt);
  }
}

const WINDOW_FIELDS = ['errorBudgetPercent', 'shortWindow', 'longWindow'];

function parseWindow(at: At, severity: TierSeverity, periodSeconds: number | undefined): BurnRateTier | undefined {
  if (!at.expectMap(true, `${at.path.split('.').pop()} window`)) return undefined;
  at.fields(WINDOW_FIELDS);
  const percentAt = at.get('errorBudgetPercent');
  const percent = percentAt.number(true, 'errorBudgetPercent');
  if (percent !== undefined && !(percent > 0 && percent <= 100)) {
    percentAt.error(
      `errorBudgetPercent ${percent} is out of range`,
      'the share of the period budget, above 0 and at most 100',
    );
  }
  const shortAt = at.get('shortWindow');
  const longAt = at.get('longWindow');
  const short = shortAt.duration(true);
  const long = longAt.duration(true);
  if (short !== undefined && long !== undefined && short >= long) {
    shortAt.error(`shortWindow ${formatDuration(short)} is not shorter than longWindow ${formatDuration(long)}`);
  }
  if (long !== undefined && periodSeconds !== undefined && long > periodSeconds) {
    longAt.error(
      `longWindow ${formatDuration(long)} is longer than the SLO period ${formatDuration(periodSeconds)}`,
      'a burn-rate window must fit inside the period',
    );
  }
  if (percent === undefined || short === undefined || long === undefined || periodSeconds === undefined)
    return undefined;
  if (!(percent > 0 && percent <= 100) || short >= long || long > periodSeconds) return undefined;
  return { ...makeTier(severity, long, percent / 100, periodSeconds), shortWindowSeconds: short };
}

/** `kind: AlertWindows` -> a named BurnRatePolicy (page quick/slow, ticket quick/slow). */
export function parseAlertWindows(root: At, name: string, ctx: ParseContext): void {
  const spec = root.get('spec');
  if (!spec.expectMap(true, 'spec')) return;
  spec.fields(['sloPeriod', 'page', 'ticket']);
  const periodSeconds = spec.get('sloPeriod').duration(true);
  const tiers: BurnRateTier[] = [];
  const windowAt: At[] = [];
  const percentAt: At[] = [];
  for (const severity of ['page', 'ticket'] as const) {
    const group = spec.get(severity);
    if (!group.expectMap(true, `${severity} (quick and slow windows)`)) continue;
    group.fields(['quick', 'slow']);
    for (const speed of ['quick', 'slow']) {
      const tier = parseWindow(group.get(speed), severity, periodSeconds);
      if (tier) tiers.push(tier);
      if (tier) percentAt.push(group.get(speed).get('errorBudgetPercent'));
      windowAt.push(group.get(speed).get('longWindow'));
    }
  }
  if (periodSeconds === undefined || tiers.length !== 4) return;
  const first = ctx.alertWindows.get(name);
  const nameAt = root.get('metadata').get('name');
  if (first) {
    (nameAt.present ? nameAt : root).error(
      `duplicate AlertWindows name "${name}"`,
      `first defined at ${where(first.location)}`,
    );
    return;
  }
  const policy = { periodSeconds, tiers };
  // errorBudgetPercent is what is written here: say the fix as the percent that gives the suggested rate.
  checkBurnRateRules(
    policy,
    (i) => percentAt[i],
    (v) => {
      const t = tiers[v.tierIndex];
      const percent = Number(((100 * v.suggestedBurnRate * t.longWindowSeconds) / periodSeconds).toPrecision(4));
      return `${v.hint}; errorBudgetPercent ${percent} over ${formatDuration(t.longWindowSeconds)} is ${v.suggestedBurnRate}x`;
    },
  );
  ctx.alertWindows.set(name, { name, policy, location: root.location(), windowAt });
}
