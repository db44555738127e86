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

interface NamedAlarm {
  readonly name: string;
  readonly path: string;
  readonly account: string;
  readonly region: string;
}

function namedAlarms(root: IConstruct): NamedAlarm[] {
  const out: NamedAlarm[] = [];
  for (const c of root.node.findAll()) {
    const name =
      c instanceof cloudwatch.CfnAlarm
        ? c.alarmName
        : c instanceof cloudwatch.CfnCompositeAlarm
          ? c.alarmName
          : undefined;
    // CloudFormation-generated names (and tokens) cannot collide.
    if (!name || Token.isUnresolved(name)) continue;
    const stack = Stack.of(c);
    out.push({ name, path: c.node.scope!.node.path, account: stack.account, region: stack.region });
  }
  return out;
}

/** Same place unless both say otherwise: an environment-agnostic stack may deploy next to any other. */
function samePlace(a: string, b: string): boolean {
  return a === b || Token.isUnresolved(a) || Token.isUnresolved(b);
}

/**
 * Alarm names are unique per account and region: CloudFormation would fail the second deployment (or,
 * in one template, the first) with "already exists". Checked across the whole app at synth, so two
 * kits, two stages or an app alarm that take one name fail with both construct paths. Returns the
 * problems that involve an alarm under `owner`, so each kit reports its own.
 */
export function alarmNameCollisions(owner: IConstruct): string[] {
  const byName = new Map<string, NamedAlarm[]>();
  for (const alarm of namedAlarms(owner.node.root)) byName.set(alarm.name, [...(byName.get(alarm.name) ?? []), alarm]);
  const prefix = `${owner.node.path}/`;
  const mine = (a: NamedAlarm) => a.path.startsWith(prefix);
  const problems: string[] = [];
  for (const [name, alarms] of byName)
    for (let i = 0; i < alarms.length; i++)
      for (let j = i + 1; j < alarms.length; j++) {
        const [a, b] = [alarms[i], alarms[j]];
        if (!(mine(a) || mine(b)) || !samePlace(a.account, b.account) || !samePlace(a.region, b.region)) continue;
        problems.push(
          `alarm name "${name}" is used by ${a.path} and ${b.path} in the same account and region. ` +
            `Fix: give each deployment its own stage (SreKit prop "stage", or context "${STAGE_CONTEXT}"), or rename one.`,
        );
      }
  return problems;
}
