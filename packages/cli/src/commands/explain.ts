import { Command } from 'commander';
import { explainSlo } from '@sre-kit/core';
import { renderExplain } from '../text/explain';
import { loadValidSpecs } from '../text/specs';

/** Version of the `--json` document; bumped on any incompatible change. */
export const EXPLAIN_JSON_VERSION = 1;

const JSON_HELP = `
JSON output (--json), stable, version ${EXPLAIN_JSON_VERSION}:
  { "version": 1, "slos": [ {
      "name", "service", "objective" (ratio), "period" ("30d"), "periodSeconds", "rolling",
      "budget": { "ratio", "minutes", "fullOutageExhaustionSeconds", "doubleBurnExhaustionSeconds" },
      "alertingEnabled",
      "tiers": [ { "name", "severity" (page|ticket), "longWindow", "longWindowSeconds", "shortWindow",
                   "shortWindowSeconds", "burnRate", "budgetFraction", "threshold", "canFire",
                   "fullOutage": { "errorRatio", "detectionSeconds", "budgetSpent", "resetSeconds" },
                   "doubleBurn": { same fields },
                   "lowTraffic": null (no guard) or { "minEvents", "mattersBelowPerHour", "errorsToFire",
                                                       "neverFiresBelowPerHour" } } ],
      "tierChanges": [ { "tier", "change" (disabled|page|ticket) } ] } ] }
  Times are seconds; null means "never fires". The full outage is an error ratio of 1; the 2x burn is an
  error ratio of 2 x (1 - objective), the rate that empties the budget in half the period. Detection assumes
  a step from no errors to that ratio under steady traffic, evaluated continuously (CloudWatch adds up to
  a minute of evaluation and ingestion delay). lowTraffic: the tier's long window counts as at least minEvents
  events (the missing ones good); below mattersBelowPerHour requests/hour it needs errorsToFire failed requests
  in its long window, and below neverFiresBelowPerHour not even a full outage fires it.`;

export function registerExplain(program: Command): void {
  program
    .command('explain')
    .description("Explain each SLO's error budget and burn-rate tiers: thresholds, detection times, budget spent")
    .argument('<path...>', 'spec files or folders (for example slos alarms)')
    .option('--json', 'print a stable JSON document instead of text')
    .addHelpText('after', JSON_HELP)
    .action(async (paths: string[], opts: { json?: boolean }, cmd: Command) => {
      const specs = await loadValidSpecs(paths, cmd);
      if (specs.slos.length === 0) cmd.error(`sre explain: no SLOs found in ${paths.join(' ')}`, { exitCode: 1 });
      const explanations = specs.slos.map(explainSlo);
      process.stdout.write(
        opts.json
          ? `${JSON.stringify({ version: EXPLAIN_JSON_VERSION, slos: explanations }, null, 2)}\n`
          : renderExplain(explanations),
      );
    });
}
