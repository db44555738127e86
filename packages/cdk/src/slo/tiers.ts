import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { BurnRateTier } from '@sre-kit/core';
import type { Construct } from 'constructs';
import type { AlarmRegistry } from '../alarm-registry';
import { severityOfTier } from '../severity';
import { alarmDescription, applyTags, SreTagKeys } from '../tags';
import type { ServiceLevelObjectiveProps } from './service-level-objective';

/** One window of a tier as an alarm input: metric (already at the window's period), threshold, evaluation. */
export interface WindowAlarmInput {
  readonly label: 'long' | 'short';
  readonly windowSeconds: number;
  readonly metric: cloudwatch.IMetric;
  readonly threshold: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
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

/** CloudWatch's defaults, stated so the template says what happens. */
const SUPPRESSOR_WAIT = Duration.minutes(1);
const SUPPRESSOR_EXTENSION = Duration.minutes(1);

/**
 * Shared by both modes: the window alarms, one composite per tier
 * (long AND short), and the suppression chain (a tier is muted while any
 * faster tier is in ALARM).
 */
export function renderTiers(
  scope: Construct,
  props: ServiceLevelObjectiveProps,
  tiers: readonly TierWindows[],
  registry: AlarmRegistry,
): RenderedTiers {
  const prefix = `${props.service}-${props.sloName}`;
  const windowAlarms: cloudwatch.Alarm[] = [];
  const tierAlarms: cloudwatch.CompositeAlarm[] = [];
  const suppressorAlarms: cloudwatch.CompositeAlarm[] = [];
  const longAlarms: cloudwatch.Alarm[] = [];
  const byWindow = new Map<string, cloudwatch.Alarm>();
  const baseTags = {
    [SreTagKeys.SERVICE]: props.service,
    [SreTagKeys.FAMILY]: 'slo',
    [SreTagKeys.SLO]: props.sloName,
    [SreTagKeys.OBJECTIVE]: String(props.objective),
    [SreTagKeys.RUNBOOK]: props.runbookUrl,
  };

  for (const { tier, long, short } of tiers) {
    const severity = severityOfTier(tier.severity);
    const tierTags = {
      ...baseTags,
      [SreTagKeys.TIER]: tier.name,
      [SreTagKeys.BURN_RATE]: String(tier.burnRate),
      [SreTagKeys.SEVERITY]: severity,
    };
    const children = [long, short].map((w) => {
      // As in core's planSloAlarms: one alarm per distinct (window, threshold), shared by the tiers that use it.
      const key = `${w.windowSeconds}/${w.threshold}`;
      const shared = byWindow.get(key);
      if (shared) return shared;
      const name = `${prefix}-${tier.name}-${w.label}`;
      const alarm = new cloudwatch.Alarm(scope, `${tier.name}-${w.label}`, {
        alarmName: name,
        alarmDescription: alarmDescription([
          `SLO ${props.sloName} (${props.objective}) ${tier.name}: ${w.label} window (${w.windowSeconds}s) burning faster than ${tier.burnRate}x.`,
          'Feeds the tier composite; notifies nothing itself.',
        ]),
        metric: w.metric,
        threshold: w.threshold,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: w.evaluationPeriods,
        datapointsToAlarm: w.datapointsToAlarm,
        // No data means no traffic (or no burn-rate datapoint yet): not an error budget burn.
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      applyTags(alarm, tierTags);
      registry.add(alarm);
      windowAlarms.push(alarm);
      byWindow.set(key, alarm);
      return alarm;
    });
    longAlarms.push(children[0]);

    const faster = tierAlarms.slice();
    let suppressor: cloudwatch.IAlarm | undefined;
    if (faster.length === 1) suppressor = faster[0];
    if (faster.length > 1) {
      const any = new cloudwatch.CompositeAlarm(scope, `${tier.name}-faster-firing`, {
        compositeAlarmName: `${prefix}-${tier.name}-faster-firing`,
        alarmDescription: `Any tier of SLO ${props.sloName} faster than ${tier.name} is firing; suppresses ${tier.name}.`,
        alarmRule: cloudwatch.AlarmRule.anyOf(
          ...faster.map((c) => cloudwatch.AlarmRule.fromAlarm(c, cloudwatch.AlarmState.ALARM)),
        ),
      });
      applyTags(any, tierTags);
      registry.add(any, 'suppressor: its state mutes a slower tier');
      suppressorAlarms.push(any);
      suppressor = any;
    }

    const composite = new cloudwatch.CompositeAlarm(scope, tier.name, {
      compositeAlarmName: `${prefix}-${tier.name}`,
      alarmDescription: alarmDescription([
        `[${severity}] SLO ${props.sloName} (objective ${props.objective}) burning its error budget at more than ${tier.burnRate}x ` +
          `over ${tier.longWindowSeconds}s and ${tier.shortWindowSeconds}s (${Math.round(tier.budgetFraction * 1000) / 10} % of the budget spent at detection).`,
        props.runbookUrl ? `Runbook: ${props.runbookUrl}` : undefined,
        `Managed by sre-kit; severity=${severity} family=slo service=${props.service} tier=${tier.name}`,
      ]),
      alarmRule: cloudwatch.AlarmRule.allOf(
        ...children.map((c) => cloudwatch.AlarmRule.fromAlarm(c, cloudwatch.AlarmState.ALARM)),
      ),
      ...(suppressor
        ? {
            actionsSuppressor: suppressor,
            actionsSuppressorWaitPeriod: SUPPRESSOR_WAIT,
            actionsSuppressorExtensionPeriod: SUPPRESSOR_EXTENSION,
          }
        : {}),
    });
    const action = props.actions?.actionFor(severity);
    action?.addAlarmActions({ alarm: composite, action });
    applyTags(composite, tierTags);
    registry.add(composite);
    for (const child of children) registry.feeds(child, composite);
    tierAlarms.push(composite);
  }
  return { windowAlarms, tierAlarms, suppressorAlarms, longAlarms };
}
