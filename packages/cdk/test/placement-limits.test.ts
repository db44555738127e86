import { rmSync } from 'node:fs';
import { App, CfnResource, Lazy, NestedStack, Stack } from 'aws-cdk-lib';
import { Construct, type IConstruct } from 'constructs';
import {
  BYTE_HEADROOM,
  CLOUDFORMATION_MAX_PARAMETERS,
  CLOUDFORMATION_MAX_RESOURCES,
  PARAMETER_HEADROOM,
  PARENT_BYTES_PER_PARAMETER,
  Placement,
  TEMPLATE_BYTE_BUDGET,
  measureResources,
  resolveIn,
  writtenBytes,
  type Create,
  type SizedResource,
} from '../src/placement';
import { expectWithinLimits, writtenTemplates, type WrittenTemplate } from './helpers';

// Placement driven directly with bare CloudFormation resources: a kit's families cost seconds each to
// build on a busy machine, these cost nothing, and every count and byte is set by the test.

const env = { account: '123456789012', region: 'eu-west-1' };

/** The app's stack, the construct placement places under (the kit's part) and the placement. */
function scene(maxResources: number, headroom: number, analyticsReporting?: boolean) {
  // Schema validation is not what is measured here and triples synth time.
  const app = new App({ builtinCloudFormationValidation: false, analyticsReporting });
  const stack = new Stack(app, 'Parent', { env });
  const owner = new Construct(stack, 'Kit');
  return { app, stack, owner, placement: new Placement(owner, maxResources, headroom) };
}

/** Every template synth writes (the parent's and each nested stack's), counted as CloudFormation does. */
function synthTemplates(app: App): WrittenTemplate[] {
  const dir = app.synth().directory;
  try {
    return writtenTemplates(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Synthesizes `app` and checks every template against CloudFormation's limits; returns them. */
function synthWithinLimits(app: App): WrittenTemplate[] {
  const files = synthTemplates(app);
  expectWithinLimits(files);
  return files;
}

/** `count` small resources of the app's own in `scope`. */
function topics(scope: Construct, count: number): CfnResource[] {
  return Array.from({ length: count }, (_, i) => new CfnResource(scope, `Topic${i}`, { type: 'AWS::SNS::Topic' }));
}

/** A resource of exactly `bytes` as placement measures it in its stack (a padded SSM parameter). */
function blob(scope: Construct, id: string, bytes: number): CfnResource {
  const resource = new CfnResource(scope, id, {
    type: 'AWS::SSM::Parameter',
    properties: { Type: 'String', Value: '' },
  });
  resource.addPropertyOverride('Value', 'x'.repeat(bytes - measureResources([resource], Stack.of(scope), new Set())));
  return resource;
}

/** A family (what the kit's `monitor*` records) of `size` alarms, each referencing `refs`. */
function family(id: string, size = 1, refs: readonly CfnResource[] = []): Create {
  return (scope) => {
    const made = new Construct(scope, id);
    for (let i = 0; i < size; i++)
      new CfnResource(made, `Alarm${i}`, {
        type: 'AWS::CloudWatch::Alarm',
        properties: { AlarmActions: refs.map((r) => r.ref) },
      });
    return made;
  };
}

/** A dashboard-like resource placed by size: its body `pad` bytes, drawing each of `draws`. */
function dashboard(name: string, pad: number, draws: readonly CfnResource[] = []): SizedResource {
  const type = 'AWS::CloudWatch::Dashboard';
  const properties = () => ({ DashboardBody: 'x'.repeat(pad), Draws: draws.map((d) => d.ref) });
  return {
    name,
    measure: (home, found) =>
      writtenBytes({ Resources: { [name]: { Type: type, Properties: resolveIn(properties(), home, found) } } }, home),
    create: (scope) => new CfnResource(scope, name, { type, properties: properties() }),
  };
}

/** A dashboard drawing nothing that measures exactly `bytes` in a stack written like `home`. */
function dashboardOf(name: string, bytes: number, home: Stack): SizedResource {
  return dashboard(name, bytes - dashboard(name, 0).measure(home, new Set()));
}

/** The id of the stack `id` was created in under `owner` ('Parent', 'Alarms1', 'Stack1'), or 'nowhere'. */
function homeOf(owner: Construct, id: string): string {
  const found = owner.node.findAll().find((c) => c.node.id === id);
  return found ? Stack.of(found).node.id : 'nowhere';
}

/** The nested stacks placement opened under `scope`, in order. */
const nestedIds = (scope: IConstruct) => scope.node.children.filter(NestedStack.isNestedStack).map((c) => c.node.id);

describe('families and SLOs: the parent while it keeps its headroom', () => {
  test.each([
    { extra: 0, home: 'Parent' },
    { extra: 1, home: 'Alarms1' },
  ])('maxResources - headroom + $extra resources of the app: the next family goes to $home', ({ extra, home }) => {
    const { stack, owner, placement } = scene(100, 10);
    topics(stack, 90 + extra);
    placement.defer(family('F'));
    placement.materialize();
    expect(homeOf(owner, 'F')).toBe(home);
  });

  test.each([
    { extra: 0, home: 'Parent' },
    { extra: 1, home: 'Alarms1' },
  ])(
    'the app taking the byte budget less the byte headroom + $extra: the next family goes to $home',
    ({ extra, home }) => {
      const { app, stack, owner, placement } = scene(100, 10);
      blob(stack, 'Blob', TEMPLATE_BYTE_BUDGET - BYTE_HEADROOM + extra);
      placement.defer(family('F'));
      placement.materialize();
      expect(homeOf(owner, 'F')).toBe(home);
      synthWithinLimits(app);
    },
  );

  test("the app's own nested stack counts in its own template, not in the parent's", () => {
    const { stack, owner, placement } = scene(100, 10);
    topics(new NestedStack(stack, 'AppNested'), 95);
    placement.defer(family('F'));
    placement.materialize();
    expect(homeOf(owner, 'F')).toBe('Parent');
  });

  test("a lazy value of the app's is measured at its size", () => {
    const { stack, owner, placement } = scene(100, 10);
    new CfnResource(stack, 'Late', {
      type: 'AWS::SSM::Parameter',
      properties: { Type: 'String', Value: Lazy.string({ produce: () => 'x'.repeat(TEMPLATE_BYTE_BUDGET) }) },
    });
    placement.defer(family('F'));
    placement.materialize();
    expect(homeOf(owner, 'F')).toBe('Alarms1');
  });

  test('CDK metadata resource (version reporting, the CDK CLI default) counted: the parent stays within 500', () => {
    // A 10-alarm family beside 490 resources of the app's fits 500 exactly, but CDK adds AWS::CDK::Metadata
    // to the parent after placement: 501, which CloudFormation refuses.
    const { app, stack, owner, placement } = scene(CLOUDFORMATION_MAX_RESOURCES, 10, true);
    topics(stack, CLOUDFORMATION_MAX_RESOURCES - 10);
    placement.defer(family('F', 10));
    placement.materialize();
    expect(homeOf(owner, 'F')).toBe('Alarms1');
    const parent = synthWithinLimits(app).find((f) => f.file === 'Parent.template.json')!;
    expect(parent.types).toContain('AWS::CDK::Metadata');
  });

  test('families are created by the aspect at synth, and once placed, each as it comes', () => {
    const { app, stack, owner, placement } = scene(100, 10);
    placement.defer(family('Early'));
    expect(homeOf(owner, 'Early')).toBe('nowhere');
    const resources = app.synth().getStackByName(stack.stackName).template.Resources;
    expect(Object.values(resources).map((r) => (r as { Type: string }).Type)).toContain('AWS::CloudWatch::Alarm');
    placement.defer(family('Late'));
    expect(homeOf(owner, 'Late')).toBe('Parent');
  });
});

describe('families and SLOs in nested stacks: each filled to its limits, no further', () => {
  test('a nested stack takes families up to exactly maxResources', () => {
    const { app, stack, owner, placement } = scene(100, 10);
    topics(stack, 91);
    for (let i = 0; i < 10; i++) placement.defer(family(`F${i}`, 10));
    placement.materialize();
    expect(nestedIds(owner)).toEqual(['Alarms1']);
    const nested = synthWithinLimits(app).filter((f) => f.file.includes('nested'));
    expect(nested.map((f) => f.resources)).toEqual([100]);
  });

  test("a nested stack's bytes decide the next: 8 families of 140 KB make two nested stacks within 1 MB", () => {
    const { app, stack, owner, placement } = scene(100, 10);
    blob(stack, 'Blob', TEMPLATE_BYTE_BUDGET);
    for (let i = 0; i < 8; i++) placement.defer((scope) => blob(scope, `F${i}`, 140_000));
    placement.materialize();
    // 1.12 MB in all: two nested stacks are the fewest that hold them.
    expect(nestedIds(owner)).toEqual(['Alarms1', 'Alarms2']);
    expect(homeOf(owner, 'F5')).toBe('Alarms1');
    expect(homeOf(owner, 'F6')).toBe('Alarms2');
    const nested = synthWithinLimits(app).filter((f) => f.file.includes('nested'));
    // Measured as written: minified, or 500 alarms make 1.1 MB.
    expect(nested.map((f) => f.minified)).toEqual([true, true]);
  });

  test.each([
    { extra: 0, home: 'Alarms1' },
    { extra: 1, home: 'Alarms2' },
  ])(
    'a nested stack at the byte budget less the byte headroom + $extra: the next family goes to $home',
    ({ extra, home }) => {
      const { stack, owner, placement } = scene(100, 10);
      blob(stack, 'Blob', TEMPLATE_BYTE_BUDGET);
      placement.defer((scope) => blob(scope, 'Big', TEMPLATE_BYTE_BUDGET - BYTE_HEADROOM + extra));
      placement.defer(family('Next'));
      placement.materialize();
      expect(homeOf(owner, 'Big')).toBe('Alarms1');
      expect(homeOf(owner, 'Next')).toBe(home);
    },
  );

  test.each([
    { families: CLOUDFORMATION_MAX_PARAMETERS - PARAMETER_HEADROOM + 1, nested: 1 },
    { families: CLOUDFORMATION_MAX_PARAMETERS - PARAMETER_HEADROOM + 2, nested: 2 },
  ])(
    '$families families each referencing its own resource of the parent: $nested nested stack(s), each within 200 parameters',
    ({ families, nested }) => {
      const { app, stack, owner, placement } = scene(CLOUDFORMATION_MAX_RESOURCES, 2);
      blob(stack, 'Blob', TEMPLATE_BYTE_BUDGET);
      const queues = topics(stack, families);
      // Two alarms each, the second referencing the first: a reference inside the nested stack is no parameter.
      for (let i = 0; i < families; i++)
        placement.defer((scope) => {
          const made = family(`F${i}`, 1, [queues[i]!])(scope) as Construct;
          const [first] = made.node.children as CfnResource[];
          new CfnResource(made, 'Composite', {
            type: 'AWS::CloudWatch::CompositeAlarm',
            properties: { Of: first!.ref },
          });
          return made;
        });
      placement.materialize();
      expect(nestedIds(owner)).toHaveLength(nested);
      const parameters = synthWithinLimits(app)
        .filter((f) => f.file.includes('nested'))
        .map((f) => f.parameters);
      // The shard is full when its parameters and the headroom reach 200: the one past that opens the next.
      expect(parameters[0]).toBe(CLOUDFORMATION_MAX_PARAMETERS - PARAMETER_HEADROOM + 1);
    },
  );
});

describe('measured as written', () => {
  test("a resource of a nested stack referencing the parent's measures the bytes it is written with", () => {
    const { app, stack, placement } = scene(100, 10);
    const [queue] = topics(stack, 100);
    // An attribute whose name has a dot: CDK's parameter for it drops the dot.
    const endpoint = new CfnResource(stack, 'Db', { type: 'AWS::RDS::DBInstance' }).getAtt('Endpoint.Address');
    let alarm: CfnResource | undefined;
    placement.defer((scope) => {
      alarm = new CfnResource(scope, 'Alarm', {
        type: 'AWS::CloudWatch::Alarm',
        properties: { AlarmActions: [queue!.ref], Dimensions: [{ Name: 'Db', Value: endpoint }] },
      });
      return alarm;
    });
    placement.materialize();
    const nested = Stack.of(alarm!);
    const measured = measureResources([alarm!], nested, new Set());
    const id = nested.getLogicalId(alarm!);
    const file = synthTemplates(app).find((f) => f.template.Resources?.[id])!;
    expect(file.file).toMatch(/Alarms1.*\.nested\.template\.json$/);
    expect(measured).toBe(writtenBytes({ Resources: { [id]: file.template.Resources![id] } }, nested));
  });
});

describe("references made after placement: synth names the nested stack past CloudFormation's limits", () => {
  test.each([0, 1])('200 + %i parameters and outputs of a nested stack', (extra) => {
    const { app, stack, owner, placement } = scene(CLOUDFORMATION_MAX_RESOURCES, 10);
    const appTopics = topics(stack, CLOUDFORMATION_MAX_RESOURCES - 9);
    const count = CLOUDFORMATION_MAX_PARAMETERS + extra;
    placement.defer(family('F', count));
    placement.materialize();
    expect(homeOf(owner, 'F')).toBe('Alarms1');
    const alarms = owner.node
      .findAll()
      .filter((c): c is CfnResource => c instanceof CfnResource && c.node.id.startsWith('Alarm'));
    // The app adds alarm actions (its topics: parameters of the nested stack) and reads the alarms' ARNs (outputs).
    alarms.forEach((alarm, i) => alarm.addPropertyOverride('AlarmActions', [appTopics[i]!.ref]));
    new CfnResource(stack, 'Reader', {
      type: 'AWS::SSM::Parameter',
      properties: { Arns: alarms.map((a) => a.getAtt('Arn')) },
    });
    if (extra === 0) {
      const nested = synthWithinLimits(app).find((f) => f.file.includes('nested'))!;
      expect([nested.parameters, nested.outputs]).toEqual([count, count]);
      return;
    }
    let message = '';
    try {
      app.synth();
    } catch (e) {
      message = String(e);
    }
    expect(message).toMatch(
      /Parent\/Kit\/Alarms1: 201 parameters, over CloudFormation's 200 \(one per resource of another stack its alarms reference\)\. Fix: lower maxResourcesPerStack/,
    );
    expect(message).toMatch(/Parent\/Kit\/Alarms1: 201 outputs, over CloudFormation's 200 /);
  });
});

describe('placed by size (dashboards): the parent while it has room for all, else nested stacks', () => {
  test.each([
    { extra: 0, home: 'Parent' },
    { extra: 1, home: 'Stack1' },
  ])(
    'the parent at 500 + $extra with them and the nested stacks of the families: they go to $home',
    ({ extra, home }) => {
      const { app, stack, owner, placement } = scene(100, 10);
      const own = topics(stack, 95);
      placement.defer(family('F'));
      placement.materialize();
      expect(homeOf(owner, 'F')).toBe('Alarms1');
      // The app's 95, the family's nested stack: the dashboards' share of 500 is what is left.
      const count = CLOUDFORMATION_MAX_RESOURCES - own.length - 1 + extra;
      const dashboards = new Construct(stack, 'Dashboards');
      placement.placeBySize(
        dashboards,
        Array.from({ length: count }, (_, i) => dashboard(`D${i}`, 0)),
      );
      expect(homeOf(dashboards, 'D0')).toBe(home);
      synthWithinLimits(app);
    },
  );

  test.each([
    { extra: 0, home: 'Parent' },
    { extra: 1, home: 'Alarms1' },
  ])(
    'dashboards in the parent count in its resources: a family after them at the headroom + $extra goes to $home',
    ({ extra, home }) => {
      const { stack, owner, placement } = scene(100, 10);
      topics(stack, 85 + extra);
      placement.materialize();
      placement.placeBySize(
        new Construct(stack, 'Dashboards'),
        [0, 1, 2, 3, 4].map((i) => dashboard(`D${i}`, 0)),
      );
      expect(homeOf(stack.node.findChild('Dashboards') as Construct, 'D4')).toBe('Parent');
      placement.defer(family('F'));
      expect(homeOf(owner, 'F')).toBe(home);
    },
  );

  test.each([
    { extra: 0, home: 'Parent' },
    { extra: 1, home: 'Stack1' },
  ])('the parent at the byte budget + $extra with them: they go to $home', ({ extra, home }) => {
    const { app, stack, placement } = scene(100, 10);
    blob(stack, 'Blob', 500_000);
    placement.materialize();
    const dashboards = new Construct(stack, 'Dashboards');
    placement.placeBySize(dashboards, [dashboardOf('D', TEMPLATE_BYTE_BUDGET - 500_000 + extra, stack)]);
    expect(homeOf(dashboards, 'D')).toBe(home);
    synthWithinLimits(app);
  });

  test.each([0, 1])('a dashboard of the byte budget + %i bytes in a nested stack of its own', (extra) => {
    const { app, stack, placement } = scene(100, 10);
    blob(stack, 'Blob', 1_000);
    placement.materialize();
    const dashboards = new Construct(stack, 'Dashboards');
    // Measured as the nested stack writes it: minified.
    const minified = new Stack(new App(), 'Minified', { suppressTemplateIndentation: true });
    const place = () => placement.placeBySize(dashboards, [dashboardOf('D', TEMPLATE_BYTE_BUDGET + extra, minified)]);
    if (extra) {
      expect(place).toThrow(
        `D takes ${TEMPLATE_BYTE_BUDGET + 1} bytes in its template, over the ${TEMPLATE_BYTE_BUDGET}`,
      );
      return;
    }
    place();
    expect(homeOf(dashboards, 'D')).toBe('Stack1');
    synthWithinLimits(app);
  });

  test.each([0, 1])("a dashboard drawing 200 + %i of the parent's resources", (extra) => {
    const { app, stack, placement } = scene(100, 10);
    blob(stack, 'Blob', 900_000);
    const drawn = topics(stack, CLOUDFORMATION_MAX_PARAMETERS + extra);
    placement.materialize();
    const dashboards = new Construct(stack, 'Dashboards');
    const place = () => placement.placeBySize(dashboards, [dashboard('D', 60_000, drawn)]);
    if (extra) {
      expect(place).toThrow(`D draws ${CLOUDFORMATION_MAX_PARAMETERS + 1} resources of other stacks`);
      return;
    }
    place();
    // Past the parameter headroom, yet alone in its nested stack: it stays there, leaving none empty.
    expect(nestedIds(dashboards)).toEqual(['Stack1']);
    expect(homeOf(dashboards, 'D')).toBe('Stack1');
    const nested = synthWithinLimits(app).find((f) => f.file.startsWith('ParentDashboardsStack1'))!;
    expect(nested.parameters).toBe(CLOUDFORMATION_MAX_PARAMETERS);
  });

  test('nested stacks of their own are Stack1, Stack2 ...; a later call fills the latest', () => {
    const { stack, placement } = scene(100, 10);
    blob(stack, 'Blob', TEMPLATE_BYTE_BUDGET);
    placement.materialize();
    const dashboards = new Construct(stack, 'Dashboards');
    const half = (name: string) => dashboard(name, 400_000);
    placement.placeBySize(dashboards, [half('D1'), half('D2'), half('D3')]);
    placement.placeBySize(dashboards, [dashboard('D4', 0)]);
    expect(nestedIds(dashboards)).toEqual(['Stack1', 'Stack2']);
    expect(['D1', 'D2', 'D3', 'D4'].map((id) => homeOf(dashboards, id))).toEqual([
      'Stack1',
      'Stack1',
      'Stack2',
      'Stack2',
    ]);
  });
});

describe("the parent's byte total, nested stacks and their parameters included, decides what comes next", () => {
  test.each([
    { extra: 0, home: 'Parent' },
    { extra: 1, home: 'Stack1' },
  ])(
    "families referencing the parent from a nested stack: dashboards at the parent's budget + $extra go to $home",
    ({ extra, home }) => {
      const { app, stack, owner, placement } = scene(100, 10);
      const queues = topics(stack, 100);
      // 10 families of one alarm, each referencing 10 queues of the parent's: 100 parameters of Alarms1.
      for (let i = 0; i < 10; i++) placement.defer(family(`F${i}`, 1, queues.slice(i * 10, i * 10 + 10)));
      placement.materialize();
      expect(homeOf(owner, 'F9')).toBe('Alarms1');
      // What the parent holds now (the nested stack's resource included) and what each parameter adds to it.
      const parent = measureResources([stack], stack, new Set()) + 100 * PARENT_BYTES_PER_PARAMETER;
      const dashboards = new Construct(stack, 'Dashboards');
      placement.placeBySize(dashboards, [dashboardOf('D', TEMPLATE_BYTE_BUDGET - parent + extra, stack)]);
      expect(homeOf(dashboards, 'D')).toBe(home);
      synthWithinLimits(app);
    },
  );

  test.each([
    { extra: 0, home: 'Parent' },
    { extra: 1, home: 'Alarms1' },
  ])(
    "dashboards drawing the parent from a nested stack: a family at the parent's budget less its headroom + $extra goes to $home",
    ({ extra, home }) => {
      const { app, stack, owner, placement } = scene(CLOUDFORMATION_MAX_RESOURCES, 10);
      blob(stack, 'Blob', 300_000);
      const queues = topics(stack, 150);
      placement.materialize();
      const dashboards = new Construct(stack, 'Dashboards');
      // Both in Stack1: 100 queues drawn, then 50 more with the same 100 (150 parameters in all).
      placement.placeBySize(dashboards, [
        dashboard('D1', 400_000, queues.slice(0, 100)),
        dashboard('D2', 400_000, queues),
      ]);
      expect(['D1', 'D2'].map((id) => homeOf(dashboards, id))).toEqual(['Stack1', 'Stack1']);
      const parent = measureResources([stack], stack, new Set()) + 150 * PARENT_BYTES_PER_PARAMETER;
      // A family that lands in the parent and fills it to the point where the next needs the headroom.
      placement.defer((scope) => blob(scope, 'Fill', TEMPLATE_BYTE_BUDGET - BYTE_HEADROOM - parent + extra));
      placement.defer(family('Next'));
      expect(homeOf(owner, 'Fill')).toBe('Parent');
      expect(homeOf(owner, 'Next')).toBe(home);
      synthWithinLimits(app);
    },
  );
});
