import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Command } from 'commander';
import { applyAlertWindows, parseDuration, renderPrometheusRules, type Slo } from '@sre-kit/core';
import { exitWith } from '../review/fail';
import { loadValidSpecs } from '../text/specs';

const HELP = `
Writes one <spec>.rules.yml per spec file holding SLOs with a Prometheus SLI (OpenSLO Prometheus
sources and Sloth prometheus/v1 specs): Sloth-compatible recording rules slo:sli_error:ratio_rate<window>,
the meta rules (slo:objective:ratio, slo:error_budget:ratio, slo:period_error_budget_remaining:ratio,
sloth_slo_info, ...) and a page and a ticket alert. Sloth AlertWindows among the specs apply to the
Sloth SLOs of the period given by --slo-period, as with sloth generate -w DIR --default-slo-period.
Check the output with: promtool check rules DIR/*.rules.yml

Example:
  sre render prometheus --out rules ../shared/corpus/sloth/getting-started.yml`;

function labelPairs(values: readonly string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values ?? []) {
    const m = /^([a-zA-Z_][a-zA-Z0-9_]*)=(.*)$/.exec(v);
    if (!m) exitWith(`sre render prometheus: --extra-label "${v}" is not name=value`);
    out[m[1]] = m[2];
  }
  return out;
}

/** Adds `prometheus` under the `render` command, creating `render` when no other renderer registered it yet. */
export function registerRenderPrometheus(program: Command): void {
  const render =
    program.commands.find((c) => c.name() === 'render') ??
    program.command('render').description('Render specs to monitoring configuration');
  render
    .command('prometheus')
    .description('Render Sloth-compatible Prometheus recording and alert rules for SLOs with a Prometheus SLI')
    .argument('<path...>', 'spec files or folders')
    .requiredOption('--out <dir>', 'folder to write the rule files to')
    .option('--slo-period <duration>', 'SLO period whose AlertWindows apply to Sloth SLOs (when any are loaded)', '30d')
    .option('--extra-label <name=value...>', 'label added to every recording rule (Sloth --extra-labels)')
    .addHelpText('after', HELP)
    .action(async (paths: string[], opts: { out: string; sloPeriod: string; extraLabel?: string[] }, cmd: Command) => {
      const specs = await loadValidSpecs(paths, cmd);
      const period = parseDuration(opts.sloPeriod);
      if (period === undefined) exitWith(`sre render prometheus: --slo-period "${opts.sloPeriod}" is not a duration`);
      let slos: Slo[] = [...specs.slos];
      if (Object.keys(specs.alertWindows).length > 0) {
        try {
          slos = applyAlertWindows(slos, specs.alertWindows, period);
        } catch (err) {
          exitWith(`sre render prometheus: ${(err as Error).message}`);
        }
      }
      const { files, skipped } = renderPrometheusRules(slos, { extraLabels: labelPairs(opts.extraLabel) });
      for (const s of skipped)
        process.stderr.write(`sre render prometheus: skipped ${s.slo} (${s.file}): ${s.reason}\n`);
      if (files.length === 0) exitWith('sre render prometheus: no SLO has a Prometheus SLI');
      await mkdir(opts.out, { recursive: true });
      for (const f of files) {
        await writeFile(join(opts.out, f.name), f.content);
        process.stdout.write(`${join(opts.out, f.name)}: ${f.sloIds.length} SLO(s): ${f.sloIds.join(', ')}\n`);
      }
    });
}
