/**
 * Grafana panels per model widget, built with the foundation SDK's panel builders. Alarm status has no
 * Grafana panel that reads CloudWatch alarms: when the model carries the alarms' conditions (SLO tiers),
 * each becomes a stat panel evaluating the condition from the metrics, linking its alarm in the CloudWatch
 * console; otherwise a text panel lists the console links. The dashboard also carries a CloudWatch alarm
 * annotation (see dashboard.ts).
 */
import * as barchart from '@grafana/grafana-foundation-sdk/barchart';
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as gauge from '@grafana/grafana-foundation-sdk/gauge';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as text from '@grafana/grafana-foundation-sdk/text';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import type { AlarmCondition, AlarmStatusWidget, GridPos, Unit, Widget, WidgetTimeRange } from '@sre-kit/core';
import { CLOUDWATCH, MIXED, PROMETHEUS } from './datasources';
import { logTarget, querySystem, target } from './targets';
import { thresholdSteps } from './thresholds';

export interface PanelOptions {
  /** Region used in CloudWatch console links. */
  readonly region: string;
}

export const GRAFANA_UNITS: Readonly<Record<Unit, string>> = {
  none: 'none',
  count: 'short',
  percent: 'percent',
  ratio: 'percentunit',
  seconds: 's',
  milliseconds: 'ms',
  bytes: 'bytes',
  requestsPerSecond: 'reqps',
  usd: 'currencyUSD',
};

/** Grafana relative time: `30d`, `96h`, or `now/M` (month so far). */
export function timeFrom(range: WidgetTimeRange): string {
  if (range.kind === 'monthToDate') return 'now/M';
  return range.seconds % 86400 === 0 ? `${range.seconds / 86400}d` : `${Math.ceil(range.seconds / 3600)}h`;
}

function links(widget: Widget): cog.Builder<dashboard.DashboardLink>[] {
  return (widget.links ?? []).map((l) =>
    new dashboard.DashboardLinkBuilder(l.title).type(dashboard.DashboardLinkType.Link).url(l.url).targetBlank(true),
  );
}

export function alarmConsoleUrl(region: string, name: string): string {
  return `https://console.aws.amazon.com/cloudwatch/home?region=${region}#alarmsV2:alarm/${encodeURIComponent(name)}`;
}

/**
 * `count` panels side by side inside `pos`, each at least 3 columns wide (rows of them when the
 * widget is narrower), never outside `pos` so the shared layout stays overlap-free.
 */
export function splitPos(pos: GridPos, count: number): GridPos[] {
  const cols = Math.max(1, Math.min(count, Math.floor(pos.w / 3)));
  const rows = Math.ceil(count / cols);
  const h = Math.max(1, Math.floor(pos.h / rows));
  return Array.from({ length: count }, (_, i) => {
    const row = Math.floor(i / cols);
    const col = i % cols;
    const inRow = Math.min(cols, count - row * cols);
    const w = Math.floor(pos.w / inRow);
    // The last panel of a row takes the columns the division leaves.
    return { x: pos.x + col * w, y: pos.y + row * h, w: col === inRow - 1 ? pos.w - col * w : w, h };
  });
}

/** The condition as the stat widget it is drawn as: the latest value of each visible query, coloured by threshold. */
function conditionWidget(status: AlarmStatusWidget, condition: AlarmCondition, region: string): Widget {
  return {
    type: 'singleValue',
    title: condition.title,
    description: condition.description,
    width: status.width,
    height: status.height,
    ...(status.region ? { region: status.region } : {}),
    queries: condition.queries,
    periodSeconds: condition.periodSeconds,
    unit: condition.unit,
    thresholds: condition.thresholds,
    ...(condition.timeRange ? { timeRange: condition.timeRange } : {}),
    links: [
      { title: `Alarm ${condition.alarmName}`, url: alarmConsoleUrl(region, condition.alarmName) },
      ...(status.links ?? []),
    ],
  };
}

/** The panels of one widget: one, except alarm status with conditions (one stat per alarm). */
export function buildPanels(
  widget: Widget,
  pos: GridPos,
  nextId: () => number,
  options: PanelOptions,
): cog.Builder<dashboard.Panel>[] {
  if (widget.type === 'alarmStatus' && widget.conditions?.length) {
    const conditions = widget.conditions;
    const places = splitPos(pos, conditions.length);
    return conditions.map((c, i) =>
      buildPanel(conditionWidget(widget, c, options.region), places[i], nextId(), options),
    );
  }
  return [buildPanel(widget, pos, nextId(), options)];
}

export function buildPanel(
  widget: Widget,
  pos: GridPos,
  id: number,
  options: PanelOptions,
): cog.Builder<dashboard.Panel> {
  const gridPos = { x: pos.x, y: pos.y, w: pos.w, h: pos.h };
  switch (widget.type) {
    case 'text':
      return new text.PanelBuilder()
        .id(id)
        .title(widget.title)
        .gridPos(gridPos)
        .mode(text.TextMode.Markdown)
        .content(widget.markdown)
        .links(links(widget));
    case 'alarmStatus': {
      const lines = widget.alarmNames.map((n) => `- [${n}](${alarmConsoleUrl(options.region, n)})`);
      return new text.PanelBuilder()
        .id(id)
        .title(widget.title)
        .description('CloudWatch alarms behind this view; state changes also show as dashboard annotations.')
        .gridPos(gridPos)
        .mode(text.TextMode.Markdown)
        .content(lines.join('\n'))
        .links(links(widget));
    }
    case 'logQuery': {
      const builder =
        widget.visualization === 'table'
          ? new table.PanelBuilder()
          : widget.visualization === 'bar'
            ? new barchart.PanelBuilder()
            : new timeseries.PanelBuilder();
      return builder
        .id(id)
        .title(widget.title)
        .gridPos(gridPos)
        .datasource(CLOUDWATCH)
        .withTarget(logTarget(widget))
        .links(links(widget));
    }
    default: {
      const systems = new Set(widget.queries.map(querySystem));
      const datasource = systems.size > 1 ? MIXED : systems.has('prometheus') ? PROMETHEUS : CLOUDWATCH;
      const targets = widget.queries.map((q) =>
        target(q, {
          periodSeconds: widget.periodSeconds,
          instant: widget.type !== 'timeSeries',
          region: widget.region,
        }),
      );
      const thresholds = new dashboard.ThresholdsConfigBuilder()
        .mode(dashboard.ThresholdsMode.Absolute)
        .steps(thresholdSteps(widget.thresholds));
      const unit = GRAFANA_UNITS[widget.unit];
      let builder;
      if (widget.type === 'timeSeries') {
        builder = new timeseries.PanelBuilder()
          .legend(
            new common.VizLegendOptionsBuilder()
              .showLegend(true)
              .displayMode(common.LegendDisplayMode.List)
              .placement(common.LegendPlacement.Bottom),
          )
          .thresholdsStyle(
            new common.GraphThresholdsStyleConfigBuilder().mode(
              widget.thresholds.length > 0
                ? common.GraphThresholdsStyleMode.Dashed
                : common.GraphThresholdsStyleMode.Off,
            ),
          )
          .stacking(
            new common.StackingConfigBuilder().mode(
              widget.stacked ? common.StackingMode.Normal : common.StackingMode.None,
            ),
          );
      } else if (widget.type === 'singleValue') {
        builder = new stat.PanelBuilder()
          .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
          .colorMode(common.BigValueColorMode.Background)
          .graphMode(common.BigValueGraphMode.None);
      } else {
        builder = new gauge.PanelBuilder()
          .min(widget.min)
          .max(widget.max)
          .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false));
      }
      builder
        .id(id)
        .title(widget.title)
        .gridPos(gridPos)
        .datasource(datasource)
        .targets(targets)
        .unit(unit)
        .thresholds(thresholds)
        .links(links(widget));
      if (widget.description) builder.description(widget.description);
      if (widget.timeRange) builder.timeFrom(timeFrom(widget.timeRange));
      return builder;
    }
  }
}
