/**
 * The management view: a summary row (attainment of every SLO), the business flow (explicit panels
 * from the spec: cards created, messages added, deliveries, uploads, delivery lag), then SLO status,
 * one line per SLO: budget left over the period and month to date, time in breach, and whether any
 * tier fires.
 */
import type { DashboardSection, SingleValueWidget, Widget } from '../model/dashboard';
import type { Slo } from '../model/slo';
import { attainmentWidget, budgetWidget, firingTiersWidget, sloSystem, sloTitle, timeInBreachWidget } from './slo';
import { GRID_COLUMNS } from './layout';

/**
 * One row across the SLOs: each one's attainment over its period, red below its objective, so the state
 * of every promise is read at a glance before the per-SLO detail.
 */
export function sloSummarySection(slos: readonly Slo[]): DashboardSection | undefined {
  const drawn = slos.filter((s) => sloSystem(s) !== undefined);
  const width = Math.max(3, Math.floor(GRID_COLUMNS / Math.max(1, drawn.length)));
  const widgets = drawn.map((s) => attainmentWidget(s, width)).filter((w): w is SingleValueWidget => w !== undefined);
  return widgets.length > 0 ? { title: 'SLO summary', widgets } : undefined;
}

export function sloStatusSection(slos: readonly Slo[]): DashboardSection | undefined {
  const widgets: Widget[] = [];
  for (const slo of slos) {
    if (sloSystem(slo) === undefined) continue;
    const period = budgetWidget(slo, { kind: 'last', seconds: slo.period.seconds }, 'singleValue', 6);
    const month = budgetWidget(slo, { kind: 'monthToDate' }, 'singleValue', 6);
    const breach = timeInBreachWidget(slo, 6);
    if (period) widgets.push(period);
    if (month) widgets.push(month);
    if (breach) widgets.push(breach);
    // The same live tier conditions as the SLO dashboard, so Grafana shows state here too.
    const alerting = firingTiersWidget(slo, `${sloTitle(slo)}: alerting`, 6, 4);
    if (alerting) widgets.push(alerting);
  }
  return widgets.length > 0 ? { title: 'SLO status', widgets } : undefined;
}

/** Shown when the spec set has no business-flow panels, so the gap is visible rather than silent. */
export function businessFlowHint(service: string): DashboardSection {
  return {
    title: 'Business flow',
    widgets: [
      {
        type: 'text',
        title: 'No business-flow panels yet',
        width: 24,
        height: 3,
        markdown:
          `Add the ${service} business metrics (orders, sign-ups, deliveries, ...) with a \`kind: Dashboard\` ` +
          'spec for the `management` audience; see the @sre-kit/core README, "Explicit dashboard panels".',
      },
    ],
  };
}
