import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import {
  parsePublishedMetricsFile,
  readCloudAssembly,
  verifyAssembly,
  type PublishedMetrics,
  type VerifyReport,
} from '@sre-kit/core';

/** Version of the `--json` document; bumped on any incompatible change. */
export const VERIFY_JSON_VERSION = 1;

const HELP = `
Reads a synthesized cloud assembly (cdk.out: the manifest, every stack's template, nested stacks and
stage assemblies; no AWS calls) and proves that every AWS::CloudWatch::Alarm reads a metric a resource
of the assembly publishes as configured:
  - the function / cluster / service / bucket / load balancer / target group / DB instance / queue /
    NAT gateway / distribution its dimensions name exists (literal name, Ref, Fn::GetAtt,
    Fn::ImportValue, nested-stack parameters and outputs);
  - ECS/ContainerInsights: Container Insights is on for the cluster;
  - ALB LoadBalancer + TargetGroup: a listener of the load balancer (or its rule) forwards to the group;
  - S3 request metrics: the bucket has the metrics configuration whose Id is the FilterId;
  - RDS ReplicaLag: the instance is a read replica (SourceDBInstanceIdentifier);
  - AWS/WAFV2: a web ACL (and rule) has that VisibilityConfig.MetricName with CloudWatch metrics on,
    with a Region dimension exactly when it is REGIONAL;
  - custom namespaces: the metric and its dimension set are in the namespace's declared contract
    (resource metadata SreKit::PublishedMetrics written by @sre-kit/cdk MetricsContract.declare,
    or --metrics files);
  - AWS/WAFV2 CaptchaRequests / RequestsWithValidCaptchaToken: the web ACL has a CAPTCHA action;
    Bot Control label namespaces: the web ACL uses the AWSManagedRulesBotControlRuleSet group;
  - metric math: every metric inside; composite alarms: every child is an alarm of the assembly.
Every AWS::CloudWatch::Dashboard goes through the same checks: each metric widget's metrics (the
DashboardBody's Fn::Join tokens resolved like alarm dimensions) and each SEARCH expression's
namespace, schema and terms (MetricName, WebACL, LabelNamespace, ...). A widget that can never show
data is a dead panel, reported with its dashboard, title, reason and fix.
Metrics in AWS namespaces verify has no rules for are listed as unchecked, not failed.

Exit code: 0 when no alarm and no panel is dead, 1 when any is, 2 when the assembly or a --metrics
file cannot be read.

--metrics file (YAML or JSON), one contract or a list:
  namespace: MyApp
  metrics:
    - { name: OrdersPlaced, dimensions: [[Environment]] }
    - { pattern: "^myapp_", dimensions: [[Environment], [Environment, route]] }

JSON output (--json), stable, version ${VERIFY_JSON_VERSION}:
  { "version": 1, "ok": boolean, "assembly": string,
    "counts": { "alarms", "compositeAlarms", "dead", "dashboards", "panels", "deadPanels", "unchecked" },
    "dead": [ { "stack", "logicalId", "alarmName", "type", "problems": [ { "metric", "reason", "fix" } ] } ],
    "deadPanels": [ { "stack", "logicalId", "dashboard", "widget", "problems": [ { "metric", "reason", "fix" } ] } ],
    "unchecked": [ { "stack", "alarmName", "metric" } ] }

Example:
  npm run synth && sre verify reference-app/infra/cdk.out`;

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The human report: each dead alarm with its problems and fixes, then one summary line. */
export function renderVerify(report: VerifyReport): string {
  const lines: string[] = [];
  for (const d of report.dead) {
    lines.push(`dead: ${d.stack}: ${d.alarmName}`);
    for (const p of d.problems) lines.push(`  ${p.metric}: ${p.reason}`, `    fix: ${p.fix}`);
  }
  for (const d of report.deadPanels) {
    lines.push(`dead panel: ${d.stack}: ${d.dashboard}: "${d.widget}"`);
    for (const p of d.problems) lines.push(`  ${p.metric}: ${p.reason}`, `    fix: ${p.fix}`);
  }
  for (const u of report.unchecked)
    lines.push(`unchecked: ${u.stack}: ${u.alarmName}: ${u.metric} (no publisher rules for this namespace)`);
  const total = `${plural(report.alarms, 'alarm')} and ${plural(report.compositeAlarms, 'composite alarm')}`;
  const ok = report.dead.length === 0 && report.deadPanels.length === 0;
  lines.push(
    `${ok ? 'verified' : 'dead alarms or panels'}: ${report.dead.length} dead of ${total}; ` +
      `${report.deadPanels.length} dead of ${plural(report.panels, 'metric panel')} on ${plural(report.dashboards, 'dashboard')}` +
      (report.unchecked.length ? `, ${report.unchecked.length} metrics unchecked` : ''),
  );
  return `${lines.join('\n')}\n`;
}

export function registerVerify(program: Command): void {
  program
    .command('verify')
    .description(
      'Prove every alarm and dashboard panel of a synthesized CDK assembly reads a metric something in it publishes',
    )
    .argument('<cdk.out>', 'the cloud assembly folder (cdk synth output)')
    .option('--metrics <file...>', 'published-metrics contracts of custom namespaces (YAML or JSON)')
    .option('--json', 'print a stable JSON document instead of text')
    .addHelpText('after', HELP)
    .action((dir: string, opts: { json?: boolean; metrics?: string[] }, cmd: Command) => {
      let report: VerifyReport;
      try {
        const published: PublishedMetrics[] = (opts.metrics ?? []).flatMap((file) =>
          parsePublishedMetricsFile(readFileSync(file, 'utf8'), file),
        );
        report = verifyAssembly(readCloudAssembly(dir), { published });
      } catch (e) {
        return cmd.error(`sre verify: ${(e as Error).message}`, { exitCode: 2, code: 'sre.verifyInput' });
      }
      if (opts.json) {
        const doc = {
          version: VERIFY_JSON_VERSION,
          ok: report.dead.length === 0 && report.deadPanels.length === 0,
          assembly: dir,
          counts: {
            alarms: report.alarms,
            compositeAlarms: report.compositeAlarms,
            dead: report.dead.length,
            dashboards: report.dashboards,
            panels: report.panels,
            deadPanels: report.deadPanels.length,
            unchecked: report.unchecked.length,
          },
          dead: report.dead,
          deadPanels: report.deadPanels,
          unchecked: report.unchecked,
        };
        process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
      } else process.stdout.write(renderVerify(report));
      if (report.dead.length > 0 || report.deadPanels.length > 0)
        throw new CommanderError(
          1,
          'sre.deadAlarms',
          `${report.dead.length} alarm(s) and ${report.deadPanels.length} dashboard panel(s) can never get data`,
        );
    });
}
