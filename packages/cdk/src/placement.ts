import { CfnResource, NestedStack, Stack } from 'aws-cdk-lib';
import { Construct, type IConstruct } from 'constructs';

/** CloudFormation's hard limit of resources per stack. */
export const CLOUDFORMATION_MAX_RESOURCES = 500;

function countResources(scope: IConstruct, stopAtNestedStacks: boolean): number {
  let n = 0;
  const visit = (c: IConstruct): void => {
    if (c instanceof CfnResource) n++;
    for (const child of c.node.children) {
      // A nested stack is one resource in its parent; its content counts in its own template.
      if (stopAtNestedStacks && child instanceof NestedStack) continue;
      visit(child);
    }
  };
  visit(scope);
  return n;
}

/**
 * Where the kit puts the next family or SLO: in the kit itself while the
 * stack has room, then in nested stacks of at most `maxResources` resources
 * each. Monitoring a fleet creates thousands of alarms, far past one
 * template's 500 resources and 1 MB; each family/SLO stays whole inside one
 * stack, so composite rules and suppressors never cross a stack boundary.
 */
export class Placement {
  private shard?: { scope: NestedStack; resources: number };
  private shards = 0;

  constructor(
    private readonly owner: Construct,
    private readonly maxResources: number,
    /** Room kept for the largest single family/SLO, which is placed as a whole. */
    private readonly headroom: number,
  ) {}

  /** The scope for the next construct; call `placed` with it once it exists. */
  public next(): Construct {
    if (!this.shard) {
      if (countResources(Stack.of(this.owner), true) + this.headroom <= this.maxResources) return this.owner;
      this.open();
    } else if (this.shard.resources + this.headroom > this.maxResources) {
      this.open();
    }
    return this.shard!.scope;
  }

  /** Records what a construct added to its shard. */
  public placed(construct: IConstruct): void {
    if (this.shard && construct.node.scope === this.shard.scope)
      this.shard.resources += countResources(construct, true);
  }

  /** Nested stacks created so far. */
  public get nestedStacks(): NestedStack[] {
    return this.owner.node.children.filter((c): c is NestedStack => c instanceof NestedStack);
  }

  private open(): void {
    this.shards += 1;
    this.shard = { scope: new NestedStack(this.owner, `Alarms${this.shards}`), resources: 0 };
  }
}
