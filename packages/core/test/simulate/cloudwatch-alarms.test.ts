import {
  AlarmRuleError,
  AlarmSimulationError,
  MetricMathError,
  alarmRuleRefs,
  detectionTime,
  evaluateAlarmRule,
  evaluateMetricMath,
  parseAlarmRule,
  parseMetricMath,
  parseScenario,
  resetTime,
  simulateAlarms,
  type SimulatedAlarm,
  type SimulatedCompositeAlarm,
  type SimulatedMetricAlarm,
} from '../../src';

const T0 = Date.UTC(2026, 11, 7, 10, 0, 0) / 1000;
const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:critical';
const arn = (name: string) => `arn:aws:cloudwatch:eu-west-1:123456789012:alarm:${name}`;
const noActions = { alarm: [], ok: [], insufficientData: [] };

/** A window alarm shaped like the kit's: IF(total > 0, FILL(bad, 0) / total, 0) over one period. */
function windowAlarm(
  name: string,
  periodSeconds: number,
  threshold: number,
  extra: Partial<SimulatedMetricAlarm> = {},
) {
  const alarm: SimulatedMetricAlarm = {
    kind: 'metric',
    name,
    arn: arn(name),
    actions: noActions,
    queries: [
      { id: 'ratio_expr', expression: 'IF(total > 0, FILL(bad, 0) / total, 0)', returnData: true },
      { id: 'bad', expression: 'FILL(target5xx, 0) + FILL(elb5xx, 0)', returnData: false },
      { id: 'target5xx', stat: 'Sum', periodSeconds, returnData: false },
      { id: 'elb5xx', stat: 'Sum', periodSeconds, returnData: false },
      { id: 'total', stat: 'Sum', periodSeconds, returnData: false },
    ],
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    threshold,
    comparison: 'GreaterThanThreshold',
    treatMissingData: 'notBreaching',
    ...extra,
  };
  return alarm;
}

function composite(name: string, rule: string, extra: Partial<SimulatedCompositeAlarm> = {}): SimulatedCompositeAlarm {
  return {
    kind: 'composite',
    name,
    arn: arn(name),
    rule,
    actions: { alarm: [TOPIC], ok: [TOPIC], insufficientData: [] },
    ...extra,
  };
}

const run = (scenario: string, alarms: SimulatedAlarm[]) =>
  simulateAlarms(parseScenario(scenario), alarms, { incidentStartEpochSeconds: T0 });

const changes = (r: ReturnType<typeof run>, alarm: string) =>
  r.transitions.filter((t) => t.alarm === alarm).map((t) => [t.offsetSeconds, t.to]);

describe('metric math', () => {
  const ctx = (values: Record<string, number | undefined>) => ({
    value: (id: string) => values[id],
    periodOf: () => 300,
  });

  it('evaluates what the kit synthesizes, FILL turning a missing count into 0', () => {
    const ratio = parseMetricMath('IF(total > 0, FILL(bad, 0) / total, 0)');
    expect(evaluateMetricMath(ratio, ctx({ total: 200, bad: 50 }))).toBe(0.25);
    expect(evaluateMetricMath(ratio, ctx({ total: 200 }))).toBe(0);
    expect(evaluateMetricMath(ratio, ctx({}))).toBeUndefined();
    expect(evaluateMetricMath(parseMetricMath('a + b'), ctx({ a: 1 }))).toBeUndefined();
    expect(evaluateMetricMath(parseMetricMath('1 + 2 * 3 ^ 2 - 8 / 4'), ctx({}))).toBe(17);
    expect(evaluateMetricMath(parseMetricMath('SUM([a, b]) / PERIOD(a)'), ctx({ a: 300, b: 300 }))).toBe(2);
    expect(evaluateMetricMath(parseMetricMath('a / b'), ctx({ a: 1, b: 0 }))).toBeUndefined();
  });

  it('refuses what it cannot evaluate, naming the function and the column', () => {
    expect(() => parseMetricMath('RATE(m1) * 60')).toThrow(/function RATE is not supported.*column 1/);
    expect(() => parseMetricMath('FILL(m1, REPEAT)')).toThrow(/number as its second argument/);
    expect(() => parseMetricMath('SUM(m1)')).toThrow(/aggregates across time/);
    expect(() => parseMetricMath('IF(total > 0, bad / total')).toThrow(MetricMathError);
    expect(() => parseMetricMath('IF(total > 0, bad / total')).toThrow(/expected "\)".*column 26/);
  });
});

describe('alarm rules', () => {
  it('reads ALARM/OK/INSUFFICIENT_DATA of names or ARNs with AND, OR, NOT and parentheses', () => {
    const rule = parseAlarmRule(`(ALARM("${arn('a')}") AND ALARM(b)) OR NOT OK("c")`);
    expect(alarmRuleRefs(rule)).toEqual([arn('a'), 'b', 'c']);
    const states = (a: string, b: string, c: string) => (n: string) =>
      (({ [arn('a')]: a, b, c }) as Record<string, 'OK' | 'ALARM'>)[n];
    expect(evaluateAlarmRule(rule, states('ALARM', 'ALARM', 'OK'))).toBe(true);
    expect(evaluateAlarmRule(rule, states('ALARM', 'OK', 'OK'))).toBe(false);
    expect(evaluateAlarmRule(rule, states('OK', 'OK', 'ALARM'))).toBe(true);
    expect(
      evaluateAlarmRule(parseAlarmRule('ALARM(a) OR ALARM(b) AND FALSE'), (n) => (n === 'a' ? 'ALARM' : 'OK')),
    ).toBe(true);
  });

  it('locates a rule it cannot read', () => {
    expect(() => parseAlarmRule('ALARM(a) XOR ALARM(b)')).toThrow(AlarmRuleError);
    expect(() => parseAlarmRule('ALARM(a) XOR ALARM(b)')).toThrow(/column 10/);
  });
});

describe('simulateAlarms: metric alarms as CloudWatch evaluates them', () => {
  it('fires and resets on the minute after the explained detection and reset times', () => {
    const tier = { burnRate: 100, longWindowSeconds: 300, shortWindowSeconds: 300 };
    const threshold = 0.1; // burn 100 at objective 0.999
    const r = run('outage:100%:10m', [windowAlarm('w5m', 300, threshold)]);
    const detect = detectionTime(tier, 0.999, 1, 30 * 86400).seconds;
    const reset = resetTime(tier, 0.999, 1).seconds;
    expect(changes(r, 'w5m')).toEqual([
      [Math.ceil(detect / 60) * 60, 'ALARM'],
      [600 + Math.ceil(reset / 60) * 60, 'OK'],
    ]);
    expect(r.transitions[0].reason).toMatch(
      /^Threshold Crossed: 1 out of the last 1 datapoint \[0\.2 \(07\/12\/26 09:56:00\)\] was greater than the threshold \(0\.1\)/,
    );
  });

  it('feeds a rate metric read with Average (CloudFront 5xxErrorRate) as the share of requests', () => {
    const counts = windowAlarm('counts', 300, 0.1);
    const rate: SimulatedMetricAlarm = {
      ...windowAlarm('rate', 300, 0.1),
      queries: [
        { id: 'e', expression: 'IF(total > 0, FILL(bad, 0) / total, 0)', returnData: true },
        { id: 'bad', expression: 'requests * FILL(errorRate, 0) / 100', returnData: false },
        { id: 'requests', stat: 'Sum', periodSeconds: 300, returnData: false },
        { id: 'errorRate', stat: 'Average', periodSeconds: 300, returnData: false },
        { id: 'total', stat: 'Sum', periodSeconds: 300, returnData: false },
      ],
    };
    const r = run('degradation:30%:20m', [counts, rate]);
    expect(changes(r, 'rate')).toEqual(changes(r, 'counts'));
    expect(changes(r, 'rate')).toHaveLength(2);
  });

  it('needs M of N breaching datapoints', () => {
    const alarm = windowAlarm('m2of3', 60, 0.5, { evaluationPeriods: 3, datapointsToAlarm: 2 });
    expect(changes(run('outage:100%:1m', [alarm]), 'm2of3')).toEqual([]);
    expect(changes(run('outage:100%:2m', [alarm]), 'm2of3')).toEqual([
      [120, 'ALARM'],
      [240, 'OK'],
    ]);
  });

  it('meets missing data where an error count publishes nothing, as on AWS', () => {
    const unfilled = (treat: string): SimulatedMetricAlarm => ({
      ...windowAlarm(`no-fill-${treat}`, 300, 0.1),
      queries: [
        { id: 'e', expression: 'bad / total', returnData: true },
        { id: 'bad', stat: 'Sum', periodSeconds: 300, returnData: false },
        { id: 'total', stat: 'Sum', periodSeconds: 300, returnData: false },
      ],
      treatMissingData: treat,
    });
    const r = run('outage:100%:10m', [unfilled('missing'), unfilled('notBreaching')]);
    // Healthy minutes have no 5xx datapoint, so bad / total has none: INSUFFICIENT_DATA, not OK.
    expect(changes(r, 'no-fill-missing')[0][1]).toBe('INSUFFICIENT_DATA');
    expect(changes(r, 'no-fill-notBreaching').map(([, s]) => s)).toEqual(['ALARM', 'OK']);
  });

  it('refuses an SLI part it cannot feed, saying why', () => {
    const alarm: SimulatedMetricAlarm = {
      ...windowAlarm('bare-sum', 300, 0.1),
      queries: [
        { id: 'e', expression: 'FILL(bad, 0) / total', returnData: true },
        { id: 'bad', expression: 'target5xx + elb5xx', returnData: false },
        { id: 'target5xx', stat: 'Sum', periodSeconds: 300, returnData: false },
        { id: 'elb5xx', stat: 'Sum', periodSeconds: 300, returnData: false },
        { id: 'total', stat: 'Sum', periodSeconds: 300, returnData: false },
      ],
    };
    expect(() => run('outage:100%:10m', [alarm])).toThrow(AlarmSimulationError);
    expect(() => run('outage:100%:10m', [alarm])).toThrow(
      /bare-sum: SLI part "bad" = target5xx \+ elb5xx gives no value/,
    );
    const p99 = windowAlarm('p99', 300, 0.1);
    const latency = { ...p99, queries: p99.queries.map((q) => (q.id === 'total' ? { ...q, stat: 'p99' } : q)) };
    expect(() => run('outage:100%:10m', [latency])).toThrow(/statistic p99/);
  });
});

describe('simulateAlarms: composites and their actions suppressor', () => {
  // A fast tier (5m/1m at 50 %) and a slow one (30m/5m at 10 %), the slow one muted by the fast one.
  const alarms = (extensionSeconds: number, waitSeconds = 60): SimulatedAlarm[] => [
    windowAlarm('fast-long', 300, 0.5),
    windowAlarm('fast-short', 60, 0.5),
    windowAlarm('slow-long', 1800, 0.1),
    windowAlarm('slow-short', 300, 0.1),
    composite('fast', `ALARM("${arn('fast-long')}") AND ALARM("${arn('fast-short')}")`),
    composite('slow', `ALARM("${arn('slow-long')}") AND ALARM("${arn('slow-short')}")`, {
      suppressor: { alarm: arn('fast'), waitSeconds, extensionSeconds },
    }),
  ];

  it('sends the held page when the extension ends before the slower tier resets', () => {
    const r = run('outage:100%:10m', alarms(60));
    const fastOk = changes(r, 'fast').find(([, s]) => s === 'OK')![0];
    const slowAlarm = r.transitions.find((t) => t.alarm === 'slow' && t.to === 'ALARM')!;
    expect(slowAlarm.actions).toBe('delayed');
    const held = r.notifications.find((n) => n.alarm === 'slow')!;
    expect([held.state, held.offsetSeconds, held.releasedBy]).toEqual(['ALARM', fastOk + 60, 'ExtensionPeriod']);
    expect(held.stateChangeAt).toBe(slowAlarm.at);
  });

  it('keeps the slower tier silent when the extension covers its short window', () => {
    const r = run('outage:100%:10m', alarms(300));
    expect(r.transitions.filter((t) => t.alarm === 'slow').map((t) => [t.to, t.actions])).toEqual([
      ['ALARM', 'suppressed'],
      ['OK', 'suppressed'],
    ]);
    expect(r.notifications.map((n) => [n.alarm, n.state])).toEqual([
      ['fast', 'ALARM'],
      ['fast', 'OK'],
    ]);
    const fast = r.notifications[0];
    expect(fast.reason).toBe(`${arn('fast-long')} transitioned to ALARM at Monday 07 December, 2026 10:03:00 UTC`);
  });

  it('performs the actions after the WaitPeriod when the suppressor never fires', () => {
    const r = run('degradation:20%:30m', alarms(300, 120));
    const slow = r.transitions.find((t) => t.alarm === 'slow' && t.to === 'ALARM')!;
    const sent = r.notifications.find((n) => n.alarm === 'slow' && n.state === 'ALARM')!;
    expect(changes(r, 'fast')).toEqual([]);
    expect([sent.offsetSeconds - slow.offsetSeconds, sent.releasedBy]).toEqual([120, 'WaitPeriod']);
  });

  it('names a reference to an alarm it was not given', () => {
    expect(() => run('outage:100%:10m', [composite('lonely', 'ALARM(nowhere)')])).toThrow(
      /alarm lonely: AlarmRule reference "nowhere" is not one of the simulated alarms/,
    );
  });
});
