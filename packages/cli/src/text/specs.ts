import { CommanderError, type Command } from 'commander';
import { formatDiagnostic, loadSpecFiles, type Slo, type SpecSet } from '@sre-kit/core';

/**
 * Loads spec files for commands that need valid specs (explain, cost): warnings
 * go to stderr and the command continues; any error prints every problem, one
 * line each, and exits 1 without partial output.
 */
export async function loadValidSpecs(paths: readonly string[], cmd: Command): Promise<SpecSet> {
  const specs = await loadSpecFiles([...paths]);
  const errors = specs.diagnostics.filter((d) => d.severity === 'error');
  for (const d of specs.diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
  if (errors.length > 0) {
    process.stderr.write(
      `sre ${cmd.name()}: ${errors.length} error(s) in the specs; run \`sre validate\` for details\n`,
    );
    throw new CommanderError(1, 'sre.invalidSpecs', `${errors.length} spec error(s)`);
  }
  return specs;
}

/** The specs' SLOs, only those `--slo` names when given; an unknown name or none at all ends the command. */
export function selectSlos(
  specs: SpecSet,
  names: readonly string[] | undefined,
  paths: readonly string[],
  fail: (message: string) => never,
): readonly Slo[] {
  let slos: readonly Slo[] = specs.slos;
  if (names) {
    const unknown = names.filter((n) => !slos.some((s) => s.name === n));
    if (unknown.length > 0) fail(`no SLO named ${unknown.join(', ')} in the specs`);
    slos = slos.filter((s) => names.includes(s.name));
  }
  if (slos.length === 0) fail(`no SLOs found in ${paths.join(' ')}`);
  return slos;
}
