import { Annotations, Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import {
  burnRateRuleViolations,
  defaultBurnRatePolicy,
  errorBudget,
  formatDuration,
  makeTier,
  planTierSuppression,
  tierCanFire,
  tierThreshold,
  withMinEvents,
  type BurnRateTier,
  type Slo,
} from '@sre-kit/core';
import type { IDashboardSegment } from 'cdk-monitoring-constructs';
import { Construct } from 'constructs';
import type { ISeverityActions } from '../actions';
import { AlarmRegistry } from '../alarm-registry';
import { inputError } from '../errors';
import { SloTierSeverity } from '../severity';
import { applicationSignalsSlo } from './application-signals';
import { metricMathWindows } from './metric-math';
import { sloModel } from './model';
import { renderTiers, type TierWindows } from './tiers';

/** How the burn-rate alarms are computed. */
export enum SloAlarmMode {
  /** One metric-math alarm per window over your good/bad/total metrics (works everywhere, no extra service). */
  METRIC_MATH = 'METRIC_MATH',
  /** A native AWS::ApplicationSignals::ServiceLevelObjective with burn-rate configurations; alarms on its BurnRate metrics. */
  APPLICATION_SIGNALS = 'APPLICATION_SIGNALS',
}

/** One multi-window tier (fires when both windows burn faster than `burnRate`). */
export interface BurnRateTierProps {
  readonly severity: SloTierSeverity;
  readonly longWindow: Duration;
  /** @default longWindow / 12 */
  readonly shortWindow?: Duration;
  readonly burnRate: number;
  /** @default `<severity>-<long window>` */
  readonly name?: string;
  /**
   * Low-traffic guard of this tier: its long window, when it saw fewer events, is judged as if it had seen this
   * many, the missing ones good. 0 turns it off. @default - the SLO's `minEvents`
   */
  readonly minEvents?: number;
}

/** An SLO's definition without its service (shared by the construct and `SreKit.addSlo`). */
export interface SloDefinition {
  /** Unique within the service; part of alarm names. */
  readonly sloName: string;
  /** Target ratio in [0, 1), for example 0.999. */
  readonly objective: number;
  /** @default Duration.days(30) */
  readonly period?: Duration;
  /** Count of bad events. Exactly one of `badMetric` or `goodMetric`. @default - use goodMetric */
  readonly badMetric?: cloudwatch.IMetric;
  /** Count of good events. @default - use badMetric */
  readonly goodMetric?: cloudwatch.IMetric;
  /** Count of all events (a Sum statistic). */
  readonly totalMetric: cloudwatch.IMetric;
  /** @default - the SRE workbook tiers for the period, from @sre-kit/core (14.4/6/3/1 for 30 days) */
  readonly tiers?: BurnRateTierProps[];
  /**
   * Low-traffic guard of every tier (a tier's own `minEvents` wins): a long window with fewer events counts as
   * this many, the missing ones good, so one failed request at 3 a.m. does not page. 0 turns it off. Metric-math
   * mode only (Application Signals alarms watch its BurnRate metric, which carries no event count).
   * @default - 1.5 / the lowest page threshold, rounded up (250 at 99.9 % with the 30 d tiers): one error is 2/3
   * of the slowest page's threshold, two errors 4/3 of it
   */
  readonly minEvents?: number;
  /** Page tiers notify the CRITICAL action, ticket tiers the WARNING one. @default - none (error unless allowed) */
  readonly actions?: ISeverityActions;
  /** @default SloAlarmMode.METRIC_MATH */
  readonly mode?: SloAlarmMode;
  /** @default - no link */
  readonly runbookUrl?: string;
  /**
   * Dashboard the alert links to: a URL (tokens such as the region are fine) or a CloudWatch
   * dashboard name (linked in the alarm's own region). Written into every alarm's metadata.
   * @default - the kit's SLO dashboard when the kit has dashboards, else no link
   */
  readonly dashboard?: string;
  /** @default - sloName */
  readonly description?: string;
  /** Allow tiers without any action (dashboards only). @default false */
  readonly allowAlarmsWithoutActions?: boolean;
  /**
   * Planned time left out of the SLO (Application Signals exclusion windows). APPLICATION_SIGNALS mode only:
   * metric-math alarms cannot exclude time (the alert router's maintenance windows mute their pages, and
   * `sre review` leaves the windows out). `SreKit` fills it from the routing spec's maintenance windows.
   * @default - none
   */
  readonly exclusionWindows?: SloExclusionWindow[];
}

/** A stretch of time an Application Signals SLO leaves out (`ExclusionWindow`). */
export interface SloExclusionWindow {
  /** Why: the change or ticket. */
  readonly reason: string;
  /** How long each opening lasts (whole minutes). */
  readonly duration: Duration;
  /** ISO 8601 instant of the (first) opening. @default - when the SLO is created (Application Signals' default) */
  readonly startTime?: string;
  /** `cron(minutes hours day-of-month month day-of-week year)` or `rate(n hour|day|month)`, in UTC. @default - once */
  readonly recurrence?: string;
}

export interface ServiceLevelObjectiveProps extends SloDefinition {
  /** The service (tag `sre-kit:service`, alarm name prefix). */
  readonly service: string;
  /** The deployment stage, first part of alarm names (`<stage>-<service>-<sloName>-...`). @default - none */
  readonly stage?: string;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/**
 * Multi-window multi-burn-rate alerting for one SLO: per tier a long-window
 * and a short-window alarm whose threshold is `burnRate x (1 - objective)`,
 * joined by a composite `ALARM(long) AND ALARM(short)`; a slower tier's
 * actions are suppressed while a faster one fires (ActionsSuppressor, as
 * core's planTierSuppression plans it). Page tiers notify critical, ticket
 * tiers warning.
 */
export class ServiceLevelObjective extends Construct implements IDashboardSegment {
  public readonly sloName: string;
  public readonly service: string;
  public readonly objective: number;
  public readonly mode: SloAlarmMode;
  /** The per-window alarms (metric math, or on Application Signals BurnRate). */
  public readonly windowAlarms: cloudwatch.IAlarm[];
  /** One composite per tier, fastest first. */
  public readonly tierAlarms: cloudwatch.IAlarm[];
  /** "Any faster tier firing" composites used as suppressors (no actions of their own). */
  public readonly suppressorAlarms: cloudwatch.IAlarm[];
  private readonly longAlarms: cloudwatch.Alarm[];
  /** The native SLO's name in APPLICATION_SIGNALS mode. */
  public readonly applicationSignalsSloName?: string;
  private readonly registry: AlarmRegistry;
  private readonly resolvedTiers: BurnRateTier[];
  private readonly model: () => Slo | undefined;

  constructor(scope: Construct, id: string, props: ServiceLevelObjectiveProps) {
    super(scope, id);
    if (!NAME.test(props.sloName))
      inputError(
        this,
        'sloName must be letters, digits, _ . -',
        props.sloName,
        'use a name such as "checkout-availability"',
      );
    if (!NAME.test(props.service))
      inputError(this, 'service must be letters, digits, _ . -', props.service, 'use a name such as "checkout"');
    if (!(props.objective > 0 && props.objective < 1))
      inputError(this, 'objective must be a ratio in (0, 1)', props.objective, 'write 99.9 % as 0.999');
    this.sloName = props.sloName;
    this.service = props.service;
    this.objective = props.objective;
    this.mode = props.mode ?? SloAlarmMode.METRIC_MATH;
    this.registry = new AlarmRegistry(this, () => props.allowAlarmsWithoutActions === true);
    const periodSeconds = (props.period ?? Duration.days(30)).toSeconds();
    this.resolvedTiers = this.tiersFrom(props, periodSeconds);
    this.model = () => sloModel(this, props, periodSeconds, this.resolvedTiers);

    let windows: TierWindows[];
    if (this.mode === SloAlarmMode.APPLICATION_SIGNALS) {
      const native = applicationSignalsSlo(this, props, periodSeconds, this.resolvedTiers);
      this.applicationSignalsSloName = native.sloName;
      windows = native.windows;
    } else {
      windows = metricMathWindows(this, props, this.resolvedTiers);
      if (props.exclusionWindows?.length)
        Annotations.of(this).addInfo(
          `${props.exclusionWindows.length} exclusion window(s) not written: METRIC_MATH alarms cannot leave time out ` +
            '(the alert router mutes their pages during maintenance windows; sre review excludes them)',
        );
    }
    const rendered = renderTiers(this, props, windows, this.registry, {
      periodSeconds,
      // Application Signals alarms watch its BurnRate metric; metric math watches bad/total.
      kind: this.mode === SloAlarmMode.APPLICATION_SIGNALS ? 'burnRate' : 'errorRatio',
    });
    this.windowAlarms = rendered.windowAlarms;
    this.tierAlarms = rendered.tierAlarms;
    this.suppressorAlarms = rendered.suppressorAlarms;
    this.longAlarms = rendered.longAlarms;
  }

  /** The error ratio each tier's windows must exceed: burnRate x (1 - objective), fastest tier first. */
  public get thresholds(): number[] {
    return this.resolvedTiers.map((t) => tierThreshold(t, this.objective));
  }

  public summaryWidgets(): cloudwatch.IWidget[] {
    return [
      new cloudwatch.AlarmStatusWidget({
        title: `SLO ${this.sloName} (${this.objective * 100} %)`,
        alarms: this.tierAlarms,
        width: 24,
        height: 3,
      }),
    ];
  }

  /** Long-window alarms show the error ratio (or burn rate) against each tier's threshold. */
  public alarmWidgets(): cloudwatch.IWidget[] {
    return this.longAlarms.map(
      (alarm) => new cloudwatch.AlarmWidget({ alarm, title: alarm.node.id, width: 6, height: 6 }),
    );
  }

  public widgets(): cloudwatch.IWidget[] {
    return [...this.summaryWidgets(), ...this.alarmWidgets()];
  }

  /** @internal the tiers after defaults, for the cost model and dashboards */
  public get _tiers(): readonly BurnRateTier[] {
    return this.resolvedTiers;
  }

  /** @internal the SLO as core's model, for the dashboards (undefined for nested metric math) */
  public _model(): Slo | undefined {
    return this.model();
  }

  /** The workbook tiers that can fire at this objective; the others are dropped with a warning (core's edge case). */
  private defaultTiers(objective: number, periodSeconds: number): BurnRateTier[] {
    const all = defaultBurnRatePolicy(periodSeconds).tiers;
    const usable = all.filter((t) => tierCanFire(t, objective));
    for (const t of all.filter((x) => !usable.includes(x)))
      Annotations.of(this).addWarningV2(
        `@sre-kit/cdk:tier-cannot-fire:${t.name}`,
        `tier ${t.name} (burn rate ${t.burnRate}) cannot fire at objective ${objective}: even a full outage stays below ` +
          `${t.burnRate} x ${errorBudget(objective)}; it was left out.`,
      );
    return usable;
  }

  private tiersFrom(props: ServiceLevelObjectiveProps, periodSeconds: number): BurnRateTier[] {
    if (!Number.isInteger(periodSeconds) || periodSeconds < 3600)
      inputError(
        this,
        'period must be whole seconds and at least one hour',
        periodSeconds,
        'use Duration.days(30) or Duration.days(28)',
      );
    const tiers = props.tiers
      ? props.tiers.map((t) => {
          const longSeconds = t.longWindow.toSeconds();
          const tier = makeTier(t.severity, longSeconds, (t.burnRate * longSeconds) / periodSeconds, periodSeconds);
          return {
            ...tier,
            name: t.name ?? tier.name,
            burnRate: t.burnRate,
            shortWindowSeconds: t.shortWindow ? t.shortWindow.toSeconds() : tier.shortWindowSeconds,
          };
        })
      : this.defaultTiers(props.objective, periodSeconds);
    if (tiers.length === 0)
      inputError(this, 'no burn-rate tiers', props.tiers, 'pass at least one tier or use the defaults');
    for (const t of tiers) {
      if (!(t.burnRate > 0))
        inputError(
          this,
          `tier ${t.name}: burnRate must be > 0`,
          t.burnRate,
          'use the workbook factors (14.4, 6, 3, 1 for 30 days)',
        );
      if (t.shortWindowSeconds >= t.longWindowSeconds)
        inputError(
          this,
          `tier ${t.name}: the short window must be shorter than the long one`,
          formatDuration(t.shortWindowSeconds),
          `use about ${formatDuration(Math.max(60, Math.round(t.longWindowSeconds / 12)))}`,
        );
      if (!tierCanFire(t, props.objective))
        inputError(
          this,
          `tier ${t.name} can never fire: burnRate x (1 - objective) = ${tierThreshold(t, props.objective)} is >= 1 (a full outage)`,
          props.objective,
          'lower the burn rate of this tier, or drop it for an objective this loose',
        );
    }
    const names = new Set<string>();
    for (const t of tiers) {
      if (names.has(t.name)) inputError(this, 'two tiers have the same name', t.name, 'give each tier a distinct name');
      names.add(t.name);
    }
    // The burn-rate rules `sre validate` holds spec tiers to (core policy.ts); the defaults always keep them.
    for (const v of burnRateRuleViolations({ periodSeconds, tiers }))
      Annotations.of(this).addWarningV2(`@sre-kit/cdk:tier-rule:${v.tier}:${v.rule}`, `${v.message} (${v.hint})`);
    const guarded = this.guardTiers(props, tiers, periodSeconds);
    // Fastest first, in core's order (the one its suppression plan and the cost model use).
    return [...planTierSuppression(guarded).order];
  }

  /** Each tier's low-traffic guard (core's math/guard.ts); none where the mode cannot express it. */
  private guardTiers(props: ServiceLevelObjectiveProps, tiers: BurnRateTier[], periodSeconds: number): BurnRateTier[] {
    const perTier: Record<string, number> = {};
    (props.tiers ?? []).forEach((t, i) => {
      if (t.minEvents !== undefined) perTier[tiers[i].name] = t.minEvents;
    });
    const given: [string, number | undefined][] = [
      ['minEvents', props.minEvents],
      ...Object.entries(perTier).map(([name, n]): [string, number] => [`tier ${name}: minEvents`, n]),
    ];
    for (const [what, n] of given)
      if (n !== undefined && !(Number.isInteger(n) && n >= 0))
        inputError(this, `${what} must be a whole number of events (0: no guard)`, n, 'for example 250');
    if (this.mode === SloAlarmMode.APPLICATION_SIGNALS) {
      if ((props.minEvents ?? 0) > 0 || Object.values(perTier).some((n) => n > 0))
        Annotations.of(this).addWarningV2(
          '@sre-kit/cdk:guard-unsupported',
          'minEvents is ignored in APPLICATION_SIGNALS mode: its BurnRate metric carries no event count to guard',
        );
      return tiers.map(({ minEvents: _none, ...t }) => t);
    }
    return [...withMinEvents({ periodSeconds, tiers }, props.objective, props.minEvents, perTier).tiers];
  }
}
