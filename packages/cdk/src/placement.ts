import { Aspects, CfnResource, NestedStack, Stack } from 'aws-cdk-lib';
import { Construct, type IConstruct } from 'constructs';

/** CloudFormation's hard limit of resources per stack. */
export const CLOUDFORMATION_MAX_RESOURCES = 500;

/**
 * The parent stack is the user's, written indented: a kit alarm there takes up to ~2.3 KB (measured
 * on the bench's fleet: 460 alarms made a 1.02 MB file), so the kit stops filling it at 390
 * resources whatever maxResources allows; nested stacks are minified (~1.75 KB a resource).
 */
const PARENT_RESOURCES_BY_BYTES = 390;

export function countResources(scope: IConstruct): number {
  let n = 0;
  const visit = (c: IConstruct): void => {
    if (c instanceof CfnResource) n++;
    // A nested stack is one resource in its parent; its content counts in its own template.
    for (const child of c.node.children) if (!(child instanceof NestedStack)) visit(child);
  };
  visit(scope);
  return n;
}

/** Creates a family or SLO (or a VPC's NAT gateways' families) in `scope`. */
export type Create = (scope: Construct) => IConstruct | IConstruct[];

function resourcesOf(made: IConstruct | IConstruct[]): number {
  return (Array.isArray(made) ? made : [made]).reduce((n, c) => n + countResources(c), 0);
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
 * 1.1 MB files).
 */
export class Placement {
  private readonly pending: Array<Create> = [];
  private shard?: { scope: NestedStack; resources: number };
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
      this.parentResources! += resourcesOf(create(this.owner));
      return;
    }
    if (!this.shard || this.shard.resources + this.headroom > this.maxResources) this.open();
    this.shard!.resources += resourcesOf(create(this.shard!.scope));
  }

  private open(): void {
    this.shards += 1;
    const scope = new NestedStack(this.owner, `Alarms${this.shards}`);
    // NestedStackProps has no suppressTemplateIndentation and the context key is read when the
    // stack is built, under a kit that already has children: set what both would set. The
    // placement tests read the written files, so a CDK that renames this field fails them.
    (scope as unknown as { _suppressTemplateIndentation: boolean })._suppressTemplateIndentation = true;
    this.shard = { scope, resources: 0 };
  }
}
