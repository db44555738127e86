/**
 * What an open dashboard costs while someone looks at it. A Grafana board on the CloudWatch data
 * source asks GetMetricData for every metric of every panel at each refresh, and AWS bills metrics
 * requested ($0.01 per 1,000), not calls: the bill grows with panels x refresh rate x hours open.
 * Metric math is free; each metric it reads is billed; a SEARCH is billed per metric it matches.
 */
import type { Audience, Dashboard, DashboardQuery } from '../model/dashboard';

/**
 * Refresh each audience's board defaults to (the Grafana renderer writes it), chosen so one board
 * open 176 h a month stays under about 3 USD of GetMetricData on GoodGreets (`sre cost`; at the
 * old 1-minute refresh the SLO board alone was 28 USD). Management reads attainment and budgets,
 * which move over hours; developer and security boards are read during incidents (the developer
 * board, the largest per refresh with every component and route, at 10 minutes); the SLO board
 * is the largest (every tier's windows: 332 metrics a refresh on GoodGreets since the page SLO
 * subtracts the API's counts, 3.51 USD at 10 minutes) and refreshes like management: its tier
 * alarms notify by themselves. Anyone watching an incident can refresh by hand or pick a faster
 * interval in Grafana for the session.
 */
export const DEFAULT_REFRESH_SECONDS: Readonly<Record<Audience | 'slo', number>> = {
  management: 15 * 60,
  developer: 10 * 60,
  security: 5 * 60,
  slo: 15 * 60,
};

export interface ViewingProfile {
  /** Hours a month the board is open in a browser. @default 176 (8 hours, 22 working days) */
  readonly hoursOpenPerMonth?: number;
  /** Refresh interval; @default the audience's DEFAULT_REFRESH_SECONDS */
  readonly refreshSeconds?: number;
  /** Metrics one SEARCH expression matches (unknowable before deploy). @default 5 */
  readonly metricsPerSearch?: number;
}

export interface DashboardReads {
  /** CloudWatch metrics (MetricStat queries, hidden ones included: they are fetched for math). */
  readonly metrics: number;
  /** SEARCH expressions, billed per metric they match. */
  readonly searches: number;
  /** Logs Insights widgets: billed per GB scanned, which a model cannot know. */
  readonly logQueries: number;
}

const isCloudWatchMetric = (q: DashboardQuery): boolean =>
  'source' in q && (q.source as { type?: string }).type === 'CloudWatch';
const isSearch = (q: DashboardQuery): boolean => 'expression' in q && /\bSEARCH\s*\(/.test(q.expression);

/** What one refresh of the board reads from CloudWatch, as Grafana renders it (live alarm views included). */
export function dashboardReads(d: Dashboard): DashboardReads {
  let metrics = 0;
  let searches = 0;
  let logQueries = 0;
  const count = (queries: readonly DashboardQuery[]) => {
    for (const q of queries) {
      if (isCloudWatchMetric(q)) metrics++;
      else if (isSearch(q)) searches++;
    }
  };
  for (const section of d.sections)
    for (const w of section.widgets) {
      if (w.type === 'logQuery') logQueries++;
      else if (w.type === 'alarmStatus') w.conditions?.forEach((c) => count(c.queries));
      else if ('queries' in w) count(w.queries);
    }
  return { metrics, searches, logQueries };
}

export interface DashboardViewing {
  readonly dashboard: string;
  readonly refreshSeconds: number;
  readonly hoursOpenPerMonth: number;
  readonly metricsPerRefresh: number;
  readonly metricsPerMonth: number;
  readonly logQueries: number;
}

/** Metrics one board requests in a month at a refresh and hours open. */
export function dashboardViewing(d: Dashboard, profile: ViewingProfile = {}): DashboardViewing {
  const hours = profile.hoursOpenPerMonth ?? 176;
  const refreshSeconds = profile.refreshSeconds ?? DEFAULT_REFRESH_SECONDS[d.audience];
  if (!(refreshSeconds > 0)) throw new RangeError(`refresh of ${d.name} must be above 0 s, got ${refreshSeconds}`);
  if (!(hours >= 0)) throw new RangeError(`hours open of ${d.name} must be 0 or more, got ${hours}`);
  const reads = dashboardReads(d);
  const metricsPerRefresh = reads.metrics + reads.searches * (profile.metricsPerSearch ?? 5);
  // Every refresh interval the board stays open is one load of every panel.
  const loads = Math.ceil((hours * 3600) / refreshSeconds);
  return {
    dashboard: d.name,
    refreshSeconds,
    hoursOpenPerMonth: hours,
    metricsPerRefresh,
    metricsPerMonth: metricsPerRefresh * loads,
    logQueries: reads.logQueries,
  };
}
