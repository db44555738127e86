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
 * - suppression (planTierSuppression): a tier's actions are muted while a
 *   faster tier fires. The second tier is suppressed by the first tier's
 *   composite itself; from the third tier on, a "faster tiers firing"
 *   composite ORs the faster tier composites (CloudWatch takes one
 *   ActionsSuppressor per alarm). With the 4 default tiers: 2 suppressors,
 *   so 6 composites per SLO.
 */
import { formatDuration } from '../duration';
import type { BurnRateTier, CloudWatchSource, Indicator, MetricSource, Slo, TierSeverity } from '../model/slo';
import { cloudWatchWindow, type CloudWatchWindow } from './cloudwatch-window';
import { alarmMetricCount } from './alarm-metrics';
import { errorRatioQuery, type ErrorRatioQuery } from './error-ratio-query';
import { tierMinEvents } from './guard';
import { tierThreshold } from './policy';

export interface WindowAlarmPlan {
  /** Stable key, unique within the SLO, safe in construct ids: `1h-burn14p4`. */
  readonly key: string;
  readonly windowSeconds: number;
  readonly burnRate: number;
  /** Error ratio the window must exceed. */
  readonly threshold: number;
  readonly evaluation: CloudWatchWindow;
  /** Low-traffic guard on this window (a tier's long window): errors / max(events, minEvents); 0 for none. */
  readonly minEvents: number;
  /** Names of the tiers using this alarm. */
  readonly tiers: readonly string[];
}

/** What mutes a tier's actions: a faster tier's composite, or a suppressor composite. */
export type TierSuppressedBy =
  { readonly kind: 'tier'; readonly tier: string } | { readonly kind: 'suppressor'; readonly key: string };

export interface TierCompositePlan {
  readonly tier: BurnRateTier;
  readonly severity: TierSeverity;
  readonly longAlarmKey: string;
  readonly shortAlarmKey: string;
  /** @default - nothing: the fastest tier is never suppressed */
  readonly suppressedBy?: TierSuppressedBy;
}

/** A composite with no actions, `ALARM(t1) OR ALARM(t2) ...` over faster tier composites, muting one slower tier. */
export interface SuppressorPlan {
  /** Stable key, unique within the SLO, safe in construct ids and alarm names: `<tier>-faster-firing`. */
  readonly key: string;
  /** Tier names whose composites it ORs, fastest first. */
  readonly anyOf: readonly string[];
  /** The tier whose composite it suppresses. */
  readonly suppresses: string;
}

export interface TierSuppressionPlan {
  /** The tiers fastest first: the order composites are created in (a suppressor references faster ones). */
  readonly order: readonly BurnRateTier[];
  /** By tier name; absent for the fastest tier. */
  readonly suppressedBy: ReadonlyMap<string, TierSuppressedBy>;
  /**
   * ActionsSuppressorExtensionPeriod by suppressed tier name: how long its actions stay muted after the faster
   * tiers stop firing. CloudWatch performs a composite's held actions when the extension ends and it is still in
   * ALARM; after an incident a tier keeps firing until its short window forgets the errors (at most one short
   * window after they stop), so an extension shorter than that pages the slower tier for an incident the faster
   * one already paged for (`sre simulate --assembly` showed 60 s doing exactly that).
   */
  readonly extensionSeconds: ReadonlyMap<string, number>;
  readonly suppressors: readonly SuppressorPlan[];
}

export type SloAlarmPlan =
  | {
      readonly kind: 'cloudwatch';
      readonly slo: string;
      readonly query: ErrorRatioQuery;
      /** Metrics each window alarm retrieves (alarmMetricCount: what CloudWatch bills and limits to 10). */
      readonly metricsPerAlarm: number;
      readonly windowAlarms: readonly WindowAlarmPlan[];
      /** One per tier, fastest first. */
      readonly composites: readonly TierCompositePlan[];
      /** The "faster tiers firing" composites (no actions): billed as composite alarms too. */
      readonly suppressors: readonly SuppressorPlan[];
    }
  | { readonly kind: 'none'; readonly slo: string; readonly reason: string };

function windowKey(windowSeconds: number, rate: number, minEvents: number): string {
  const guard = minEvents > 0 ? `-min${minEvents}` : '';
  return `${formatDuration(windowSeconds)}-burn${String(Number(rate.toPrecision(6))).replace('.', 'p')}${guard}`;
}

/** Faster first: shorter long window, then higher burn rate. */
function fasterFirst(a: BurnRateTier, b: BurnRateTier): number {
  return a.longWindowSeconds - b.longWindowSeconds || b.burnRate - a.burnRate;
}

/**
 * Which composite mutes which tier. Shared by planSloAlarms (what the cost model bills) and
 * @sre-kit/cdk's ServiceLevelObjective (what it renders), so both see the same composites.
 */
export function planTierSuppression(tiers: readonly BurnRateTier[]): TierSuppressionPlan {
  const order = [...tiers].sort(fasterFirst);
  const suppressedBy = new Map<string, TierSuppressedBy>();
  const extensionSeconds = new Map<string, number>();
  const suppressors: SuppressorPlan[] = [];
  order.forEach((tier, i) => {
    const faster = order.slice(0, i).map((t) => t.name);
    if (faster.length > 0) extensionSeconds.set(tier.name, tier.shortWindowSeconds);
    if (faster.length === 1) suppressedBy.set(tier.name, { kind: 'tier', tier: faster[0] });
    if (faster.length > 1) {
      const key = `${tier.name}-faster-firing`;
      suppressors.push({ key, anyOf: faster, suppresses: tier.name });
      suppressedBy.set(tier.name, { kind: 'suppressor', key });
    }
  });
  return { order, suppressedBy, extensionSeconds, suppressors };
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
  const use = (windowSeconds: number, tier: BurnRateTier, minEvents: number): string => {
    const key = windowKey(windowSeconds, tier.burnRate, minEvents);
    let entry = alarms.get(key);
    if (!entry) {
      entry = {
        plan: {
          key,
          windowSeconds,
          burnRate: tier.burnRate,
          threshold: tierThreshold(tier, slo.objective),
          evaluation: cloudWatchWindow(windowSeconds),
          minEvents,
        },
        tiers: [],
      };
      alarms.set(key, entry);
    }
    entry.tiers.push(tier.name);
    return key;
  };
  const suppression = planTierSuppression(slo.alerting.policy.tiers);
  const composites = suppression.order.map((tier): TierCompositePlan => {
    const suppressedBy = suppression.suppressedBy.get(tier.name);
    return {
      tier,
      severity: tier.severity,
      // The guard sits on the long window only; the short window decides how fast the tier resets.
      longAlarmKey: use(tier.longWindowSeconds, tier, tierMinEvents(tier)),
      shortAlarmKey: use(tier.shortWindowSeconds, tier, 0),
      ...(suppressedBy ? { suppressedBy } : {}),
    };
  });
  const windowAlarms = [...alarms.values()]
    .map(({ plan, tiers }) => ({ ...plan, tiers }))
    .sort((a, b) => a.windowSeconds - b.windowSeconds || b.burnRate - a.burnRate);
  return {
    kind: 'cloudwatch',
    slo: slo.name,
    query,
    metricsPerAlarm: alarmMetricCount(windowAlarmSources(slo.indicator).map((p) => p.source)),
    windowAlarms,
    composites,
    suppressors: suppression.suppressors,
  };
}

/** One source a window alarm retrieves, named by its role in the SLI (for messages that say which side is large). */
export interface WindowAlarmSource {
  readonly role: 'good' | 'bad' | 'total' | 'errorRatio';
  readonly source: CloudWatchSource;
}

/**
 * The CloudWatch sources every window alarm of this SLI retrieves together in one metric-math alarm: good or
 * bad with total, or the raw error ratio; none for threshold SLIs. `sre validate` counts the same list with
 * alarmMetricCount, so the limit it checks is the one the CDK and the cost model meet.
 */
export function windowAlarmSources(indicator: Indicator): WindowAlarmSource[] {
  const parts: [WindowAlarmSource['role'], MetricSource | undefined][] =
    indicator.kind === 'ratio'
      ? [
          ['good', indicator.good],
          ['bad', indicator.bad],
          ['total', indicator.total],
        ]
      : indicator.kind === 'rawErrorRatio'
        ? [['errorRatio', indicator.errorRatio]]
        : [];
  return parts.flatMap(([role, source]) => (source?.type === 'CloudWatch' ? [{ role, source }] : []));
}
