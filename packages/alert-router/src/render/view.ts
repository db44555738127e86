/**
 * What a human needs from one alarm event, computed once and shared by the
 * Slack and email renderers so they can never disagree about the facts.
 */
import { consoleAlarmUrl, consoleDashboardUrl } from '../events/arn';
import type { AlarmEvent, AlarmTrigger, CompositeChild, MetricQuery, MetricRef } from '../events/types';

export interface BurnRateView {
  readonly slo?: string;
  readonly tier?: string;
  readonly objective?: number;
  /** The tier's threshold burn rate from the metadata. */
  readonly thresholdBurnRate?: number;
  /** Observed burn rate (this alarm's datapoints, or the long window's as CloudWatch reported it). */
  readonly currentBurnRate?: number;
  readonly longWindowSeconds?: number;
  readonly shortWindowSeconds?: number;
  /** The SLO's own period from the metadata; unknown periods are never assumed. */
  readonly periodSeconds?: number;
  /** Fraction of the period's budget spent over the long window at the current (or threshold) rate. */
  readonly budgetSpentInWindow?: number;
  /** Fraction of the period's budget not yet spent, when CloudWatch could tell. */
  readonly budgetRemaining?: number;
  /** Why the budget left is not known: a failed lookup, or a run without one. */
  readonly budgetRemainingNote?: string;
  /** Seconds until the budget left (or a full budget when that is unknown) is gone at the current rate. */
  readonly secondsToExhaustion?: number;
  /** True when the current rate is unknown and the tier threshold stands in for it. */
  readonly atThreshold: boolean;
}

export interface AlarmView {
  readonly event: AlarmEvent;
  readonly status: 'FIRING' | 'RESOLVED' | 'NO DATA';
  readonly emoji: string;
  readonly severity: string;
  readonly title: string;
  /** Ordered label/value facts: what crossed which threshold and where. */
  readonly facts: ReadonlyArray<readonly [string, string]>;
  readonly consoleUrl: string;
  readonly runbookUrl?: string;
  readonly dashboardUrl?: string;
  readonly children: readonly CompositeChild[];
  readonly burn?: BurnRateView;
}

const COMPARISON: Record<string, string> = {
  GreaterThanThreshold: '>',
  GreaterThanOrEqualToThreshold: '>=',
  LessThanThreshold: '<',
  LessThanOrEqualToThreshold: '<=',
  LessThanLowerOrGreaterThanUpperThreshold: 'outside the band',
  LessThanLowerThreshold: 'below the band',
  GreaterThanUpperThreshold: 'above the band',
};

export function alarmView(event: AlarmEvent): AlarmView {
  const status = event.state === 'ALARM' ? 'FIRING' : event.state === 'OK' ? 'RESOLVED' : 'NO DATA';
  const emoji =
    event.state === 'ALARM'
      ? event.metadata.severity === 'critical'
        ? '🔴'
        : '🟠'
      : event.state === 'OK'
        ? '✅'
        : '⚪';
  const facts: [string, string][] = [];
  facts.push(['State', `${event.previousState ?? '?'} → ${event.state}`]);
  if (event.metadata.service) facts.push(['Service', event.metadata.service]);
  if (event.metadata.family) facts.push(['Family', event.metadata.family]);
  if (event.metadata.resource) facts.push(['Resource', event.metadata.resource]);
  if (event.metadata.catalogueId) facts.push(['Check', event.metadata.catalogueId]);
  facts.push(['Region', `${event.region} (account ${event.accountId})`]);
  if (event.trigger) facts.push(...triggerFacts(event.trigger, event.kind));
  if (event.datapoints.length > 0) facts.push(['Observed', event.datapoints.map(formatNumber).join(', ')]);
  if (event.composite) facts.push(['Rule', event.composite.rule]);
  if (event.stateChangeTime) facts.push(['Since', event.stateChangeTime]);
  // A runbook without a URL is its words: they belong in the message, not behind a link.
  if (event.metadata.runbook && !linkOrUndefined(event.metadata.runbook))
    facts.push(['Runbook', event.metadata.runbook]);
  return {
    event,
    status,
    emoji,
    severity: (event.metadata.severity ?? 'unclassified').toUpperCase(),
    title: event.alarmName,
    facts,
    consoleUrl: consoleAlarmUrl(event),
    runbookUrl: linkOrUndefined(event.metadata.runbook),
    dashboardUrl: dashboardUrl(event),
    children: event.composite?.children ?? [],
    burn: burnRate(event),
  };
}

function triggerFacts(t: AlarmTrigger, kind: AlarmEvent['kind']): [string, string][] {
  const out: [string, string][] = [];
  if (t.metric) out.push(['Metric', metricText(t.metric)]);
  for (const q of t.queries ?? []) {
    const label =
      kind === 'anomaly-band' && q.id === t.thresholdMetricId
        ? 'Band'
        : !q.returnData
          ? `  ${q.id}`
          : q.expression
            ? 'Expression'
            : 'Metric';
    out.push([label, queryText(q)]);
  }
  if (t.statistic) out.push(['Statistic', t.statistic]);
  if (t.periodSeconds) out.push(['Period', `${t.periodSeconds} s`]);
  if (t.evaluationPeriods) {
    out.push(['Datapoints', `${t.datapointsToAlarm ?? t.evaluationPeriods} of ${t.evaluationPeriods} to alarm`]);
  }
  const cmp = t.comparison ? (COMPARISON[t.comparison] ?? t.comparison) : undefined;
  if (kind === 'anomaly-band')
    out.push(['Threshold', `${cmp ?? 'outside the band'} ${t.thresholdMetricId ?? ''}`.trim()]);
  else if (t.threshold !== undefined)
    out.push(['Threshold', `${cmp ?? ''} ${formatNumber(t.threshold)}${t.unit ? ` ${t.unit}` : ''}`.trim()]);
  if (t.treatMissingData) out.push(['Missing data', t.treatMissingData]);
  return out;
}

function metricText(m: MetricRef): string {
  const dims = Object.entries(m.dimensions).map(([k, v]) => `${k}=${v}`);
  return `${m.namespace} ${m.metricName}${dims.length ? ` (${dims.join(', ')})` : ''}`;
}

function queryText(q: MetricQuery): string {
  const what = q.expression ?? (q.metric ? `${metricText(q.metric)} ${q.statistic ?? ''}`.trim() : '?');
  return `${q.label ? `${q.label}: ` : ''}${what}${q.expression ? '' : ` [${q.id}]`}`;
}

function linkOrUndefined(text: string | undefined): string | undefined {
  return text && /^https?:\/\//.test(text) ? text : undefined;
}

/** A URL as written, or a CloudWatch dashboard name opened in the alarm's own region. */
function dashboardUrl(e: AlarmEvent): string | undefined {
  const d = e.metadata.dashboard;
  if (!d) return undefined;
  return linkOrUndefined(d) ?? consoleDashboardUrl({ partition: e.partition, region: e.region, dashboardName: d });
}

function burnRate(e: AlarmEvent): BurnRateView | undefined {
  const m = e.metadata;
  if (m.burnRate === undefined && m.slo === undefined) return undefined;
  const observed = e.datapoints.length > 0 ? Math.max(...e.datapoints) : undefined;
  let current: number | undefined;
  if (observed !== undefined && m.sli === 'burnRate') current = observed;
  else if (observed !== undefined && m.sli === 'errorRatio' && m.objective !== undefined)
    current = observed / (1 - m.objective);
  current ??= e.budget?.currentBurnRate;
  const rate = current ?? m.burnRate;
  const period = m.periodSeconds;
  const remaining = e.budget?.budgetRemaining;
  const note =
    remaining !== undefined
      ? undefined
      : e.budget
        ? `unknown (${e.budget.error ?? 'no reading'})`
        : 'not available (no CloudWatch lookup in this run; the Lambda reads it)';
  const budgetLeft = remaining === undefined ? 1 : Math.max(0, remaining);
  return {
    slo: m.slo,
    tier: m.tier,
    objective: m.objective,
    thresholdBurnRate: m.burnRate,
    currentBurnRate: current,
    longWindowSeconds: m.longWindowSeconds,
    shortWindowSeconds: m.shortWindowSeconds,
    periodSeconds: period,
    budgetSpentInWindow:
      rate !== undefined && m.longWindowSeconds && period ? (rate * m.longWindowSeconds) / period : undefined,
    budgetRemaining: remaining,
    budgetRemainingNote: note,
    secondsToExhaustion: rate && rate > 0 && period ? (budgetLeft * period) / rate : undefined,
    atThreshold: current === undefined,
  };
}

/** Burn-rate facts as text lines, shared by both renderers. */
export function burnLines(b: BurnRateView): string[] {
  const lines: string[] = [];
  const period = b.periodSeconds ? humanDuration(b.periodSeconds) : undefined;
  if (b.slo) {
    const about = [
      b.objective !== undefined ? `objective ${formatPercent(b.objective)}` : undefined,
      period ? `over ${period}` : 'period unknown',
    ].filter(Boolean);
    lines.push(`SLO ${b.slo} (${about.join(', ')})`);
  }
  if (b.tier) {
    const windows =
      b.longWindowSeconds && b.shortWindowSeconds
        ? ` (${humanDuration(b.longWindowSeconds)} and ${humanDuration(b.shortWindowSeconds)} windows)`
        : '';
    lines.push(`Tier ${b.tier}${windows}`);
  }
  const threshold =
    b.thresholdBurnRate !== undefined ? `tier threshold ${formatNumber(b.thresholdBurnRate)}x` : undefined;
  if (b.currentBurnRate !== undefined) {
    lines.push(`Burn rate ${formatNumber(b.currentBurnRate)}x now${threshold ? ` (${threshold})` : ''}`);
  } else if (threshold) {
    lines.push(`Burn rate at least ${formatNumber(b.thresholdBurnRate!)}x (${threshold}; current value unknown)`);
  }
  if (b.budgetSpentInWindow !== undefined && b.longWindowSeconds && period) {
    lines.push(
      `Budget spent in the last ${humanDuration(b.longWindowSeconds)}: ${b.atThreshold ? 'at least ' : ''}${formatPercent(b.budgetSpentInWindow)} of the ${period} budget`,
    );
  }
  lines.push(
    `Budget left over the ${period ?? 'SLO'} period: ${b.budgetRemaining !== undefined ? formatPercent(b.budgetRemaining) : b.budgetRemainingNote}`,
  );
  if (b.secondsToExhaustion !== undefined) {
    const what = b.budgetRemaining !== undefined ? 'The budget left is gone' : `A full ${period} budget is gone`;
    const rate = b.atThreshold ? `at the tier threshold` : 'at the current burn';
    lines.push(`${what} in ${humanDuration(b.secondsToExhaustion)} ${rate}`);
  } else if (!period) {
    lines.push('Time to exhaustion unknown: the alarm metadata has no SLO period');
  }
  return lines;
}

export function formatNumber(n: number): string {
  if (Number.isInteger(n)) return String(n);
  return Math.abs(n) >= 100 ? n.toFixed(1) : Number(n.toPrecision(3)).toString();
}

export function formatPercent(ratio: number): string {
  return `${Number((ratio * 100).toPrecision(4))}%`;
}

/** Two largest units, rounded: 93784 s -> `1d 2h`. */
export function humanDuration(seconds: number): string {
  const units: [string, number][] = [
    ['d', 86400],
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ];
  let rest = Math.max(0, Math.round(seconds));
  const parts: string[] = [];
  for (const [unit, size] of units) {
    if (rest >= size && parts.length < 2) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    } else if (parts.length > 0) break;
  }
  return parts.length ? parts.join(' ') : '0s';
}

/**
 * One entry per alarm: when a group holds several transitions of the same
 * alarm (ALARM then OK), only the latest state is news, as in Alertmanager.
 */
export function latestPerAlarm(events: readonly AlarmEvent[]): AlarmEvent[] {
  const latest = new Map<string, AlarmEvent>();
  for (const e of events) {
    const seen = latest.get(e.alarmArn);
    if (!seen || e.stateChangeTime >= seen.stateChangeTime) latest.set(e.alarmArn, e);
  }
  return [...latest.values()];
}
