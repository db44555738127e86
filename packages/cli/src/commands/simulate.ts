import { Command } from 'commander';
import {
  parseDuration,
  parseScenario,
  ScenarioError,
  simulate,
  simulationToJson,
  simulationToText,
  type NamedPolicy,
  type SimulationResult,
  type Slo,
} from '@sre-kit/core';
import { exitWith } from '../review/fail';
import { url } from './alerts';
import { simulateAssembly, type AssemblyOptions } from './simulate-assembly';
import { loadValidSpecs } from '../text/specs';
import { comparedAlerting, loadCompareFile } from '../text/compare-policy';

interface SimulateOptions extends Omit<AssemblyOptions, 'assembly' | 'duration'> {
  assembly?: string;
  scenario: string;
  compare?: string;
  rpm: string;
  duration?: string;
  seed?: string;
  plainThreshold?: string;
  plainWindow: string;
  slo?: string[];
  json?: boolean;
}

const HELP = `
Scenarios (combine with +):
  outage:100%:15m       every request fails for 15 minutes
  degradation:2%:6h     2 % of requests fail for 6 hours
  flap:50%:5m/1h[:12h]  50 % fail 5 minutes out of every hour (for 12 hours; default --duration)
  baseline:0.05%        a constant background error ratio
Each SLO's policy runs over healthy traffic, then the scenario, then recovery. An incident is significant
when it burns budget faster than the SLO allows (burn rate > 1); alerts outside significant incidents are
false. The plain alarm is a single-window error-rate alarm (default: error ratio > 1 - objective over 5m).
--compare FILE: a Sloth AlertWindows file (matched by SLO period) or a spec whose first SLO's policy is used.
JSON (--json): {"version": 1, "simulations": [SimulationResult]} - see packages/cli/README.md.


With --assembly <cdk.out> --slo <name>, the synthesized CloudWatch alarms of that SLO (window alarms, tier
composites, suppressors, nested stacks included) are evaluated minute by minute as CloudWatch does, and each
state change is printed with its time; --at sets the incident's start (default: now). --deliver sends every
notification CloudWatch would publish through the alert router (--config routing.yaml, --slack-url URL) on
the simulated clock. JSON (--json): {"version": 1, "slo", "transitions", "notifications", "delivery"?}.

Examples:
  sre simulate slos --scenario outage:100%:15m --compare ../shared/corpus/sloth/windows/custom-30d.yaml
  sre simulate --assembly reference-app/infra/cdk.out --slo api-availability --scenario outage:100%:15m \
    --deliver --config alarms/routing.yaml --slack-url http://127.0.0.1:8080/hook`;

async function comparePolicy(file: string, slo: Slo): Promise<NamedPolicy> {
  const compared = comparedAlerting(await loadCompareFile(file, 'sre simulate'), slo);
  if (!compared) exitWith(`sre simulate: ${file} has no AlertWindows for the period of ${slo.name} and no SLO`);
  return compared;
}

function percent(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const m = /^(\d+(?:\.\d+)?)%$/.exec(text);
  if (!m) exitWith(`sre simulate: --plain-threshold "${text}" is not a percentage like 0.1%`);
  return Number(m[1]) / 100;
}

export function registerSimulate(program: Command): void {
  program
    .command('simulate')
    .description(
      "Replay each SLO's alert policy over a synthetic scenario; compare with a plain alarm or another policy",
    )
    .argument('[path...]', 'spec files or folders (not with --assembly)')
    .requiredOption('--scenario <spec>', 'scenario, for example outage:100%:15m')
    .option('--compare <file>', 'a second policy to run side by side')
    .option('--rpm <n>', 'requests per minute', '1000')
    .option('--duration <duration>', 'length of open-ended scenarios (flap, baseline)', '1d')
    .option('--seed <n>', 'draw errors at random with this seed (shows noise on short windows)')
    .option('--plain-threshold <pct>', 'plain alarm error-ratio threshold (default 1 - objective)')
    .option('--plain-window <duration>', 'plain alarm window', '5m')
    .option('--slo <name...>', 'simulate only these SLOs')
    .option('--assembly <cdk.out>', "evaluate the SLO's synthesized alarms from this cloud assembly")
    .option('--at <time>', 'with --assembly: when the incident starts (ISO 8601, epoch seconds)')
    .option('--account <id>', 'with --assembly: account for ARNs the assembly leaves unresolved', '000000000000')
    .option('--region <code>', 'with --assembly: region when the assembly leaves it unresolved')
    .option('--deliver', 'with --assembly: send the notifications through the alert router')
    .option('--config <routing>', 'with --deliver: AlertRouting spec (YAML) or bundled routing.json')
    .option('--routing <name>', 'with --deliver: which AlertRouting when the config holds several')
    .option('--slack-url <url>', 'with --deliver: post every Slack receiver to this URL', url)
    .option('--json', 'print the stable JSON document')
    .addHelpText('after', HELP)
    .action(async (paths: string[], opts: SimulateOptions, cmd: Command) => {
      let scenario;
      try {
        scenario = parseScenario(opts.scenario);
      } catch (err) {
        if (err instanceof ScenarioError) exitWith(`sre simulate: --scenario ${err.message} (${err.hint})`);
        throw err;
      }
      if (opts.assembly) {
        if (paths.length > 0) exitWith('sre simulate: give spec paths or --assembly, not both');
        const seconds = parseDuration(opts.duration ?? '1d');
        if (seconds === undefined) exitWith('sre simulate: --duration takes a duration like 1d');
        return simulateAssembly(scenario, { ...opts, assembly: opts.assembly, duration: String(seconds) }, cmd);
      }
      if (paths.length === 0) exitWith('sre simulate: give spec files or folders, or --assembly <cdk.out>');
      const rpm = Number(opts.rpm);
      if (!(rpm > 0)) exitWith(`sre simulate: --rpm "${opts.rpm}" is not a positive number`);
      const duration = parseDuration(opts.duration ?? '1d');
      const plainWindow = parseDuration(opts.plainWindow);
      if (duration === undefined || plainWindow === undefined)
        exitWith('sre simulate: --duration and --plain-window take durations like 1d or 5m');
      const seed = opts.seed === undefined ? undefined : Number(opts.seed);
      const specs = await loadValidSpecs(paths, cmd);
      const slos = specs.slos.filter((s) => !opts.slo || opts.slo.includes(s.name));
      if (slos.length === 0) exitWith(`sre simulate: no SLOs found in ${paths.join(' ')}`);
      const results: SimulationResult[] = [];
      for (const slo of slos) {
        const policies: NamedPolicy[] = [{ name: `${slo.name} policy`, policy: slo.alerting.policy }];
        if (opts.compare) policies.push(await comparePolicy(opts.compare, slo));
        results.push(
          simulate(scenario, policies, {
            objective: slo.objective,
            periodSeconds: slo.period.seconds,
            requestsPerMinute: rpm,
            durationSeconds: duration,
            plainThreshold: percent(opts.plainThreshold),
            plainWindowSeconds: plainWindow,
            noiseSeed: seed,
          }),
        );
      }
      process.stdout.write(
        opts.json
          ? simulationToJson(results)
          : results.map((r, i) => `== ${slos[i].name}\n${simulationToText(r)}`).join('\n'),
      );
    });
}
