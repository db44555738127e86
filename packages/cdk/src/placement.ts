import {
  Aspects,
  CfnOutput,
  CfnParameter,
  CfnResource,
  DefaultTokenResolver,
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

/** CloudFormation's hard limit of resources per stack. */
export const CLOUDFORMATION_MAX_RESOURCES = 500;
/** CloudFormation's hard limits of parameters and of outputs (exports included) per template. */
export const CLOUDFORMATION_MAX_PARAMETERS = 200;
export const CLOUDFORMATION_MAX_OUTPUTS = 200;

/**
 * Parameters kept free in a nested stack for the next family or SLO, which is placed whole: one
 * alarm references its resource (a queue's name, a function's name) and the severity topics; an ALB
 * family with many target groups or an SLO over several resources references more.
 */
const PARAMETER_HEADROOM = 30;

/**
 * The parent stack is the user's, written indented: a kit alarm there takes up to ~2.3 KB (measured
 * on the bench's fleet: 460 alarms made a 1.02 MB file), so the kit stops filling it at 390
 * resources whatever maxResources allows; nested stacks are minified (~1.75 KB a resource).
 */
const PARENT_RESOURCES_BY_BYTES = 390;

export function countResources(scope: IConstruct): number {
  return cfnResourcesOf([scope]).length;
}

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

/** Records every reference a template makes to a resource of another stack. */
class ForeignReferences extends DefaultTokenResolver {
  constructor(
    private readonly home: Stack,
    private readonly found: Set<string>,
  ) {
    super(new StringConcat());
  }

  public override resolveToken(t: IResolvable, context: IResolveContext, postProcessor: IPostProcessor): unknown {
    if (t instanceof Reference && Stack.of(t.target) !== this.home) {
      this.found.add(`${t.target.node.path}#${t.displayName}`);
    }
    return super.resolveToken(t, context, postProcessor);
  }
}

/**
 * Adds to `found` what `made`'s resources reference in other stacks: in a nested stack CDK turns
 * each into one parameter (the same attribute referenced twice is one), so the set's size is the
 * template's parameter count. The references are only rewritten into parameters after the aspects
 * have run, too late to place by, hence resolving the resources here (`_toCloudFormation` is what
 * synth resolves; a CDK that renames it fails the placement tests, which read the written files).
 */
function addForeignReferences(made: IConstruct[], home: Stack, found: Set<string>): void {
  const resolver = new ForeignReferences(home, found);
  for (const resource of cfnResourcesOf(made)) {
    const template = (resource as unknown as { _toCloudFormation(): object })._toCloudFormation();
    Tokenization.resolve(template, { scope: resource, resolver, preparing: true });
  }
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
 * most `maxResources` resources each, written minified so that a full one stays far below
 * CloudFormation's 1 MB template limit (CDK writes indented JSON otherwise: 500 alarms made
 * 1.1 MB files) and keeps at most 200 - PARAMETER_HEADROOM parameters: 450 dead-letter queues of the
 * parent, one alarm each, made a nested stack of 342 parameters, over CloudFormation's 200. Nested
 * stacks make no outputs for the kit (dashboards name the alarms, see SreDashboards).
 */
export class Placement {
  private readonly pending: Array<Create> = [];
  private shard?: { scope: NestedStack; resources: number; references: Set<string> };
  private shards = 0;
  private parentResources?: number;
  private done = false;

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
    this.parentResources = countResources(Stack.of(this.owner));
    for (const create of this.pending.splice(0)) this.place(create);
  }

  /** Nested stacks created so far. */
  public get nestedStacks(): NestedStack[] {
    return this.owner.node.children.filter((c): c is NestedStack => c instanceof NestedStack);
  }

  private place(create: Create): void {
    const parentMax = Math.min(this.maxResources, PARENT_RESOURCES_BY_BYTES);
    if (!this.shard && this.parentResources! + this.headroom <= parentMax) {
      this.parentResources! += cfnResourcesOf([create(this.owner)].flat()).length;
      return;
    }
    const full = (shard: NonNullable<Placement['shard']>) =>
      shard.resources + this.headroom > this.maxResources ||
      shard.references.size + PARAMETER_HEADROOM > CLOUDFORMATION_MAX_PARAMETERS;
    if (!this.shard || full(this.shard)) this.open();
    const shard = this.shard!;
    const made = [create(shard.scope)].flat();
    shard.resources += cfnResourcesOf(made).length;
    addForeignReferences(made, shard.scope, shard.references);
  }

  private open(): void {
    this.shards += 1;
    const scope = new NestedStack(this.owner, `Alarms${this.shards}`);
    // NestedStackProps has no suppressTemplateIndentation and the context key is read when the
    // stack is built, under a kit that already has children: set what both would set. The
    // placement tests read the written files, so a CDK that renames this field fails them.
    (scope as unknown as { _suppressTemplateIndentation: boolean })._suppressTemplateIndentation = true;
    validateTemplateLimits(scope);
    this.shard = { scope, resources: 0, references: new Set() };
  }
}
