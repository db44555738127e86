/** Text and JSON renderings of a simulation, policies side by side. */
import { formatDuration } from '../duration';
import type { PolicyOutcome, SimulationResult, TierOutcome } from './run';

function dur(seconds: number | undefined): string {
  if (seconds === undefined) return 'never';
  const s = Math.round(seconds);
  return s <= 0 ? '0s' : formatDuration(s);
}

function pct(x: number | undefined): string {
  return x === undefined ? '-' : `${(x * 100).toFixed(2)} %`;
}

function tierRow(policy: string, t: TierOutcome): string[] {
  return [
    policy,
    t.tier,
    t.severity,
    `x${Number(t.burnRate.toFixed(4))}`,
    dur(t.detectionSeconds),
    pct(t.budgetSpentAtDetection),
    t.detectionSeconds === undefined ? '-' : dur(t.resetSeconds),
    String(t.alerts),
    String(t.falseAlerts),
    String(t.missedIncidents),
  ];
}

function policyRows(p: PolicyOutcome): string[][] {
  return p.tiers.map((t) => tierRow(p.name, t));
}

export function simulationToText(r: SimulationResult): string {
  const headers = [
    'policy',
    'tier',
    'severity',
    'burn',
    'detection',
    'budget at detection',
    'reset',
    'alerts',
    'false',
    'missed',
  ];
  const rows = [...r.policies.flatMap(policyRows), ...policyRows(r.plain)];
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  const summary = [...r.policies, r.plain].map(
    (p) =>
      `${p.name}: ${p.missedIncidents} of ${r.significantIncidents} significant incident(s) missed, ${p.falseAlerts} false alert(s)`,
  );
  return [
    `scenario ${r.scenario} at objective ${(r.objective * 100).toFixed(3)} % (${r.incidents.length} episode(s), ${r.significantIncidents} significant; ${dur(r.stepSeconds)} steps)`,
    '',
    line(headers),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.map(line),
    '',
    ...summary,
    '',
  ].join('\n');
}

export function simulationToJson(results: readonly SimulationResult[]): string {
  return `${JSON.stringify({ version: 1, simulations: results }, null, 2)}\n`;
}
