/**
 * How an SLO window becomes a CloudWatch alarm evaluation.
 *
 * Decision (shared by @sre-kit/cdk and the cost model): every window W is ONE
 * period of length W with evaluationPeriods = datapointsToAlarm = 1. Each
 * metric in the alarm's metric-math query uses period W, so `bad / total` is
 * the error ratio over the last W, and the alarm's default SlidingWindow
 * evaluation makes that window roll.
 *
 * Why this is accepted, including 3 d: PutMetricAlarm takes periods of 10, 20,
 * 30 or any multiple of 60 seconds and limits period x evaluationPeriods to
 * 604,800 s (7 d), or 86,400 s (1 d) for periods under one hour (AWS API
 * reference, PutMetricAlarm `Period`). 3 d x 1 = 259,200 s is inside the limit.
 * The alternatives are worse: 6 h x 12 or 1 h x 72 with M-of-N counts
 * breaching *periods*, not the ratio over the window, so a short severe burn
 * and a long mild one are judged differently from Sloth/Prometheus, and metric
 * math has no rolling-sum function to repair that.
 *
 * Windows longer than 7 d cannot be expressed and are rejected (validation
 * reports them as "alarm periods CloudWatch will not accept").
 */

export const CLOUDWATCH_MAX_ALARM_SPAN_SECONDS = 7 * 86400;
export const CLOUDWATCH_MAX_SHORT_PERIOD_SPAN_SECONDS = 86400;

export interface CloudWatchWindow {
  readonly periodSeconds: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  /** Sub-minute periods make a high-resolution alarm (billed at the higher rate). */
  readonly highResolution: boolean;
  readonly note: string;
}

/** Why CloudWatch would reject this period/evaluation pair, or undefined when it accepts it. */
export function cloudWatchPeriodProblem(periodSeconds: number, evaluationPeriods = 1): string | undefined {
  if (!Number.isInteger(periodSeconds) || periodSeconds <= 0)
    return `period ${periodSeconds} is not a whole number of seconds`;
  if (![10, 20, 30].includes(periodSeconds) && periodSeconds % 60 !== 0)
    return `period ${periodSeconds}s must be 10, 20, 30 or a multiple of 60 seconds`;
  if (!Number.isInteger(evaluationPeriods) || evaluationPeriods < 1)
    return `evaluation periods must be a whole number >= 1, got ${evaluationPeriods}`;
  const span = periodSeconds * evaluationPeriods;
  if (periodSeconds < 3600 && span > CLOUDWATCH_MAX_SHORT_PERIOD_SPAN_SECONDS)
    return `period x evaluation periods is ${span}s; CloudWatch allows at most 86400s (1 d) for periods under 1 h`;
  if (span > CLOUDWATCH_MAX_ALARM_SPAN_SECONDS)
    return `period x evaluation periods is ${span}s; CloudWatch allows at most 604800s (7 d)`;
  return undefined;
}

/** The alarm evaluation for an SLO window (see the decision above). Throws RangeError when CloudWatch cannot express it. */
export function cloudWatchWindow(windowSeconds: number): CloudWatchWindow {
  const problem = cloudWatchPeriodProblem(windowSeconds, 1);
  if (problem) throw new RangeError(`SLO window of ${windowSeconds}s cannot be a CloudWatch alarm: ${problem}`);
  return {
    periodSeconds: windowSeconds,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    highResolution: windowSeconds < 60,
    note:
      'one period equal to the window, 1 of 1 datapoints, default SlidingWindow evaluation: ' +
      'the alarm compares bad/total over the last window',
  };
}
