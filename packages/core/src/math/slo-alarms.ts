/**
 * The CloudWatch alarm plan for one SLO: what @sre-kit/cdk creates and what
 * the cost model bills. Design (REFERENCE.md section 3):
 *
 * - one metric-math alarm per distinct (window, threshold): the error-ratio
 *   query with every metric's period = the window (see cloudwatch-window.ts),
 *   `errorRatio > burnRate x (1 - objective)`, treat missing = notBreaching.
 *   The default 30 d policy uses windows {5m, 30m, 1h, 2h, 6h, 1d, 3d}; 6 h is
 *   both page-6h's long window (x6) and ticket-3d's short window (x1), with
 *   different thresholds, so it is two alarms: 8 window alarms in all.
 * - one composite alarm per tier: `ALARM(long) AND ALARM(short)`; the
 *   composites carry the actions, the window alarms none.
 */
import { formatDuration } from '../duration';
import type { BurnRateTier, Slo, TierSeverity } from '../model/slo';
import { cloudWatchWindow, type CloudWatchWindow } from './cloudwatch-window';
import { errorRatioQuery, type ErrorRatioQuery } from './error-ratio-query';
import { tierThreshold } from './policy';

export interface WindowAlarmPlan {
  /** Stable key, unique within the SLO, safe in construct ids: `1h-burn14p4`. */
  readonly key: string;
  readonly windowSeconds: number;
  readonly burnRate: number;
  /** Error ratio the window must exceed. */
  readonly threshold: number;
  readonly evaluation: CloudWatchWindow;
  /** Names of the tiers using this alarm. */
  readonly tiers: readonly string[];
}

export interface TierCompositePlan {
  readonly tier: BurnRateTier;
  readonly severity: TierSeverity;
  readonly longAlarmKey: string;
  readonly shortAlarmKey: string;
}

export type SloAlarmPlan =
  | {
      readonly kind: 'cloudwatch';
      readonly slo: string;
      readonly query: ErrorRatioQuery;
      /** Distinct metrics each window alarm references (what CloudWatch bills and limits to 10). */
      readonly metricsPerAlarm: number;
      readonly windowAlarms: readonly WindowAlarmPlan[];
      readonly composites: readonly TierCompositePlan[];
    }
  | { readonly kind: 'none'; readonly slo: string; readonly reason: string };

function windowKey(windowSeconds: number, rate: number): string {
  return `${formatDuration(windowSeconds)}-burn${String(Number(rate.toPrecision(6))).replace('.', 'p')}`;
}

export function planSloAlarms(slo: Slo): SloAlarmPlan {
  if (!slo.alerting.enabled) return { kind: 'none', slo: slo.name, reason: 'alerting is disabled' };
  const query = errorRatioQuery(slo.indicator);
  if (!query)
    return {
      kind: 'none',
      slo: slo.name,
      reason:
        slo.indicator.kind === 'threshold'
          ? 'threshold indicators need time slices, which CloudWatch metric-math alarms cannot count'
          : 'the indicator is not a CloudWatch source (rendered as Prometheus rules instead)',
    };
  const alarms = new Map<string, { plan: Omit<WindowAlarmPlan, 'tiers'>; tiers: string[] }>();
  const use = (windowSeconds: number, tier: BurnRateTier): string => {
    const key = windowKey(windowSeconds, tier.burnRate);
    let entry = alarms.get(key);
    if (!entry) {
      entry = {
        plan: {
          key,
          windowSeconds,
          burnRate: tier.burnRate,
          threshold: tierThreshold(tier, slo.objective),
          evaluation: cloudWatchWindow(windowSeconds),
        },
        tiers: [],
      };
      alarms.set(key, entry);
    }
    entry.tiers.push(tier.name);
    return key;
  };
  const composites = slo.alerting.policy.tiers.map((tier) => ({
    tier,
    severity: tier.severity,
    longAlarmKey: use(tier.longWindowSeconds, tier),
    shortAlarmKey: use(tier.shortWindowSeconds, tier),
  }));
  const windowAlarms = [...alarms.values()]
    .map(({ plan, tiers }) => ({ ...plan, tiers }))
    .sort((a, b) => a.windowSeconds - b.windowSeconds || b.burnRate - a.burnRate);
  return {
    kind: 'cloudwatch',
    slo: slo.name,
    query,
    metricsPerAlarm: Object.keys(query.metrics).length,
    windowAlarms,
    composites,
  };
}
