/**
 * The second policy of `sre simulate --compare` and `sre backtest --compare`: a file read once, then asked for
 * each SLO. One reading rule for both commands: an AlertWindows of the SLO's period wins, else the first SLO's
 * tiers; `sre backtest` also takes the file's ErrorBudgetPolicy.
 */
import { formatDiagnostic, loadSpecFiles, type NamedPolicy, type Slo, type SpecSet } from '@sre-kit/core';
import { exitWith } from '../review/fail';

/** Loads the file; spec errors end `command` with every problem printed, located. */
export async function loadCompareFile(file: string, command: string): Promise<SpecSet> {
  const set = await loadSpecFiles([file]);
  const errors = set.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) {
    for (const d of errors) process.stderr.write(`${formatDiagnostic(d)}\n`);
    exitWith(`${command}: ${errors.length} error(s) in ${file}`);
  }
  return set;
}

/** The alert tiers the file proposes for `slo`; undefined when it has none for its period. */
export function comparedAlerting(set: SpecSet, slo: Slo): NamedPolicy | undefined {
  const windows = Object.entries(set.alertWindows).find(([, p]) => p.periodSeconds === slo.period.seconds);
  if (windows) return { name: windows[0], policy: windows[1] };
  const first = set.slos[0];
  return first ? { name: `${first.name} policy`, policy: first.alerting.policy } : undefined;
}
