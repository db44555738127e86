/**
 * The management view: the business flow first (explicit panels from the spec: cards created,
 * messages added, deliveries, uploads, delivery lag), then SLO status, one line per SLO: budget left
 * over the period and month to date, SLI over the period, and whether any tier fires.
 */
import type { DashboardSection, Widget } from '../model/dashboard';
import type { Slo } from '../model/slo';
import { budgetWidget, firingTiersWidget, sloSystem, sloTitle } from './slo';

export function sloStatusSection(slos: readonly Slo[]): DashboardSection | undefined {
  const widgets: Widget[] = [];
  for (const slo of slos) {
    if (sloSystem(slo) === undefined) continue;
    const period = budgetWidget(slo, { kind: 'last', seconds: slo.period.seconds }, 'singleValue', 8);
    const month = budgetWidget(slo, { kind: 'monthToDate' }, 'singleValue', 8);
    if (period) widgets.push(period);
    if (month) widgets.push(month);
    // The same live tier conditions as the SLO dashboard, so Grafana shows state here too.
    const alerting = firingTiersWidget(slo, `${sloTitle(slo)}: alerting`, 8, 4);
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
