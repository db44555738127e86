import type { SloExplanation } from '@sre-kit/core';
import { humanDuration, percent, plain, table } from './human';

function outcome(detection: number | null, spent: number | null): string {
  return detection === null ? 'never' : `${humanDuration(detection)} / ${percent(spent, 3)}`;
}

/** Requests per hour, whole above 10 and to 2 significant digits below. */
function perHour(x: number): string {
  return x >= 10 ? String(Math.round(x)) : plain(Number(x.toPrecision(2)));
}

/** The text form of `sre explain`: one block per SLO. */
export function renderExplain(explanations: readonly SloExplanation[]): string {
  const blocks = explanations.map((e) => {
    const doubleRatio = e.tiers[0]?.doubleBurn.errorRatio;
    const lines = [
      `${e.name} (service ${e.service}): objective ${percent(e.objective)} over ${e.period}${e.rolling ? ' rolling' : ' calendar'}`,
      `  error budget ${plain(e.budget.ratio)} of requests = ${plain(e.budget.minutes, 4)} min of full outage per ${e.period}` +
        `; a full outage spends it in ${humanDuration(e.budget.fullOutageExhaustionSeconds)}` +
        `, a 2x burn in ${humanDuration(e.budget.doubleBurnExhaustionSeconds)}`,
    ];
    if (!e.alertingEnabled) lines.push('  alerting disabled: no burn-rate alerts');
    if (e.tiers.length > 0) {
      const rows = [
        [
          'tier',
          'severity',
          'long/short',
          'burn',
          'threshold',
          'full outage: detect / spent',
          'reset',
          `2x burn (${plain(doubleRatio ?? 0)}): detect / spent`,
        ],
        ...e.tiers.map((t) => [
          t.name,
          t.severity,
          `${t.longWindow}/${t.shortWindow}`,
          plain(t.burnRate),
          plain(t.threshold) + (t.canFire ? '' : ' (cannot fire)'),
          outcome(t.fullOutage.detectionSeconds, t.fullOutage.budgetSpent),
          humanDuration(t.fullOutage.resetSeconds),
          outcome(t.doubleBurn.detectionSeconds, t.doubleBurn.budgetSpent),
        ]),
      ];
      lines.push(...table(rows, [false, false, false, true, true]).map((l) => `  ${l}`));
      const guarded = e.tiers.filter((t) => t.lowTraffic);
      if (guarded.length > 0)
        lines.push(
          '  low-traffic guard (a long window with fewer events counts as that many, the missing ones good):',
          ...guarded.map((t) => {
            const g = t.lowTraffic!;
            return (
              `    ${t.name}: at least ${g.minEvents} events per ${t.longWindow}; matters below ` +
              `${perHour(g.mattersBelowPerHour)} requests/hour, where it takes ${g.errorsToFire} failed request${g.errorsToFire === 1 ? '' : 's'} ` +
              `in ${t.longWindow} to fire${g.errorsToFire > 1 ? ' (a single one never does)' : ''}; ` +
              `below ${perHour(g.neverFiresBelowPerHour)} requests/hour even a full outage cannot fire it`
            );
          }),
        );
    }
    for (const c of e.tierChanges)
      lines.push(`  ${c.tier}: ${c.change === 'disabled' ? 'disabled in the spec' : `made a ${c.change} in the spec`}`);
    return lines.join('\n');
  });
  return blocks.join('\n\n') + '\n';
}
