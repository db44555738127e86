/**
 * A core `Dashboard` to Grafana dashboard JSON: one row per section, panels placed by the shared core
 * layout (the same grid as the CloudWatch body), data sources through variables, and CloudWatch
 * alarm state changes as an annotation when the dashboard shows alarms.
 */
import * as cloudwatch from '@grafana/grafana-foundation-sdk/cloudwatch';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import {
  DEFAULT_REFRESH_SECONDS,
  dashboardForSource,
  layoutDashboard,
  type Dashboard,
  type MetricsSource,
} from '@sre-kit/core';
import { CLOUDWATCH, CLOUDWATCH_VARIABLE, PROMETHEUS_VARIABLE } from './datasources';
import { buildPanels } from './panels';
import { querySystem, REGION_REF } from './targets';
import { environmentOf, environmentVariable, regionVariable, withEnvironmentVariable } from './variables';

export interface GrafanaRenderOptions {
  /** Region for CloudWatch console links. @default 'us-east-1' */
  readonly region?: string;
  /** Appended to the description, for example how to regenerate the file. */
  readonly generatedNote?: string;
  /** Alarm-name prefix of the CloudWatch alarm annotation. @default the dashboard name up to its audience */
  readonly alarmNamePrefix?: string;
  /**
   * Alarm-action prefix of the annotations: Grafana's CloudWatch plugin runs a prefix-matching annotation
   * query only with a non-empty one (DescribeAlarms ActionPrefix). @default 'arn:aws:sns:' (the kit's SNS alert topics)
   */
  readonly alarmActionPrefix?: string;
  readonly tags?: readonly string[];
  /**
   * Where the panels with both views read: CloudWatch for a deployment on AWS, Prometheus for a local
   * stack (widgets' `prometheusQueries`). @default 'cloudwatch'
   */
  readonly source?: MetricsSource;
}

const DEFAULT_ACTION_PREFIX = 'arn:aws:sns:';
/** The statistics DescribeAlarms reports in Statistic (percentiles are ExtendedStatistic). */
const PLAIN_STATISTICS = ['SampleCount', 'Average', 'Sum', 'Minimum', 'Maximum'];

/** The plain statistics of the single-metric alarms the dashboard's alarm status widgets show, in a stable order. */
export function alarmStatistics(model: Dashboard): string[] {
  const used = new Set<string>();
  for (const section of model.sections)
    for (const w of section.widgets) {
      if (w.type !== 'alarmStatus') continue;
      for (const c of w.conditions ?? []) {
        const metrics = c.queries.filter((q) => !('expression' in q));
        const only = metrics.length === 1 && c.queries.length === 1 ? metrics[0] : undefined;
        if (only && 'source' in only && only.source.type === 'CloudWatch' && 'statistic' in only.source)
          used.add(only.source.statistic);
      }
      // Without live conditions the alarms' statistics are unknown: annotate every plain statistic.
      if (!w.conditions) PLAIN_STATISTICS.forEach((s) => used.add(s));
    }
  return PLAIN_STATISTICS.filter((s) => used.has(s));
}

function usesPrometheus(model: Dashboard): boolean {
  return model.sections.some((s) =>
    s.widgets.some((w) => 'queries' in w && w.queries.some((q) => querySystem(q) === 'prometheus')),
  );
}

export function renderGrafanaDashboard(specModel: Dashboard, options: GrafanaRenderOptions = {}): dashboard.Dashboard {
  const picked = dashboardForSource(specModel, options.source ?? 'cloudwatch');
  const environment = environmentOf(picked);
  const model = environment ? withEnvironmentVariable(picked, environment.value) : picked;
  const region = options.region ?? 'us-east-1';
  const description = options.generatedNote ? `${model.description} ${options.generatedNote}` : model.description;
  const builder = new dashboard.DashboardBuilder(model.title)
    .uid(model.name)
    .description(description)
    .tags(['sre-kit', model.audience, ...(options.tags ?? [])])
    .readonly()
    .time({ from: 'now-6h', to: 'now' })
    .refresh(`${DEFAULT_REFRESH_SECONDS[model.audience] / 60}m`)
    .timezone('browser')
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    // The sibling audiences of the same service, one click away.
    .link(
      new dashboard.DashboardLinkBuilder('Dashboards')
        .type(dashboard.DashboardLinkType.Dashboards)
        .tags(['sre-kit', ...(options.tags ?? [])])
        .asDropdown(true)
        .keepTime(true)
        .includeVars(true),
    )
    .withVariable(new dashboard.DatasourceVariableBuilder(CLOUDWATCH_VARIABLE).label('CloudWatch').type('cloudwatch'))
    .withVariable(regionVariable(region));
  if (environment) builder.withVariable(environmentVariable(environment));
  if (usesPrometheus(model))
    builder.withVariable(
      new dashboard.DatasourceVariableBuilder(PROMETHEUS_VARIABLE).label('Prometheus').type('prometheus'),
    );
  // The plugin keeps only alarms whose Statistic equals the query's, so one annotation per statistic the
  // dashboard's alarms use; percentile and metric-math alarms have none it can match and are not annotated.
  const statistics = alarmStatistics(model);
  if (statistics.length > 0) {
    const prefix = options.alarmNamePrefix ?? model.name.slice(0, model.name.length - model.audience.length);
    for (const statistic of statistics)
      builder.annotation(
        new dashboard.AnnotationQueryBuilder()
          .name(`CloudWatch alarms (${statistic})`)
          .datasource(CLOUDWATCH)
          .enable(true)
          .iconColor('red')
          .target(
            new cloudwatch.AnnotationQueryBuilder()
              .queryMode(cloudwatch.QueryMode.Annotations)
              .region(REGION_REF)
              .prefixMatching(true)
              .actionPrefix(options.alarmActionPrefix ?? DEFAULT_ACTION_PREFIX)
              .alarmNamePrefix(prefix)
              .statistic(statistic)
              .refId(`alarms${statistic}`),
          ),
      );
  }
  let id = 1;
  for (const section of layoutDashboard(model)) {
    const h = section.header;
    builder.withRow(new dashboard.RowBuilder(section.title).id(id++).gridPos({ x: h.x, y: h.y, w: h.w, h: h.h }));
    for (const { widget, pos } of section.widgets)
      for (const panel of buildPanels(widget, pos, () => id++, { region })) builder.withPanel(panel);
  }
  return builder.build();
}
