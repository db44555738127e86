/**
 * Scale benchmark: one stack monitoring N services (default 100), each with a
 * Lambda function, an ECS service, a bucket, an ALB with a target group, an
 * RDS instance and two SLOs. Prints synth time, stacks, template sizes,
 * resources per template and alarm counts, and fails (exit 1) when a
 * template breaks CloudFormation's limits (500 resources, 1 MB).
 * Then synthesizes cdk-monitoring-constructs' MonitoringFacade on the same number of Lambda
 * functions (its Lambda monitoring with error, throttle, latency and concurrency alarms), in the
 * same run, and prints both largest templates as written on disk.
 *   npm run bench -- [services] [--validate] [--dashboards] [--max=<maxResourcesPerStack>]
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { MonitoringFacade } from 'cdk-monitoring-constructs';
import { SreKit } from '../src';
import { monitorServices } from './fleet';

const args = process.argv.slice(2);
const services = Number(args.find((a) => /^\d+$/.test(a)) ?? 100);
// aws-cdk-lib >= 2.27x validates every template against the CloudFormation schemas at synth (a WASM
// engine); it dominates synth time at this scale, so it is measured separately (--validate).
const validate = args.includes('--validate');
const dashboards = args.includes('--dashboards');
const maxArg = args.find((a) => a.startsWith('--max='));
const maxResourcesPerStack = maxArg ? Number(maxArg.slice('--max='.length)) : undefined;
interface Row {
  file: string;
  bytes: number;
  resources: number;
  alarms: number;
  composites: number;
  dashboards: number;
  outputs: number;
  parameters: number;
}

interface Fleet {
  rows: Row[];
  constructMs: number;
  synthMs: number;
  report: ReturnType<SreKit['costReport']>;
}

/** The fleet of `services` in one stack, synthesized, every template (parent and nested) measured as written. */
function fleet(withDashboards: boolean): Fleet {
  const outdir = mkdtempSync(join(tmpdir(), 'sre-kit-bench-'));
  try {
    const started = process.hrtime.bigint();
    const app = new App({ outdir, builtinCloudFormationValidation: validate });
    const stack = new Stack(app, 'Fleet', { env: { account: '123456789012', region: 'eu-west-1' } });
    const kit = new SreKit(stack, 'Sre', {
      service: 'fleet',
      emails: [{ address: 'oncall@example.com' }],
      dashboards: withDashboards,
      maxResourcesPerStack,
    });
    monitorServices(kit, services);
    const built = process.hrtime.bigint();
    const assembly = app.synth();
    const done = process.hrtime.bigint();
    const rows: Row[] = [];
    const measure = (file: string) => {
      const template = JSON.parse(readFileSync(join(outdir, file), 'utf8'));
      const resources = Object.values(template.Resources ?? {}) as { Type: string }[];
      const ofType = (type: string) => resources.filter((r) => r.Type === `AWS::CloudWatch::${type}`).length;
      rows.push({
        file,
        // As written: CDK uploads the file, indented unless the stack suppresses indentation.
        bytes: statSync(join(outdir, file)).size,
        resources: resources.length,
        alarms: ofType('Alarm'),
        composites: ofType('CompositeAlarm'),
        dashboards: ofType('Dashboard'),
        outputs: Object.keys(template.Outputs ?? {}).length,
        parameters: Object.keys(template.Parameters ?? {}).length,
      });
    };
    measure(assembly.getStackByName('Fleet').templateFile);
    for (const file of readdirSync(outdir).sort()) if (file.endsWith('.nested.template.json')) measure(file);
    const ms = (a: bigint, b: bigint) => Number(b - a) / 1e6;
    return { rows, constructMs: ms(started, built), synthMs: ms(built, done), report: kit.costReport() };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

const largest = (rows: Row[], k: keyof Row) => Math.max(...rows.map((r) => r[k] as number));
const main = fleet(dashboards);
const { rows, report } = main;
const sum = (k: keyof Row) => rows.reduce((n, r) => n + (r[k] as number), 0);
const maxBytes = largest(rows, 'bytes');
const maxResources = largest(rows, 'resources');
const maxOutputs = largest(rows, 'outputs');
const maxParameters = largest(rows, 'parameters');
console.log(
  `services:                ${services} (Lambda, ECS service, bucket, ALB + target group, RDS instance, 2 SLOs each)`,
);
console.log(`dashboards:              ${dashboards ? 'on' : 'off (--dashboards turns them on)'}`);
console.log(`construct time:          ${(main.constructMs / 1000).toFixed(1)} s`);
console.log(
  `synth time:              ${(main.synthMs / 1000).toFixed(1)} s (CloudFormation schema validation ${validate ? 'on' : 'off; --validate turns it on'})`,
);
console.log(`templates:               ${rows.length} (1 parent + ${rows.length - 1} nested stacks)`);
for (const r of rows)
  console.log(
    `  ${r.file}: ${r.bytes} bytes, ${r.resources} resources (${r.alarms} alarms, ${r.composites} composite, ` +
      `${r.dashboards} dashboards), ${r.parameters} parameters, ${r.outputs} outputs`,
  );
console.log(`metric alarms:           ${sum('alarms')}`);
console.log(`composite alarms:        ${sum('composites')}`);
console.log(`dashboards:              ${sum('dashboards')}`);
console.log(`largest template:        ${maxBytes} bytes on disk (limit 1,000,000: CDK's and CloudFormation's 1 MB)`);
console.log(`most resources/template: ${maxResources} (limit 500)`);
console.log(`most outputs/parameters: ${maxOutputs} / ${maxParameters} (limits 200 / 200)`);
console.log(`total template bytes:    ${(sum('bytes') / 1024 / 1024).toFixed(2)} MiB`);
console.log(`estimated cost:          ${report.totalUsd.toFixed(2)} USD/month (${report.prices})`);
console.log(`heap used:               ${(process.memoryUsage().heapUsed / 1024 / 1024).toFixed(0)} MiB`);
// The other setting of --dashboards, so one run gives the largest template with dashboards on and off.
const other = fleet(!dashboards);
const otherMax = { bytes: largest(other.rows, 'bytes'), resources: largest(other.rows, 'resources') };
const limitsBroken = (f: Fleet) =>
  largest(f.rows, 'bytes') > 1_000_000 ||
  largest(f.rows, 'resources') > 500 ||
  largest(f.rows, 'outputs') > 200 ||
  largest(f.rows, 'parameters') > 200;
console.log(
  `with dashboards ${dashboards ? 'off' : 'on'}:      largest template ${otherMax.bytes} bytes on disk, ` +
    `most resources ${otherMax.resources}, ${other.rows.length} templates, synth ${(other.synthMs / 1000).toFixed(1)} s`,
);

/** cdk-monitoring-constructs on `services` Lambda functions, one stack, as its README sets it up. */
function monitoringConstructs(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sre-kit-bench-cmc-'));
  try {
    const cmcApp = new App({ outdir: dir, builtinCloudFormationValidation: validate });
    const cmcStack = new Stack(cmcApp, 'CmcFleet', { env: { account: '123456789012', region: 'eu-west-1' } });
    const facade = new MonitoringFacade(cmcStack, 'Monitoring', {
      alarmFactoryDefaults: { actionsEnabled: true, alarmNamePrefix: 'fleet' },
      metricFactoryDefaults: {},
    });
    for (let i = 1; i <= services; i++)
      facade.monitorLambdaFunction({
        lambdaFunction: lambda.Function.fromFunctionName(cmcStack, `Fn${i}`, `svc${i}-worker`),
        addFaultCountAlarm: { Warning: { maxErrorCount: 1 } },
        addThrottlesCountAlarm: { Warning: { maxErrorCount: 1 } },
        addLatencyP90Alarm: { Warning: { maxLatency: Duration.seconds(10) } },
        addConcurrentExecutionsCountAlarm: { Warning: { maxRunningTasks: 100 } },
      });
    const file = cmcApp.synth().getStackByName('CmcFleet').templateFile;
    const resources = Object.keys(JSON.parse(readFileSync(join(dir, file), 'utf8')).Resources).length;
    return `${statSync(join(dir, file)).size} bytes on disk, ${resources} resources, 1 template`;
  } catch (e) {
    return `fails: ${(e as Error).message.split('\n')[0]}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
/** The kit on the same Lambda functions, for the side-by-side line. */
function kitOnLambdas(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sre-kit-bench-lambdas-'));
  try {
    const kitApp = new App({ outdir: dir, builtinCloudFormationValidation: validate });
    const kitStack = new Stack(kitApp, 'KitFleet', { env: { account: '123456789012', region: 'eu-west-1' } });
    const lambdaKit = new SreKit(kitStack, 'Sre', { service: 'fleet', maxResourcesPerStack, costAnnotation: false });
    for (let i = 1; i <= services; i++)
      lambdaKit.monitorLambda(`svc${i}-fn`, lambda.Function.fromFunctionName(kitStack, `Fn${i}`, `svc${i}-worker`), {
        properties: { timeoutMs: 30000 },
      });
    kitApp.synth();
    const files = readdirSync(dir).filter((f) => f.endsWith('.template.json'));
    const sizes = files.map((f) => statSync(join(dir, f)).size);
    return `largest ${Math.max(...sizes)} bytes on disk, ${files.length} templates`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
console.log(`${services} Lambdas, sre-kit:                   ${kitOnLambdas()}`);
console.log(`${services} Lambdas, cdk-monitoring-constructs: ${monitoringConstructs()}`);
if (limitsBroken(main) || limitsBroken(other)) {
  console.error('FAIL: a template exceeds a CloudFormation limit');
  process.exit(1);
}
