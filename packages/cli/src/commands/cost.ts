import { Command, InvalidArgumentError } from 'commander';
import { buildSpecDashboards, estimateCost, inventoryForSpecs } from '@sre-kit/core';
import { renderCost } from '../text/cost';
import { loadValidSpecs } from '../text/specs';

export const COST_JSON_VERSION = 1;

const JSON_HELP = `
What is counted: per SLO with a CloudWatch indicator, one metric-math alarm per (window, burn rate), billed
per metric it retrieves (a metric read under two ids counts twice, as the alarm's definition holds it), one
composite alarm per tier and the "faster tiers firing" suppressor composites (2 with the 4 default tiers);
per alarm-policy resource, each enabled catalogue alarm, billed per metric; the dashboards built from the specs
(per service: management, developer, security, SLO - what \`sre render\` and the kit's SreDashboards create),
or --dashboards of them. Beyond what @sre-kit/cdk's costReport() prices, it also bills the SLIs' custom metrics,
S3 request metrics (16 per bucket filter) and GetMetricData for --reviews-per-month reviews. Viewing: each
dashboard built from the specs, open --view-hours a month in Grafana on CloudWatch, requests every metric of
every panel at each refresh (the audience's default refresh, or --refresh), billed as GetMetricData metrics
(a SEARCH counts as 5 metrics; Logs Insights widgets are named, not priced). --view-hours 0 leaves viewing out.
The account-wide free tier (10 alarm metrics, 3 dashboards) is shown but deducted only with --free-tier.

JSON output (--json), stable, version ${COST_JSON_VERSION}:
  { "version": 1, "currency": "USD", "prices": { "region", "asOf", "source" }, "freeTierApplied",
    "lines": [ { "slo"?, "family"?, "item", "category", "quantity", "unit", "unitPriceUsd", "monthlyUsd", "note"? } ],
    "bySlo": { name: usd }, "byFamily": { family: usd }, "byCategory": { category: usd },
    "sharedUsd", "totalUsd" }
  category is one of alarmMetrics, highResolutionAlarmMetrics, compositeAlarms, dashboards, customMetrics,
  getMetricData, dashboardViewing, freeTier.`;

function refreshSeconds(value: string): number {
  const m = /^(\d+)(s|m|h)?$/.exec(value);
  const n = m ? Number(m[1]) * { s: 1, m: 60, h: 3600 }[(m[2] ?? 's') as 's' | 'm' | 'h'] : NaN;
  if (!(n > 0)) throw new InvalidArgumentError('expected a refresh interval above 0 like 30s, 5m or 1h');
  return n;
}

function wholeNumber(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n)) throw new InvalidArgumentError('expected a whole number >= 0');
  return n;
}

export function registerCost(program: Command): void {
  program
    .command('cost')
    .description('Estimate the monthly CloudWatch cost of what the specs create, by SLO, alarm family and item')
    .argument('<path...>', 'spec files or folders (for example slos alarms)')
    .option('--json', 'print a stable JSON document instead of text')
    .option('--dashboards <count>', 'CloudWatch dashboards deployed (default: those built from the specs)', wholeNumber)
    .option('--reviews-per-month <count>', 'how often `sre review` reads the metrics', wholeNumber, 30)
    .option('--view-hours <hours>', 'hours a month each dashboard is open in Grafana on CloudWatch', wholeNumber, 176)
    .option(
      '--refresh <interval>',
      "dashboard refresh while open (default: each audience's, 5m or 15m)",
      refreshSeconds,
    )
    .option('--free-tier', 'deduct the account-wide free tier (first 10 alarm metrics, 3 dashboards)')
    .addHelpText('after', JSON_HELP)
    .action(
      async (
        paths: string[],
        opts: {
          json?: boolean;
          dashboards?: number;
          reviewsPerMonth: number;
          viewHours: number;
          refresh?: number;
          freeTier?: boolean;
        },
        cmd: Command,
      ) => {
        const specs = await loadValidSpecs(paths, cmd);
        if (specs.slos.length === 0 && specs.alarmPolicies.length === 0)
          cmd.error(`sre cost: no SLOs or alarm policies found in ${paths.join(' ')}`, { exitCode: 1 });
        const estimate = estimateCost(
          inventoryForSpecs({
            slos: specs.slos,
            alarmPolicies: specs.alarmPolicies,
            dashboards: opts.dashboards ?? buildSpecDashboards(specs),
            reviewsPerMonth: opts.reviewsPerMonth,
            ...(opts.viewHours > 0
              ? {
                  viewing: {
                    hoursOpenPerMonth: opts.viewHours,
                    ...(opts.refresh ? { refreshSeconds: opts.refresh } : {}),
                  },
                }
              : {}),
          }),
          { applyFreeTier: Boolean(opts.freeTier) },
        );
        process.stdout.write(
          opts.json
            ? `${JSON.stringify({ version: COST_JSON_VERSION, ...estimate }, null, 2)}\n`
            : renderCost(estimate),
        );
      },
    );
}
