import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { Command, CommanderError, Option } from 'commander';
import { auditAlarms, auditPrefixes, expectedAlarms, type AuditFinding, type DeployedAlarm } from '@sre-kit/core';
import { alarmsWithoutData } from '../aws/alarm-data';
import { describeAlarms } from '../aws/describe-alarms';
import { getMetricDataCost } from '@sre-kit/alert-router';
import { exitWith } from '../review/fail';
import { loadValidSpecs } from '../text/specs';

const HELP = `
Checks the alarms of every service in the specs (DescribeAlarms by name prefix "<service>-") for:
  missing            the specs would create it, CloudWatch does not have it
  extra              CloudWatch has it under the service's prefix, the specs do not create it
  threshold          its threshold differs from the specs
  insufficient-data  in INSUFFICIENT_DATA for over an hour: it can never fire
  no-datapoints      a metric it reads had no datapoint in the last --days days
  no-actions         it notifies nobody (SLO window alarms and suppressors are exempt by design)
Names follow @sre-kit/cdk (see packages/cli/README.md). Exit code 1 when anything is found, 0 when clean.
JSON (--format json): {"version": 1, "region", "alarmsChecked", "findings": [{"kind", "alarm", "message"}],
  "calls": {"describeAlarms", "getMetricData"}, "metricsRequested", "costUsd"}

Example (nightly in CI): sre audit slos alarms --region eu-west-1 --format json > audit.json`;

function toDeployed(described: Awaited<ReturnType<typeof describeAlarms>>, noData: Set<string>): DeployedAlarm[] {
  const at = (d?: Date) => (d ? Math.floor(d.getTime() / 1000) : undefined);
  return [
    ...described.metricAlarms.map((a): DeployedAlarm => ({
      name: a.AlarmName ?? '',
      kind: 'metric',
      state: a.StateValue,
      stateUpdated: at(a.StateUpdatedTimestamp),
      threshold: a.Threshold,
      actionsEnabled: a.ActionsEnabled ?? true,
      actions: (a.AlarmActions ?? []).length,
      description: a.AlarmDescription,
      noData: noData.has(a.AlarmName ?? ''),
    })),
    ...described.compositeAlarms.map((a): DeployedAlarm => ({
      name: a.AlarmName ?? '',
      kind: 'composite',
      state: a.StateValue,
      stateUpdated: at(a.StateUpdatedTimestamp),
      actionsEnabled: a.ActionsEnabled ?? true,
      actions: (a.AlarmActions ?? []).length,
      description: a.AlarmDescription,
    })),
  ];
}

function text(findings: readonly AuditFinding[], checked: number, region: string): string {
  if (findings.length === 0)
    return `sre audit: ${checked} alarm(s) in ${region}: all as specified, all receiving data\n`;
  return `${findings.map((f) => `${f.alarm}: ${f.kind}: ${f.message}`).join('\n')}\nsre audit: ${findings.length} finding(s) over ${checked} alarm(s) in ${region}\n`;
}

export function registerAudit(program: Command): void {
  program
    .command('audit')
    .description('Find deployed alarms that never fire: no data, no actions, or different from the specs')
    .argument('<path...>', 'spec files or folders (SLOs and alarm policies)')
    .requiredOption('--region <region>', 'AWS region to audit')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--days <n>', 'lookback for "no datapoints"', '7')
    .addHelpText('after', HELP)
    .action(async (paths: string[], opts: { region: string; format: 'text' | 'json'; days: string }, cmd: Command) => {
      const days = Number(opts.days);
      if (!(days >= 1 && days <= 455)) exitWith(`sre audit: --days "${opts.days}" must be between 1 and 455`);
      const specs = await loadValidSpecs(paths, cmd);
      if (specs.slos.length === 0 && specs.alarmPolicies.length === 0)
        exitWith(`sre audit: no SLOs or alarm policies in ${paths.join(' ')}`);
      const client = new CloudWatchClient({ region: opts.region });
      const now = Math.floor(Date.now() / 1000);
      let described;
      let data;
      try {
        described = await describeAlarms(client, auditPrefixes(specs.slos, specs.alarmPolicies));
        data = await alarmsWithoutData(client, described.metricAlarms, {
          start: new Date((now - days * 86400) * 1000),
          end: new Date(now * 1000),
        });
      } catch (err) {
        exitWith(`sre audit: CloudWatch: ${(err as Error).message}`, 2);
      }
      const deployed = toDeployed(described, data.noData);
      const findings = auditAlarms(expectedAlarms(specs.slos, specs.alarmPolicies), deployed, { now });
      const cost = getMetricDataCost(data.stats.metricsRequested);
      process.stdout.write(
        opts.format === 'json'
          ? `${JSON.stringify(
              {
                version: 1,
                region: opts.region,
                alarmsChecked: deployed.length,
                findings,
                calls: { describeAlarms: described.calls, getMetricData: data.stats.calls },
                metricsRequested: data.stats.metricsRequested,
                costUsd: cost,
              },
              null,
              2,
            )}\n`
          : text(findings, deployed.length, opts.region),
      );
      if (findings.length > 0) throw new CommanderError(1, 'sre.auditFindings', `${findings.length} finding(s)`);
    });
}
