import type { CostEstimate, CostLine } from '@sre-kit/core';
import { table, usd } from './human';

function unitPrice(value: number): string {
  // GetMetricData costs 0.01 per 1,000 metrics: per unit it would print as 0.0000.
  return value !== 0 && Math.abs(value) < 0.001 ? `${usd(value * 1000)} per 1000` : usd(value);
}

function lineRow(l: CostLine): string[] {
  const qty =
    l.category === 'freeTier'
      ? ''
      : `${l.quantity} ${l.unit}${l.quantity === 1 ? '' : 's'} x ${unitPrice(l.unitPriceUsd)}`;
  return [`    ${l.item}`, qty, usd(l.monthlyUsd)];
}

/** Lines `sre cost` bills that @sre-kit/cdk's costReport() leaves out: usage of the app and of `sre review`. */
function beyondKit(l: CostLine): boolean {
  return (
    l.category === 'getMetricData' ||
    l.category === 'dashboardViewing' ||
    (l.category === 'customMetrics' && l.slo !== undefined)
  );
}

/** The text form of `sre cost`: lines grouped by SLO, then family, then shared, and the total. */
export function renderCost(estimate: CostEstimate): string {
  const rows: string[][] = [];
  const group = (title: string, total: number, lines: readonly CostLine[]) => {
    rows.push([title, '', usd(total)], ...lines.map(lineRow));
  };
  const sloNames = Object.keys(estimate.bySlo);
  const families = Object.keys(estimate.byFamily);
  if (sloNames.length) rows.push(['By SLO', '', '']);
  for (const name of sloNames)
    group(
      `  ${name}`,
      estimate.bySlo[name],
      estimate.lines.filter((l) => l.slo === name),
    );
  if (families.length) rows.push(['By alarm family', '', '']);
  for (const f of families)
    group(
      `  ${f}`,
      estimate.byFamily[f],
      estimate.lines.filter((l) => !l.slo && l.family === f),
    );
  const shared = estimate.lines.filter((l) => !l.slo && !l.family);
  if (shared.length) group('Shared', estimate.sharedUsd, shared);
  rows.push(['Total', '', usd(estimate.totalUsd)]);
  const header =
    `Monthly CloudWatch cost in USD (${estimate.prices.region} list prices as of ${estimate.prices.asOf}; ` +
    `free tier ${estimate.freeTierApplied ? 'deducted' : 'not deducted'})`;
  const notes = estimate.lines.filter((l) => l.note).map((l) => `${l.item}: ${l.note}`);
  const beyond = estimate.lines.filter(beyondKit).reduce((sum, l) => sum + l.monthlyUsd, 0);
  const scope = beyond
    ? [
        `not in the CDK kit's costReport(): the SLIs' custom metrics, review and dashboard-viewing GetMetricData (${usd(beyond)}), ` +
          'which are usage, not resources the kit creates',
      ]
    : [];
  return [header, ...table(rows, [false, true, true]), ...notes, ...scope].join('\n') + '\n';
}
