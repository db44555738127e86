import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, CfnOutput, CfnResource, Lazy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { readCloudAssembly, verifyAssembly, type PanelGroup } from '@sre-kit/core';
import { AlarmFamily, QueueRole, SreDashboards, SreKit, sreDashboards, type SreKitProps } from '../src';
import { monitorServices } from '../bench/fleet';
import {
  CLOUDFORMATION_MAX_OUTPUTS as MAX_OUTPUTS,
  CLOUDFORMATION_MAX_PARAMETERS as MAX_PARAMETERS,
  CLOUDFORMATION_MAX_TEMPLATE_BYTES as MAX_TEMPLATE_BYTES,
} from '../src/placement';
import { expectWithinLimits, writtenTemplates, type WrittenTemplate } from './helpers';

// The scale tests synthesize hundreds to thousands of alarms: seconds each on a busy machine.
const SCALE_TIMEOUT = 180_000;

/**
 * Synthesizes into a fresh cdk.out and reads every template file as CloudFormation receives it;
 * `inspect` sees the assembly directory before it is removed.
 */
function synthFiles(build: (app: App) => void, inspect?: (outdir: string) => void): WrittenTemplate[] {
  const outdir = mkdtempSync(join(tmpdir(), 'sre-kit-placement-'));
  try {
    // Schema validation is not what is measured here and triples synth time.
    const app = new App({ outdir, builtinCloudFormationValidation: false });
    build(app);
    app.synth();
    inspect?.(outdir);
    return writtenTemplates(outdir);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

const env = { account: '123456789012', region: 'eu-west-1' };

/** A DashboardBody as written (a string, or an Fn::Join of strings and tokens) parsed, tokens as "T". */
function dashboardBodyOf(resource: { Properties?: Record<string, unknown> }): { widgets: unknown[] } {
  const body = resource.Properties!.DashboardBody as string | { 'Fn::Join': [string, unknown[]] };
  const text =
    typeof body === 'string' ? body : body['Fn::Join'][1].map((p) => (typeof p === 'string' ? p : 'T')).join('');
  return JSON.parse(text);
}

/** `count` resources of `bytes` each (200 KB unless told) in the app's own stack (SSM parameters), to fill its template. */
function addBlobs(stack: Stack, count: number, bytes = 200_000): void {
  for (let i = 0; i < count; i++)
    new CfnResource(stack, `Blob${i}`, {
      type: 'AWS::SSM::Parameter',
      properties: { Type: 'String', Value: 'x'.repeat(bytes) },
    });
}

const resourcesOfType = (f: WrittenTemplate, type: string) =>
  Object.entries(f.template.Resources ?? {}).filter(([, r]) => r.Type === type);

/** The bench's fleet (bench/fleet.ts) in one stack. */
function fleet(app: App, services: number, props: Partial<SreKitProps> = {}): SreKit {
  const stack = new Stack(app, 'Fleet', { env });
  const kit = new SreKit(stack, 'Sre', { service: 'fleet', costAnnotation: false, ...props });
  monitorServices(kit, services);
  return kit;
}

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

  test("measuring the app's template by bytes does not fix its cached lazy values early", () => {
    let value = 'at placement';
    const files = synthFiles((app) => {
      const stack = new Stack(app, 'Base', { env });
      new CfnResource(stack, 'Late', {
        type: 'AWS::SSM::Parameter',
        properties: { Type: 'String', Value: Lazy.string({ produce: () => value }) },
      });
      const kit = new SreKit(stack, 'Sre', { service: 'shop', costAnnotation: false });
      kit.monitorQueue('q', new sqs.Queue(stack, 'Q'));
      // Placement runs here (and measures every resource of the stack); the app sets its value after.
      expect(kit.families).toHaveLength(1);
      value = 'set later';
    });
    const late = resourcesOfType(
      files.find((f) => f.file === 'Base.template.json')!,
      'AWS::SSM::Parameter',
    );
    expect(late[0]![1].Properties!.Value).toBe('set later');
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

  test(
    '100 services with dashboards at maxResourcesPerStack 500: every written template within the limits, no outputs',
    () => {
      const files = synthFiles((app) => fleet(app, 100, { maxResourcesPerStack: 500, dashboards: true }));
      expect(files.length).toBeGreaterThan(2);
      expectWithinLimits(files);
      // The kit makes no cross-stack outputs: nested alarms are named, not exported, on the dashboards.
      for (const f of files) expect(f.outputs).toBe(0);
      // 2,500 widgets on the developer dashboard: cut into dashboards CloudWatch accepts (500 widgets each).
      const names = files.flatMap((f) =>
        resourcesOfType(f, 'AWS::CloudWatch::Dashboard').map(([, r]) => r.Properties!.DashboardName),
      );
      expect(names).toEqual(expect.arrayContaining(['fleet-developer', 'fleet-developer-2', 'fleet-developer-5']));
      for (const f of files)
        for (const [, r] of resourcesOfType(f, 'AWS::CloudWatch::Dashboard'))
          expect(dashboardBodyOf(r).widgets.length).toBeLessThanOrEqual(500);
    },
    SCALE_TIMEOUT,
  );

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

  test.each([
    // The parent keeps the dashboards (410 resources: past maxResourcesPerStack, within CloudFormation's 500).
    { blobs: 0, dashboardsNested: false },
    // The app's own template is large (four 200 KB parameters): the dashboards go to a nested stack.
    { blobs: 4, dashboardsNested: true },
  ])(
    'dashboards show nested alarms by name: no outputs or parameters for them, and they wait for the nested stacks ($blobs blobs)',
    ({ blobs, dashboardsNested }) => {
      const files = synthFiles((app) => {
        const { stack } = deadLetterQueues(app, 160, { dashboards: true, filler: 250 });
        addBlobs(stack, blobs);
      });
      // Through alarmArn each alarm shown was an output of its nested stack (160 here) and, from a
      // nested dashboards stack, a parameter of that stack too.
      for (const f of files) expect(f.outputs).toBe(0);
      const parent = files.find((f) => f.file === 'Queues.template.json')!;
      const stacks = resourcesOfType(parent, 'AWS::CloudFormation::Stack');
      const alarmStacks = stacks.filter(([id]) => id.startsWith('SreAlarms')).map(([id]) => id);
      expect(alarmStacks.length).toBeGreaterThanOrEqual(1);
      const holder = files.find((f) => resourcesOfType(f, 'AWS::CloudWatch::Dashboard').length > 0)!;
      const dashboards = resourcesOfType(holder, 'AWS::CloudWatch::Dashboard').map(([, r]) => r);
      if (dashboardsNested) {
        expect(holder.file).toMatch(/^QueuesSreDashboardsStack1/);
        // One parameter per queue of the app's the dashboards draw (placement counts them), none for the alarms.
        expect(holder.parameters).toBe(160);
        const [, own] = stacks.find(([id]) => id.startsWith('SreDashboardsStack1'))!;
        expect(own.DependsOn).toEqual(expect.arrayContaining(alarmStacks));
      } else {
        expect(holder).toBe(parent);
        for (const d of dashboards) expect(d.DependsOn).toEqual(expect.arrayContaining(alarmStacks));
      }
      const bodies = JSON.stringify(dashboards.map((d) => d.Properties));
      expect(bodies).toContain(':cloudwatch:eu-west-1:123456789012:alarm:q-dlq159-sqs.dead-letter-messages-visible');
    },
  );

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

describe('dashboards are placed by bytes like the alarms', () => {
  const dashboardsIn = (f: WrittenTemplate) => resourcesOfType(f, 'AWS::CloudWatch::Dashboard');
  const dashboardNames = (files: readonly WrittenTemplate[]) =>
    files.flatMap((f) => dashboardsIn(f).map(([, r]) => r.Properties!.DashboardName as string)).sort();

  test(
    '20 services with dashboards: the parent stays within 1 MB, the dashboards move to a nested stack, names kept',
    () => {
      // Dashboards in the parent, uncounted, made a 1,036,905-byte parent here.
      const files = synthFiles((app) => fleet(app, 20, { dashboards: true }));
      expectWithinLimits(files);
      const parent = files.find((f) => f.file === 'Fleet.template.json')!;
      expect(dashboardsIn(parent)).toEqual([]);
      const holders = files.filter((f) => dashboardsIn(f).length > 0);
      expect(holders.map((f) => f.file)).toEqual([
        expect.stringMatching(/^FleetSreDashboardsStack1.*\.nested\.template\.json$/),
      ]);
      // The same names as a fleet small enough to keep them in the parent: moving renames nothing.
      const small = synthFiles((app) => fleet(app, 1, { dashboards: true }));
      expect(dashboardsIn(small.find((f) => f.file === 'Fleet.template.json')!).length).toBeGreaterThan(0);
      expect(dashboardNames(files)).toEqual(dashboardNames(small));
      // They still wait for every nested alarm stack (the dependency lifted to their own stack).
      const nested = resourcesOfType(parent, 'AWS::CloudFormation::Stack');
      const holder = nested.find(([id]) => id.startsWith('SreDashboardsStack1'))!;
      const alarmStacks = nested.filter(([id]) => id.startsWith('SreAlarms')).map(([id]) => id);
      expect(alarmStacks.length).toBeGreaterThan(0);
      expect(holder[1].DependsOn).toEqual(expect.arrayContaining(alarmStacks));
    },
    SCALE_TIMEOUT,
  );

  test(
    'decided once at synth: dashboards given with use() after the monitor calls land where dashboards: true puts them',
    () => {
      const shape = (files: readonly WrittenTemplate[]) =>
        files.map((f) => `${f.file} ${f.resources} ${dashboardsIn(f).length}`).sort();
      const first = synthFiles((app) => fleet(app, 20, { dashboards: true }));
      const last = synthFiles((app) => {
        const kit = fleet(app, 20);
        kit.use(new SreDashboards(kit, 'Dashboards'));
      });
      expect(shape(last)).toEqual(shape(first));
    },
    SCALE_TIMEOUT,
  );

  test(
    "dashboards drawing 200 of the app's functions: nested stacks split by parameters, each within 200",
    () => {
      const files = synthFiles((app) => {
        const stack = new Stack(app, 'Fns', { env });
        addBlobs(stack, 3);
        const kit = new SreKit(stack, 'Sre', { service: 'shop', dashboards: true, costAnnotation: false });
        for (let i = 0; i < 200; i++)
          kit.monitorLambda(
            `fn${i}`,
            new lambda.Function(stack, `Fn${i}`, {
              runtime: lambda.Runtime.NODEJS_20_X,
              handler: 'index.handler',
              code: lambda.Code.fromInline('exports.handler = async () => {}'),
            }),
            { properties: { timeoutMs: 3000 } },
          );
      });
      expectWithinLimits(files);
      const holders = files.filter((f) => dashboardsIn(f).length > 0);
      // Each function drawn is a parameter of the stack its dashboard sits in: 200 do not fit one.
      expect(holders.length).toBeGreaterThanOrEqual(2);
      for (const f of holders) expect(f.file).toMatch(/^FnsSreDashboardsStack\d/);
      expect(holders.reduce((n, f) => n + f.parameters, 0)).toBeGreaterThanOrEqual(200);
    },
    SCALE_TIMEOUT,
  );

  test(
    'SLOs added after costReport() placed the dashboards in the parent: the parent, dashboards counted, stays within 1 MB',
    () => {
      // A management dashboard of 360 panels of the app's own metrics (about 170 KB as written).
      const panels: PanelGroup[] = [
        {
          audience: 'management',
          section: 'Checkout',
          position: 'first',
          widgets: Array.from({ length: 360 }, (_, i) => ({
            type: 'timeSeries' as const,
            title: `Checkout step ${i}`,
            width: 6,
            height: 6,
            periodSeconds: 300,
            unit: 'count' as const,
            thresholds: [],
            queries: [
              {
                id: 'm',
                source: {
                  type: 'CloudWatch' as const,
                  kind: 'metric' as const,
                  namespace: 'Shop',
                  metricName: `checkout_step_${i}_completed`,
                  dimensions: { Service: 'shop', Region: 'eu-west-1' },
                  statistic: 'Sum',
                },
              },
            ],
          })),
        },
      ];
      const files = synthFiles((app) => {
        const stack = new Stack(app, 'Late', { env });
        // The app's own template takes 700 KB: the dashboards still fit beside it (870 KB), 4 SLOs more (130 KB) do not.
        addBlobs(stack, 3, 233_000);
        const kit = new SreKit(stack, 'Sre', { service: 'shop', costAnnotation: false });
        kit.use(sreDashboards(kit, 'Dashboards', { panels }));
        // Reading the cost creates the dashboards now, in the parent; the SLOs come after, placed as they come.
        expect(kit.costReport().dashboards).toBe(1);
        const metric = (metricName: string) =>
          new cloudwatch.Metric({ namespace: 'Shop', metricName, statistic: 'Sum' });
        for (let i = 0; i < 4; i++)
          kit.addSlo({
            sloName: `pay${i}`,
            objective: 0.999,
            badMetric: metric(`failed${i}`),
            totalMetric: metric(`total${i}`),
          });
      });
      const parent = files.find((f) => f.file === 'Late.template.json')!;
      expect(dashboardNames([parent])).toContain('shop-management');
      // With the dashboards' bytes taken off the parent's count, not added, the SLOs went there too: 1,038,676 bytes.
      expectWithinLimits(files);
    },
    SCALE_TIMEOUT,
  );

  test(
    "sre verify reads dashboards in a nested stack: their tokens resolve through the nested stack's parameters",
    () => {
      let report: ReturnType<typeof verifyAssembly> | undefined;
      const files = synthFiles(
        (app) => {
          const stack = new Stack(app, 'Big', { env });
          // The app's own template is large (940 KB of blobs and 5 services): no room left for the dashboards.
          addBlobs(stack, 4, 235_000);
          const kit = new SreKit(stack, 'Sre', { service: 'shop', dashboards: true, costAnnotation: false });
          for (let i = 0; i < 5; i++) service(stack, kit, i);
        },
        (outdir) => (report = verifyAssembly(readCloudAssembly(outdir))),
      );
      expectWithinLimits(files);
      const holder = files.find((f) => dashboardsIn(f).length > 0)!;
      expect(holder.file).toMatch(/^BigSreDashboardsStack1.*\.nested\.template\.json$/);
      // The functions are the parent's: each one a parameter of the dashboards' stack, none an output anywhere.
      expect(holder.parameters).toBeGreaterThanOrEqual(5);
      for (const f of files) expect(f.outputs).toBe(0);
      expect(report!.dashboards).toBe(dashboardsIn(holder).length);
      expect(report!.panels).toBeGreaterThan(5);
      expect(report!.deadPanels).toEqual([]);
      expect(report!.dead).toEqual([]);
      // The SLO alarms, nested, still link the SLO dashboard (its name is read at synth, after placement).
      const sloAlarm = files
        .flatMap((f) => resourcesOfType(f, 'AWS::CloudWatch::CompositeAlarm'))
        .find(([, r]) => String(r.Properties!.AlarmName).includes('errors0'));
      expect(JSON.stringify(sloAlarm![1].Properties!.AlarmDescription)).toContain('shop-slo');
    },
    SCALE_TIMEOUT,
  );
});
