/**
 * Evaluates deployed-shape CloudWatch alarms (as a cloud assembly declares them) minute by minute over a
 * scenario's traffic, the way CloudWatch does: every minute each metric alarm takes its last N datapoints of
 * period P (a sliding window: datapoint j covers [T - (j+1)P, T - jP)), computes its metric math on each,
 * applies TreatMissingData and M of N, and changes state; composites follow their children at once; a
 * composite's actions wait for, or are muted by, its ActionsSuppressor (WaitPeriod / ExtensionPeriod).
 * The result is every state change and every notification CloudWatch would send, with its time.
 *
 * How traffic reaches the alarms' metrics. The window alarms of an SLO read the SLI's parts under the query
 * ids of core's error-ratio query (SLI_QUERY_ROLES: good, bad, total, ratio). Each part gets the scenario's
 * counts: total = requests, bad = failed ones, good = the rest, ratio = failed / requests. A part that is an
 * expression over several counters (`FILL(target5xx, 0) + FILL(elb5xx, 0)`) has all of its count on its first
 * metric and nothing on the others; one that multiplies requests by a rate read with Average
 * (`requests * FILL(errorRate, 0) / 100`) gets the requests and the part's share in percent or as a fraction.
 * The part's expression is checked to give the count back, and the alarm is refused when no way does. Error counters
 * publish no datapoint in a minute without errors (ALB's HTTPCode_* counts do exactly that), traffic metrics
 * none in a minute without requests: so an alarm that forgets FILL meets missing data here as it would on AWS.
 * Metric-level ingestion delay is not modelled (as in `sre explain`).
 */
import type { SeriesPoint } from '../math/budget';
import { SLI_QUERY_ROLES, type SliQueryRole } from '../math/error-ratio-query';
import { alarmRuleRefs, evaluateAlarmRule, parseAlarmRule, type AlarmStateValue, type RuleNode } from './alarm-rule';
import { evaluateMetricMath, metricMathRefs, parseMetricMath, type MathNode } from './metric-math';
import type { Scenario } from './scenario';
import { scenarioTraffic } from './traffic';

export interface SimulatedQuery {
  readonly id: string;
  /** Metric math; exactly one of expression and stat. */
  readonly expression?: string;
  /** MetricStat.Stat (Sum, SampleCount, TC(:0.3), Average, ...). */
  readonly stat?: string;
  readonly periodSeconds?: number;
  /** For messages: namespace/metric name of a MetricStat. */
  readonly metric?: string;
  readonly returnData: boolean;
}

export interface SimulatedActions {
  readonly alarm: readonly string[];
  readonly ok: readonly string[];
  readonly insufficientData: readonly string[];
}

interface SimulatedAlarmBase {
  readonly name: string;
  readonly arn: string;
  readonly description?: string;
  readonly actions: SimulatedActions;
  /** ActionsEnabled; default true. */
  readonly actionsEnabled?: boolean;
  /** Where the alarm was declared (stack and logical id), for messages. */
  readonly origin?: string;
}

export interface SimulatedMetricAlarm extends SimulatedAlarmBase {
  readonly kind: 'metric';
  readonly queries: readonly SimulatedQuery[];
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly threshold: number;
  readonly comparison: string;
  readonly treatMissingData: string;
}

export interface SimulatedSuppressor {
  /** Name or ARN of the suppressor alarm. */
  readonly alarm: string;
  readonly waitSeconds: number;
  readonly extensionSeconds: number;
}

export interface SimulatedCompositeAlarm extends SimulatedAlarmBase {
  readonly kind: 'composite';
  /** AlarmRule with alarm names or ARNs. */
  readonly rule: string;
  readonly suppressor?: SimulatedSuppressor;
}

export type SimulatedAlarm = SimulatedMetricAlarm | SimulatedCompositeAlarm;

export class AlarmSimulationError extends Error {
  constructor(
    message: string,
    readonly alarm: string,
    readonly hint: string,
  ) {
    super(`alarm ${alarm}: ${message}`);
    this.name = 'AlarmSimulationError';
  }
}

export interface AlarmSimulationOptions {
  /** Epoch seconds at which the incident phase starts; everything is timestamped from it. */
  readonly incidentStartEpochSeconds: number;
  /** Requests per minute; default 1000. */
  readonly requestsPerMinute?: number;
  /** Length of open-ended parts (flap, baseline); default 1 day. */
  readonly durationSeconds?: number;
  readonly noiseSeed?: number;
}

/** How a state change's actions went. */
export type ActionsOutcome =
  /** Sent at the change. */
  | 'notified'
  /** Held by the suppressor (its ALARM, WaitPeriod or ExtensionPeriod), then sent at `actionsAt` because the alarm was still in ALARM. */
  | 'delayed'
  /** Held by the suppressor until the end of the simulation. */
  | 'held'
  /** Dropped: the suppressor muted them and the alarm left the state before they could run. */
  | 'suppressed'
  /** The alarm has no actions for this state (or ActionsEnabled is false). */
  | 'none';

export interface AlarmTransition {
  readonly alarm: string;
  readonly kind: 'metric' | 'composite';
  /** Epoch seconds of the evaluation that changed the state. */
  readonly at: number;
  /** Seconds from the incident start (negative: during the warm-up). */
  readonly offsetSeconds: number;
  readonly from: AlarmStateValue;
  readonly to: AlarmStateValue;
  readonly reason: string;
  actions: ActionsOutcome;
  /** For `delayed`: epoch seconds at which the held actions ran. */
  actionsAt?: number;
  /** Metric alarms: the evaluated datapoints, newest first (null: missing). */
  readonly datapoints?: readonly (number | null)[];
}

export interface TriggeringChild {
  readonly alarm: string;
  readonly arn: string;
  readonly state: AlarmStateValue;
  /** Epoch seconds of the child's last state change. */
  readonly since: number;
}

/** One notification CloudWatch would publish to each action of the state (an SNS topic, usually). */
export interface AlarmNotification {
  readonly alarm: string;
  readonly kind: 'metric' | 'composite';
  readonly state: AlarmStateValue;
  readonly previousState: AlarmStateValue;
  /** Epoch seconds the actions ran (the state change, or the end of a suppression that held them). */
  readonly at: number;
  readonly offsetSeconds: number;
  /** Epoch seconds of the state change itself. */
  readonly stateChangeAt: number;
  readonly reason: string;
  readonly actions: readonly string[];
  readonly datapoints?: readonly (number | null)[];
  readonly triggeringChildren?: readonly TriggeringChild[];
  /** Set when the suppressor held the actions for a while: which period ended. */
  readonly releasedBy?: 'WaitPeriod' | 'ExtensionPeriod';
}

export interface AlarmSimulationResult {
  readonly scenario: string;
  readonly incidentStart: number;
  /** Epoch seconds of the first and last evaluation. */
  readonly from: number;
  readonly to: number;
  readonly alarms: readonly { readonly name: string; readonly kind: 'metric' | 'composite'; readonly arn: string }[];
  readonly transitions: readonly AlarmTransition[];
  readonly notifications: readonly AlarmNotification[];
}

const STEP = 60;

/** Name of an alarm from an ARN (`arn:aws:cloudwatch:region:account:alarm:NAME`) or the name itself. */
export function alarmNameOf(ref: string): string {
  const m = /^arn:[^:]+:cloudwatch:[^:]*:[^:]*:alarm:(.+)$/.exec(ref);
  return m ? m[1] : ref;
}

const ADDITIVE_STAT = /^(Sum|SampleCount|TC\([^)]*\))$/i;

/**
 * What a metric of an SLI part reads: the part's count (`part`), the requests (`traffic`), the part as a
 * share of the requests in percent or as a fraction (a rate metric read with Average, such as CloudFront's
 * 5xxErrorRate), or nothing (`none`: a second counter of the part that stays silent).
 */
type LeafFeed = 'part' | 'traffic' | 'percent' | 'fraction' | 'none';

interface Leaf {
  readonly role: SliQueryRole;
  readonly feed: LeafFeed;
}

const AVERAGE_STAT = /^Average$/i;

interface PreparedMetric {
  readonly alarm: SimulatedMetricAlarm;
  readonly periodSeconds: number;
  readonly nodes: ReadonlyMap<string, MathNode>;
  readonly leaves: ReadonlyMap<string, Leaf>;
  readonly returned: string;
  readonly breaches: (v: number) => boolean;
}

function comparator(alarm: SimulatedMetricAlarm): (v: number) => boolean {
  const t = alarm.threshold;
  switch (alarm.comparison) {
    case 'GreaterThanThreshold':
      return (v) => v > t;
    case 'GreaterThanOrEqualToThreshold':
      return (v) => v >= t;
    case 'LessThanThreshold':
      return (v) => v < t;
    case 'LessThanOrEqualToThreshold':
      return (v) => v <= t;
    default:
      throw new AlarmSimulationError(
        `comparison ${alarm.comparison} is not simulated`,
        alarm.name,
        'the simulator evaluates static thresholds (Greater/LessThan[OrEqualTo]Threshold), not anomaly bands',
      );
  }
}

/** Parses the alarm's queries and decides which metric carries which part of the SLI. */
function prepareMetric(alarm: SimulatedMetricAlarm): PreparedMetric {
  const fail = (message: string, hint: string): never => {
    throw new AlarmSimulationError(message, alarm.name, hint);
  };
  const byId = new Map(alarm.queries.map((q) => [q.id, q]));
  const nodes = new Map<string, MathNode>();
  for (const q of alarm.queries) {
    if (q.expression !== undefined) {
      try {
        nodes.set(q.id, parseMetricMath(q.expression));
      } catch (err) {
        fail(`query ${q.id}: ${(err as Error).message}`, 'simplify the expression or extend core/simulate/metric-math');
      }
    }
  }
  const returned = alarm.queries.filter((q) => q.returnData);
  if (returned.length !== 1)
    fail(
      `${returned.length} queries return data; an alarm evaluates exactly one`,
      'set ReturnData true on the alarm expression only',
    );
  const periods = new Set(alarm.queries.filter((q) => q.stat !== undefined).map((q) => q.periodSeconds));
  if (periods.size !== 1 || [...periods][0] === undefined)
    fail('its metrics do not share one period', 'give every MetricStat of the alarm the same Period');
  const periodSeconds = [...periods][0]!;
  if (periodSeconds % STEP !== 0)
    fail(`period ${periodSeconds}s is not a whole number of minutes`, 'the simulator evaluates minute buckets');

  const leaves = new Map<string, Leaf>();
  const leavesUnder = (id: string, seen: Set<string> = new Set()): string[] => {
    if (seen.has(id)) fail(`query ${id} refers to itself`, 'remove the cycle');
    const q = byId.get(id);
    if (!q) return fail(`an expression reads "${id}", which is not a query of the alarm`, 'check the ids');
    if (q.stat !== undefined) return [id];
    const next = new Set([...seen, id]);
    return metricMathRefs(nodes.get(id)!).flatMap((r) => leavesUnder(r, next));
  };
  for (const role of SLI_QUERY_ROLES) {
    if (!byId.has(role)) continue;
    const ids = [...new Set(leavesUnder(role))];
    const stats = ids.map((id) => byId.get(id)!.stat!);
    // Ways the part's metrics can carry its count, tried in order; the part's expression must give it back.
    const feeds: LeafFeed[][] =
      role === 'ratio'
        ? [ids.map((_, i) => (i === 0 ? 'fraction' : 'none'))]
        : [
            ids.map((_, i) => (i === 0 ? 'part' : 'none')),
            stats.map((st) => (AVERAGE_STAT.test(st) ? 'percent' : 'traffic')),
            stats.map((st) => (AVERAGE_STAT.test(st) ? 'fraction' : 'traffic')),
          ];
    const statFits = (feed: LeafFeed, stat: string) =>
      feed === 'none' ||
      (feed === 'percent' || feed === 'fraction' ? AVERAGE_STAT.test(stat) : ADDITIVE_STAT.test(stat));
    const probe = (assignment: LeafFeed[]): number | undefined => {
      const probeValue: Record<LeafFeed, number | undefined> = {
        part: 7,
        traffic: 200,
        percent: 3.5,
        fraction: role === 'ratio' ? 7 : 0.035,
        none: undefined,
      };
      if (!nodes.has(role)) return probeValue[assignment[0]];
      return evaluateMetricMath(nodes.get(role)!, {
        value: (id) => probeValue[assignment[ids.indexOf(id)]],
        periodOf: () => periodSeconds,
      });
    };
    const fitting = feeds.filter((f) => f.every((feed, i) => statFits(feed, stats[i])));
    const chosen = fitting.find((f) => probe(f) !== undefined && Math.abs(probe(f)! - 7) < 1e-9);
    if (!chosen) {
      const described = ids.map((id, i) => `${id} with statistic ${stats[i]}`).join(', ');
      if (fitting.length === 0)
        fail(
          `SLI part "${role}" reads ${described}: statistics that cannot be derived from request counts`,
          role === 'ratio'
            ? 'an error-ratio metric is read with Average'
            : 'counts are read with Sum, SampleCount or TC(...), a rate of the requests with Average',
        );
      fail(
        `SLI part "${role}" = ${byId.get(role)!.expression ?? role} gives ${probe(fitting[0]) ?? 'no value'} ` +
          `when only ${ids[0]} has data (7); the simulator puts the whole count on the first metric`,
        'add the metrics with FILL(x, 0) so a metric without datapoints counts as 0',
      );
    }
    ids.forEach((id, i) => leaves.set(id, { role, feed: chosen![i] }));
  }
  if (leaves.size === 0)
    fail(
      `none of its queries is an SLI part (${SLI_QUERY_ROLES.join(', ')})`,
      'simulate the window alarms of an SLO: their queries are named by core error-ratio query',
    );
  for (const q of alarm.queries)
    if (q.stat !== undefined && !leaves.has(q.id))
      fail(`metric query ${q.id} is not part of the SLI's ${SLI_QUERY_ROLES.join('/')}`, 'only SLI metrics can be fed');
  return { alarm, periodSeconds, nodes, leaves, returned: returned[0].id, breaches: comparator(alarm) };
}

/** Prefix sums of the minute series: one O(1) window read per query. */
class Windows {
  private readonly prefix: Record<'total' | 'bad' | 'ratio' | 'traffic' | 'errors', Float64Array>;

  constructor(readonly series: readonly SeriesPoint[]) {
    const n = series.length;
    const mk = () => new Float64Array(n + 1);
    this.prefix = { total: mk(), bad: mk(), ratio: mk(), traffic: mk(), errors: mk() };
    series.forEach((p, i) => {
      const bad = Math.max(0, p.total - p.good);
      const add = (k: keyof Windows['prefix'], v: number) => (this.prefix[k][i + 1] = this.prefix[k][i] + v);
      add('total', p.total);
      add('bad', bad);
      add('ratio', p.total > 0 ? bad / p.total : 0);
      add('traffic', p.total > 0 ? 1 : 0);
      add('errors', bad > 0 ? 1 : 0);
    });
  }

  /** What a metric of an SLI part reads over minute buckets [from, to). */
  feed(leaf: Leaf, from: number, to: number): number | undefined {
    if (leaf.feed === 'none') return undefined;
    if (leaf.feed === 'part') return this.read(leaf.role, from, to);
    const traffic = this.read('total', from, to);
    if (leaf.feed === 'traffic' || traffic === undefined) return traffic;
    if (leaf.role === 'ratio') return this.read('ratio', from, to);
    // A rate metric has a datapoint whenever there are requests: 0 % in a minute without errors.
    const share = (this.read(leaf.role, from, to) ?? 0) / traffic;
    return leaf.feed === 'percent' ? 100 * share : share;
  }

  /** Value of an SLI part over minute buckets [from, to) (indices), or undefined when nothing was published. */
  read(role: SliQueryRole, from: number, to: number): number | undefined {
    const lo = Math.max(0, from);
    const hi = Math.min(this.series.length, to);
    if (hi <= lo) return undefined;
    const sum = (k: keyof Windows['prefix']) => this.prefix[k][hi] - this.prefix[k][lo];
    const published = sum(role === 'bad' ? 'errors' : 'traffic');
    if (published === 0) return undefined;
    if (role === 'total') return sum('total');
    if (role === 'bad') return sum('bad');
    if (role === 'good') return sum('total') - sum('bad');
    return sum('ratio') / published;
  }
}

function datapointValue(m: PreparedMetric, w: Windows, endMinute: number): number | undefined {
  const minutes = m.periodSeconds / STEP;
  const from = endMinute - minutes;
  const cache = new Map<string, number | undefined>();
  const value = (id: string): number | undefined => {
    if (cache.has(id)) return cache.get(id);
    const leaf = m.leaves.get(id);
    let v: number | undefined;
    if (leaf) v = w.feed(leaf, from, endMinute);
    else if (m.nodes.has(id)) v = evaluateMetricMath(m.nodes.get(id)!, { value, periodOf: () => m.periodSeconds });
    cache.set(id, v);
    return v;
  };
  return value(m.returned);
}

function metricState(
  m: PreparedMetric,
  values: readonly (number | undefined)[],
  current: AlarmStateValue,
): AlarmStateValue {
  const n = m.alarm.evaluationPeriods;
  const need = m.alarm.datapointsToAlarm;
  const present = values.filter((v): v is number => v !== undefined);
  const treat = m.alarm.treatMissingData;
  if (treat === 'breaching' || treat === 'notBreaching') {
    const missingBreach = treat === 'breaching' ? n - present.length : 0;
    return present.filter(m.breaches).length + missingBreach >= need ? 'ALARM' : 'OK';
  }
  // ignore / missing: judged on the datapoints there are; too few to decide keeps the state.
  if (present.length === 0) return treat === 'ignore' ? current : 'INSUFFICIENT_DATA';
  if (present.filter(m.breaches).length >= need) return 'ALARM';
  return present.length >= need ? 'OK' : current;
}

const OPERATOR_WORDS: Record<string, string> = {
  GreaterThanThreshold: 'greater than',
  GreaterThanOrEqualToThreshold: 'greater than or equal to',
  LessThanThreshold: 'less than',
  LessThanOrEqualToThreshold: 'less than or equal to',
};

const pad = (n: number) => String(n).padStart(2, '0');

/** CloudWatch's datapoint stamp in reasons: dd/MM/yy HH:mm:ss (UTC). */
function stamp(epochSeconds: number): string {
  const d = new Date(epochSeconds * 1000);
  return `${pad(d.getUTCDate())}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCFullYear() % 100)} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** CloudWatch's composite reason stamp: "Sunday 29 November, 2026 22:01:10 UTC". */
export function cloudWatchReasonTime(epochSeconds: number): string {
  const d = new Date(epochSeconds * 1000);
  const day = d.toLocaleDateString('en-GB', { weekday: 'long', timeZone: 'UTC' });
  const month = d.toLocaleDateString('en-GB', { month: 'long', timeZone: 'UTC' });
  return `${day} ${pad(d.getUTCDate())} ${month}, ${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} UTC`;
}

function metricReason(
  m: PreparedMetric,
  values: readonly (number | undefined)[],
  from: AlarmStateValue,
  to: AlarmStateValue,
  at: number,
): string {
  const n = m.alarm.evaluationPeriods;
  if (to === 'INSUFFICIENT_DATA') return `Insufficient Data: ${n} datapoint${n === 1 ? ' was' : 's were'} unknown.`;
  const shown = values
    .map((v, j) =>
      v === undefined ? undefined : `${Number(v.toPrecision(6))} (${stamp(at - (j + 1) * m.periodSeconds)})`,
    )
    .filter((s): s is string => s !== undefined);
  const breaching = values.filter((v) => v !== undefined && m.breaches(v)).length;
  const count = to === 'ALARM' ? breaching : values.filter((v) => v !== undefined).length - breaching;
  const words = OPERATOR_WORDS[m.alarm.comparison] ?? m.alarm.comparison;
  const need = to === 'ALARM' ? m.alarm.datapointsToAlarm : Math.max(1, n - m.alarm.datapointsToAlarm + 1);
  return (
    `Threshold Crossed: ${count} out of the last ${n} datapoint${n === 1 ? '' : 's'} [${shown.join(', ')}] ` +
    `was ${to === 'ALARM' ? '' : 'not '}${words} the threshold (${m.alarm.threshold}) ` +
    `(minimum ${need} datapoint${need === 1 ? '' : 's'} for ${from} -> ${to} transition).`
  );
}

interface PreparedComposite {
  readonly alarm: SimulatedCompositeAlarm;
  readonly rule: RuleNode;
  /** Referenced alarm names (resolved). */
  readonly refs: readonly string[];
  readonly suppressor?: string;
}

/** Children before parents, suppressors before the composites they mute; a cycle is an error. */
function evaluationOrder(composites: readonly PreparedComposite[]): PreparedComposite[] {
  const byName = new Map(composites.map((c) => [c.alarm.name, c]));
  const out: PreparedComposite[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (c: PreparedComposite): void => {
    const s = state.get(c.alarm.name);
    if (s === 'done') return;
    if (s === 'visiting')
      throw new AlarmSimulationError('its AlarmRule refers back to itself', c.alarm.name, 'remove the cycle');
    state.set(c.alarm.name, 'visiting');
    for (const r of [...c.refs, ...(c.suppressor ? [c.suppressor] : [])]) {
      const child = byName.get(r);
      if (child) visit(child);
    }
    state.set(c.alarm.name, 'done');
    out.push(c);
  };
  composites.forEach(visit);
  return out;
}

interface ActionState {
  /** An ALARM whose actions the suppressor holds. */
  pending?: { transition: AlarmTransition; notification: Omit<AlarmNotification, 'at' | 'offsetSeconds'> };
  waitUntil?: number;
  extensionUntil?: number;
}

export function simulateAlarms(
  scenario: Scenario,
  alarms: readonly SimulatedAlarm[],
  options: AlarmSimulationOptions,
): AlarmSimulationResult {
  const names = new Set<string>();
  for (const a of alarms) {
    if (names.has(a.name))
      throw new AlarmSimulationError('is declared twice', a.name, 'alarm names are unique per region');
    names.add(a.name);
  }
  const resolve = (owner: string, ref: string, what: string): string => {
    const name = alarmNameOf(ref);
    if (!names.has(name))
      throw new AlarmSimulationError(
        `${what} "${ref}" is not one of the simulated alarms`,
        owner,
        `simulated: ${[...names].join(', ')}`,
      );
    return name;
  };
  const metrics = alarms.filter((a): a is SimulatedMetricAlarm => a.kind === 'metric').map(prepareMetric);
  const composites = evaluationOrder(
    alarms
      .filter((a): a is SimulatedCompositeAlarm => a.kind === 'composite')
      .map((a) => {
        let rule: RuleNode;
        try {
          rule = parseAlarmRule(a.rule);
        } catch (err) {
          throw new AlarmSimulationError((err as Error).message, a.name, 'fix the AlarmRule');
        }
        const resolved = mapRule(rule, (ref) => resolve(a.name, ref, 'AlarmRule reference'));
        return {
          alarm: a,
          rule: resolved,
          refs: alarmRuleRefs(resolved),
          suppressor: a.suppressor ? resolve(a.name, a.suppressor.alarm, 'ActionsSuppressor') : undefined,
        };
      }),
  );
  const byName = new Map(alarms.map((a) => [a.name, a]));

  const span = Math.max(STEP, ...metrics.map((m) => m.periodSeconds * m.alarm.evaluationPeriods));
  const traffic = scenarioTraffic(scenario, {
    stepSeconds: STEP,
    warmupSeconds: span,
    tailSeconds: span,
    requestsPerMinute: options.requestsPerMinute,
    durationSeconds: options.durationSeconds,
    noiseSeed: options.noiseSeed,
  });
  const windows = new Windows(traffic.series);
  const epoch0 = options.incidentStartEpochSeconds - traffic.incidentStart;
  const epochOf = (t: number) => epoch0 + t;

  // Deployed long before the incident on healthy traffic: everything starts in OK.
  const state = new Map<string, AlarmStateValue>(alarms.map((a) => [a.name, 'OK']));
  const since = new Map<string, number>(alarms.map((a) => [a.name, epochOf(0)]));
  const actionState = new Map<string, ActionState>();
  const transitions: AlarmTransition[] = [];
  const notifications: AlarmNotification[] = [];

  const actionsFor = (a: SimulatedAlarm, s: AlarmStateValue): readonly string[] =>
    a.actionsEnabled === false
      ? []
      : s === 'ALARM'
        ? a.actions.alarm
        : s === 'OK'
          ? a.actions.ok
          : a.actions.insufficientData;
  const notify = (
    n: Omit<AlarmNotification, 'at' | 'offsetSeconds'>,
    at: number,
    releasedBy?: AlarmNotification['releasedBy'],
  ) =>
    notifications.push({
      ...n,
      at,
      offsetSeconds: at - options.incidentStartEpochSeconds,
      ...(releasedBy ? { releasedBy } : {}),
    });

  for (let minute = 1; minute <= traffic.series.length; minute++) {
    const t = minute * STEP;
    const at = epochOf(t);
    const changedNow = new Map<string, AlarmTransition>();
    const change = (a: SimulatedAlarm, to: AlarmStateValue, reason: string, datapoints?: (number | null)[]) => {
      const from = state.get(a.name)!;
      const tr: AlarmTransition = {
        alarm: a.name,
        kind: a.kind,
        at,
        offsetSeconds: at - options.incidentStartEpochSeconds,
        from,
        to,
        reason,
        actions: 'none',
        ...(datapoints ? { datapoints } : {}),
      };
      state.set(a.name, to);
      since.set(a.name, at);
      transitions.push(tr);
      changedNow.set(a.name, tr);
    };

    for (const m of metrics) {
      const values = Array.from({ length: m.alarm.evaluationPeriods }, (_, j) =>
        datapointValue(m, windows, minute - (j * m.periodSeconds) / STEP),
      );
      const next = metricState(m, values, state.get(m.alarm.name)!);
      if (next !== state.get(m.alarm.name))
        change(
          m.alarm,
          next,
          metricReason(m, values, state.get(m.alarm.name)!, next, at),
          values.map((v) => (v === undefined ? null : v)),
        );
    }
    for (const c of composites) {
      const next: AlarmStateValue = evaluateAlarmRule(c.rule, (n) => state.get(n)!) ? 'ALARM' : 'OK';
      if (next === state.get(c.alarm.name)) continue;
      const trigger = c.refs.filter((r) => changedNow.has(r)).at(-1) ?? c.refs[0];
      const triggerArn = byName.get(trigger)?.arn ?? trigger;
      change(
        c.alarm,
        next,
        `${triggerArn} transitioned to ${state.get(trigger)} at ${cloudWatchReasonTime(since.get(trigger)!)}`,
      );
    }

    // Actions, after every state of this minute is known (a suppressor may have changed in the same minute).
    for (const a of alarms) {
      const tr = changedNow.get(a.name);
      const targets = tr ? actionsFor(a, tr.to) : [];
      const base = (trn: AlarmTransition): Omit<AlarmNotification, 'at' | 'offsetSeconds'> => {
        const composite = composites.find((c) => c.alarm.name === a.name);
        return {
          alarm: a.name,
          kind: a.kind,
          state: trn.to,
          previousState: trn.from,
          stateChangeAt: trn.at,
          reason: trn.reason,
          actions: actionsFor(a, trn.to),
          ...(trn.datapoints ? { datapoints: trn.datapoints } : {}),
          ...(composite
            ? {
                triggeringChildren: composite.refs
                  .filter((r) => changedNow.has(r) || trn.to === 'OK')
                  .map((r) => ({ alarm: r, arn: byName.get(r)!.arn, state: state.get(r)!, since: since.get(r)! })),
              }
            : {}),
        };
      };
      const sup = a.kind === 'composite' ? a.suppressor : undefined;
      if (!sup) {
        if (tr) {
          tr.actions = targets.length > 0 ? 'notified' : 'none';
          if (targets.length > 0) notify(base(tr), at);
        }
        continue;
      }
      const s = actionState.get(a.name) ?? {};
      actionState.set(a.name, s);
      const suppressorName = alarmNameOf(sup.alarm);
      const suppressorAlarm = state.get(suppressorName) === 'ALARM';
      const suppressorLeft = changedNow.get(suppressorName);
      if (suppressorLeft && suppressorLeft.from === 'ALARM' && !suppressorAlarm)
        s.extensionUntil = at + sup.extensionSeconds;
      if (suppressorAlarm) s.waitUntil = undefined;
      const held = (): boolean =>
        suppressorAlarm ||
        (s.extensionUntil !== undefined && at < s.extensionUntil) ||
        (s.waitUntil !== undefined && at < s.waitUntil);
      if (tr) {
        if (tr.to === 'ALARM') {
          if (!suppressorAlarm && !held() && sup.waitSeconds > 0) s.waitUntil = at + sup.waitSeconds;
          if (held()) {
            s.pending = targets.length > 0 ? { transition: tr, notification: base(tr) } : undefined;
            tr.actions = targets.length > 0 ? 'held' : 'none';
          } else {
            tr.actions = targets.length > 0 ? 'notified' : 'none';
            if (targets.length > 0) notify(base(tr), at);
          }
        } else {
          if (s.pending) s.pending.transition.actions = 'suppressed';
          s.pending = undefined;
          s.waitUntil = undefined;
          if (held()) tr.actions = targets.length > 0 ? 'suppressed' : 'none';
          else {
            tr.actions = targets.length > 0 ? 'notified' : 'none';
            if (targets.length > 0) notify(base(tr), at);
          }
        }
      } else if (s.pending && !held()) {
        // The hold ended with the composite still in ALARM: CloudWatch performs the actions now.
        const releasedBy = s.extensionUntil !== undefined && at >= s.extensionUntil ? 'ExtensionPeriod' : 'WaitPeriod';
        s.pending.transition.actions = 'delayed';
        s.pending.transition.actionsAt = at;
        notify(s.pending.notification, at, releasedBy);
        s.pending = undefined;
      }
      if (s.extensionUntil !== undefined && at >= s.extensionUntil && !s.pending) s.extensionUntil = undefined;
      if (s.waitUntil !== undefined && at >= s.waitUntil && !s.pending) s.waitUntil = undefined;
    }
  }

  return {
    scenario: scenario.text,
    incidentStart: options.incidentStartEpochSeconds,
    from: epochOf(STEP),
    to: epochOf(traffic.series.length * STEP),
    alarms: alarms.map((a) => ({ name: a.name, kind: a.kind, arn: a.arn })),
    transitions,
    notifications,
  };
}

function mapRule(node: RuleNode, f: (ref: string) => string): RuleNode {
  switch (node.kind) {
    case 'state':
      return { ...node, alarm: f(node.alarm) };
    case 'constant':
      return node;
    case 'not':
      return { kind: 'not', arg: mapRule(node.arg, f) };
    default:
      return { kind: node.kind, left: mapRule(node.left, f), right: mapRule(node.right, f) };
  }
}
