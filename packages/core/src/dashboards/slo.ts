/**
 * SLO widgets in the Sloth/Pyrra tradition: SLI against the objective, budget remaining over the
 * SLO period and month to date, the budget burn-down, burn rate per alert tier (long and short
 * window side by side, the tier's burn rate drawn) and which tiers are firing. Every number comes
 * from core math (`errorBudget`, `tierThreshold`) so dashboards and alarms cannot disagree.
 */
import { formatDuration } from '../duration';
import { budgetMinutes, errorBudget, errorRatioQuery, tierThreshold } from '../math';
import type {
  AlarmCondition,
  DashboardQuery,
  SingleValueWidget,
  TimeSeriesWidget,
  Widget,
  WidgetTimeRange,
} from '../model/dashboard';
import type { BurnRateTier, MetricSource, Slo } from '../model/slo';
import { flattenSource, mathQuery, metricQuery, renameIds } from './queries';
import { sloTierAlarmName } from './names';

/** CloudWatch metric-math ids of an SLO's bad and total events (or of a ready-made error ratio). */
interface CloudWatchRatio {
  readonly queries: readonly DashboardQuery[];
  /** Ids of bad and total event counts, when the SLI is a ratio of counts. */
  readonly counts?: { readonly bad: string; readonly total: string };
  /** Id of the error ratio (bad / total) for the period. */
  readonly ratio: string;
}

function allOf(sources: readonly (MetricSource | undefined)[], type: MetricSource['type']): boolean {
  return sources.every((s) => s === undefined || s.type === type);
}

function sourcesOf(slo: Slo): (MetricSource | undefined)[] {
  const ind = slo.indicator;
  if (ind.kind === 'ratio') return [ind.good, ind.bad, ind.total];
  if (ind.kind === 'rawErrorRatio') return [ind.errorRatio];
  return [ind.metric];
}

/** Which query system can draw this SLO's error ratio; threshold SLIs have no event ratio to budget. */
export function sloSystem(slo: Slo): 'cloudwatch' | 'prometheus' | undefined {
  if (slo.indicator.kind === 'threshold') return undefined;
  const sources = sourcesOf(slo);
  if (allOf(sources, 'CloudWatch')) return 'cloudwatch';
  if (allOf(sources, 'Prometheus')) return 'prometheus';
  return undefined;
}

/** The error-ratio queries of a CloudWatch SLI, ids prefixed by `p`, each metric at `periodSeconds`. */
export function cloudWatchErrorRatio(slo: Slo, p: string, periodSeconds: number): CloudWatchRatio | undefined {
  const ind = slo.indicator;
  const opts = { hidden: true, periodSeconds };
  if (ind.kind === 'rawErrorRatio') {
    const flat = flattenSource(`${p}r`, ind.errorRatio, opts);
    return flat.system === 'cloudwatch' ? { queries: flat.queries, ratio: `${p}r` } : undefined;
  }
  if (ind.kind !== 'ratio') return undefined;
  const total = flattenSource(`${p}t`, ind.total, opts);
  const queries: DashboardQuery[] = [...total.queries];
  if (ind.bad) queries.push(...flattenSource(`${p}b`, ind.bad, opts).queries);
  else if (ind.good) {
    queries.push(...flattenSource(`${p}g`, ind.good, opts).queries);
    queries.push(mathQuery(`${p}b`, `${p}t - FILL(${p}g, 0)`, { hidden: true }));
  } else return undefined;
  queries.push(mathQuery(`${p}r`, `IF(${p}t > 0, FILL(${p}b, 0) / ${p}t, 0)`, { hidden: true }));
  return { queries, counts: { bad: `${p}b`, total: `${p}t` }, ratio: `${p}r` };
}

/**
 * The error ratio exactly as the SLO's window alarms compute it (core math's errorRatioQuery, the query
 * planSloAlarms gives @sre-kit/cdk), every metric at `windowSeconds`, ids prefixed `<p>_`.
 */
export function alarmErrorRatio(
  slo: Slo,
  p: string,
  windowSeconds: number,
): { readonly queries: readonly DashboardQuery[]; readonly ratio: string } | undefined {
  const query = errorRatioQuery(slo.indicator);
  if (!query) return undefined;
  const known = new Set([...Object.keys(query.metrics), ...query.steps.map((s) => s.id)]);
  const id = (name: string) => `${p}_${name}`;
  const math = (step: { id: string; expression: string }) =>
    mathQuery(id(step.id), renameIds(step.expression, (word) => (known.has(word) ? id(word) : undefined)), {
      hidden: true,
    });
  return {
    queries: [
      ...Object.entries(query.metrics).map(([name, m]) => metricQuery(id(name), m, { hidden: true, periodSeconds: windowSeconds })),
      ...query.steps.map(math),
      math(query.errorRatio),
    ],
    ratio: id(query.errorRatio.id),
  };
}

/** The PromQL error ratio over `window` (a duration or `$__range`). */
export function prometheusErrorRatio(slo: Slo, window: string): string | undefined {
  const q = (s: MetricSource | undefined): string | undefined =>
    s?.type === 'Prometheus' ? `(${s.query.split('{{.window}}').join(window)})` : undefined;
  const ind = slo.indicator;
  if (ind.kind === 'rawErrorRatio') return q(ind.errorRatio);
  if (ind.kind !== 'ratio' || !q(ind.total)) return undefined;
  if (ind.bad) return `${q(ind.bad)} / ${q(ind.total)}`;
  return ind.good ? `1 - ${q(ind.good)} / ${q(ind.total)}` : undefined;
}

/** Numbers as they go into expressions and text: 0.001, not 0.0010000000000000009. */
export function num(value: number): string {
  return String(+value.toPrecision(12));
}

const prom = (id: string, query: string, label: string): DashboardQuery => ({
  id,
  label,
  source: { type: 'Prometheus', query },
});

export function sloTitle(slo: Slo): string {
  return slo.displayName ?? slo.name;
}

/** SLI (1 - error ratio) against the objective. */
export function sliWidget(slo: Slo, width = 12): Widget | undefined {
  const base = {
    type: 'timeSeries' as const,
    title: `${sloTitle(slo)}: SLI vs objective ${(slo.objective * 100).toFixed(3).replace(/\.?0+$/, '')} %`,
    description: 'Share of good events per 5 minutes; the line is the objective.',
    width,
    height: 7,
    periodSeconds: 300,
    unit: 'ratio' as const,
    thresholds: [{ value: slo.objective, label: 'objective', severity: 'critical' as const, comparison: 'below' as const }],
  };
  const system = sloSystem(slo);
  if (system === 'cloudwatch') {
    const r = cloudWatchErrorRatio(slo, 'w', 300);
    return r && { ...base, queries: [...r.queries, mathQuery('sli', `1 - ${r.ratio}`, { label: 'SLI' })] };
  }
  if (system === 'prometheus') {
    const ratio = prometheusErrorRatio(slo, '$__rate_interval');
    return ratio === undefined ? undefined : { ...base, queries: [prom('sli', `1 - (${ratio})`, 'SLI')] };
  }
  return undefined;
}

/** Budget remaining as a fraction of the period's budget, over `range`; negative = SLO breached. */
export function budgetWidget(
  slo: Slo,
  range: WidgetTimeRange,
  view: 'singleValue' | 'timeSeries',
  width = 6,
): SingleValueWidget | TimeSeriesWidget | undefined {
  const budget = num(errorBudget(slo.objective));
  const title =
    view === 'timeSeries'
      ? `${sloTitle(slo)}: error budget burn-down`
      : `${sloTitle(slo)}: budget remaining (${range.kind === 'monthToDate' ? 'month to date' : formatDuration(slo.period.seconds)})`;
  const base = {
    title,
    description:
      'Share of the error budget left: 1 - (bad events / total events) / (1 - objective), accumulated from the ' +
      'start of the range. Below 0 the SLO is breached.',
    width,
    height: view === 'timeSeries' ? 7 : 4,
    periodSeconds: 3600,
    unit: 'ratio' as const,
    timeRange: range,
    thresholds: [
      { value: 0.25, label: 'a quarter left', severity: 'warning' as const, comparison: 'below' as const },
      { value: 0, label: 'budget spent', severity: 'critical' as const, comparison: 'below' as const },
    ],
  };
  const system = sloSystem(slo);
  let queries: DashboardQuery[] | undefined;
  if (system === 'cloudwatch') {
    const r = cloudWatchErrorRatio(slo, 'w', 3600);
    if (!r?.counts) return undefined;
    const { bad, total } = r.counts;
    queries = [
      ...r.queries.filter((q) => q.id !== r.ratio),
      mathQuery('left', `1 - RUNNING_SUM(FILL(${bad}, 0)) / (${budget} * RUNNING_SUM(FILL(${total}, 0)))`, {
        label: 'budget remaining',
      }),
    ];
  } else if (system === 'prometheus') {
    // $__range is the panel's whole (overridden) range, so one instant value covers the period or the month.
    const ratio = prometheusErrorRatio(slo, view === 'timeSeries' ? '$__interval' : '$__range');
    if (ratio === undefined) return undefined;
    queries = [prom('left', `1 - (${ratio}) / ${budget}`, 'budget remaining')];
  }
  if (!queries) return undefined;
  return view === 'timeSeries'
    ? { type: 'timeSeries', ...base, queries }
    : { type: 'singleValue', ...base, queries };
}

/**
 * One number over the SLO period from the SLI's hourly event counts: CloudWatch math over the bad and total
 * ids (`math`), or a PromQL query (`promql`); undefined when the SLI has neither.
 */
function periodStat(
  slo: Slo,
  widget: Omit<SingleValueWidget, 'type' | 'queries' | 'periodSeconds' | 'timeRange' | 'height'>,
  id: string,
  label: string,
  math: (bad: string, total: string) => string,
  promql: () => string | undefined,
): SingleValueWidget | undefined {
  const base = {
    ...widget,
    type: 'singleValue' as const,
    height: 4,
    periodSeconds: 3600,
    timeRange: { kind: 'last' as const, seconds: slo.period.seconds },
  };
  const system = sloSystem(slo);
  if (system === 'cloudwatch') {
    const r = cloudWatchErrorRatio(slo, id.charAt(0), 3600);
    if (!r?.counts) return undefined;
    const queries = [...r.queries.filter((q) => q.id !== r.ratio), mathQuery(id, math(r.counts.bad, r.counts.total), { label })];
    return { ...base, queries };
  }
  const query = system === 'prometheus' ? promql() : undefined;
  return query === undefined ? undefined : { ...base, queries: [prom(id, query, label)] };
}

/**
 * Attainment over the SLO period: good events / all events since the start of the period (what the SLO is
 * judged on), red below the objective. One value per SLO makes the management summary row.
 */
export function attainmentWidget(slo: Slo, width: number): SingleValueWidget | undefined {
  const period = formatDuration(slo.period.seconds);
  return periodStat(
    slo,
    {
      title: `${sloTitle(slo)}: attainment (${period})`,
      description: `Share of good events over the last ${period} (the SLO period), against the objective ${num(slo.objective)}.`,
      width,
      unit: 'ratio',
      thresholds: [{ value: slo.objective, label: 'objective', severity: 'critical', comparison: 'below' }],
    },
    'attained',
    'attainment',
    (bad, total) => `1 - RUNNING_SUM(FILL(${bad}, 0)) / RUNNING_SUM(FILL(${total}, 0))`,
    () => {
      const ratio = prometheusErrorRatio(slo, '$__range');
      return ratio === undefined ? undefined : `1 - (${ratio})`;
    },
  );
}

/**
 * Time in breach over the SLO period: the hours whose own error ratio was above the budget (1 - objective),
 * added up. Not the SLO's verdict (attainment is) but how often customers saw it missed, hour by hour.
 */
export function timeInBreachWidget(slo: Slo, width: number): SingleValueWidget | undefined {
  const budget = num(errorBudget(slo.objective));
  const period = formatDuration(slo.period.seconds);
  return periodStat(
    slo,
    {
      title: `${sloTitle(slo)}: time in breach (${period})`,
      description:
        `Hours of the last ${period} whose error ratio was above the budget ${budget} ` +
        '(hour by hour; hours without events count as met).',
      width,
      unit: 'seconds',
      thresholds: [],
    },
    'breach',
    'time in breach',
    (bad, total) => `3600 * RUNNING_SUM(IF(FILL(${bad}, 0) > ${budget} * FILL(${total}, 0), 1, 0))`,
    () => {
      const ratio = prometheusErrorRatio(slo, '1h');
      return ratio === undefined ? undefined : `3600 * sum_over_time(((${ratio}) > bool ${budget})[$__range:1h])`;
    },
  );
}

/** Burn rate of the tier's long and short windows, with the tier's burn rate drawn. */
export function burnRateWidget(slo: Slo, tier: BurnRateTier, width = 6): TimeSeriesWidget | undefined {
  const budget = num(errorBudget(slo.objective));
  const long = formatDuration(tier.longWindowSeconds);
  const short = formatDuration(tier.shortWindowSeconds);
  const base = {
    type: 'timeSeries' as const,
    title: `${sloTitle(slo)}: burn rate ${tier.name} (${long} / ${short} > ${tier.burnRate})`,
    description:
      `Tier ${tier.name} (${tier.severity}) fires when both windows burn faster than ${tier.burnRate}x, ` +
      `an error ratio above ${+tierThreshold(tier, slo.objective).toPrecision(6)}. ` +
      'Each point is one window-long bucket.',
    width,
    height: 7,
    periodSeconds: tier.shortWindowSeconds,
    unit: 'none' as const,
    timeRange: { kind: 'last' as const, seconds: Math.max(4 * tier.longWindowSeconds, 86400) },
    thresholds: [
      {
        value: tier.burnRate,
        label: `${tier.name} burn rate`,
        severity: tier.severity === 'page' ? ('critical' as const) : ('warning' as const),
      },
    ],
  };
  const system = sloSystem(slo);
  if (system === 'cloudwatch') {
    const l = alarmErrorRatio(slo, 'l', tier.longWindowSeconds);
    const s = alarmErrorRatio(slo, 's', tier.shortWindowSeconds);
    if (!l || !s) return undefined;
    return {
      ...base,
      queries: [
        ...l.queries,
        ...s.queries,
        mathQuery('burnlong', `${l.ratio} / ${budget}`, { label: `burn rate ${long}` }),
        mathQuery('burnshort', `${s.ratio} / ${budget}`, { label: `burn rate ${short}` }),
      ],
    };
  }
  if (system === 'prometheus') {
    const l = prometheusErrorRatio(slo, long);
    const s = prometheusErrorRatio(slo, short);
    if (l === undefined || s === undefined) return undefined;
    return {
      ...base,
      queries: [prom('burnlong', `(${l}) / ${budget}`, `burn rate ${long}`), prom('burnshort', `(${s}) / ${budget}`, `burn rate ${short}`)],
    };
  }
  return undefined;
}

export function sloAlarmNames(slo: Slo): string[] {
  return slo.alerting.enabled ? slo.alerting.policy.tiers.map((t) => sloTierAlarmName(slo, t)) : [];
}

/**
 * The tier's alert condition, evaluated on the dashboard: the burn-rate panel's queries reduced to their
 * latest values, coloured past the tier's burn rate. Both windows past it is what fires the tier.
 */
export function tierCondition(slo: Slo, tier: BurnRateTier): AlarmCondition | undefined {
  const w = burnRateWidget(slo, tier);
  if (!w) return undefined;
  return {
    alarmName: sloTierAlarmName(slo, tier),
    title: `${tier.name}: both windows > ${tier.burnRate}`,
    description:
      `Latest burn rate of the ${formatDuration(tier.longWindowSeconds)} and ${formatDuration(tier.shortWindowSeconds)} ` +
      `windows. Tier ${tier.name} (${tier.severity}) fires while both are coloured. ` +
      (sloSystem(slo) === 'cloudwatch'
        ? "From the alarms' error-ratio math; the alarms evaluate sliding windows, this the latest window-long bucket."
        : 'From the PromQL error ratio over each window, as the burn-rate rules evaluate it.'),
    queries: w.queries,
    periodSeconds: w.periodSeconds,
    unit: w.unit,
    thresholds: w.thresholds,
    ...(w.timeRange ? { timeRange: w.timeRange } : {}),
  };
}

/** Which tiers are firing: the tier alarms, with each tier's condition for renderers that cannot read alarm state. */
export function firingTiersWidget(slo: Slo, title: string, width: number, height: number): Widget | undefined {
  const alarmNames = sloAlarmNames(slo);
  if (alarmNames.length === 0) return undefined;
  const conditions = slo.alerting.policy.tiers.map((t) => tierCondition(slo, t));
  return {
    type: 'alarmStatus',
    title,
    width,
    height,
    alarmNames,
    ...(conditions.every((c) => c !== undefined) ? { conditions } : {}),
    ...(slo.alerting.runbookUrl ? { links: [{ title: 'Runbook', url: slo.alerting.runbookUrl }] } : {}),
  };
}

export function sloSummaryText(slo: Slo): string {
  const budget = num(errorBudget(slo.objective));
  const minutes = budgetMinutes(slo.objective, slo.period.seconds);
  const rows = slo.alerting.policy.tiers.map(
    (t) =>
      `| ${t.name} | ${t.severity} | ${formatDuration(t.longWindowSeconds)} / ${formatDuration(t.shortWindowSeconds)} ` +
      `| ${t.burnRate} | ${+tierThreshold(t, slo.objective).toPrecision(6)} | ${Math.round(t.budgetFraction * 100)} % |`,
  );
  return [
    `**${sloTitle(slo)}** (${slo.service})${slo.description ? `: ${slo.description}` : ''}`,
    '',
    `Objective ${+(slo.objective * 100).toPrecision(8)} % over ${slo.period.rolling ? 'a rolling ' : ''}` +
      `${formatDuration(slo.period.seconds)}; error budget ${budget} ` +
      `(${+minutes.toFixed(1)} minutes of full outage).`,
    '',
    '| tier | severity | windows | burn rate | error ratio threshold | budget at detection |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
    ...(slo.alerting.runbookUrl ? ['', `[Runbook](${slo.alerting.runbookUrl})`] : []),
  ].join('\n');
}

/** The full SLO section: summary, SLI, budgets, burn-down, one burn-rate panel per tier, tier alarms. */
export function sloWidgets(slo: Slo): Widget[] {
  const widgets: (Widget | undefined)[] = [
    { type: 'text', title: `${sloTitle(slo)}: objective and tiers`, width: 12, height: 7, markdown: sloSummaryText(slo) },
    sliWidget(slo),
    budgetWidget(slo, { kind: 'last', seconds: slo.period.seconds }, 'singleValue'),
    budgetWidget(slo, { kind: 'monthToDate' }, 'singleValue'),
    budgetWidget(slo, { kind: 'last', seconds: slo.period.seconds }, 'timeSeries', 12),
    ...slo.alerting.policy.tiers.map((t) => burnRateWidget(slo, t)),
  ];
  widgets.push(firingTiersWidget(slo, `${sloTitle(slo)}: firing tiers`, 12, 4));
  if (sloSystem(slo) === undefined)
    widgets.push({
      type: 'text',
      title: `${sloTitle(slo)}: not drawn`,
      width: 12,
      height: 3,
      markdown:
        'This SLI is not a ratio of CloudWatch or Prometheus events (threshold SLI, mixed or opaque sources), ' +
        'so its budget and burn rates are not drawn.',
    });
  return widgets.filter((w): w is Widget => w !== undefined);
}
