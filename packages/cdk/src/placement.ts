import {
  Aspects,
  CfnOutput,
  CfnParameter,
  CfnResource,
  DefaultTokenResolver,
  Names,
  NestedStack,
  Reference,
  Stack,
  StringConcat,
  Tokenization,
  type IPostProcessor,
  type IResolvable,
  type IResolveContext,
} from 'aws-cdk-lib';
import { Construct, type IConstruct } from 'constructs';
import { inputError } from './errors';

/** CloudFormation's hard limit of resources per stack. */
export const CLOUDFORMATION_MAX_RESOURCES = 500;
/** CloudFormation's hard limits of parameters and of outputs (exports included) per template. */
export const CLOUDFORMATION_MAX_PARAMETERS = 200;
export const CLOUDFORMATION_MAX_OUTPUTS = 200;
/**
 * CloudFormation's limit of a template body, which CDK checks on the file as it writes it (indented
 * unless the stack suppresses indentation) and uploads as is, nested stacks included.
 */
export const CLOUDFORMATION_MAX_TEMPLATE_BYTES = 1_000_000;

/**
 * What placement fills a template to, measured as written: the rest of the 1 MB is for what it does
 * not measure (the nested stacks' own resources, the parameters CDK adds for references, the
 * DependsOn lists, CDK's metadata resource and bootstrap rule).
 */
export const TEMPLATE_BYTE_BUDGET = 950_000;

/**
 * Bytes kept free for the next family or SLO, placed whole and measured only once created: the 60
 * resources of SreKit's resource headroom at ~2.4 KB each, indented (measured: an SLO with the default
 * tiers takes 33 KB, an ALB family 14 KB per target group).
 */
export const BYTE_HEADROOM = 150_000;

/**
 * What a parameter of a nested stack adds to its parent's template, indented, in the nested stack
 * resource's Parameters (`"referencetoStackFnABCD1234Ref": {"Ref": "FnABCD1234"}`, a GetAtt longer).
 */
export const PARENT_BYTES_PER_PARAMETER = 120;

/**
 * Parameters kept free in a nested stack for the next family or SLO, which is placed whole: one
 * alarm references its resource (a queue's name, a function's name) and the severity topics; an ALB
 * family with many target groups or an SLO over several resources references more.
 */
export const PARAMETER_HEADROOM = 30;

/** Creates a family or SLO (or a VPC's NAT gateways' families) in `scope`. */
export type Create = (scope: Construct) => IConstruct | IConstruct[];

function cfnResourcesOf(made: IConstruct[]): CfnResource[] {
  const found: CfnResource[] = [];
  const visit = (c: IConstruct): void => {
    if (c instanceof CfnResource) found.push(c);
    // A nested stack is one resource in its parent; its content counts in its own template.
    for (const child of c.node.children) if (!(child instanceof NestedStack)) visit(child);
  };
  made.forEach(visit);
  return found;
}

/**
 * Resolves as synth will, recording every reference to a resource of another stack, without fixing
 * a cached `Lazy` at its value of now: a placement that reads the app's own resources before other
 * aspects run must not freeze, say, a function's environment that a later aspect extends.
 */
class MeasuringResolver extends DefaultTokenResolver {
  constructor(
    private readonly home: Stack,
    private readonly found: Set<string>,
  ) {
    super(new StringConcat());
  }

  public override resolveToken(t: IResolvable, context: IResolveContext, postProcessor: IPostProcessor): unknown {
    if (t instanceof Reference && Stack.of(t.target) !== this.home) {
      this.found.add(`${t.target.node.path}#${t.displayName}`);
      // Written as the parameter CDK makes of it in a nested stack, whose name is longer than the
      // target's logical id: a dashboard drawing 150 functions 2,000 times measured 40 KB short otherwise.
      if (this.home.nested) return { Ref: parameterNameOf(t) };
    }
    const lazy = cachedLazyOf(t);
    if (lazy) {
      const value = lazy._cached ?? lazy.producer.produce(context);
      return postProcessor.postProcess(context.resolve(value), context);
    }
    return super.resolveToken(t, context, postProcessor);
  }
}

/** The parameter CDK adds to a nested stack for a reference to another stack's resource (`referencetoStackFnABCD1234Ref`). */
function parameterNameOf(reference: Reference): string {
  return `referenceto${Names.nodeUniqueId(reference.target.node)}${reference.displayName}`.replace(/[^A-Za-z0-9]/g, '');
}

/** What `Lazy.string`/`Lazy.any`/... wrap (aws-cdk-lib's LazyBox around a caching LazyBase), when `t` is one. */
function cachedLazyOf(
  t: IResolvable,
): { cache: boolean; _cached?: unknown; producer: { produce(context: IResolveContext): unknown } } | undefined {
  const inner = (t as { inner?: { cache?: unknown; producer?: { produce?: unknown } } }).inner;
  return inner?.cache === true && typeof inner.producer?.produce === 'function'
    ? (inner as ReturnType<typeof cachedLazyOf>)
    : undefined;
}

/** How `home` writes its template: indented (CDK's default) or minified (the kit's nested stacks). */
function writesIndented(home: Stack): boolean {
  return !(home as unknown as { _suppressTemplateIndentation?: boolean })._suppressTemplateIndentation;
}

/**
 * The bytes `made`'s resources take in `home`'s template as CDK writes it (each resolved as
 * `{"Resources": {"<id>": ...}}`, which puts it at its own indentation depth), adding to `found`
 * what they reference in other stacks: in a nested stack CDK turns each into one parameter (the
 * same attribute referenced twice is one), so the set's size is the template's parameter count.
 * The references are only rewritten into parameters after the aspects have run, too late to place
 * by, hence resolving the resources here (`_toCloudFormation` is what synth resolves; a CDK that
 * renames it fails the placement tests, which read the written files).
 */
export function measureResources(made: IConstruct[], home: Stack, found: Set<string>): number {
  const resolver = new MeasuringResolver(home, found);
  let bytes = 0;
  for (const resource of cfnResourcesOf(made)) {
    const template = (resource as unknown as { _toCloudFormation(): object })._toCloudFormation();
    bytes += writtenBytes(Tokenization.resolve(template, { scope: resource, resolver, preparing: true }), home);
  }
  return bytes;
}

/** The bytes of `value` written as `home` writes its template. */
export function writtenBytes(value: unknown, home: Stack): number {
  return Buffer.byteLength(JSON.stringify(value, undefined, writesIndented(home) ? 1 : undefined));
}

/**
 * Resolves `value` (a property of a resource to be created in `home`) as synth would there, adding
 * to `found` what it references in other stacks; cached lazies stay unresolved (see MeasuringResolver).
 */
export function resolveIn(value: unknown, home: Stack, found: Set<string>): unknown {
  return Tokenization.resolve(value, { scope: home, resolver: new MeasuringResolver(home, found), preparing: true });
}

/**
 * A resource the kit places after its families and SLOs, by its size (a dashboard): `measure` says
 * how many bytes it would take in `home`'s template and adds what it would reference in other
 * stacks to `found`; `create` makes it in the scope placement picked.
 */
export interface SizedResource {
  readonly name: string;
  measure(home: Stack, found: Set<string>): number;
  create(scope: Construct): IConstruct;
}

interface Shard {
  scope: NestedStack;
  resources: number;
  bytes: number;
  references: Set<string>;
}

/**
 * Fails synth, naming the nested stack, when references made after placement (an app pointing its own
 * constructs at the kit's alarms) push a nested stack past CloudFormation's parameter or output limit:
 * CloudFormation would only refuse it at deploy. Runs after CDK has turned references into parameters
 * and outputs.
 */
function validateTemplateLimits(scope: NestedStack): void {
  scope.node.addValidation({
    validate: () => {
      const count = (type: typeof CfnParameter | typeof CfnOutput) =>
        scope.node.findAll().filter((c) => c instanceof type && Stack.of(c) === scope).length;
      const problems: string[] = [];
      const parameters = count(CfnParameter);
      if (parameters > CLOUDFORMATION_MAX_PARAMETERS)
        problems.push(
          `${scope.node.path}: ${parameters} parameters, over CloudFormation's ${CLOUDFORMATION_MAX_PARAMETERS} ` +
            '(one per resource of another stack its alarms reference). Fix: lower maxResourcesPerStack',
        );
      const outputs = count(CfnOutput);
      if (outputs > CLOUDFORMATION_MAX_OUTPUTS)
        problems.push(
          `${scope.node.path}: ${outputs} outputs, over CloudFormation's ${CLOUDFORMATION_MAX_OUTPUTS} ` +
            "(one per attribute of the kit's alarms another stack references). Fix: reference the alarms by " +
            'name (alarmName is a plain string) or lower maxResourcesPerStack',
        );
      return problems;
    },
  });
}

/**
 * Where the kit's families and SLOs go, decided once at synth: `monitor*` and `addSlo` only record
 * a `create(scope)` each, and the first of an aspect visiting the kit or a read of what the kit
 * made (`families`, `costReport()` ...) creates them all, once the user's own resources exist. So
 * call order no longer matters: 20 services monitored as they are created fit like 20 services
 * created first. A family or SLO stays whole in one stack (composite rules and suppressors never
 * cross a stack boundary): in the kit while the stack has room for it, then in nested stacks of at
 * most `maxResources` resources each, written minified (CDK writes indented JSON otherwise: 500
 * alarms made 1.1 MB files) and keeping at most 200 - PARAMETER_HEADROOM parameters: 450
 * dead-letter queues of the parent, one alarm each, made a nested stack of 342 parameters, over
 * CloudFormation's 200. Every template is also filled by bytes as written, measured on what the kit
 * creates (TEMPLATE_BYTE_BUDGET, BYTE_HEADROOM). The kit's dashboards come last (`placeBySize`):
 * in the parent while it stays within the byte budget with all of them, else in nested stacks of
 * their own. Nested stacks make no outputs for the kit (dashboards name the alarms, see SreDashboards).
 */
export class Placement {
  private readonly pending: Array<Create> = [];
  private shard?: Shard;
  private shards = 0;
  private parentResources?: number;
  private parentBytes = 0;
  private done = false;
  /** Where `placeBySize` put its resources: the parent, or nested stacks of their own (then its latest). */
  private sized?: { owner: Construct; shard?: Shard; shards: number };

  constructor(
    private readonly owner: Construct,
    private readonly maxResources: number,
    /** Room kept for the largest single family/SLO, which is placed as a whole. */
    private readonly headroom: number,
  ) {
    // Aspects may add constructs: CDK visits them in the same pass, and nested stacks created
    // here are prepared and written like any other.
    Aspects.of(owner).add({ visit: (node) => (node === owner ? this.materialize() : undefined) });
  }

  /** Records a family or SLO; `create` runs once, with the scope placement picked. */
  public defer(create: Create): void {
    if (this.done) this.place(create);
    else this.pending.push(create);
  }

  /** Creates everything recorded so far; later calls are placed as they come. */
  public materialize(): void {
    if (this.done) return;
    this.done = true;
    const parent = Stack.of(this.owner);
    const own = cfnResourcesOf([parent]);
    this.parentResources = own.length + (addsMetadataResource(parent) ? 1 : 0);
    this.parentBytes = measureResources(own, parent, new Set());
    for (const create of this.pending.splice(0)) this.place(create);
  }

  /**
   * Places what comes after the families and SLOs (the kit's dashboards, `owner` being their
   * construct), in `items`' order: all in the parent while it stays within the byte budget and 500
   * resources with all of them; else each in the latest nested stack of `owner`'s
   * (`<owner>/Stack1`, ...) with room for its bytes, a resource and its references. Decided once
   * per owner: what a later call adds goes where the first call put the rest.
   */
  public placeBySize(owner: Construct, items: SizedResource[]): void {
    this.materialize();
    const parent = Stack.of(this.owner);
    if (!this.sized) {
      const bytes = items.reduce((n, item) => n + item.measure(parent, new Set()), 0);
      // CloudFormation's limit, not maxResourcesPerStack (the families' and SLOs'): in a nested stack each
      // resource of the parent a dashboard draws (a queue's name) becomes a parameter, so they stay while they fit.
      const fits =
        this.parentBytes + bytes <= TEMPLATE_BYTE_BUDGET &&
        this.parentResources! + items.length <= CLOUDFORMATION_MAX_RESOURCES;
      this.sized = { owner, shards: 0 };
      if (!fits) this.sized.shard = this.openSized(this.sized);
    }
    const sized = this.sized;
    for (const item of items) {
      if (!sized.shard) {
        this.parentBytes += item.measure(parent, new Set());
        this.parentResources! += 1;
        item.create(owner);
        continue;
      }
      let found = new Set(sized.shard.references);
      let bytes = item.measure(sized.shard.scope, found);
      if (sized.shard.resources > 0 && !this.fits(sized.shard, bytes, 1, found)) {
        sized.shard = this.openSized(sized);
        found = new Set<string>();
        bytes = item.measure(sized.shard.scope, found);
      }
      if (bytes > TEMPLATE_BYTE_BUDGET)
        inputError(
          owner,
          `${item.name} takes ${bytes} bytes in its template, over the ${TEMPLATE_BYTE_BUDGET} a template holds ` +
            `(CloudFormation allows ${CLOUDFORMATION_MAX_TEMPLATE_BYTES})`,
          item.name,
          'split the monitored resources over several services',
        );
      if (found.size > CLOUDFORMATION_MAX_PARAMETERS)
        inputError(
          owner,
          `${item.name} draws ${found.size} resources of other stacks: in a nested stack of its own each is a ` +
            `parameter, over CloudFormation's ${CLOUDFORMATION_MAX_PARAMETERS}`,
          item.name,
          'give each service its own SreKit and dashboards, or keep the stack small enough for the dashboards to stay in it',
        );
      item.create(sized.shard.scope);
      sized.shard.resources += 1;
      sized.shard.bytes += bytes;
      this.parentBytes += (found.size - sized.shard.references.size) * PARENT_BYTES_PER_PARAMETER;
      sized.shard.references = found;
    }
  }

  /** Nested stacks created so far. */
  public get nestedStacks(): NestedStack[] {
    return this.owner.node.children.filter((c): c is NestedStack => c instanceof NestedStack);
  }

  private place(create: Create): void {
    const parent = Stack.of(this.owner);
    if (
      !this.shard &&
      this.parentResources! + this.headroom <= this.maxResources &&
      this.parentBytes + BYTE_HEADROOM <= TEMPLATE_BYTE_BUDGET
    ) {
      const made = [create(this.owner)].flat();
      this.parentResources! += cfnResourcesOf(made).length;
      this.parentBytes += measureResources(made, parent, new Set());
      return;
    }
    if (!this.shard || !this.fits(this.shard, BYTE_HEADROOM, this.headroom, this.shard.references)) {
      this.shards += 1;
      this.shard = this.openNested(this.owner, `Alarms${this.shards}`);
    }
    const shard = this.shard;
    const made = [create(shard.scope)].flat();
    const before = shard.references.size;
    shard.resources += cfnResourcesOf(made).length;
    shard.bytes += measureResources(made, shard.scope, shard.references);
    this.parentBytes += (shard.references.size - before) * PARENT_BYTES_PER_PARAMETER;
  }

  /** Whether `shard` still has room for `bytes` more, `resources` more and the parameters of `references`. */
  private fits(shard: Shard, bytes: number, resources: number, references: Set<string>): boolean {
    return (
      shard.resources + resources <= this.maxResources &&
      shard.bytes + bytes <= TEMPLATE_BYTE_BUDGET &&
      references.size + PARAMETER_HEADROOM <= CLOUDFORMATION_MAX_PARAMETERS
    );
  }

  private openSized(sized: NonNullable<Placement['sized']>): Shard {
    sized.shards += 1;
    return this.openNested(sized.owner, `Stack${sized.shards}`);
  }

  /** A nested stack of the kit's, its resource in the parent counted in the parent's bytes and resources. */
  private openNested(owner: Construct, id: string): Shard {
    const shard = openNested(owner, id);
    const parent = Stack.of(this.owner);
    this.parentBytes += measureResources([shard.scope.nestedStackResource!], parent, new Set());
    this.parentResources! += 1;
    return shard;
  }
}

/**
 * Whether CDK will add its AWS::CDK::Metadata resource to `stack` (a top-level stack, version reporting
 * on: the CDK CLI's default) after the aspects have run, so after placement counted the stack: a parent
 * filled to CloudFormation's 500 was written with 501. A CDK that renames the field fails placement-limits.test.ts.
 */
function addsMetadataResource(stack: Stack): boolean {
  const reporting = (stack as unknown as { _versionReportingEnabled?: boolean })._versionReportingEnabled;
  return Boolean(reporting) && !stack.node.tryFindChild('CDKMetadata');
}

/** A nested stack of the kit's, written minified, whose parameters and outputs synth checks. */
function openNested(owner: Construct, id: string): Shard {
  const scope = new NestedStack(owner, id);
  // NestedStackProps has no suppressTemplateIndentation and the context key is read when the
  // stack is built, under a kit that already has children: set what both would set. The
  // placement tests read the written files, so a CDK that renames this field fails them.
  (scope as unknown as { _suppressTemplateIndentation: boolean })._suppressTemplateIndentation = true;
  validateTemplateLimits(scope);
  return { scope, resources: 0, bytes: 0, references: new Set() };
}
