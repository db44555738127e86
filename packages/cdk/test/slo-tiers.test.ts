/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized CloudFormation is untyped JSON */
import { Duration, type Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { parseAlarmDescription } from '@sre-kit/core';
import { ServiceLevelObjective, SloAlarmMode, SloTierSeverity, type BurnRateTierProps } from '../src';
import { alarmsByName, compositesByName, newSlo, newStack, tagsOf, type SloProps as Props } from './helpers';

// Synth-time validation of ServiceLevelObjective, its custom tiers (names, budget fractions, rule warnings) and what
// tiers.ts writes into every alarm. Each test builds its own constructs in its body (see slo.test.ts on why).

const bad = new cloudwatch.Metric({ namespace: 'Shop', metricName: 'CheckoutFailed', statistic: 'Sum' });
const total = new cloudwatch.Metric({ namespace: 'Shop', metricName: 'CheckoutStarted', statistic: 'Sum' });

/** One SLO `Slo` (service shop, name x, 99 %) in stack `stackId`, with `props` on top. */
function build(props: Partial<Props> = {}, stackId = 'Bad'): { stack: Stack; slo: ServiceLevelObjective } {
  return newSlo({ badMetric: bad, totalMetric: total }, props, stackId);
}

/** The warnings on `path` by their acknowledgement id (`addWarningV2` appends ` [ack: <id>]` to the message). */
function warningsById(stack: Stack, path: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const w of Annotations.fromStack(stack).findWarning(path, Match.anyValue())) {
    const m = /^(.*) \[ack: (.+)\]$/s.exec(String(w.entry.data));
    if (m) out.set(m[2], m[1]);
  }
  return out;
}

const page = (longWindow: Duration, burnRate: number, extra: Partial<BurnRateTierProps> = {}): BurnRateTierProps => ({
  severity: SloTierSeverity.PAGE,
  longWindow,
  burnRate,
  ...extra,
});

describe('inputs are checked at synth, naming the construct path and the value', () => {
  test.each([
    ['sloName', { sloName: 'bad name' }, /^Bad\/Slo: sloName .*\(got "bad name"\)/],
    ['service', { service: '-shop' }, /^Bad\/Slo: service .*\(got "-shop"\)/],
    ['objective 0', { objective: 0 }, /^Bad\/Slo: objective must be a ratio in \(0, 1\) \(got 0\)/],
    ['objective 1', { objective: 1 }, /^Bad\/Slo: objective must be a ratio in \(0, 1\) \(got 1\)/],
    ['a period under an hour', { period: Duration.seconds(3599) }, /^Bad\/Slo: period must be .* \(got 3599\)/],
    ['no tiers', { tiers: [] }, /^Bad\/Slo: no burn-rate tiers \(got \[\]\)/],
    ['burnRate 0', { tiers: [page(Duration.hours(1), 0)] }, /^Bad\/Slo: tier page-1h: burnRate must be > 0 \(got 0\)/],
    [
      'a short window as long as the long one',
      { tiers: [page(Duration.hours(1), 14.4, { shortWindow: Duration.hours(1) })] },
      /^Bad\/Slo: tier page-1h: the short window .* \(got "1h"\)\. Fix: use about 5m/,
    ],
    [
      // Both default to `<severity>-<long window>`.
      'two tiers with the same name',
      { tiers: [page(Duration.hours(1), 14.4), page(Duration.hours(1), 6, { shortWindow: Duration.minutes(10) })] },
      /^Bad\/Slo: two tiers have the same name \(got "page-1h"\)/,
    ],
    ['a fractional minEvents', { minEvents: 2.5 }, /^Bad\/Slo: minEvents must be a whole number .* \(got 2\.5\)/],
  ] as [string, Partial<Props>, RegExp][])('%s is rejected', (_what, props, error) => {
    expect(() => build(props)).toThrow(error);
  });

  test('a period that is not whole seconds is refused (by Duration, before the SLO sees it)', () => {
    expect(() => build({ period: Duration.millis(3_600_500) })).toThrow(/whole number of seconds/);
  });

  test('a one-hour period is the shortest accepted: its one tier is the 1x ticket over 1h', () => {
    const { slo } = build({ period: Duration.hours(1) }, 'Hour');
    expect(slo._tiers.map((t) => [t.name, t.burnRate])).toEqual([['ticket-1h', 1]]);
  });

  test('objective 0.5 is accepted; the default tiers that cannot fire at it are dropped, each with its warning id', () => {
    const { stack, slo } = build({ objective: 0.5 }, 'Half');
    // 14.4, 6 and 3 x 50 % are all >= 1: only the 1x ticket can fire.
    expect(slo._tiers.map((t) => t.name)).toEqual(['ticket-3d']);
    expect(slo.thresholds).toEqual([0.5]);
    const dropped = [...warningsById(stack, '/Half/Slo').keys()].filter((id) => id.includes('tier-cannot-fire'));
    expect(dropped.sort()).toEqual(
      ['page-1h', 'page-6h', 'ticket-1d'].map((tier) => `@sre-kit/cdk:tier-cannot-fire:${tier}`).sort(),
    );
  });

  test('minEvents 0 is accepted and turns the guard off on every long window', () => {
    const { stack } = build({ minEvents: 0 }, 'NoGuard');
    const alarms = [...alarmsByName(Template.fromStack(stack)).values()];
    expect(alarms).toHaveLength(8);
    for (const a of alarms) expect(JSON.stringify(a.props.Metrics)).not.toContain('IF(total <');
  });
});

describe('custom tiers', () => {
  const custom = () =>
    build(
      {
        objective: 0.999,
        tiers: [
          page(Duration.hours(2), 10, { minEvents: 120 }),
          { severity: SloTierSeverity.TICKET, longWindow: Duration.days(3), burnRate: 1, name: 'slow' },
          page(Duration.hours(6), 6),
        ],
      },
      'Custom',
    );

  test('are named <severity>-<long window> unless named, ordered fastest first, short window long / 12', () => {
    const { slo, stack } = custom();
    expect(slo._tiers.map((t) => [t.name, t.burnRate, t.longWindowSeconds, t.shortWindowSeconds])).toEqual([
      ['page-2h', 10, 7200, 600],
      ['page-6h', 6, 21600, 1800],
      ['slow', 1, 259200, 21600],
    ]);
    expect(slo.tierAlarms.map((a) => a.node.id)).toEqual(['page-2h', 'page-6h', 'slow']);
    expect([...compositesByName(Template.fromStack(stack)).keys()].sort()).toEqual(
      ['shop-x-page-2h', 'shop-x-page-6h', 'shop-x-slow', 'shop-x-slow-faster-firing'].sort(),
    );
    // They keep the burn-rate rules: no tier-rule warning.
    expect([...warningsById(stack, '/Custom/Slo').keys()]).toEqual([]);
  });

  test("a tier's budget fraction at detection is burnRate x long window / period, in its composite's description", () => {
    const { stack } = custom();
    const composites = compositesByName(Template.fromStack(stack));
    const text = (name: string) => parseAlarmDescription(composites.get(name)!.props.AlarmDescription).text;
    // 10 x 2h / 30d = 2.78 %; 6 x 6h / 30d = 5 %; 1 x 3d / 30d = 10 %.
    expect(text('shop-x-page-2h')).toMatch(
      /^\[critical\] SLO x \(objective 0\.999\) .* more than 10x over 7200s and 600s \(2\.8 % of the budget spent/,
    );
    expect(text('shop-x-page-6h')).toMatch(/ more than 6x over 21600s and 1800s \(5 % of the budget spent/);
    expect(text('shop-x-slow')).toMatch(/^\[warning\] .* more than 1x over 259200s and 21600s \(10 % of the budget/);
  });

  test('window alarms describe their window, burn rate and guard, and carry the tier and window in their metadata', () => {
    const { stack } = custom();
    const alarms = alarmsByName(Template.fromStack(stack));
    const parsed = (name: string) => parseAlarmDescription(alarms.get(name)!.props.AlarmDescription);
    const long = parsed('shop-x-page-2h-long');
    expect(long.text).toMatch(
      /^SLO x \(0\.999\) page-2h: long window \(7200s\) burning faster than 10x, counted over at least 120 events .*\. Feeds the tier composite; notifies nothing itself\.$/,
    );
    const short = parsed('shop-x-page-2h-short');
    // Short windows carry no guard: nothing between the burn rate and the end of the sentence.
    expect(short.text).toMatch(
      /^SLO x \(0\.999\) page-2h: short window \(600s\) burning faster than 10x\. Feeds the tier composite; notifies nothing itself\.$/,
    );
    for (const [p, window] of [
      [long, 'long'],
      [short, 'short'],
    ] as const) {
      expect(p.metadata).toMatchObject({
        family: 'slo',
        service: 'shop',
        slo: 'x',
        objective: 0.999,
        severity: 'critical',
        tier: 'page-2h',
        role: 'window',
        window,
        burnRate: 10,
        longWindowSeconds: 7200,
        shortWindowSeconds: 600,
        periodSeconds: 30 * 86400,
        sli: 'errorRatio',
      });
      expect(p.warnings).toEqual([]);
      expect(tagsOf(alarms.get(`shop-x-page-2h-${window}`)!.props)['sre-kit:family']).toBe('slo');
    }
  });

  test('the suppressor of the slowest tier names it and says it is one', () => {
    const { stack } = custom();
    const suppressor = compositesByName(Template.fromStack(stack)).get('shop-x-slow-faster-firing')!.props;
    const p = parseAlarmDescription(suppressor.AlarmDescription);
    expect(p.text).toMatch(/^Any tier of SLO x faster than slow is firing; suppresses slow\.$/);
    expect(p.metadata).toMatchObject({ role: 'suppressor', tier: 'slow', longAlarm: 'shop-x-slow-long', slo: 'x' });
  });

  test('tiers sharing a window and burn rate but not the guard get a window alarm each', () => {
    const { stack, slo } = build(
      {
        objective: 0.999,
        tiers: [
          page(Duration.hours(1), 14.4, { name: 'guarded', minEvents: 100 }),
          page(Duration.hours(1), 14.4, { name: 'open', minEvents: 0, shortWindow: Duration.minutes(10) }),
        ],
      },
      'Guards',
    );
    expect(slo.windowAlarms).toHaveLength(4);
    const template = Template.fromStack(stack);
    const alarms = alarmsByName(template);
    const expression = (name: string) =>
      (alarms.get(name)!.props.Metrics as any[]).find((q) => q.ReturnData !== false).Expression as string;
    expect(expression('shop-x-guarded-long')).toContain('IF(total < 100, 100, total)');
    expect(expression('shop-x-open-long')).not.toContain('IF(total <');
    const rule = JSON.stringify(compositesByName(template).get('shop-x-open')!.props.AlarmRule);
    expect(rule).toContain(alarms.get('shop-x-open-long')!.logicalId);
    expect(rule).not.toContain(alarms.get('shop-x-guarded-long')!.logicalId);
  });

  test('each burn-rate rule a custom tier breaks is a warning with id @sre-kit/cdk:tier-rule:<tier>:<rule>', () => {
    const { stack } = build(
      {
        objective: 0.999,
        period: Duration.days(7),
        tiers: [
          page(Duration.hours(6), 1.4),
          { severity: SloTierSeverity.TICKET, longWindow: Duration.days(3), burnRate: 0.5 },
        ],
      },
      'Rules',
    );
    const { stack: fast } = build({ objective: 0.999, tiers: [page(Duration.hours(1), 14.4)] }, 'OnlyFast');
    const ruleIds = (s: Stack, path: string) =>
      [...warningsById(s, path).keys()].filter((id) => id.startsWith('@sre-kit/cdk:tier-rule:')).sort();
    expect(ruleIds(stack, '/Rules/Slo')).toEqual([
      '@sre-kit/cdk:tier-rule:page-6h:page-below-3x',
      '@sre-kit/cdk:tier-rule:ticket-3d:tier-below-0.9x',
    ]);
    expect(ruleIds(fast, '/OnlyFast/Slo')).toEqual(['@sre-kit/cdk:tier-rule:page-1h:slowest-above-1.5x']);
  });
});

test("every alarm's metadata says what it watches: the error ratio in metric math, the BurnRate metric natively", () => {
  const { stack } = newStack('Kinds');
  for (const mode of [SloAlarmMode.METRIC_MATH, SloAlarmMode.APPLICATION_SIGNALS])
    new ServiceLevelObjective(stack, mode, {
      sloName: mode.toLowerCase().replace('_', '-'),
      service: 'shop',
      objective: 0.999,
      badMetric: bad,
      totalMetric: total,
      allowAlarmsWithoutActions: true,
      mode,
    });
  const template = Template.fromStack(stack);
  const sliOf = new Map<string, Set<unknown>>();
  for (const a of [...alarmsByName(template).values(), ...compositesByName(template).values()]) {
    const slo = a.props.AlarmName.split('-').slice(1, 3).join('-');
    sliOf.set(slo, (sliOf.get(slo) ?? new Set()).add(parseAlarmDescription(a.props.AlarmDescription).metadata.sli));
  }
  expect(Object.fromEntries([...sliOf].map(([k, v]) => [k, [...v]]))).toEqual({
    'metric-math': ['errorRatio'],
    'application-signals': ['burnRate'],
  });
});

describe('the low-traffic guard in APPLICATION_SIGNALS mode', () => {
  test.each([
    ['for the SLO', { minEvents: 5 }, true],
    ['for one tier', { tiers: [page(Duration.hours(1), 14.4, { minEvents: 5 })] }, true],
    ['0 for one tier', { tiers: [page(Duration.hours(1), 14.4, { minEvents: 0 })] }, false],
    ['0 for the SLO', { minEvents: 0 }, false],
    ['not given', {}, false],
  ] as [string, Partial<Props>, boolean][])('given %s: warned unsupported: %p', (_what, props, warned) => {
    const { stack, slo } = build({ ...props, mode: SloAlarmMode.APPLICATION_SIGNALS }, 'Native');
    const message = warningsById(stack, '/Native/Slo').get('@sre-kit/cdk:guard-unsupported');
    if (warned) expect(message).toMatch(/^minEvents is ignored in APPLICATION_SIGNALS mode/);
    else expect(message).toBeUndefined();
    // Never applied: the BurnRate metric has no event count.
    for (const t of slo._tiers) expect(t.minEvents).toBeUndefined();
  });
});

test('METRIC_MATH cannot leave exclusion windows out and says so, with their number', () => {
  const { stack } = build(
    {
      exclusionWindows: [
        { reason: 'deploy', duration: Duration.hours(1) },
        { reason: 'patching', duration: Duration.hours(2), recurrence: 'rate(7 day)' },
      ],
    },
    'Excluded',
  );
  Annotations.fromStack(stack).hasInfo(
    '/Excluded/Slo',
    Match.stringLikeRegexp('^2 exclusion window\\(s\\) not written: .*maintenance windows'),
  );
});

test('the dashboard summary states the objective in percent, then one widget per long-window alarm', () => {
  const { slo } = build({ sloName: 'availability', objective: 0.999 }, 'Widgets');
  const widgets = slo.widgets().map((w) => w.toJson()[0]);
  expect(widgets).toHaveLength(5);
  expect(widgets[0].properties.title).toBe('SLO availability (99.9 %)');
  expect(widgets[0].properties.alarms).toHaveLength(4);
  expect(widgets.slice(1).map((w) => w.properties.title)).toEqual(
    ['page-1h', 'page-6h', 'ticket-1d', 'ticket-3d'].map((t) => `${t}-long`),
  );
});
