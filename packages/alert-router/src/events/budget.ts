/**
 * Error-budget context for an SLO page that the notification itself does not carry. A tier's
 * composite alarm notifies with no metric at all, so the Lambda asks CloudWatch, within a hard
 * time limit:
 *
 * 1. DescribeAlarms on the tier's long-window alarm (its name is in the metadata, `longAlarm`):
 *    its StateReasonData holds the latest error ratio (the current burn rate), its Metrics the
 *    error-ratio query.
 * 2. GetMetricData with that same query, every metric's period set to the SLO's period, over the
 *    period ending at the last full hour: one error ratio for the whole period, so the budget
 *    left is `1 - ratio / (1 - objective)`.
 *
 * Any failure or time-out gives a reading with `error` and the page goes on unchanged: the
 * budget never delays a page beyond `timeoutMs` and never changes how it is routed. Local runs
 * (`sre alerts replay`, `preview`) have no reader, and the message says so.
 */
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  type MetricDataQuery,
} from '@aws-sdk/client-cloudwatch';
import { isRecord } from '@sre-kit/core';
import { withTimeout } from './tags';
import type { AlarmEvent } from './types';

export interface BudgetReading {
  /** Error ratio of the long window right now / (1 - objective). */
  readonly currentBurnRate?: number;
  /** Fraction of the period's budget not yet spent (negative when overspent). */
  readonly budgetRemaining?: number;
  /** Why the reading is incomplete; the message shows the value as unknown. */
  readonly error?: string;
}

export type BudgetReader = (event: AlarmEvent) => Promise<BudgetReading>;

/** Which events get a budget reading: SLO alarms in ALARM whose metadata says enough to compute one. */
export function wantsBudget(event: AlarmEvent): boolean {
  const m = event.metadata;
  return event.state === 'ALARM' && m.slo !== undefined && !event.drill;
}

export interface CloudWatchBudgetOptions {
  readonly client?: CloudWatchClient;
  /** Longest wait for both calls together. @default 2000 */
  readonly timeoutMs?: number;
  readonly now?: () => number;
}

const HOUR = 3600_000;

export function cloudWatchBudgetReader(options: CloudWatchBudgetOptions = {}): BudgetReader {
  // One attempt: a retry would only spend the time the page is waiting for.
  const client = options.client ?? new CloudWatchClient({ maxAttempts: 1 });
  const timeoutMs = options.timeoutMs ?? 2000;
  const now = options.now ?? Date.now;
  return async (event) => {
    const controller = new AbortController();
    try {
      return await withTimeout(readBudget(client, event, now(), controller.signal), timeoutMs, 'the budget lookup');
    } catch (err) {
      return { error: (err as Error).message };
    } finally {
      controller.abort();
    }
  };
}

async function readBudget(
  client: CloudWatchClient,
  event: AlarmEvent,
  nowMs: number,
  abortSignal: AbortSignal,
): Promise<BudgetReading> {
  const m = event.metadata;
  if (m.objective === undefined || m.periodSeconds === undefined)
    return { error: 'the alarm metadata has no objective or period' };
  if (m.sli !== 'errorRatio')
    return { error: `budget is read from error-ratio alarms only (this one is ${m.sli ?? 'unknown'})` };
  const longAlarm = m.longAlarm ?? (m.role === 'window' && m.window === 'long' ? event.alarmName : undefined);
  if (!longAlarm) return { error: 'the alarm metadata names no long-window alarm' };
  const described = await client.send(
    new DescribeAlarmsCommand({ AlarmNames: [longAlarm], AlarmTypes: ['MetricAlarm'] }),
    {
      abortSignal,
    },
  );
  const alarm = described.MetricAlarms?.[0];
  if (!alarm?.Metrics?.length) return { error: `${longAlarm} not found or not a metric-math alarm` };
  const budget = 1 - m.objective;
  const latest = latestDatapoint(alarm.StateReasonData);
  const currentBurnRate = latest === undefined ? undefined : latest / budget;
  const end = Math.floor(nowMs / HOUR) * HOUR;
  const queries: MetricDataQuery[] = alarm.Metrics.map((q) =>
    q.MetricStat ? { ...q, MetricStat: { ...q.MetricStat, Period: m.periodSeconds } } : q,
  );
  const data = await client.send(
    new GetMetricDataCommand({
      MetricDataQueries: queries,
      StartTime: new Date(end - m.periodSeconds * 1000),
      EndTime: new Date(end),
    }),
    { abortSignal },
  );
  const result = data.MetricDataResults?.find((r) => r.Values && r.Values.length > 0);
  if (!result?.Values?.length) return { currentBurnRate, error: 'no data over the SLO period' };
  // One datapoint covers the whole period; should CloudWatch split it, the newest one is the closest.
  const ratio = result.Values[0];
  return { currentBurnRate, budgetRemaining: 1 - ratio / budget };
}

/** The newest value in a metric alarm's StateReasonData (`{"recentDatapoints":[...]}`). */
function latestDatapoint(reasonData: string | undefined): number | undefined {
  if (!reasonData) return undefined;
  try {
    const parsed: unknown = JSON.parse(reasonData);
    if (!isRecord(parsed) || !Array.isArray(parsed.recentDatapoints)) return undefined;
    const values = parsed.recentDatapoints.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
    return values.length ? values[values.length - 1] : undefined;
  } catch {
    return undefined;
  }
}
