/**
 * Sloth-compatible Prometheus rules for one SLO: SLI error-ratio recording
 * rules per window, the meta recording rules Sloth's dashboards read, and a
 * page and a ticket multi-window multi-burn-rate alert. Names, labels and
 * expressions follow Sloth's generated output (see the README's "Prometheus
 * rules" section for the deliberate differences) so that Sloth dashboards and
 * alert routes keep working on rules rendered from the same spec.
 */
import type { BurnRateTier, MetricSource, Slo, TierSeverity } from '../model/slo';
import { tierMinEvents } from '../math/guard';
import { goFloat, hasWindowPlaceholder, labelFilter, promDuration, withWindow } from './promql';

export interface PrometheusRule {
  readonly record?: string;
  readonly alert?: string;
  readonly expr: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

export interface PrometheusRuleGroup {
  readonly name: string;
  readonly rules: readonly PrometheusRule[];
}

export interface PrometheusRenderOptions {
  /** Labels added to every recording rule (Sloth's `--extra-labels`). */
  readonly extraLabels?: Readonly<Record<string, string>>;
  /** Written to `sloth_slo_info{sloth_version}`; default `sre-kit`. */
  readonly generatorVersion?: string;
}

/** Why an SLO cannot be rendered to Prometheus, or undefined when it can. */
export function prometheusUnsupportedReason(slo: Slo): string | undefined {
  const queries = sliQueries(slo);
  if (typeof queries === 'string') return queries;
  for (const q of Object.values(queries))
    if (q !== undefined && !hasWindowPlaceholder(q))
      return 'its Prometheus query has no {{.window}} placeholder, so it cannot be evaluated per window';
  return undefined;
}

interface SliQueries {
  readonly errorRatio?: string;
  readonly bad?: string;
  readonly good?: string;
  readonly total?: string;
}

function promQuery(source: MetricSource | undefined): string | undefined {
  return source?.type === 'Prometheus' ? source.query : undefined;
}

function sliQueries(slo: Slo): SliQueries | string {
  const ind = slo.indicator;
  const notProm = 'its SLI has no Prometheus source';
  if (ind.kind === 'rawErrorRatio') {
    const errorRatio = promQuery(ind.errorRatio);
    return errorRatio === undefined ? notProm : { errorRatio };
  }
  if (ind.kind === 'threshold') return 'threshold SLIs have no Prometheus rendering (use a ratio or raw SLI)';
  const total = promQuery(ind.total);
  const bad = promQuery(ind.bad);
  const good = promQuery(ind.good);
  if (total === undefined || (bad === undefined && good === undefined)) return notProm;
  return { bad, good, total };
}

/**
 * The SLO's name as Sloth knows it: Sloth specs are loaded as `<service>-<name>`
 * with the spec's own name kept as displayName; OpenSLO names are used as is.
 */
export function slothSloName(slo: Slo): string {
  return slo.origin.format === 'sloth' ? (slo.displayName ?? slo.name) : slo.name;
}

/** Sloth's SLO id: `<service>-<slo name>`. */
export function slothId(slo: Slo): string {
  return `${slo.service}-${slothSloName(slo)}`;
}

function idLabels(slo: Slo): Record<string, string> {
  return { sloth_id: slothId(slo), sloth_service: slo.service, sloth_slo: slothSloName(slo) };
}

/**
 * The events recording rule for a guarded long window: `slo:sli_events:count1h`, the total query (a per-second
 * rate, as Sloth's SLIs are written) times the window: what the low-traffic guard compares with minEvents.
 */
export function sliEventsMetric(windowSeconds: number): string {
  return `slo:sli_events:count${promDuration(windowSeconds)}`;
}

/** Long windows some tier guards (math/guard.ts), shortest first. */
function guardedWindows(slo: Slo): number[] {
  const set = new Set(slo.alerting.policy.tiers.filter((t) => tierMinEvents(t) > 0).map((t) => t.longWindowSeconds));
  return [...set].sort((a, b) => a - b);
}

/** The error-ratio recording rule name for a window: `slo:sli_error:ratio_rate5m`. */
export function sliErrorMetric(windowSeconds: number): string {
  return `slo:sli_error:ratio_rate${promDuration(windowSeconds)}`;
}

/**
 * The objective in percent as the spec wrote it (99.9, not 99.90000000000001),
 * so every derived figure is computed the way Sloth computes it from percent.
 */
function objectivePercent(slo: Slo): number {
  return Number((slo.objective * 100).toFixed(10));
}

/** Every window the tiers use, shortest first, without duplicates. */
export function alertWindows(tiers: readonly BurnRateTier[]): number[] {
  const set = new Set<number>();
  for (const t of tiers) {
    set.add(t.shortWindowSeconds);
    set.add(t.longWindowSeconds);
  }
  return [...set].sort((a, b) => a - b);
}

/** Tiers of one severity, fastest (shortest long window) first: Sloth's quick then slow. */
function tiersOf(slo: Slo, severity: TierSeverity): BurnRateTier[] {
  return slo.alerting.policy.tiers
    .filter((t) => t.severity === severity)
    .sort((a, b) => a.longWindowSeconds - b.longWindowSeconds);
}

/** The window the period ratio averages: the page-quick short window, as in Sloth (5m by default). */
function periodSourceWindow(slo: Slo): number {
  const page = tiersOf(slo, 'page');
  if (page.length > 0) return page[0].shortWindowSeconds;
  return Math.min(...alertWindows(slo.alerting.policy.tiers));
}

function sliExpr(q: SliQueries, windowSeconds: number): string {
  if (q.errorRatio !== undefined) return `(${withWindow(q.errorRatio, windowSeconds)})`;
  const total = withWindow(q.total ?? '', windowSeconds);
  if (q.bad !== undefined) return `(${withWindow(q.bad, windowSeconds)})\n/\n(${total})\n`;
  // Good-event SLIs (OpenSLO `good`): the error ratio is the complement.
  return `1 - (\n(${withWindow(q.good ?? '', windowSeconds)})\n/\n(${total})\n)\n`;
}

function sliRecordingGroup(slo: Slo, q: SliQueries, options: PrometheusRenderOptions): PrometheusRuleGroup {
  const base = { ...options.extraLabels, ...idLabels(slo), ...slo.labels };
  const filter = labelFilter(idLabels(slo));
  const rules: PrometheusRule[] = alertWindows(slo.alerting.policy.tiers).map((w) => ({
    record: sliErrorMetric(w),
    expr: sliExpr(q, w),
    labels: sortKeys({ ...base, sloth_window: promDuration(w) }),
  }));
  // Ratio SLIs only: a raw error ratio has no event count (the spec parser leaves its tiers unguarded).
  if (q.total !== undefined)
    for (const w of guardedWindows(slo))
      rules.push({
        record: sliEventsMetric(w),
        expr: `(${withWindow(q.total, w)})\n* ${w}\n`,
        labels: sortKeys({ ...base, sloth_window: promDuration(w) }),
      });
  const period = slo.period.seconds;
  // A tier window as long as the period (ticket-6h on a 6h SLO) already records the period ratio,
  // under the same name; a second rule would be a duplicate that promtool refuses.
  if (alertWindows(slo.alerting.policy.tiers).includes(period)) {
    return { name: `sloth-slo-sli-recordings-${slothId(slo)}`, rules };
  }
  const source = sliErrorMetric(periodSourceWindow(slo));
  // Sloth's period ratio: the unweighted mean of the short-window ratios (cheap, but every 5 minutes weigh the same).
  rules.push({
    record: sliErrorMetric(period),
    expr:
      `sum_over_time(${source}${filter}[${promDuration(period)}])\n/ ignoring (sloth_window)\n` +
      `count_over_time(${source}${filter}[${promDuration(period)}])\n`,
    labels: sortKeys({ ...base, sloth_window: promDuration(period) }),
  });
  return { name: `sloth-slo-sli-recordings-${slothId(slo)}`, rules };
}

function burnRateExpr(metric: string, filter: string): string {
  return `${metric}${filter}\n/ on(sloth_id, sloth_slo, sloth_service) group_left\nslo:error_budget:ratio${filter}\n`;
}

function metaRecordingGroup(slo: Slo, options: PrometheusRenderOptions): PrometheusRuleGroup {
  const labels = sortKeys({ ...options.extraLabels, ...idLabels(slo), ...slo.labels });
  const filter = labelFilter(idLabels(slo));
  const percent = objectivePercent(slo);
  const ratio = goFloat(percent / 100);
  const spec = slo.origin.format === 'sloth' ? 'prometheus/v1' : 'openslo/v1';
  return {
    name: `sloth-slo-meta-recordings-${slothId(slo)}`,
    rules: [
      { record: 'slo:objective:ratio', expr: `vector(${ratio})`, labels },
      { record: 'slo:error_budget:ratio', expr: `vector(1-${ratio})`, labels },
      { record: 'slo:time_period:days', expr: `vector(${goFloat(slo.period.seconds / 86400)})`, labels },
      {
        record: 'slo:current_burn_rate:ratio',
        expr: burnRateExpr(sliErrorMetric(periodSourceWindow(slo)), filter),
        labels,
      },
      { record: 'slo:period_burn_rate:ratio', expr: burnRateExpr(sliErrorMetric(slo.period.seconds), filter), labels },
      {
        record: 'slo:period_error_budget_remaining:ratio',
        expr: `1 - slo:period_burn_rate:ratio${filter}`,
        labels,
      },
      {
        record: 'sloth_slo_info',
        expr: 'vector(1)',
        labels: sortKeys({
          ...labels,
          sloth_mode: 'cli-gen-prom',
          sloth_objective: String(percent),
          sloth_spec: spec,
          sloth_version: options.generatorVersion ?? 'sre-kit',
        }),
      },
    ],
  };
}

/** One tier's condition: both windows above burnRate x budget; short window first, as Sloth writes it. */
function tierCondition(slo: Slo, tier: BurnRateTier, budget: string): string {
  const filter = labelFilter(idLabels(slo));
  const factor = goFloat(tier.burnRate);
  const side = (ratio: string): string => `max(${ratio} > (${factor} * ${budget})) without (sloth_window)`;
  const minEvents = tierMinEvents(tier);
  // The low-traffic guard (math/guard.ts) on the long window: errors / max(events, minEvents).
  const events = `${sliEventsMetric(tier.longWindowSeconds)}${filter}`;
  const long =
    minEvents > 0
      ? `${sliErrorMetric(tier.longWindowSeconds)}${filter} * ${events} / clamp_min(${events}, ${minEvents})`
      : `${sliErrorMetric(tier.longWindowSeconds)}${filter}`;
  const condition = `(\n    ${side(`${sliErrorMetric(tier.shortWindowSeconds)}${filter}`)}\n    and\n    ${side(long)}\n)`;
  // A stable `tier` label per firing tier for routes and silences (kept out of Sloth specs' exact output).
  if (slo.origin.format === 'sloth') return condition;
  return `label_replace(${condition}, "tier", "${tier.name}", "", "")`;
}

interface AlertMeta {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

/** Name, labels and annotations of the page or ticket alert; undefined when that alert is disabled. */
function alertMeta(slo: Slo, severity: TierSeverity): AlertMeta | undefined {
  const a = slo.alerting;
  if (!a.enabled) return undefined;
  const perSeverity = severity === 'page' ? a.page : a.ticket;
  if (perSeverity?.disabled) return undefined;
  const name = (severity === 'page' ? a.pageAlertName : a.ticketAlertName) ?? defaultAlertName(slo);
  return {
    name,
    labels: { ...a.labels, ...perSeverity?.labels },
    annotations: { ...a.annotations, ...perSeverity?.annotations },
  };
}

function defaultAlertName(slo: Slo): string {
  const camel = `${slo.service}-${slo.name}`
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join('');
  return `${camel}BurnRate`;
}

/**
 * The labels the alert router matches an SLO tier alarm on (alarms/routing.yaml), so the
 * Alertmanager tree `sre render alertmanager` writes from the same spec routes these alerts
 * alike: page is critical, ticket is warning. The spec's own alert labels win. Sloth specs keep
 * Sloth's exact output (their authors label alerts themselves, as Sloth users do).
 */
function routingLabels(slo: Slo, severity: TierSeverity): Record<string, string> {
  if (slo.origin.format === 'sloth') return {};
  return {
    family: 'slo',
    service: slo.service,
    slo: slothSloName(slo),
    severity: severity === 'page' ? 'critical' : 'warning',
  };
}

function alertGroup(slo: Slo): PrometheusRuleGroup | undefined {
  const budget = goFloat((100 - objectivePercent(slo)) / 100);
  const rules: PrometheusRule[] = [];
  for (const severity of ['page', 'ticket'] as const) {
    const meta = alertMeta(slo, severity);
    const tiers = tiersOf(slo, severity);
    if (!meta || tiers.length === 0) continue;
    rules.push({
      alert: meta.name,
      expr: `${tiers.map((t) => tierCondition(slo, t, budget)).join('\nor\n')}\n`,
      labels: sortKeys({ ...routingLabels(slo, severity), ...meta.labels, sloth_severity: severity }),
      annotations: sortKeys({
        title: `(${severity}) {{$labels.sloth_service}} {{$labels.sloth_slo}} SLO error budget burn rate is too fast.`,
        summary: '{{$labels.sloth_service}} {{$labels.sloth_slo}} SLO error budget burn rate is over expected.',
        ...meta.annotations,
      }),
    });
  }
  return rules.length > 0 ? { name: `sloth-slo-alerts-${slothId(slo)}`, rules } : undefined;
}

function sortKeys(record: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(record).sort()) out[k] = record[k];
  return out;
}

/** The three rule groups Sloth generates for one SLO (the alert group only when an alert is enabled). */
export function prometheusRuleGroups(slo: Slo, options: PrometheusRenderOptions = {}): PrometheusRuleGroup[] {
  const q = sliQueries(slo);
  const reason = prometheusUnsupportedReason(slo);
  if (typeof q === 'string' || reason) throw new Error(`SLO ${slothId(slo)}: ${reason ?? q}`);
  const groups = [sliRecordingGroup(slo, q, options), metaRecordingGroup(slo, options)];
  const alerts = alertGroup(slo);
  if (alerts) groups.push(alerts);
  return groups;
}
