import { writeFile } from 'node:fs/promises';
import { Command, CommanderError, Option } from 'commander';
import { formatDuration, gateDecision, policyForSlo, unknownChange, type Slo, type SpecSet } from '@sre-kit/core';
import { exitWith } from '../review/fail';
import { withDeployedDimensions } from '../review/deployed-slos';
import { readReviews } from '../review/read-reviews';
import { parseTime } from '../review/time';
import { loadValidSpecs } from '../text/specs';

/** 0: the policy lets the change through; 1: it does not; 2: no decision (specs, data, source, usage). */
const DENIED = 1;
const UNDECIDED = 2;

interface GateOptions {
  source: 'cloudwatch' | 'file' | 'prometheus';
  change: string;
  at: string;
  data?: string;
  url?: string;
  region?: string;
  period?: string;
  progress?: boolean;
  slo?: string[];
  dimensionValues?: string;
  format: 'text' | 'json';
  out?: string;
  allowNoData?: boolean;
}

/** The review range: only the period budget ending at --at is judged, so one hour keeps the replay read small. */
const RANGE_SECONDS = 3600;

const HELP = `
The specs must hold at least one ErrorBudgetPolicy (apiVersion sre-kit/v1): each governed SLO's budget
over its own period ending at --at is computed exactly as \`sre review\` computes it (same sources, same
--data formats), then the policy's levels decide whether --change may ship. Allowed only when every
governed SLO allows it.

Output: one line on stdout, "<change> allowed: ..." or "<change> refused: <SLO> has 12.3 % of its 30d
error budget left, level ..." (--format json: {"version": 1, "change", "allowed", "reason", "slos", "ungoverned"}).
Exit codes: 0 allowed, 1 refused by the policy, 2 no decision (bad specs, no policy, unreadable data or source,
unknown --change, usage error). An SLO without events in its period refuses unless --allow-no-data.

Examples:
  sre gate slos --source cloudwatch --change feature
  sre gate slos --source prometheus --url http://127.0.0.1:9090 --change fix --format json
  sre gate slos --source file --data budget.csv --at 2026-11-02T00:00:00Z --change feature`;

function undecided(message: string): never {
  exitWith(`sre gate: ${message}`, UNDECIDED);
}

async function specsOrUndecided(paths: string[], cmd: Command): Promise<SpecSet> {
  try {
    return await loadValidSpecs(paths, cmd);
  } catch (err) {
    if (err instanceof CommanderError) throw new CommanderError(UNDECIDED, err.code, err.message);
    throw err;
  }
}

export function registerGate(program: Command): void {
  program
    .command('gate')
    .description('Deploy gate for CI/CD: exit 1 with a one-line reason when the error-budget policy refuses a change')
    .argument('<path...>', 'spec files or folders (SLOs and their ErrorBudgetPolicy)')
    .addOption(
      new Option('--source <source>', 'where the good/total counts come from')
        .choices(['cloudwatch', 'file', 'prometheus'])
        .makeOptionMandatory(),
    )
    .requiredOption('--change <kind>', "the kind of change being deployed, one of the policy's changes (feature, fix)")
    .option('--at <time>', 'end of the budget period judged', 'now')
    .option('--data <file>', 'data file for --source file (.csv or .json, as for sre review)')
    .option('--url <url>', 'Prometheus base URL for --source prometheus')
    .option('--region <region>', 'AWS region for --source cloudwatch')
    .option('--period <seconds>', 'CloudWatch period, or Prometheus step, in seconds')
    .option('--progress', 'always draw the progress bar on stderr')
    .option(
      '--dimension-values <file>',
      "deployed dimension values for the specs' placeholders (placeholder: value, as for sre render)",
    )
    .option('--slo <name...>', 'gate on these SLOs only')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--out <file>', 'also write the decision as JSON to this file (for a pipeline artifact)')
    .option('--allow-no-data', 'let an SLO without events in its period pass')
    .addHelpText('after', HELP)
    // A usage mistake must not read as "refused" (exit 1) in a pipeline.
    .exitOverride((err) => {
      throw err.exitCode === 0 ? err : new CommanderError(UNDECIDED, err.code, err.message);
    })
    .action(async (paths: string[], opts: GateOptions, cmd: Command) => {
      const now = Math.floor(Date.now() / 1000);
      const at = parseTime(opts.at, now);
      if (at === undefined) undecided(`--at "${opts.at}" is not a time (ISO 8601, epoch seconds, now or now-1h)`);
      const specs = await specsOrUndecided(paths, cmd);
      if (specs.errorBudgetPolicies.length === 0)
        undecided(`no ErrorBudgetPolicy in ${paths.join(' ')} (see packages/cli/README.md, sre gate)`);
      let slos: readonly Slo[] = specs.slos.filter((s) => policyForSlo(s.name, specs.errorBudgetPolicies));
      if (opts.slo) {
        const unknown = opts.slo.filter((n) => !specs.slos.some((s) => s.name === n));
        if (unknown.length > 0) undecided(`no SLO named ${unknown.join(', ')} in the specs`);
        const ungoverned = opts.slo.filter((n) => !slos.some((s) => s.name === n));
        if (ungoverned.length > 0) undecided(`no ErrorBudgetPolicy governs ${ungoverned.join(', ')}`);
        slos = slos.filter((s) => opts.slo?.includes(s.name));
      }
      if (slos.length === 0) undecided('no SLO is governed by an ErrorBudgetPolicy');
      const policies = [...new Set(slos.map((s) => policyForSlo(s.name, specs.errorBudgetPolicies)!))];
      const bad = unknownChange(opts.change, policies);
      if (bad) undecided(`--change: ${bad}`);
      const ungoverned = specs.slos.filter((s) => !slos.includes(s) && !opts.slo).map((s) => s.name);
      if (ungoverned.length > 0)
        process.stderr.write(`sre gate: not gated (no ErrorBudgetPolicy): ${ungoverned.join(', ')}\n`);

      slos = await withDeployedDimensions(slos, opts.dimensionValues, 'sre gate', UNDECIDED);
      const reviews = await readReviews(
        slos,
        { ...opts, filtered: true },
        {
          from: at - RANGE_SECONDS,
          to: at,
          now,
          windows: specs.routings.flatMap((r) => r.maintenanceWindows ?? []),
        },
        'sre gate',
        UNDECIDED,
      );
      // A governed SLO the source could not review has no budget to show: that is no decision, not a pass.
      const missing = slos.filter((s) => !reviews.some((r) => r.slo === s.name)).map((s) => s.name);
      if (missing.length > 0) undecided(`no budget for ${missing.join(', ')} (see the warnings above)`);
      const decision = gateDecision(reviews, specs.errorBudgetPolicies, opts.change, {
        allowNoData: Boolean(opts.allowNoData),
      });
      for (const s of decision.slos)
        if (!s.complete && s.hasData)
          process.stderr.write(
            `sre gate: warning: ${s.slo}: the data does not cover its whole ${formatDuration(s.periodSeconds)} period; judged on what it covers\n`,
          );
      const json = `${JSON.stringify(decision, null, 2)}\n`;
      if (opts.out) await writeFile(opts.out, json);
      process.stdout.write(opts.format === 'json' ? json : `${decision.reason}\n`);
      if (!decision.allowed) throw new CommanderError(DENIED, 'sre.gateRefused', decision.reason);
    });
}
