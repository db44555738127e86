/**
 * `buildDashboards`: the management, developer, security and SLO dashboards of one service, as the
 * renderer-independent model. Every renderer (CloudWatch body, Grafana JSON) draws exactly this.
 */
import { resolveAlarms } from '../catalogue';
import type { AlarmPolicy, ResolvedAlarm } from '../model/alarms';
import type { Audience, Dashboard, DashboardSection, MetricsSource, Widget } from '../model/dashboard';
import type { Slo } from '../model/slo';
import { resourceContexts, resourceSection, type AttributeResolver, type DimensionResolver } from './developer';
import { businessFlowHint, sloStatusSection, sloSummarySection } from './management';
import { mergePanels, type PanelGroup } from './panels';
import { securitySections } from './security';
import { sloTitle, sloWidgets } from './slo';

export interface BuildDashboardsInput {
  readonly slos: readonly Slo[];
  readonly alarmPolicies: readonly AlarmPolicy[];
  /** Names the dashboards (`<service>-management`, ...); SLOs and policies of other services are left out. */
  readonly service: string;
  /** Explicit panels from `kind: Dashboard` specs. */
  readonly panels?: readonly PanelGroup[];
  /** The alarms as created, when a renderer knows them better than the policies (CDK: thresholds from constructs). @default resolveAlarms of each policy */
  readonly resolvedAlarms?: readonly ResolvedAlarm[];
  /** Dimension values the specs leave out (the CDK facade knows them from the constructs). */
  readonly resolveDimensions?: DimensionResolver;
  /**
   * Attributes the specs leave out. WAF panels that read CAPTCHA metrics are drawn only for
   * `captcha: "true"` and Bot Control label panels only for `botControl: "true"`: WAF publishes
   * neither otherwise, and `sre verify` fails a dashboard that reads them.
   */
  readonly resolveAttributes?: AttributeResolver;
}

const TITLES: Record<Audience | 'slo', string> = {
  management: 'management: business flow and SLO status',
  developer: 'developer: RED and saturation per component',
  security: 'security: WAF, bots, client errors, abuse',
  slo: 'SLOs: budgets and burn rates',
};

const DESCRIPTIONS: Record<Audience | 'slo', string> = {
  management: 'Is the service doing its job for customers: business throughput and error budget left per SLO.',
  developer: 'Rate, errors, duration and saturation of every monitored component, with the alarm thresholds drawn.',
  security:
    'Traffic the WAF allowed, blocked and challenged (per rule), bot signals, 4xx spikes and app-level abuse signals.',
  slo: 'Per SLO: SLI vs objective, budget remaining (period and month to date), burn-down, burn rate per alert tier.',
};

export function buildDashboards(input: BuildDashboardsInput): Dashboard[] {
  const { service } = input;
  const slos = input.slos.filter((s) => s.service === service);
  const policies = input.alarmPolicies.filter((p) => p.service === service);
  const resolved = input.resolvedAlarms ?? policies.flatMap((p) => resolveAlarms(p));
  const contexts = resourceContexts(policies, resolved, input.resolveDimensions, input.resolveAttributes);
  const panels = (input.panels ?? []).filter((g) => g.service === undefined || g.service === service);
  const hasBusinessFlow = panels.some((g) => g.audience === 'management' && g.position === 'first');

  const generated: Record<Audience | 'slo', DashboardSection[]> = {
    management: [
      ...(hasBusinessFlow ? [] : [businessFlowHint(service)]),
      ...[sloStatusSection(slos)].filter((s): s is DashboardSection => s !== undefined),
    ],
    developer: contexts.map(resourceSection),
    security: securitySections(contexts),
    slo: slos.map((slo) => ({ title: `SLO: ${sloTitle(slo)}`, widgets: sloWidgets(slo) })),
  };

  return (Object.keys(generated) as (Audience | 'slo')[]).map((audience) => ({
    name: `${service}-${audience}`,
    audience,
    title: `${service} ${TITLES[audience]}`,
    description: DESCRIPTIONS[audience],
    // The SLO summary row leads management, before the spec's business flow (which asks to be first).
    sections: [
      ...(audience === 'management' ? [sloSummarySection(slos)].filter((s): s is DashboardSection => s !== undefined) : []),
      ...mergePanels(audience, generated[audience], panels),
    ].filter((s) => s.widgets.length > 0),
  }));
}

/**
 * Whether a dashboard shows data: a widget that reads metrics, alarms or logs. Text alone (the
 * management dashboard's "no business-flow panels yet" hint) is not worth deploying nor billing;
 * @sre-kit/cdk creates only the dashboards for which this holds.
 */
export function dashboardShowsData(dashboard: Dashboard): boolean {
  return dashboard.sections.some((s) => s.widgets.some((w) => w.type !== 'text'));
}

/**
 * The dashboard as a renderer for `source` draws it: for Prometheus, widgets with `prometheusQueries`
 * read those instead of their CloudWatch queries; for CloudWatch, the Prometheus alternative goes.
 */
export function dashboardForSource(dashboard: Dashboard, source: MetricsSource): Dashboard {
  const pick = (w: Widget): Widget => {
    if (!('prometheusQueries' in w) || w.prometheusQueries === undefined) return w;
    const { prometheusQueries, ...rest } = w;
    return source === 'prometheus' ? { ...rest, queries: prometheusQueries } : rest;
  };
  return { ...dashboard, sections: dashboard.sections.map((s) => ({ ...s, widgets: s.widgets.map(pick) })) };
}

export { resourceAlarmName, sloTierAlarmName } from './names';
export { layoutDashboard, GRID_COLUMNS, type GridPos, type LaidOutSection } from './layout';
export { FAMILY_BOARDS, type FamilyBoard, type FamilyPanel, type Signal } from './families';
export type { AttributeResolver, DimensionResolver } from './developer';
export type { PanelGroup } from './panels';
export { parseDashboardSpec } from './spec';
export { renameIds } from './queries';

/** Every service with an SLO or an alarm policy, in order of first appearance. */
export function specServices(specs: Pick<BuildDashboardsInput, 'slos' | 'alarmPolicies'>): string[] {
  return [...new Set([...specs.slos.map((s) => s.service), ...specs.alarmPolicies.map((p) => p.service)])];
}

/**
 * The dashboards of a whole spec set that show data (`dashboardShowsData`): buildDashboards for each
 * service, less boards of text only. What `sre render` writes and `sre cost` bills, and the rule
 * @sre-kit/cdk's SreDashboards applies, so the CLI and the kit never disagree on what exists.
 */
export function buildSpecDashboards(specs: {
  readonly slos: readonly Slo[];
  readonly alarmPolicies: readonly AlarmPolicy[];
  readonly dashboardPanels?: readonly PanelGroup[];
}): Dashboard[] {
  return specServices(specs)
    .flatMap((service) =>
      buildDashboards({ slos: specs.slos, alarmPolicies: specs.alarmPolicies, service, panels: specs.dashboardPanels }),
    )
    .filter(dashboardShowsData);
}
export {
  parseDeployedNames,
  withDeployedNames,
  type DeployedName,
  type DeployedNamesFile,
} from './deployed-names';
