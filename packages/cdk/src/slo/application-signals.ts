import { Duration } from 'aws-cdk-lib';
import * as applicationsignals from 'aws-cdk-lib/aws-applicationsignals';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { BurnRateTier } from '@sre-kit/core';
import type { Construct } from 'constructs';
import { inputError } from '../errors';
import { stagedName } from '../naming';
import { toMetricDataQueries } from './metrics';
import type { ServiceLevelObjectiveProps, SloExclusionWindow } from './service-level-objective';
import type { TierWindows, WindowAlarmInput } from './tiers';

/** `ExclusionWindow`s: whole minutes, a reason of at most 1,024 characters, a cron or rate recurrence. */
function exclusionWindows(
  scope: Construct,
  windows: readonly SloExclusionWindow[],
): applicationsignals.CfnServiceLevelObjective.ExclusionWindowProperty[] {
  return windows.map((w, i) => {
    const minutes = w.duration.toMinutes({ integral: false });
    if (!Number.isInteger(minutes) || minutes < 1)
      inputError(
        scope,
        `exclusionWindows[${i}]: duration must be whole minutes`,
        minutes,
        'for example Duration.hours(1)',
      );
    if (w.recurrence !== undefined && !/^(cron|rate)\(.+\)$/.test(w.recurrence))
      inputError(
        scope,
        `exclusionWindows[${i}]: recurrence must be a cron(...) or rate(...) expression`,
        w.recurrence,
        'for example cron(0 2 ? * SUN *)',
      );
    if (w.startTime !== undefined && Number.isNaN(Date.parse(w.startTime)))
      inputError(
        scope,
        `exclusionWindows[${i}]: startTime is not an ISO 8601 time`,
        w.startTime,
        '2026-12-12T21:00:00Z',
      );
    return {
      window: { duration: minutes, durationUnit: 'MINUTE' },
      reason: w.reason.slice(0, 1024),
      ...(w.startTime !== undefined ? { startTime: w.startTime } : {}),
      ...(w.recurrence !== undefined ? { recurrenceRule: { expression: w.recurrence } } : {}),
    };
  });
}

/** Application Signals accepts at most 10 burn-rate configurations of 1..10080 minutes. */
const MAX_BURN_RATE_CONFIGURATIONS = 10;
const MAX_LOOKBACK_MINUTES = 10080;

/**
 * The native SLO: a request-based SLI over the same good/bad/total metrics,
 * one BurnRateConfiguration per distinct window, and alarms on the BurnRate
 * metric Application Signals publishes (already divided by the budget, so the
 * threshold is the tier's burn rate itself).
 */
export function applicationSignalsSlo(
  scope: Construct,
  props: ServiceLevelObjectiveProps,
  periodSeconds: number,
  tiers: readonly BurnRateTier[],
): { sloName: string; windows: TierWindows[] } {
  if (!props.goodMetric === !props.badMetric)
    inputError(
      scope,
      'exactly one of goodMetric or badMetric is required',
      { good: !!props.goodMetric, bad: !!props.badMetric },
      'pass the count of failed requests as badMetric, or of successful ones as goodMetric',
    );
  if (periodSeconds % 86400 !== 0)
    inputError(scope, 'Application Signals SLO intervals are whole days', periodSeconds, 'use Duration.days(n)');
  const minutes = new Set<number>();
  for (const t of tiers)
    for (const s of [t.longWindowSeconds, t.shortWindowSeconds]) {
      if (s % 60 !== 0 || s / 60 > MAX_LOOKBACK_MINUTES)
        inputError(
          scope,
          `tier ${t.name}: burn-rate windows must be whole minutes up to ${MAX_LOOKBACK_MINUTES}`,
          s,
          'use windows between 1 minute and 7 days',
        );
      minutes.add(s / 60);
    }
  if (minutes.size > MAX_BURN_RATE_CONFIGURATIONS)
    inputError(
      scope,
      `Application Signals accepts at most ${MAX_BURN_RATE_CONFIGURATIONS} burn-rate windows`,
      [...minutes],
      'use fewer tiers, or SloAlarmMode.METRIC_MATH',
    );

  const sloName = stagedName(props.stage, `${props.service}-${props.sloName}`);
  const monitored = props.badMetric
    ? { badCountMetric: toMetricDataQueries(scope, props.badMetric) }
    : { goodCountMetric: toMetricDataQueries(scope, props.goodMetric!) };
  new applicationsignals.CfnServiceLevelObjective(scope, 'ApplicationSignalsSlo', {
    name: sloName,
    description:
      props.description ?? `${props.sloName}: ${props.objective * 100} % over ${periodSeconds / 86400} days (sre-kit)`,
    requestBasedSli: {
      requestBasedSliMetric: {
        totalRequestCountMetric: toMetricDataQueries(scope, props.totalMetric),
        monitoredRequestCountMetric: monitored,
      },
    },
    goal: {
      attainmentGoal: Math.round(props.objective * 100 * 1e6) / 1e6,
      interval: { rollingInterval: { duration: periodSeconds / 86400, durationUnit: 'DAY' } },
    },
    burnRateConfigurations: [...minutes].sort((a, b) => a - b).map((m) => ({ lookBackWindowMinutes: m })),
    ...(props.exclusionWindows?.length ? { exclusionWindows: exclusionWindows(scope, props.exclusionWindows) } : {}),
  });

  const window = (tier: BurnRateTier, label: 'long' | 'short', seconds: number): WindowAlarmInput => ({
    label,
    windowSeconds: seconds,
    metric: new cloudwatch.Metric({
      namespace: 'AWS/ApplicationSignals',
      metricName: 'BurnRate',
      dimensionsMap: { SloName: sloName, BurnRateWindowMinutes: String(seconds / 60) },
      statistic: 'Maximum',
      period: Duration.minutes(1),
    }),
    threshold: tier.burnRate,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
  });
  return {
    sloName,
    windows: tiers.map((tier) => ({
      tier,
      long: window(tier, 'long', tier.longWindowSeconds),
      short: window(tier, 'short', tier.shortWindowSeconds),
    })),
  };
}
