import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, CfnOutput, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AlarmFamily, QueueRole, SreKit } from '../src';

// CDK refuses to deploy, and warns at synth, past this many bytes of template file.
const MAX_TEMPLATE_BYTES = 1_000_000;

// CloudFormation's limits per template besides resources and bytes.
const MAX_PARAMETERS = 200;
const MAX_OUTPUTS = 200;

interface Written {
  file: string;
  bytes: number;
  resources: number;
  parameters: number;
  outputs: number;
  /** The template as written, for assertions on what references what. */
  template: { Resources?: Record<string, { Type: string; DependsOn?: string[]; Properties?: unknown }> };
}

/** Synthesizes into a fresh cdk.out and reads every template file as CloudFormation receives it. */
function synthFiles(build: (app: App) => void): Written[] {
  const outdir = mkdtempSync(join(tmpdir(), 'sre-kit-placement-'));
  try {
    // Schema validation is not what is measured here and triples synth time.
    const app = new App({ outdir, builtinCloudFormationValidation: false });
    build(app);
    app.synth();
    return readdirSync(outdir)
      .filter((f) => f.endsWith('.template.json'))
      .map((file) => {
        const template = JSON.parse(readFileSync(join(outdir, file), 'utf8'));
        const count = (section: unknown) => Object.keys(section ?? {}).length;
        return {
          file,
          bytes: statSync(join(outdir, file)).size,
          resources: count(template.Resources),
          parameters: count(template.Parameters),
          outputs: count(template.Outputs),
          template,
        };
      });
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

const env = { account: '123456789012', region: 'eu-west-1' };

/** A service of its own resources (function, role, queue, topic ...) monitored right after it is created. */
function service(stack: Stack, kit: SreKit, i: number): void {
  const fn = new lambda.Function(stack, `Fn${i}`, {
    runtime: lambda.Runtime.NODEJS_20_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => {}'),
  });
  for (let q = 0; q < 10; q++) new sqs.Queue(stack, `Queue${i}-${q}`);
  for (let t = 0; t < 10; t++) new sns.Topic(stack, `Topic${i}-${t}`);
  kit.monitorLambda(`fn${i}`, fn, { properties: { timeoutMs: 3000 } });
  kit.addSlo({
    sloName: `errors${i}`,
    objective: 0.999,
    badMetric: fn.metricErrors(),
    totalMetric: fn.metricInvocations(),
  });
}

describe('placement is decided at synth', () => {
  test('20 services monitored as they are created in one stack synthesize within 500 resources', () => {
    const files = synthFiles((app) => {
      const stack = new Stack(app, 'Base', { env });
      const kit = new SreKit(stack, 'Sre', { service: 'shop', costAnnotation: false });
      for (let i = 0; i < 20; i++) service(stack, kit, i);
    });
    // The user's 22 resources per service (440) leave no room for the kit's alarms in the parent:
    // decided at each call, they went there while it was still small (524 > 500).
    expect(files.length).toBeGreaterThan(1);
    for (const f of files) expect(f.resources).toBeLessThanOrEqual(500);
  });

  test('call order does not matter: monitored as created or afterwards, the same templates', () => {
    const build = (interleaved: boolean) =>
      synthFiles((app) => {
        const stack = new Stack(app, 'Base', { env });
        const kit = new SreKit(stack, 'Sre', { service: 'shop', costAnnotation: false });
        if (interleaved) for (let i = 0; i < 20; i++) service(stack, kit, i);
        else {
          const later = new SreKit(new Stack(app, 'Unused', { env }), 'Sre', { service: 'x', costAnnotation: false });
          // Resources first (monitored by a throwaway kit), then the same monitor calls on this one.
          for (let i = 0; i < 20; i++) service(stack, later, i);
          for (let i = 0; i < 20; i++) {
            const fn = stack.node.findChild(`Fn${i}`) as lambda.Function;
            kit.monitorLambda(`fn${i}`, fn, { properties: { timeoutMs: 3000 } });
            kit.addSlo({
              sloName: `errors${i}`,
              objective: 0.999,
              badMetric: fn.metricErrors(),
              totalMetric: fn.metricInvocations(),
            });
          }
        }
      })
        .filter((f) => f.file.startsWith('Base'))
        .map((f) => f.resources)
        .sort();
    expect(build(true)).toEqual(build(false));
  });

  test('100 services at maxResourcesPerStack 500: no written template over 1 MB or 500 resources', () => {
    const files = synthFiles((app) => {
      const stack = new Stack(app, 'Fleet', { env });
      const kit = new SreKit(stack, 'Sre', { service: 'fleet', maxResourcesPerStack: 500, costAnnotation: false });
      for (let i = 1; i <= 100; i++) {
        const svc = `svc${i}`;
        const lb = `app/${svc}/0123456789abcdef`;
        kit.monitorByDimensions(
          AlarmFamily.LAMBDA,
          `${svc}-fn`,
          { FunctionName: svc },
          { service: svc, properties: { timeoutMs: 30000 } },
        );
        kit.monitorByDimensions(
          AlarmFamily.ECS,
          `${svc}-web`,
          { ClusterName: 'fleet', ServiceName: svc },
          { service: svc, properties: { ephemeralStorageGiB: 20 } },
        );
        kit.monitorByDimensions(
          AlarmFamily.ALB,
          `${svc}-alb`,
          { LoadBalancer: lb, TargetGroup: `targetgroup/${svc}/0123` },
          { service: svc },
        );
        const metric = (metricName: string) =>
          new cloudwatch.Metric({
            namespace: 'AWS/ApplicationELB',
            metricName,
            statistic: 'Sum',
            dimensionsMap: { LoadBalancer: lb },
          });
        kit.addSlo({
          service: svc,
          sloName: 'availability',
          objective: 0.999,
          badMetric: metric('HTTPCode_Target_5XX_Count'),
          totalMetric: metric('RequestCount'),
        });
      }
    });
    expect(files.length).toBeGreaterThan(2);
    for (const f of files) {
      expect(f.resources).toBeLessThanOrEqual(500);
      expect(f.bytes).toBeLessThanOrEqual(MAX_TEMPLATE_BYTES);
    }
  });

  test('a split over several nested stacks keeps every template within the limit and the headroom', () => {
    // 40 families of 8 alarms at max 100: each nested stack takes families while it has 60
    // resources of headroom, so it stops at 48; filling to the limit itself would overflow to 104.
    const files = synthFiles((app) => {
      const stack = new Stack(app, 'Split', { env });
      const kit = new SreKit(stack, 'Sre', { service: 'fleet', maxResourcesPerStack: 100, costAnnotation: false });
      for (let i = 0; i < 40; i++)
        kit.monitorByDimensions(
          AlarmFamily.RDS,
          `db${i}`,
          { DBInstanceIdentifier: `db${i}` },
          { properties: { maxConnections: 100, memoryBytes: 1e9, allocatedStorageBytes: 1e10 } },
        );
    });
    const nested = files.filter((f) => f.file.includes('nested'));
    expect(nested.length).toBeGreaterThanOrEqual(4);
    for (const f of files) {
      expect(f.resources).toBeLessThanOrEqual(100);
      expect(f.bytes).toBeLessThanOrEqual(MAX_TEMPLATE_BYTES);
    }
    for (const f of nested) expect(f.resources).toBeLessThanOrEqual(100 - 60 + 8);
  });
});

describe("placement keeps parameters and outputs within CloudFormation's limits", () => {
  /** `queues` dead-letter queues of the stack's own, one alarm each: every alarm references its queue. */
  function deadLetterQueues(app: App, queues: number, options: { dashboards?: boolean; filler?: number } = {}) {
    const stack = new Stack(app, 'Queues', { env });
    const kit = new SreKit(stack, 'Sre', { service: 'q', dashboards: options.dashboards, costAnnotation: false });
    // Resources of the app's that keep the kit's alarms out of the parent stack.
    for (let i = 0; i < (options.filler ?? 0); i++) new sqs.Queue(stack, `Filler${i}`);
    for (let i = 0; i < queues; i++)
      kit.monitorQueue(`dlq${i}`, new sqs.Queue(stack, `Dlq${i}`), { role: QueueRole.DEAD_LETTER });
    return { stack, kit };
  }

  test("450 one-alarm families of the parent's queues: no nested stack over 200 parameters", () => {
    // By resources alone (400 a stack, 60 of headroom) a nested stack took 340 of these alarms and
    // made 342 parameters, one per queue referenced plus the topic: CloudFormation refuses over 200.
    const files = synthFiles((app) => deadLetterQueues(app, 450));
    const nested = files.filter((f) => f.file.includes('nested'));
    expect(nested.length).toBeGreaterThanOrEqual(3);
    for (const f of files) {
      expect(f.parameters).toBeLessThanOrEqual(MAX_PARAMETERS);
      expect(f.outputs).toBeLessThanOrEqual(MAX_OUTPUTS);
      expect(f.resources).toBeLessThanOrEqual(500);
    }
    // Every alarm is there, each once.
    expect(nested.reduce((n, f) => n + f.resources, 0)).toBe(450);
  });

  test('dashboards show nested alarms by name: no outputs, and they wait for the nested stacks', () => {
    const files = synthFiles((app) => deadLetterQueues(app, 160, { dashboards: true, filler: 250 }));
    const nested = files.filter((f) => f.file.includes('nested'));
    expect(nested.length).toBeGreaterThanOrEqual(1);
    // Through alarmArn each alarm shown was an output of its nested stack: 160 here.
    for (const f of files) expect(f.outputs).toBe(0);
    const parent = files.find((f) => f.file === 'Queues.template.json')!;
    const resources = Object.entries(parent.template.Resources ?? {});
    const nestedIds = resources.filter(([, r]) => r.Type === 'AWS::CloudFormation::Stack').map(([id]) => id);
    const dashboards = resources.filter(([, r]) => r.Type === 'AWS::CloudWatch::Dashboard').map(([, r]) => r);
    expect(dashboards.length).toBeGreaterThan(0);
    for (const d of dashboards) expect(d.DependsOn).toEqual(expect.arrayContaining(nestedIds));
    const bodies = JSON.stringify(dashboards.map((d) => d.Properties));
    expect(bodies).toContain(':cloudwatch:eu-west-1:123456789012:alarm:q-dlq159-sqs.dead-letter-messages-visible');
  });

  test("an app's own references to nested alarms past 200 outputs fail synth, naming the nested stack", () => {
    expect(() =>
      synthFiles((app) => {
        const { stack, kit } = deadLetterQueues(app, 210, { filler: 250 });
        // An app outputting each alarm's ARN and name from its own stack: two outputs of the nested stack
        // per alarm (its 170 alarms, placed by parameters, make 340).
        kit.families.forEach((f, i) => {
          new CfnOutput(stack, `AlarmArn${i}`, { value: f.alarms[0].alarmArn });
          new CfnOutput(stack, `AlarmName${i}`, { value: f.alarms[0].alarmName });
        });
      }),
    ).toThrow(/Queues\/Sre\/Alarms1: \d{3} outputs, over CloudFormation's 200 .*Fix: reference the alarms by name/);
  });
});
