import { Duration } from 'aws-cdk-lib';
import { cloudWatchWindow, formatDuration, tierMinEvents, tierThreshold, type BurnRateTier } from '@sre-kit/core';
import type { Construct } from 'constructs';
import { inputError } from '../errors';
import { errorRatio } from './metrics';
import type { ServiceLevelObjectiveProps } from './service-level-objective';
import type { TierWindows, WindowAlarmInput } from './tiers';

/**
 * Metric-math windows: the error ratio over each window against core's
 * tierThreshold (burnRate x (1 - objective)). How a window maps to period/evaluations is core's
 * decision (cloudWatchWindow: one period = the window, 1 of 1, so 3 d is a
 * single 259,200 s period, inside CloudWatch's 7-day span limit).
 */
export function metricMathWindows(
  scope: Construct,
  props: ServiceLevelObjectiveProps,
  tiers: readonly BurnRateTier[],
): TierWindows[] {
  const sli = { good: props.goodMetric, bad: props.badMetric, total: props.totalMetric };
  const window = (tier: BurnRateTier, label: 'long' | 'short', seconds: number): WindowAlarmInput => {
    let evaluation;
    try {
      evaluation = cloudWatchWindow(seconds);
    } catch (e) {
      return inputError(
        scope,
        `tier ${tier.name}: ${label} window cannot be a CloudWatch alarm: ${(e as Error).message}`,
        formatDuration(seconds),
        'use windows of whole minutes up to 7 days',
      );
    }
    const period = Duration.seconds(evaluation.periodSeconds);
    // The low-traffic guard is on the long window only (core's math/guard.ts): the short one decides the reset.
    const minEvents = label === 'long' ? tierMinEvents(tier) : 0;
    const name = `${props.sloName} error ratio ${formatDuration(seconds)}${minEvents > 0 ? ` (min ${minEvents} events)` : ''}`;
    return {
      label,
      windowSeconds: seconds,
      minEvents,
      metric: errorRatio(scope, sli, period, name, minEvents),
      threshold: tierThreshold(tier, props.objective),
      evaluationPeriods: evaluation.evaluationPeriods,
      datapointsToAlarm: evaluation.datapointsToAlarm,
    };
  };
  return tiers.map((tier) => ({
    tier,
    long: window(tier, 'long', tier.longWindowSeconds),
    short: window(tier, 'short', tier.shortWindowSeconds),
  }));
}
