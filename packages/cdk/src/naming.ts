import { Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { IConstruct } from 'constructs';
import { inputError } from './errors';

/** Context key of the default stage: `cdk synth -c sre-kit:stage=prod`, or `stack.node.setContext(...)`. */
export const STAGE_CONTEXT = 'sre-kit:stage';

// Dashboard names allow letters, digits, "-" and "_" only, and the stage is part of them.
const STAGE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/;

/**
 * The stage (dev, staging, prod, ...) the kit names its alarms and dashboards with: the prop, else the
 * `sre-kit:stage` context of the kit's scope (app, stack or any parent), else none (names unchanged).
 */
export function resolveStage(scope: IConstruct, explicit: string | undefined): string | undefined {
  const stage: unknown = explicit ?? scope.node.tryGetContext(STAGE_CONTEXT);
  if (stage === undefined || stage === '') return undefined;
  if (typeof stage !== 'string' || !STAGE.test(stage))
    inputError(
      scope,
      `the stage (prop "stage" or context "${STAGE_CONTEXT}") must be 1-32 letters, digits, "-" or "_"`,
      stage,
      'use a name such as "prod" or "dev-eu"',
    );
  return stage;
}

/** `<stage>-<name>`: the stage first, so one account's alarms and dashboards sort and filter by stage. */
export function stagedName(stage: string | undefined, name: string): string {
  return stage ? `${stage}-${name}` : name;
}

/** A named alarm or dashboard; `region` is `*` for dashboards, whose names are per account. */
interface Named {
  readonly kind: 'alarm' | 'dashboard';
  readonly name: string;
  readonly path: string;
  readonly account: string;
  readonly region: string;
}

function literalName(c: IConstruct): Pick<Named, 'kind' | 'name'> | undefined {
  const found =
    c instanceof cloudwatch.CfnAlarm || c instanceof cloudwatch.CfnCompositeAlarm
      ? { kind: 'alarm' as const, name: c.alarmName }
      : c instanceof cloudwatch.CfnDashboard
        ? { kind: 'dashboard' as const, name: c.dashboardName }
        : undefined;
  // CloudFormation-generated names (and tokens) cannot collide.
  return found?.name && !Token.isUnresolved(found.name) ? { kind: found.kind, name: found.name } : undefined;
}

function namedResources(root: IConstruct): Named[] {
  const out: Named[] = [];
  for (const c of root.node.findAll()) {
    const named = literalName(c);
    if (!named) continue;
    const stack = Stack.of(c);
    // An L2 alarm's path names it; a CfnDashboard is its own construct.
    const path = c.node.id === 'Resource' ? c.node.scope!.node.path : c.node.path;
    out.push({ ...named, path, account: stack.account, region: named.kind === 'dashboard' ? '*' : stack.region });
  }
  return out;
}

/** Same place unless both say otherwise: an environment-agnostic stack may deploy next to any other. */
function samePlace(a: string, b: string): boolean {
  return a === b || a === '*' || b === '*' || Token.isUnresolved(a) || Token.isUnresolved(b);
}

/**
 * Alarm names are unique per account and region, dashboard names per account: CloudFormation would
 * fail the second deployment (or, in one template, the first) with "already exists". Checked across
 * the whole app at synth, so two kits, two stages or an app alarm that take one name fail with both
 * construct paths. Returns the problems that involve a resource under `owner`, so each kit reports its own.
 */
export function nameCollisions(owner: IConstruct): string[] {
  const byName = new Map<string, Named[]>();
  for (const r of namedResources(owner.node.root)) {
    const key = `${r.kind}:${r.name}`;
    byName.set(key, [...(byName.get(key) ?? []), r]);
  }
  const prefix = `${owner.node.path}/`;
  const mine = (r: Named) => r.path.startsWith(prefix);
  const problems: string[] = [];
  for (const group of byName.values())
    for (let i = 0; i < group.length; i++)
      for (let j = i + 1; j < group.length; j++) {
        const [a, b] = [group[i], group[j]];
        if (!(mine(a) || mine(b)) || !samePlace(a.account, b.account) || !samePlace(a.region, b.region)) continue;
        const where = a.kind === 'alarm' ? 'the same account and region' : 'the same account';
        problems.push(
          `${a.kind} name "${a.name}" is used by ${a.path} and ${b.path} in ${where}. ` +
            `Fix: give each deployment its own stage (SreKit prop "stage", or context "${STAGE_CONTEXT}"), or rename one.`,
        );
      }
  return problems;
}
