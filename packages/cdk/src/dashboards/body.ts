/**
 * The CloudWatch `PutDashboard` body for a core `Dashboard`. Pure (no CDK): the CLI writes it to
 * files and the `SreDashboards` construct puts it in a CfnDashboard. Positions come from the
 * shared core layout, so widgets sit where they sit in Grafana. Prometheus-only widgets become a
 * text widget pointing at Grafana: CloudWatch dashboards cannot query Prometheus.
 */
import {
  dashboardForSource,
  layoutDashboard,
  type Dashboard,
  type DashboardQuery,
  type GridPos,
  type Threshold,
  type Unit,
  type Widget,
  type WidgetTimeRange,
} from '@sre-kit/core';

export interface CloudWatchRenderOptions {
  /** Region of the metric and log widgets. @default 'us-east-1' */
  readonly region?: string;
  /** Account of alarm ARNs built from logical names when `alarmArn` does not know one. @default '123456789012' */
  readonly accountId?: string;
  /** Maps a logical alarm name to the real alarm's ARN (the construct passes the alarms it created). */
  readonly alarmArn?: (logicalName: string) => string | undefined;
  /** ARN partition. @default 'aws' */
  readonly partition?: string;
}

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export interface CloudWatchWidget {
  readonly type: 'metric' | 'text' | 'alarm' | 'log';
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly properties: { [key: string]: Json };
}
export interface CloudWatchDashboardBody {
  readonly start: string;
  readonly periodOverride: 'auto' | 'inherit';
  readonly widgets: readonly CloudWatchWidget[];
}

export const SEVERITY_COLORS: Readonly<Record<Threshold['severity'], string>> = {
  critical: '#d62728',
  warning: '#ff7f0e',
  info: '#1f77b4',
};

const UNIT_LABELS: Readonly<Record<Unit, string>> = {
  none: '',
  count: 'count',
  percent: '%',
  ratio: 'ratio',
  seconds: 'seconds',
  milliseconds: 'ms',
  bytes: 'bytes',
  requestsPerSecond: 'req/s',
  usd: 'USD',
};

function metricEntry(query: DashboardQuery, region: string): Json[] | undefined {
  const options: { [key: string]: Json } = { id: query.id };
  if (query.label !== undefined) options.label = query.label;
  if (query.hidden) options.visible = false;
  if ('expression' in query) return [{ expression: query.expression, ...options }];
  const source = query.source;
  if (source.type !== 'CloudWatch') return undefined;
  const dims = Object.entries(source.dimensions).flat();
  options.stat = source.statistic;
  if ('periodSeconds' in query && query.periodSeconds !== undefined) options.period = query.periodSeconds;
  if (source.region !== undefined && source.region !== region) options.region = source.region;
  if (source.accountId !== undefined) options.accountId = source.accountId;
  return [source.namespace, source.metricName, ...dims, options];
}

/** ISO 8601 start of a widget's own range; month-to-date has none in CloudWatch (see the description). */
function rangeStart(range: WidgetTimeRange | undefined): string | undefined {
  if (!range || range.kind !== 'last') return undefined;
  return range.seconds % 3600 === 0 ? `-PT${range.seconds / 3600}H` : `-PT${Math.ceil(range.seconds / 60)}M`;
}

function annotations(thresholds: readonly Threshold[]): Json {
  return {
    horizontal: thresholds.map((t) => ({
      value: t.value,
      label: t.label,
      color: SEVERITY_COLORS[t.severity],
      // Shading above a line at 0 (or below one) would colour the whole graph: those draw the line only.
      ...(t.comparison !== 'below' && t.value > 0 ? { fill: 'above' } : {}),
      ...(t.comparison === 'below' ? { fill: 'below' } : {}),
    })),
  };
}

function text(pos: GridPos, markdown: string): CloudWatchWidget {
  return { type: 'text', x: pos.x, y: pos.y, width: pos.w, height: pos.h, properties: { markdown } };
}

function titled(title: string, markdown: string): string {
  return `### ${title}\n\n${markdown}`;
}

export function renderWidget(widget: Widget, pos: GridPos, options: CloudWatchRenderOptions): CloudWatchWidget {
  const region = widget.region ?? options.region ?? 'us-east-1';
  const place = { x: pos.x, y: pos.y, width: pos.w, height: pos.h };
  switch (widget.type) {
    case 'text':
      return text(pos, titled(widget.title, widget.markdown));
    case 'alarmStatus': {
      const partition = options.partition ?? 'aws';
      const account = options.accountId ?? '123456789012';
      const alarms = widget.alarmNames.map(
        (name) => options.alarmArn?.(name) ?? `arn:${partition}:cloudwatch:${region}:${account}:alarm:${name}`,
      );
      return { type: 'alarm', ...place, properties: { title: widget.title, alarms, sortBy: 'stateUpdatedTimestamp' } };
    }
    case 'logQuery': {
      const sources = widget.logGroupNames.map((g) => `SOURCE '${g.replace(/'/g, "\\'")}'`).join(' | ');
      return {
        type: 'log',
        ...place,
        properties: { title: widget.title, region, query: `${sources} | ${widget.query}`, view: widget.visualization, stacked: false },
      };
    }
    default: {
      const metrics = widget.queries
        .map((q) => metricEntry(q, region))
        .filter((m): m is Json[] => m !== undefined);
      if (metrics.length === 0) {
        return text(
          pos,
          titled(widget.title, 'This panel queries Prometheus, which CloudWatch dashboards cannot show: see the Grafana dashboard.'),
        );
      }
      // CloudWatch has no calendar-relative ranges: a month-to-date number would show the dashboard's range.
      if ('timeRange' in widget && widget.timeRange?.kind === 'monthToDate')
        return text(
          pos,
          titled(
            widget.title,
            'CloudWatch dashboards have no month-to-date range: see this panel on the Grafana dashboard, or the budget remaining over the SLO period.',
          ),
        );
      const properties: { [key: string]: Json } = {
        title: widget.title,
        view: widget.type === 'timeSeries' ? 'timeSeries' : widget.type === 'singleValue' ? 'singleValue' : 'gauge',
        region,
        period: widget.periodSeconds,
        stat: 'Average',
        metrics,
      };
      if (widget.type === 'timeSeries') properties.stacked = widget.stacked ?? false;
      const yAxis: { [key: string]: Json } = { label: UNIT_LABELS[widget.unit], showUnits: false };
      if (widget.type === 'gauge') Object.assign(yAxis, { min: widget.min, max: widget.max });
      properties.yAxis = { left: yAxis };
      if (widget.thresholds.length > 0) properties.annotations = annotations(widget.thresholds);
      const start = rangeStart(widget.timeRange);
      if (start) Object.assign(properties, { start, end: 'P0D' });
      return { type: 'metric', ...place, properties };
    }
  }
}

/** The PutDashboard body (`DashboardBody` JSON) of `dashboard`. */
export function renderCloudWatchDashboardBody(
  dashboard: Dashboard,
  options: CloudWatchRenderOptions = {},
): CloudWatchDashboardBody {
  const widgets: CloudWatchWidget[] = [];
  for (const section of layoutDashboard(dashboardForSource(dashboard, 'cloudwatch'))) {
    widgets.push(text(section.header, `## ${section.title}`));
    for (const { widget, pos } of section.widgets) widgets.push(renderWidget(widget, pos, options));
  }
  return { start: '-PT6H', periodOverride: 'inherit', widgets };
}

/** How many metric rows `body`'s widgets hold (what CloudWatch's metrics-per-dashboard limit counts). */
export function metricCount(body: CloudWatchDashboardBody): number {
  return body.widgets.reduce((n, w) => n + (Array.isArray(w.properties.metrics) ? w.properties.metrics.length : 0), 0);
}

/**
 * `body` cut into dashboards CloudWatch accepts, of at most `maxWidgets` widgets and `maxMetrics`
 * metrics each: whole sections (a `## ` header and its panels) while they fit, a section larger than a
 * dashboard cut at the limit. Each part's widgets move up so that it starts at the top. One part when
 * the body fits: a kit of 100 services drew 2,500 widgets on its developer dashboard, 5 times
 * CloudWatch's limit.
 */
export function splitDashboardBody(
  body: CloudWatchDashboardBody,
  limits: { readonly maxWidgets: number; readonly maxMetrics: number },
): CloudWatchDashboardBody[] {
  const sections: CloudWatchWidget[][] = [];
  for (const w of body.widgets) {
    const header = w.type === 'text' && String(w.properties.markdown).startsWith('## ');
    if (header || sections.length === 0) sections.push([]);
    sections.at(-1)!.push(w);
  }
  const metrics = (ws: readonly CloudWatchWidget[]) => metricCount({ ...body, widgets: ws });
  const fits = (ws: readonly CloudWatchWidget[]) => ws.length <= limits.maxWidgets && metrics(ws) <= limits.maxMetrics;
  const parts: CloudWatchWidget[][] = [[]];
  const add = (w: CloudWatchWidget) => {
    if (!fits([...parts.at(-1)!, w])) parts.push([]);
    parts.at(-1)!.push(w);
  };
  for (const section of sections) {
    if (parts.at(-1)!.length > 0 && !fits([...parts.at(-1)!, ...section])) parts.push([]);
    section.forEach(add);
  }
  return parts.map((widgets) => {
    const top = Math.min(...widgets.map((w) => w.y));
    return { ...body, widgets: widgets.map((w) => ({ ...w, y: w.y - top })) };
  });
}
