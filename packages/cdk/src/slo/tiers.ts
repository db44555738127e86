import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { planTierSuppression, type AlarmMetadataInput, type BurnRateTier, type SloSliKind } from '@sre-kit/core';
import type { Construct } from 'constructs';
import type { AlarmRegistry } from '../alarm-registry';
import { stagedName } from '../naming';
import { severityOfTier } from '../severity';
import { alarmDescriptionFor, tagAlarm } from '../alarm-metadata';
import type { ServiceLevelObjectiveProps } from './service-level-objective';

/** One window of a tier as an alarm input: metric (already at the window's period), threshold, evaluation. */
export interface WindowAlarmInput {
  readonly label: 'long' | 'short';
  readonly windowSeconds: number;
  readonly metric: cloudwatch.IMetric;
  readonly threshold: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  /** Low-traffic guard in the metric (long windows): 0 for none. */
  readonly minEvents?: number;
}

export interface TierWindows {
  readonly tier: BurnRateTier;
  readonly long: WindowAlarmInput;
  readonly short: WindowAlarmInput;
}

export interface RenderedTiers {
  readonly windowAlarms: cloudwatch.Alarm[];
  readonly tierAlarms: cloudwatch.CompositeAlarm[];
  readonly suppressorAlarms: cloudwatch.CompositeAlarm[];
  /** Each tier's long-window alarm, in tier order (what a dashboard graphs). */
  readonly longAlarms: cloudwatch.Alarm[];
}

/** CloudWatch's default wait, stated so the template says what happens; the extension comes from core's plan. */
const SUPPRESSOR_WAIT = Duration.minutes(1);

/**
 * Shared by both modes: the window alarms, one composite per tier
 * (long AND short), and the suppression chain core plans (a tier is muted
 * while any faster tier is in ALARM).
 */
export function renderTiers(
  scope: Construct,
  props: ServiceLevelObjectiveProps,
  tiers: readonly TierWindows[],
  registry: AlarmRegistry,
  sli: { readonly periodSeconds: number; readonly kind: SloSliKind },
): RenderedTiers {
  const prefix = stagedName(props.stage, `${props.service}-${props.sloName}`);
  const windowAlarms: cloudwatch.Alarm[] = [];
  const tierAlarms: cloudwatch.CompositeAlarm[] = [];
  const suppressorAlarms: cloudwatch.CompositeAlarm[] = [];
  const longAlarms: cloudwatch.Alarm[] = [];
  const byWindow = new Map<string, cloudwatch.Alarm>();
  // Literal names: `alarm.alarmName` is a token, and the router needs the name itself.
  const nameOf = new Map<cloudwatch.Alarm, string>();
  // The contract fields every alarm of this SLO carries; each alarm adds its tier and role.
  const sloMeta: AlarmMetadataInput = {
    family: 'slo',
    service: props.service,
    slo: props.sloName,
    objective: props.objective,
    periodSeconds: sli.periodSeconds,
    sli: sli.kind,
    runbook: props.runbookUrl,
    dashboard: props.dashboard,
  };

  // Core decides which composite mutes which tier (planTierSuppression); this only renders it.
  const suppression = planTierSuppression(tiers.map((t) => t.tier));
  const windowsOf = new Map(tiers.map((t) => [t.tier.name, t]));
  const compositeOf = new Map<string, cloudwatch.CompositeAlarm>();
  for (const tier of suppression.order) {
    const { long, short } = windowsOf.get(tier.name)!;
    const severity = severityOfTier(tier.severity);
    const tierMeta: AlarmMetadataInput = {
      ...sloMeta,
      severity,
      tier: tier.name,
      burnRate: tier.burnRate,
      longWindowSeconds: long.windowSeconds,
      shortWindowSeconds: short.windowSeconds,
    };
    const children = [long, short].map((w) => {
      // As in core's planSloAlarms: one alarm per distinct (window, threshold), shared by the tiers that use it.
      const key = `${w.windowSeconds}/${w.threshold}/${w.minEvents ?? 0}`;
      const shared = byWindow.get(key);
      if (shared) return shared;
      const name = `${prefix}-${tier.name}-${w.label}`;
      const meta: AlarmMetadataInput = { ...tierMeta, role: 'window', window: w.label };
      const alarm = new cloudwatch.Alarm(scope, `${tier.name}-${w.label}`, {
        alarmName: name,
        alarmDescription: alarmDescriptionFor(
          scope,
          name,
          `SLO ${props.sloName} (${props.objective}) ${tier.name}: ${w.label} window (${w.windowSeconds}s) burning faster than ${tier.burnRate}x` +
            (w.minEvents ? `, counted over at least ${w.minEvents} events (low-traffic guard)` : '') +
            '. Feeds the tier composite; notifies nothing itself.',
          meta,
        ),
        metric: w.metric,
        threshold: w.threshold,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: w.evaluationPeriods,
        datapointsToAlarm: w.datapointsToAlarm,
        // No data means no traffic (or no burn-rate datapoint yet): not an error budget burn.
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      tagAlarm(alarm, meta);
      registry.add(alarm);
      windowAlarms.push(alarm);
      byWindow.set(key, alarm);
      nameOf.set(alarm, name);
      return alarm;
    });
    longAlarms.push(children[0]);
    // The composite's notification carries no metric: the router reads the budget from this alarm's.
    const notifying: AlarmMetadataInput = { ...tierMeta, longAlarm: nameOf.get(children[0]) };

    let suppressor: cloudwatch.IAlarm | undefined;
    const by = suppression.suppressedBy.get(tier.name);
    if (by?.kind === 'tier') suppressor = compositeOf.get(by.tier);
    if (by?.kind === 'suppressor') {
      const plan = suppression.suppressors.find((x) => x.key === by.key)!;
      const suppressorName = `${prefix}-${plan.key}`;
      const meta: AlarmMetadataInput = { ...notifying, role: 'suppressor' };
      const any = new cloudwatch.CompositeAlarm(scope, plan.key, {
        compositeAlarmName: suppressorName,
        alarmDescription: alarmDescriptionFor(
          scope,
          suppressorName,
          `Any tier of SLO ${props.sloName} faster than ${plan.suppresses} is firing; suppresses ${plan.suppresses}.`,
          meta,
        ),
        alarmRule: cloudwatch.AlarmRule.anyOf(
          ...plan.anyOf.map((name) =>
            cloudwatch.AlarmRule.fromAlarm(compositeOf.get(name)!, cloudwatch.AlarmState.ALARM),
          ),
        ),
      });
      tagAlarm(any, meta);
      registry.add(any, 'suppressor: its state mutes a slower tier');
      suppressorAlarms.push(any);
      suppressor = any;
    }

    const compositeName = `${prefix}-${tier.name}`;
    const compositeMeta: AlarmMetadataInput = { ...notifying, role: 'tier' };
    const composite = new cloudwatch.CompositeAlarm(scope, tier.name, {
      compositeAlarmName: compositeName,
      alarmDescription: alarmDescriptionFor(
        scope,
        compositeName,
        `[${severity}] SLO ${props.sloName} (objective ${props.objective}) burning its error budget at more than ${tier.burnRate}x ` +
          `over ${tier.longWindowSeconds}s and ${tier.shortWindowSeconds}s (${Math.round(tier.budgetFraction * 1000) / 10} % of the budget spent at detection).`,
        compositeMeta,
      ),
      alarmRule: cloudwatch.AlarmRule.allOf(
        ...children.map((c) => cloudwatch.AlarmRule.fromAlarm(c, cloudwatch.AlarmState.ALARM)),
      ),
      ...(suppressor
        ? {
            actionsSuppressor: suppressor,
            actionsSuppressorWaitPeriod: SUPPRESSOR_WAIT,
            actionsSuppressorExtensionPeriod: Duration.seconds(suppression.extensionSeconds.get(tier.name)!),
          }
        : {}),
    });
    const action = props.actions?.actionFor(severity);
    action?.addAlarmActions({ alarm: composite, action });
    tagAlarm(composite, compositeMeta);
    registry.add(composite);
    for (const child of children) registry.feeds(child, composite);
    tierAlarms.push(composite);
    compositeOf.set(tier.name, composite);
  }
  return { windowAlarms, tierAlarms, suppressorAlarms, longAlarms };
}
