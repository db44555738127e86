/** Checks that need a whole SLO or the whole spec set rather than one YAML node. */
import {
  alarmMetricCount,
  burnRateRuleViolations,
  cloudWatchPeriodProblem,
  tierCanFire,
  tierThreshold,
  windowAlarmSources,
  type BurnRateRuleViolation,
} from '../math';
import { formatDuration } from '../duration';
import type { BurnRatePolicy, Indicator, MetricSource, Slo } from '../model/slo';
import { MAX_METRICS_PER_ALARM } from './cloudwatch';
import { where, type ParseContext } from './context';
import type { At } from './reader';

function percent(ratio: number): string {
  return `${Number((ratio * 100).toPrecision(6))} %`;
}

/** Warns about tiers that even a full outage cannot trigger (burnRate x (1 - objective) >= 1). */
export function checkTiersCanFire(slo: Slo, objectiveAt: At): void {
  for (const tier of slo.alerting.policy.tiers) {
    if (tierCanFire(tier, slo.objective)) continue;
    objectiveAt.warn(
      `tier ${tier.name} (burn rate ${tier.burnRate}) can never fire at objective ${percent(slo.objective)}: ` +
        `it needs an error ratio of ${Number(tierThreshold(tier, slo.objective).toPrecision(4))}`,
      'raise the objective, or use AlertWindows with smaller budget fractions or longer windows',
    );
  }
}

/**
 * Warns where custom tiers break the burn-rate rules (math/policy.ts): pages under 3x, tiers under ~0.9x,
 * a slowest tier above 1.5x. `tierAt` points at where each tier's rate is written; `hint` lets a format that
 * writes rates another way (AlertWindows: budget percent) say the fix in its own terms.
 */
export function checkBurnRateRules(
  policy: BurnRatePolicy,
  tierAt: (index: number) => At,
  hint: (v: BurnRateRuleViolation) => string = (v) => v.hint,
): void {
  for (const v of burnRateRuleViolations(policy)) tierAt(v.tierIndex).warn(v.message, hint(v));
}

/** SLO names become resource and rule names, so they must be unique across the whole set. */
export function checkDuplicateSloNames(ctx: ParseContext): void {
  const first = new Map<string, number>();
  ctx.slos.forEach((slo, i) => {
    const seen = first.get(slo.name);
    if (seen === undefined) {
      first.set(slo.name, i);
      return;
    }
    const earlier = ctx.slos[seen];
    // Two objectives of one OpenSLO document are named apart already; this is two declarations.
    ctx.sloNameAt[i].error(
      `duplicate SLO name "${slo.name}"`,
      `first defined at ${where(earlier.origin.location)}; SLO names must be unique across all files`,
    );
  });
}

function sources(slo: Slo): MetricSource[] {
  const i = slo.indicator;
  if (i.kind === 'ratio') return [i.good, i.bad, i.total].filter((s): s is MetricSource => s !== undefined);
  return [i.kind === 'threshold' ? i.metric : i.errorRatio];
}

/** A CloudWatch SLI becomes one alarm per window with period = window (math/cloudwatch-window.ts): each must be a legal period. */
export function checkCloudWatchWindows(slo: Slo, policyAt: At): void {
  if (!slo.alerting.enabled || !sources(slo).some((s) => s.type === 'CloudWatch')) return;
  for (const tier of slo.alerting.policy.tiers) {
    for (const window of [tier.longWindowSeconds, tier.shortWindowSeconds]) {
      const problem = cloudWatchPeriodProblem(window, 1);
      if (problem) {
        policyAt.error(
          `tier ${tier.name}: the ${formatDuration(window)} window cannot be a CloudWatch alarm period: ${problem}`,
          'CloudWatch SLIs need windows of whole minutes up to 7d',
        );
      }
    }
  }
}

/**
 * Each burn-rate window alarm retrieves the SLI's good-or-bad and total sources together (planSloAlarms), so
 * CloudWatch's per-alarm metric limit applies to their sum, not to each expression: 6 + 5 metrics pass the
 * per-expression check yet make every window alarm fail at synth. Reported on the indicator, once per SLO.
 */
export function checkAlarmMetricCount(indicator: Indicator, indicatorAt: At): void {
  const parts = windowAlarmSources(indicator);
  const count = alarmMetricCount(parts.map((p) => p.source));
  if (count <= MAX_METRICS_PER_ALARM) return;
  const split = parts.map((p) => `${p.role} ${alarmMetricCount([p.source])}`).join(' + ');
  indicatorAt.error(
    `each burn-rate window alarm would reference ${count} metrics (${split}); ` +
      `a CloudWatch alarm may use at most ${MAX_METRICS_PER_ALARM}`,
    'sum the series upstream into one metric per side, or use a metric that already is the error ratio as ratioMetric.raw',
  );
}
