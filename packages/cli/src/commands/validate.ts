import { Command, CommanderError } from 'commander';
import { countDiagnostics, formatDiagnostic, loadSpecFiles, type SpecSet } from '@sre-kit/core';

/** Version of the `--json` document; bumped on any incompatible change. */
export const VALIDATE_JSON_VERSION = 1;

const HELP = `
Reads OpenSLO v1 (SLO, SLI, Service, DataSource, AlertPolicy, AlertCondition, AlertNotificationTarget),
Sloth prometheus/v1 and AlertWindows, and sre-kit/v1 AlarmPolicy and AlertRouting documents.
Folders are searched recursively for *.yaml and *.yml.

Text output: one line per problem, then a summary line:
  file:line:col: path: message (hint)
  file:line:col: path: warning: message (hint)
Exit code: 0 when there is no error (warnings allowed), 1 otherwise.

JSON output (--json), stable, version ${VALIDATE_JSON_VERSION}:
  { "version": 1, "valid": boolean, "files": [string],
    "counts": { "errors", "warnings", "slos", "alarmPolicies", "routings", "alertWindows", "services",
                "errorBudgetPolicies" },
    "diagnostics": [ { "severity" (error|warning), "file", "line", "col", "path", "message", "hint"? } ] }

Example:
  sre validate slos alarms`;

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function summarize(specs: SpecSet): string {
  const { errors, warnings } = countDiagnostics(specs.diagnostics);
  const found = [
    plural(specs.files.length, 'file'),
    plural(specs.slos.length, 'SLO'),
    plural(specs.alarmPolicies.length, 'alarm policy').replace('policys', 'policies'),
    plural(specs.routings.length, 'alert routing'),
  ];
  const windows = specs.routings.reduce((n, r) => n + (r.maintenanceWindows?.length ?? 0), 0);
  // Said only when there are some: a window that parsed is a window the router will apply.
  if (windows > 0) found.push(plural(windows, 'maintenance window'));
  return `${errors === 0 ? 'valid' : 'invalid'}: ${plural(errors, 'error')}, ${plural(warnings, 'warning')} (${found.join(', ')})`;
}

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('Check SLO, alarm policy and alert routing specs; print every problem with file:line:col')
    .argument('<path...>', 'spec files or folders (for example slos alarms)')
    .option('--json', 'print a stable JSON document instead of text')
    .addHelpText('after', HELP)
    .action(async (paths: string[], opts: { json?: boolean }) => {
      const specs = await loadSpecFiles(paths);
      const { errors, warnings } = countDiagnostics(specs.diagnostics);
      if (opts.json) {
        const doc = {
          version: VALIDATE_JSON_VERSION,
          valid: errors === 0,
          files: specs.files,
          counts: {
            errors,
            warnings,
            slos: specs.slos.length,
            alarmPolicies: specs.alarmPolicies.length,
            routings: specs.routings.length,
            alertWindows: Object.keys(specs.alertWindows).length,
            services: specs.services.length,
            errorBudgetPolicies: specs.errorBudgetPolicies.length,
          },
          diagnostics: specs.diagnostics,
        };
        process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
      } else {
        for (const d of specs.diagnostics) process.stdout.write(`${formatDiagnostic(d)}\n`);
        process.stdout.write(`${summarize(specs)}\n`);
      }
      if (errors > 0) throw new CommanderError(1, 'sre.invalidSpecs', `${errors} spec error(s)`);
    });
}
