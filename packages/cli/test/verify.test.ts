import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Duration, NestedStack, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { LambdaFunctionAlarms, MetricsContract } from '@sre-kit/cdk';
import { runSre } from './run';

const ROOT = join(__dirname, '../../..');

/**
 * A real assembly: the function lives in a nested stack of one stack, its alarms in another
 * (nested-stack output -> cross-stack export -> Fn::ImportValue), and alarms in a nested stack read
 * a function of its parent (nested-stack parameter); a custom metric is declared on the function.
 * A dashboard reads the function's errors (a token across stacks) and the custom metric.
 * `broken` adds an alarm and a dashboard widget on a metric nothing publishes.
 */
function synthApp(broken: boolean): string {
  const outdir = mkdtempSync(join(tmpdir(), 'sre-verify-'));
  const app = new App({ outdir });
  const env = { region: 'eu-west-1' };
  const compute = new Stack(app, 'Shop-Compute', { env });
  const nested = new NestedStack(compute, 'Functions');
  const fn = new lambda.Function(nested, 'Orders', {
    runtime: lambda.Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => {}'),
    timeout: Duration.seconds(10),
  });
  MetricsContract.declare(fn, {
    namespace: 'Shop',
    metrics: [{ name: 'OrdersPlaced', dimensions: [['Environment']] }],
  });
  const alarms = new Stack(app, 'Shop-Alarms', { env });
  new LambdaFunctionAlarms(alarms, 'orders', { service: 'shop', lambdaFunction: fn, allowAlarmsWithoutActions: true });
  // And the other way round: alarms in a nested stack on a function of its parent (a nested-stack parameter).
  const refunds = new lambda.Function(alarms, 'Refunds', {
    runtime: lambda.Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => {}'),
  });
  new LambdaFunctionAlarms(new NestedStack(alarms, 'More'), 'refunds', {
    service: 'shop',
    lambdaFunction: refunds,
    allowAlarmsWithoutActions: true,
  });
  const metric = (metricName: string) =>
    new cloudwatch.Metric({ namespace: 'Shop', metricName, dimensionsMap: { Environment: 'prod' } });
  new cloudwatch.Alarm(alarms, 'Placed', {
    alarmName: 'shop-orders-placed',
    metric: metric('OrdersPlaced'),
    threshold: 1,
    evaluationPeriods: 1,
  });
  const dashboard = new cloudwatch.Dashboard(alarms, 'Board', { dashboardName: 'shop' });
  dashboard.addWidgets(
    new cloudwatch.GraphWidget({ title: 'Orders', left: [fn.metricErrors(), metric('OrdersPlaced')] }),
  );
  if (broken) {
    new cloudwatch.Alarm(alarms, 'Typo', {
      alarmName: 'shop-orders-typo',
      metric: metric('OrderPlaced'),
      threshold: 1,
      evaluationPeriods: 1,
    });
    dashboard.addWidgets(new cloudwatch.GraphWidget({ title: 'Orders (typo)', left: [metric('OrderPlaced')] }));
  }
  app.synth();
  return outdir;
}

let good: string;
let bad: string;
beforeAll(() => {
  good = synthApp(false);
  bad = synthApp(true);
}, 120_000);

describe('sre verify (in-process)', () => {
  it('exits 0 when every alarm reads a published metric, across nested stacks and exports', async () => {
    const { stdout, code } = await runSre(['verify', good]);
    expect(code).toBe(0);
    expect(stdout).toBe(
      'verified: 0 dead of 9 alarms and 0 composite alarms; 0 dead of 1 metric panel on 1 dashboard\n',
    );
  });

  it('exits 1 naming the dead alarm, its stack, the reason and the fix', async () => {
    const { stdout, code } = await runSre(['verify', bad]);
    expect(code).toBe(1);
    expect(stdout.split('\n')).toEqual([
      'dead: Shop-Alarms: shop-orders-typo',
      '  Shop OrderPlaced: metric OrderPlaced is not in the declared contract of namespace Shop',
      '    fix: did you mean "OrdersPlaced"? Correct the alarm\'s metric name',
      'dead panel: Shop-Alarms: shop: "Orders (typo)"',
      '  Shop OrderPlaced: metric OrderPlaced is not in the declared contract of namespace Shop',
      '    fix: did you mean "OrdersPlaced"? Correct the alarm\'s metric name',
      'dead alarms or panels: 1 dead of 10 alarms and 0 composite alarms; 1 dead of 2 metric panels on 1 dashboard',
      '',
    ]);
  });

  it('--json prints the documented document', async () => {
    const { stdout, code } = await runSre(['verify', '--json', bad]);
    expect(code).toBe(1);
    const doc = JSON.parse(stdout);
    expect(doc).toMatchObject({
      version: 1,
      ok: false,
      assembly: bad,
      counts: { alarms: 10, compositeAlarms: 0, dead: 1, dashboards: 1, panels: 2, deadPanels: 1, unchecked: 0 },
    });
    expect(doc.deadPanels).toEqual([
      {
        stack: 'Shop-Alarms',
        logicalId: expect.stringMatching(/^Board/),
        dashboard: 'shop',
        widget: 'Orders (typo)',
        problems: [expect.objectContaining({ metric: 'Shop OrderPlaced' })],
      },
    ]);
    expect(doc.dead).toEqual([
      {
        stack: 'Shop-Alarms',
        logicalId: expect.stringMatching(/^Typo/),
        alarmName: 'shop-orders-typo',
        type: 'AWS::CloudWatch::Alarm',
        problems: [
          {
            metric: 'Shop OrderPlaced',
            reason: 'metric OrderPlaced is not in the declared contract of namespace Shop',
            fix: 'did you mean "OrdersPlaced"? Correct the alarm\'s metric name',
          },
        ],
      },
    ]);
  });

  it('--metrics declares a namespace from outside the assembly', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sre-metrics-')), 'metrics.yaml');
    writeFileSync(file, 'namespace: Shop\nmetrics:\n  - { pattern: "^Order", dimensions: [[Environment]] }\n');
    expect((await runSre(['verify', bad, '--metrics', file])).code).toBe(0);
    writeFileSync(file, 'namespace: Shop\nmetrics:\n  - { dimensions: [[Environment]] }\n');
    const broken = await runSre(['verify', bad, '--metrics', file]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain(`sre verify: ${file}: [0].metrics[0]: name or pattern is required`);
  });

  it('exits 2 with the fix when there is no assembly', async () => {
    const { stderr, code } = await runSre(['verify', join(good, 'nope')]);
    expect(code).toBe(2);
    expect(stderr).toContain(
      `${join(good, 'nope', 'manifest.json')}: no such file (the cloud assembly manifest; run \`cdk synth\``,
    );
  });
});

describe('sre verify (the built bin, a real process)', () => {
  const bin = join(ROOT, 'packages/cli/dist/bin.js');
  beforeAll(() => {
    if (existsSync(bin)) return;
    execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-b', join(ROOT, 'packages/cli')], {
      stdio: 'pipe',
    });
  }, 180_000);

  it('exit codes 0, 1 and 2, never a stack trace', () => {
    const run = (dir: string) => spawnSync(process.execPath, [bin, 'verify', dir], { encoding: 'utf8' });
    expect(run(good).status).toBe(0);
    const dead = run(bad);
    expect(dead.status).toBe(1);
    expect(dead.stdout).toContain('dead: Shop-Alarms: shop-orders-typo');
    const missing = run(join(good, 'nope'));
    expect(missing.status).toBe(2);
    expect(missing.stderr).not.toMatch(/\n\s+at /);
  });
});
