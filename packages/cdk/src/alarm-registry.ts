import { Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { IConstruct, IValidation } from 'constructs';

/**
 * Every alarm the kit creates is registered with the composites it feeds, so
 * synth-time validation can tell "no action" (an error) from "feeds a
 * composite that has actions" (fine) and from an explicit opt-out.
 */
interface Entry {
  readonly alarm: cloudwatch.AlarmBase;
  readonly feeds: cloudwatch.AlarmBase[];
  /** Why this alarm has no action on purpose (a suppressor, a composite child). */
  quietReason?: string;
}

export class AlarmRegistry {
  private readonly entries: Entry[] = [];

  constructor(
    owner: IConstruct,
    private readonly allowWithoutActions: () => boolean,
  ) {
    const validation: IValidation = { validate: () => this.validate() };
    owner.node.addValidation(validation);
  }

  public add(alarm: cloudwatch.AlarmBase, quietReason?: string): void {
    this.entries.push({ alarm, feeds: [], quietReason });
  }

  /** Records that `child` is evaluated by `composite` (its actions count for the child). */
  public feeds(child: cloudwatch.AlarmBase, composite: cloudwatch.AlarmBase): void {
    const entry = this.entries.find((e) => e.alarm === child);
    if (entry) entry.feeds.push(composite);
  }

  public get alarms(): cloudwatch.AlarmBase[] {
    return this.entries.map((e) => e.alarm);
  }

  private validate(): string[] {
    if (this.allowWithoutActions()) return [];
    const errors: string[] = [];
    for (const entry of this.entries) {
      if (entry.quietReason || hasActions(entry.alarm)) continue;
      if (entry.feeds.some((composite) => hasActions(composite))) continue;
      errors.push(
        `alarm ${entry.alarm.node.path} has no alarm action and feeds no composite alarm with one. ` +
          'Fix: pass `actions` (for example an AlertTopics) or set `allowAlarmsWithoutActions: true` ' +
          'when the alarms are only for dashboards.',
      );
    }
    return errors;
  }
}

/** True when the synthesized alarm has at least one ALARM action (resolved, so lazy lists count). */
export function hasActions(alarm: cloudwatch.AlarmBase): boolean {
  const cfn = alarm.node.defaultChild as cloudwatch.CfnAlarm | cloudwatch.CfnCompositeAlarm | undefined;
  if (!cfn) return false;
  const actions = Stack.of(alarm).resolve(cfn.alarmActions) as unknown;
  return Array.isArray(actions) && actions.length > 0;
}
