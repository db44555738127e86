/**
 * Scale benchmark: one stack monitoring N services (default 100), each with a
 * Lambda function, an ECS service, a bucket, an ALB with a target group, an
 * RDS instance and two SLOs. Prints synth time, stacks, template sizes,
 * resources per template and alarm counts, and fails (exit 1) when a
 * template breaks CloudFormation's limits (500 resources, 1 MB).
 *   npm run bench -- [services] [--validate] [--dashboards]
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { AlarmFamily, SreKit } from '../src';

const args = process.argv.slice(2);
const services = Number(args.find((a) => /^\d+$/.test(a)) ?? 100);
// aws-cdk-lib >= 2.27x validates every template against the CloudFormation schemas at synth (a WASM
// engine); it dominates synth time at this scale, so it is measured separately (--validate).
const validate = args.includes('--validate');
const dashboards = args.includes('--dashboards');
const outdir = mkdtempSync(join(tmpdir(), 'sre-kit-bench-'));
const started = process.hrtime.bigint();
const app = new App({ outdir, builtinCloudFormationValidation: validate });
const stack = new Stack(app, 'Fleet', { env: { account: '123456789012', region: 'eu-west-1' } });
const kit = new SreKit(stack, 'Sre', { service: 'fleet', emails: [{ address: 'oncall@example.com' }], dashboards });

for (let i = 1; i <= services; i++) {
  const svc = `svc${i}`;
  const lb = `app/${svc}/0123456789abcdef`;
  const tg = `targetgroup/${svc}/0123456789abcdef`;
  const opts = { service: svc };
  kit.monitorByDimensions(
    AlarmFamily.LAMBDA,
    `${svc}-fn`,
    { FunctionName: `${svc}-worker` },
    { ...opts, properties: { timeoutMs: 30000 } },
  );
  kit.monitorByDimensions(AlarmFamily.ECS, `${svc}-web`, { ClusterName: 'fleet', ServiceName: svc }, opts);
  kit.monitorByDimensions(
    AlarmFamily.S3,
    `${svc}-bucket`,
    { BucketName: `${svc}-data`, FilterId: 'EntireBucket' },
    opts,
  );
  kit.monitorByDimensions(AlarmFamily.ALB, `${svc}-alb`, { LoadBalancer: lb, TargetGroup: tg }, opts);
  kit.monitorByDimensions(
    AlarmFamily.RDS,
    `${svc}-db`,
    { DBInstanceIdentifier: `${svc}-db` },
    {
      ...opts,
      properties: { maxConnections: 400, memoryBytes: 4 * 1024 ** 3, allocatedStorageBytes: 100 * 1024 ** 3 },
    },
  );
  const metric = (metricName: string, statistic = 'Sum') =>
    new cloudwatch.Metric({
      namespace: 'AWS/ApplicationELB',
      metricName,
      statistic,
      dimensionsMap: { LoadBalancer: lb },
    });
  kit.addSlo({
    service: svc,
    sloName: 'availability',
    objective: 0.999,
    badMetric: metric('HTTPCode_Target_5XX_Count'),
    totalMetric: metric('RequestCount'),
  });
  kit.addSlo({
    service: svc,
    sloName: 'latency',
    objective: 0.99,
    goodMetric: metric('TargetResponseTime', 'TC(:0.5)'),
    totalMetric: metric('TargetResponseTime', 'SampleCount'),
  });
}
const built = process.hrtime.bigint();
const assembly = app.synth();
const done = process.hrtime.bigint();

interface Row {
  file: string;
  bytes: number;
  resources: number;
  alarms: number;
  composites: number;
}
const rows: Row[] = [];
const measure = (file: string) => {
  const text = readFileSync(join(outdir, file), 'utf8');
  const template = JSON.parse(text);
  const resources = Object.values(template.Resources ?? {}) as { Type: string }[];
  rows.push({
    file,
    bytes: Buffer.byteLength(JSON.stringify(JSON.parse(text))),
    resources: resources.length,
    alarms: resources.filter((r) => r.Type === 'AWS::CloudWatch::Alarm').length,
    composites: resources.filter((r) => r.Type === 'AWS::CloudWatch::CompositeAlarm').length,
    outputs: Object.keys(template.Outputs ?? {}).length,
    parameters: Object.keys(template.Parameters ?? {}).length,
  });
};
measure(assembly.getStackByName('Fleet').templateFile);
for (const file of readdirSync(outdir).sort()) if (file.endsWith('.nested.template.json')) measure(file);

const ms = (a: bigint, b: bigint) => Number(b - a) / 1e6;
const sum = (k: keyof Row) => rows.reduce((n, r) => n + (r[k] as number), 0);
const maxBytes = Math.max(...rows.map((r) => r.bytes));
const maxResources = Math.max(...rows.map((r) => r.resources));
const maxOutputs = Math.max(...rows.map((r) => r.outputs));
const maxParameters = Math.max(...rows.map((r) => r.parameters));
const report = kit.costReport();
console.log(
  `services:                ${services} (Lambda, ECS service, bucket, ALB + target group, RDS instance, 2 SLOs each)`,
);
console.log(`construct time:          ${(ms(started, built) / 1000).toFixed(1)} s`);
console.log(
  `synth time:              ${(ms(built, done) / 1000).toFixed(1)} s (CloudFormation schema validation ${validate ? 'on' : 'off; --validate turns it on'})`,
);
console.log(`templates:               ${rows.length} (1 parent + ${rows.length - 1} nested stacks)`);
console.log(`metric alarms:           ${sum('alarms')}`);
console.log(`composite alarms:        ${sum('composites')}`);
console.log(
  `largest template:        ${(maxBytes / 1024).toFixed(0)} KiB (limit 1024 KiB; minified JSON as CloudFormation receives it)`,
);
console.log(`most resources/template: ${maxResources} (limit 500)`);
console.log(`most outputs/parameters:  ${maxOutputs} / ${maxParameters} (limits 200 / 200)`);
console.log(`total template bytes:    ${(sum('bytes') / 1024 / 1024).toFixed(2)} MiB`);
console.log(`estimated cost:          ${report.totalUsd.toFixed(2)} USD/month (${report.prices})`);
console.log(`heap used:               ${(process.memoryUsage().heapUsed / 1024 / 1024).toFixed(0)} MiB`);
rmSync(outdir, { recursive: true, force: true });
if (maxBytes > 1024 * 1024 || maxResources > 500 || maxOutputs > 200 || maxParameters > 200) {
  console.error('FAIL: a template exceeds a CloudFormation limit');
  process.exit(1);
}
