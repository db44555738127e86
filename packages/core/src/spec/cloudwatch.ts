/**
 * CloudWatch's statistic, unit and metric-math rules, checked before deployment
 * so that a bad spec fails in `sre validate` rather than half-way through a
 * CloudFormation update. Period rules live in math/cloudwatch-window.ts.
 */
import { cloudWatchPeriodProblem } from '../math/cloudwatch-window';

/** A metric-math alarm may reference at most this many metrics. */
export const MAX_METRICS_PER_ALARM = 10;

const SIMPLE_STATISTICS = ['SampleCount', 'Average', 'Sum', 'Minimum', 'Maximum', 'IQM'];
const NUMBER = String.raw`\d+(?:\.\d+)?`;
const BOUND = String.raw`(?:${NUMBER}%?)?`;
// p99, p99.9, tm90, wm99, tc90, ts90, PR(100:2000), TM(10%:90%), TC(:0.3) ...
const EXTENDED = new RegExp(
  String.raw`^(?:p${NUMBER}|(?:tm|wm|tc|ts)${NUMBER}|(?:TM|WM|TC|TS|PR)\(${BOUND}:${BOUND}\))$`,
);

/** Undefined when CloudWatch accepts `statistic`, else why not. */
export function statisticProblem(statistic: string): string | undefined {
  if (SIMPLE_STATISTICS.includes(statistic)) return undefined;
  if (!EXTENDED.test(statistic)) return `unknown CloudWatch statistic "${statistic}"`;
  const percentile = /^p(.+)$/.exec(statistic);
  if (percentile && Number(percentile[1]) > 100) return `percentile ${statistic} is above p100`;
  const range = /^\w+\(([^:]*):([^)]*)\)$/.exec(statistic);
  if (range && range[1] === '' && range[2] === '') return `${statistic} needs a lower or an upper bound`;
  return undefined;
}

export const STATISTIC_HINT =
  'use Sum, Average, Minimum, Maximum, SampleCount, IQM, p99, tm90, TC(:0.3), TM(10%:90%) or PR(:0.5)';

export const CLOUDWATCH_UNITS = [
  'Seconds',
  'Microseconds',
  'Milliseconds',
  'Bytes',
  'Kilobytes',
  'Megabytes',
  'Gigabytes',
  'Terabytes',
  'Bits',
  'Kilobits',
  'Megabits',
  'Gigabits',
  'Terabits',
  'Percent',
  'Count',
  'Bytes/Second',
  'Kilobytes/Second',
  'Megabytes/Second',
  'Gigabytes/Second',
  'Terabytes/Second',
  'Bits/Second',
  'Kilobits/Second',
  'Megabits/Second',
  'Gigabits/Second',
  'Terabits/Second',
  'Count/Second',
  'None',
] as const;

/**
 * Identifiers (metric ids) an expression uses. Functions and keywords are upper case in
 * CloudWatch metric math, ids must start lower case, and quoted text (SEARCH) is ignored.
 */
export function expressionIds(expression: string): string[] {
  const unquoted = expression.replace(/'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"/g, ' ');
  return [...new Set(unquoted.match(/\b[a-z][A-Za-z0-9_]*\b/g) ?? [])];
}

export const METRIC_ID = /^[a-z][A-Za-z0-9_]*$/;

/** CloudWatch's rule for a single period (10, 20, 30 s or whole minutes); kept for callers outside alarms. */
export function periodProblem(periodSeconds: number): string | undefined {
  return cloudWatchPeriodProblem(periodSeconds, 1);
}
