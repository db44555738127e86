/**
 * Every limit the spec formats set, on both sides: the value at the limit loads, the first one past it is reported
 * whole (file:line:col: path: message (hint)), so a limit that moves by one, or a message that loses its fix, fails.
 */
import { formatDiagnostic, loadSpecTexts } from '../src/spec';
import { EVENTS, FILE, policy, RECEIVERS, routing, slo, sloth, windows } from './spec-errors/builders';

const load = (text: string) => loadSpecTexts([{ file: FILE, text }]);
const reported = (text: string) => load(text).diagnostics.map(formatDiagnostic);

/** An ErrorBudgetPolicy over the builders' SLO with one level below `remainingBelow`. */
const budgetPolicy = (remainingBelow: string) => `${slo()}---
apiVersion: sre-kit/v1
kind: ErrorBudgetPolicy
metadata:
  name: deploys
spec:
  levels:
    - remainingBelow: ${remainingBelow}
      allow: [fix]
`;

/** An AlertRouting with one maintenance window: `schedule` is its once/recurring line. */
const maintenance = (schedule: string) =>
  routing(
    RECEIVERS,
    '    receiver: page\n',
    `  maintenanceWindows:\n    - name: w\n      reason: test\n      matchers: { service: goodgreets }\n      ${schedule}\n`,
  );

/** The builders' SLO with one OpenSLO burn-rate condition (a ticket). */
const withCondition = (condition: string, patch: Record<string, string> = {}) =>
  slo(
    patch,
    `  alertPolicies:
    - kind: AlertPolicy
      metadata: { name: slow }
      spec:
        conditions:
          - kind: AlertCondition
            metadata: { name: slow-burn }
            spec:
              severity: ticket
              condition: { kind: burnrate, op: gt, ${condition} }
`,
  );

const timeslices = (target: string) =>
  slo({
    '  budgetingMethod: Occurrences': '  budgetingMethod: Timeslices',
    '      target: 0.999': `      target: 0.999\n      timeSliceTarget: ${target}\n      timeSliceWindow: 1m`,
  });

/** AlertWindows over 7 d whose page windows are `quick` and `slow`. */
const pageWindows = (quick: string, slow = '{ errorBudgetPercent: 10, shortWindow: 30m, longWindow: 6h }') =>
  windows(`    quick: ${quick}\n    slow: ${slow}\n`);

/** The builders' SLO with its bad metric's dimensions or statistic replaced. */
const BAD_METRIC =
  'metricName: HTTPCode_Target_5XX_Count\n              dimensions: { LoadBalancer: app/api/1 }\n              stat: Sum';
const badMetric = (from: string, to: string) => slo({ [BAD_METRIC]: BAD_METRIC.replace(from, to) });
const dimensions = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `D${i}: v`).join(', ')} }`;
const withDimensions = (n: number) => badMetric('{ LoadBalancer: app/api/1 }', dimensions(n));

/** A DNS name of `length` characters: labels of at most 63, dot-separated. */
const dnsName = (length: number) => {
  const labels = [];
  for (let left = length; left > 0; left -= 64) labels.push('a'.repeat(Math.min(63, left)));
  return labels.join('.');
};
const named = (name: string) => slo({ '  name: api-availability\n': `  name: ${name}\n` });

/** An AlarmPolicy overriding one setting of the ECS CPU alarm of resource `api`. */
const ecsOverride = (line: string) =>
  policy(
    `  families:\n    ecs:\n      resources:\n        - id: api\n          overrides:\n            ecs.cpu-utilization:\n              ${line}\n`,
  );
const ECS_OVERRIDE = 'spec.families.ecs.resources[0].overrides["ecs.cpu-utilization"]';

describe('values at the limit load', () => {
  it.each([
    ['an ErrorBudgetPolicy level below 100%', budgetPolicy('100%')],
    ['an ErrorBudgetPolicy level below the ratio 1', budgetPolicy('1')],
    [
      'a one-off window at the last minute of the year',
      maintenance("once: { start: '2026-12-31T23:59', end: '2027-01-01T00:30', location: Europe/Berlin }"),
    ],
    ['a daily window of exactly 1d', maintenance("recurring: { start: '03:00', duration: 1d }")],
    ['a weekly window of exactly 7d', maintenance("recurring: { weekdays: [sunday], start: '03:00', duration: 7d }")],
    ['an SLO period of exactly 1h, not "very short"', slo({ 'duration: 30d': 'duration: 1h' })],
    [
      'an OpenSLO lookback window as long as the period',
      withCondition('threshold: 1, lookbackWindow: 7d', { 'duration: 30d': 'duration: 7d' }),
    ],
    ['a timeSliceTarget of 1', timeslices('1')],
    ['the statistic p100', badMetric('stat: Sum', 'stat: p100')],
    ['a metric with 30 dimensions', withDimensions(30)],
    ['a name of 253 characters', named(dnsName(253))],
  ])('%s', (_name, text) => {
    expect(reported(text)).toEqual([]);
  });

  it('reads a level below 100% and one below the ratio 1 alike: the whole budget', () => {
    for (const text of [budgetPolicy('100%'), budgetPolicy('1')])
      expect(load(text).errorBudgetPolicies[0].levels.map((l) => l.remainingBelow)).toEqual([1]);
  });

  it('AlertWindows: a window may take 100 % of the budget, and a long window as long as the period', () => {
    const diagnostics = (text: string) => load(text).diagnostics.filter((d) => d.severity === 'error');
    expect(diagnostics(pageWindows('{ errorBudgetPercent: 100, shortWindow: 5m, longWindow: 1h }'))).toEqual([]);
    expect(
      diagnostics(
        pageWindows(
          '{ errorBudgetPercent: 8, shortWindow: 5m, longWindow: 1h }',
          '{ errorBudgetPercent: 10, shortWindow: 30m, longWindow: 7d }',
        ),
      ),
    ).toEqual([]);
  });
});

describe('the first value past the limit is reported where it is written, with the fix', () => {
  it.each([
    [
      'remainingBelow 100 (a percentage without %)',
      budgetPolicy('100'),
      'bad.yaml:43:23: spec.levels[0].remainingBelow: remainingBelow 100 is above 1 (for a percentage write 100% (or the ratio 1))',
    ],
    [
      'remainingBelow 250',
      budgetPolicy('250'),
      'bad.yaml:43:23: spec.levels[0].remainingBelow: remainingBelow 250 is out of range (a percentage above 0% and at most 100%)',
    ],
    [
      'remainingBelow 150%',
      budgetPolicy('150%'),
      'bad.yaml:43:23: spec.levels[0].remainingBelow: remainingBelow 150% is above 100% (the remaining budget starts at 100%)',
    ],
    ...['2026-12-31T24:00', '2026-12-31T22:60', '2026-12-00T22:00', '2026-00-10T22:00'].map((start) => [
      `date-time ${start}`,
      maintenance(`once: { start: '${start}', end: '2027-01-01T01:00', location: Europe/Berlin }`),
      `bad.yaml:18:22: spec.maintenanceWindows[0].once.start: bad date-time "${start}" (write '2026-12-12T22:00' (local to location) or '2026-12-12T21:00:00Z')`,
    ]),
    [
      'a one-off window ending as it starts',
      maintenance("once: { start: '2026-12-12T22:00Z', end: '2026-12-12T22:00Z' }"),
      'bad.yaml:18:48: spec.maintenanceWindows[0].once.end: end 2026-12-12T22:00:00.000Z is not after start 2026-12-12T22:00:00.000Z (a window ends after it starts)',
    ],
    [
      'a recurring window starting at 24:00',
      maintenance("recurring: { start: '24:00', duration: 1h }"),
      'bad.yaml:18:27: spec.maintenanceWindows[0].recurring.start: bad time "24:00" (write HH:MM in 24-hour time, e.g. 03:00)',
    ],
    [
      'a time interval ending as it starts',
      routing(
        RECEIVERS,
        '    receiver: page\n',
        "  timeIntervals:\n    - name: nights\n      times:\n        - start: '22:00'\n          end: '22:00'\n",
      ),
      'bad.yaml:18:16: spec.timeIntervals[0].times[0].end: end 22:00 is not after start 22:00 (split a range that crosses midnight in two)',
    ],
    [
      'targetPercent 0',
      slo({ 'target: 0.999': 'targetPercent: 0' }),
      'bad.yaml:35:22: spec.objectives[0].targetPercent: objective 0% is out of range (targetPercent must be above 0 and below 100)',
    ],
    [
      'targetPercent 100',
      slo({ 'target: 0.999': 'targetPercent: 100' }),
      'bad.yaml:35:22: spec.objectives[0].targetPercent: objective 100% is out of range (targetPercent must be above 0 and below 100)',
    ],
    [
      'target 0',
      slo({ 'target: 0.999': 'target: 0' }),
      'bad.yaml:35:15: spec.objectives[0].target: objective 0 is out of range (target is a ratio above 0 and below 1, e.g. 0.999)',
    ],
    [
      'target 100, which no targetPercent fixes either',
      slo({ 'target: 0.999': 'target: 100' }),
      'bad.yaml:35:15: spec.objectives[0].target: objective 100 is out of range (target is a ratio above 0 and below 1, e.g. 0.999)',
    ],
    [
      'timeSliceTarget 0',
      timeslices('0'),
      'bad.yaml:36:24: spec.objectives[0].timeSliceTarget: timeSliceTarget 0 is out of range (a ratio above 0 and at most 1)',
    ],
    [
      'an OpenSLO lookback window of 8d for a CloudWatch SLI, a day past what one alarm period spans',
      withCondition('threshold: 1, lookbackWindow: 8d'),
      'bad.yaml:36:3: spec.alertPolicies: tier slow-burn: the 8d window cannot be a CloudWatch alarm period: ' +
        'period x evaluation periods is 691200s; CloudWatch allows at most 604800s (7 d) (CloudWatch SLIs need windows of whole minutes up to 7d)',
    ],
    [
      'an OpenSLO burn-rate threshold of 0',
      withCondition('threshold: 0, lookbackWindow: 1h'),
      'bad.yaml:45:63: spec.alertPolicies[0].spec.conditions[0].spec.condition.threshold: burn-rate threshold must be above 0, got 0',
    ],
    [
      'a Sloth objective of 0',
      sloth(`    objective: 0\n${EVENTS}`),
      'bad.yaml:5:16: slos[0].objective: objective 0 is out of range (Sloth objectives are percentages above 0 and below 100, e.g. 99.9)',
    ],
    [
      'an AlertWindows errorBudgetPercent of 0',
      pageWindows('{ errorBudgetPercent: 0, shortWindow: 5m, longWindow: 1h }'),
      'bad.yaml:6:34: spec.page.quick.errorBudgetPercent: errorBudgetPercent 0 is out of range (the share of the period budget, above 0 and at most 100)',
    ],
    [
      'an AlertWindows short window as long as the long one',
      pageWindows('{ errorBudgetPercent: 8, shortWindow: 1h, longWindow: 1h }'),
      'bad.yaml:6:50: spec.page.quick.shortWindow: shortWindow 1h is not shorter than longWindow 1h',
    ],
    [
      'an AlertWindows long window a day longer than the period',
      pageWindows(
        '{ errorBudgetPercent: 8, shortWindow: 5m, longWindow: 1h }',
        '{ errorBudgetPercent: 10, shortWindow: 30m, longWindow: 8d }',
      ),
      'bad.yaml:7:67: spec.page.slow.longWindow: longWindow 8d is longer than the SLO period 7d (a burn-rate window must fit inside the period)',
    ],
    [
      'the statistic p100.1',
      badMetric('stat: Sum', 'stat: p100.1'),
      'bad.yaml:20:21: spec.indicator.spec.ratioMetric.bad.metricSource.spec.stat: percentile p100.1 is above p100 ' +
        '(use Sum, Average, Minimum, Maximum, SampleCount, IQM, p99, tm90, TC(:0.3), TM(10%:90%) or PR(:0.5))',
    ],
    [
      'a metric with 31 dimensions',
      withDimensions(31),
      'bad.yaml:19:15: spec.indicator.spec.ratioMetric.bad.metricSource.spec.dimensions: CloudWatch allows at most 30 dimensions per metric',
    ],
    [
      'a name of 254 characters',
      named(dnsName(254)),
      `bad.yaml:4:9: metadata.name: name "${dnsName(254)}" is not a valid DNS name (use lower-case letters, digits, "-" and ".")`,
    ],
    ...['0', '1.5'].map((n) => [
      `evaluationPeriods ${n}`,
      ecsOverride(`evaluationPeriods: ${n}`),
      `bad.yaml:13:34: ${ECS_OVERRIDE}.evaluationPeriods: expected a whole number >= 1, got ${n}`,
    ]),
    [
      'datapointsToAlarm above the evaluation periods',
      ecsOverride('datapointsToAlarm: 9'),
      `bad.yaml:13:34: ${ECS_OVERRIDE}.datapointsToAlarm: datapointsToAlarm 9 exceeds evaluationPeriods 5 (an alarm fires on M out of N datapoints with M <= N)`,
    ],
    [
      'an objective of 90 %, where the 14.4x tier needs an error ratio of 1.44',
      slo({ 'target: 0.999': 'target: 0.9' }),
      'bad.yaml:35:15: spec.objectives[0].target: warning: tier page-1h (burn rate 14.4) can never fire at objective 90 %: ' +
        'it needs an error ratio of 1.44 (raise the objective, or use AlertWindows with smaller budget fractions or longer windows)',
    ],
  ])('%s', (_name, text, diagnostic) => {
    expect(reported(text)).toEqual([diagnostic]);
  });

  it('a Sloth objective of 1 is read as 1 %, and says how to write 99.9 %', () => {
    expect(reported(sloth(`    objective: 1\n${EVENTS}`))[0]).toBe(
      'bad.yaml:5:16: slos[0].objective: warning: objective 1 is read as 1 % (Sloth objectives are percentages: 99.9 means 99.9 %)',
    );
  });
});
