/**
 * What a human needs from one alarm event, computed once and shared by the
 * Slack and email renderers so they can never disagree about the facts.
 */
import { consoleAlarmUrl } from '../events/arn';
import type { AlarmEvent, AlarmTrigger, CompositeChild, MetricQuery, MetricRef } from '../events/types';

export interface BurnRateView {
  readonly slo?: string;
  readonly objective?: number;
  /** The tier's threshold burn rate from the metadata. */
  readonly thresholdBurnRate?: number;
  /** Observed burn rate (from the breaching datapoints), or undefined when not derivable. */
  readonly currentBurnRate?: number;
  readonly windowSeconds?: number;
  readonly periodSeconds: number;
  /** Fraction of the period's budget spent over the long window at the current (or threshold) rate. */
  readonly budgetSpentInWindow?: number;
  /** Seconds until a full budget is gone at the current (or threshold) rate. */
  readonly secondsToExhaustion?: number;
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
  readonly children: readonly CompositeChild[];
  readonly burn?: BurnRateView;
}

const DEFAULT_SLO_PERIOD = 30 * 86400;

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
  facts.push(['Region', `${event.region} (account ${event.accountId})`]);
  if (event.trigger) facts.push(...triggerFacts(event.trigger, event.kind));
  if (event.datapoints.length > 0) facts.push(['Observed', event.datapoints.map(formatNumber).join(', ')]);
  if (event.composite) facts.push(['Rule', event.composite.rule]);
  if (event.stateChangeTime) facts.push(['Since', event.stateChangeTime]);
  return {
    event,
    status,
    emoji,
    severity: (event.metadata.severity ?? 'unclassified').toUpperCase(),
    title: event.alarmName,
    facts,
    consoleUrl: consoleAlarmUrl(event),
    runbookUrl: event.metadata.runbook,
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

function burnRate(e: AlarmEvent): BurnRateView | undefined {
  const m = e.metadata;
  if (m.burnRate === undefined && m.slo === undefined) return undefined;
  const periodSeconds = m.periodSeconds ?? DEFAULT_SLO_PERIOD;
  const observed = e.datapoints.length > 0 ? Math.max(...e.datapoints) : undefined;
  let current: number | undefined;
  if (observed !== undefined && m.sli === 'burnRate') current = observed;
  else if (observed !== undefined && m.sli === 'errorRatio' && m.objective !== undefined)
    current = observed / (1 - m.objective);
  const rate = current ?? m.burnRate;
  return {
    slo: m.slo,
    objective: m.objective,
    thresholdBurnRate: m.burnRate,
    currentBurnRate: current,
    windowSeconds: m.longWindowSeconds,
    periodSeconds,
    budgetSpentInWindow:
      rate !== undefined && m.longWindowSeconds ? (rate * m.longWindowSeconds) / periodSeconds : undefined,
    secondsToExhaustion: rate && rate > 0 ? periodSeconds / rate : undefined,
  };
}

/** Burn-rate facts as text lines, shared by both renderers. */
export function burnLines(b: BurnRateView): string[] {
  const lines: string[] = [];
  if (b.slo) lines.push(`SLO ${b.slo}${b.objective !== undefined ? ` (objective ${formatPercent(b.objective)})` : ''}`);
  if (b.currentBurnRate !== undefined) {
    lines.push(
      `Burn rate ${formatNumber(b.currentBurnRate)}x${b.thresholdBurnRate !== undefined ? ` (tier threshold ${formatNumber(b.thresholdBurnRate)}x)` : ''}`,
    );
  } else if (b.thresholdBurnRate !== undefined) {
    lines.push(`Burn rate at least ${formatNumber(b.thresholdBurnRate)}x (tier threshold)`);
  }
  if (b.budgetSpentInWindow !== undefined && b.windowSeconds) {
    lines.push(
      `Budget spent in the last ${humanDuration(b.windowSeconds)}: ${formatPercent(b.budgetSpentInWindow)} of the ${humanDuration(b.periodSeconds)} budget`,
    );
  }
  if (b.secondsToExhaustion !== undefined) {
    lines.push(`A full budget is gone in ${humanDuration(b.secondsToExhaustion)} at this rate`);
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
