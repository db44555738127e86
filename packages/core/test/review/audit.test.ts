import { loadSpecTexts } from '../../src/spec';
import { auditAlarms, auditPrefixes, expectedAlarms, type DeployedAlarm } from '../../src/review';
import { makeSlo } from './helpers';

const slo = makeSlo();
const NOW = 1_800_000_000;

function ok(name: string, over: Partial<DeployedAlarm> = {}): DeployedAlarm {
  return { name, kind: 'metric', state: 'OK', stateUpdated: NOW - 86400, actionsEnabled: true, actions: 1, ...over };
}

describe('expected alarms', () => {
  it('lists window, composite and suppressor alarms per tier under the CDK names', () => {
    const names = expectedAlarms([slo], []).map((e) => `${e.kind} ${e.name}`);
    expect(names).toHaveLength(14);
    expect(names).toContain('metric checkout-availability-page-1h-long');
    expect(names).toContain('composite checkout-availability-ticket-1d');
    expect(names).toContain('composite checkout-availability-ticket-3d-faster-firing');
    expect(names).not.toContain('composite checkout-availability-page-6h-faster-firing');
    expect(expectedAlarms([makeSlo({ alerting: { ...slo.alerting, enabled: false } })], [])).toEqual([]);
    expect(auditPrefixes([slo, makeSlo({ name: 'x' })], [])).toEqual(['checkout-']);
  });

  it('expects the suppressors the plan makes, whatever order the policy lists its tiers in', () => {
    const reversed = makeSlo({
      alerting: {
        ...slo.alerting,
        policy: { ...slo.alerting.policy, tiers: [...slo.alerting.policy.tiers].reverse() },
      },
    });
    const suppressors = expectedAlarms([reversed], [])
      .filter((e) => e.name.endsWith('-faster-firing'))
      .map((e) => e.name);
    expect(suppressors).toEqual([
      'checkout-availability-ticket-1d-faster-firing',
      'checkout-availability-ticket-3d-faster-firing',
    ]);
  });
});

describe('auditAlarms', () => {
  const expected = expectedAlarms([slo], []);
  const healthy = expected.map((e) =>
    ok(e.name, {
      kind: e.kind,
      threshold: e.kind === 'metric' ? e.thresholds?.[0] : undefined,
      actions: e.needsActions ? 1 : 0,
    }),
  );

  it('is clean when CloudWatch matches, accepting Application Signals thresholds (the burn rate itself)', () => {
    expect(auditAlarms(expected, healthy, { now: NOW })).toEqual([]);
    const appSignals = healthy.map((d) => (d.name.endsWith('page-1h-long') ? { ...d, threshold: 14.4 } : d));
    expect(auditAlarms(expected, appSignals, { now: NOW })).toEqual([]);
  });

  it('reports each kind of drift once, sorted by alarm', () => {
    const drifted = healthy
      .filter((d) => !d.name.endsWith('ticket-3d-short'))
      .map((d) => {
        if (d.name.endsWith('page-1h-long')) return { ...d, threshold: 0.05 };
        if (d.name.endsWith('page-6h-long')) return { ...d, state: 'INSUFFICIENT_DATA', stateUpdated: NOW - 7200 };
        if (d.name.endsWith('page-6h-short')) return { ...d, state: 'INSUFFICIENT_DATA', stateUpdated: NOW - 60 };
        if (d.name === 'checkout-availability-page-1h') return { ...d, actionsEnabled: false };
        if (d.name.endsWith('ticket-1d-long')) return { ...d, noData: true };
        return d;
      });
    drifted.push(ok('checkout-availability-old'));
    expect(auditAlarms(expected, drifted, { now: NOW }).map((f) => `${f.kind} ${f.alarm}`)).toEqual([
      'extra checkout-availability-old',
      'no-actions checkout-availability-page-1h',
      'threshold checkout-availability-page-1h-long',
      'insufficient-data checkout-availability-page-6h-long',
      'no-datapoints checkout-availability-ticket-1d-long',
      'missing checkout-availability-ticket-3d-short',
    ]);
  });
});

describe('auditAlarms against an alarm policy', () => {
  // The lambda.errors default and the throttles opt-out are what a team edits most.
  const { alarmPolicies, diagnostics } = loadSpecTexts([
    {
      file: 'alarms/shop.yaml',
      text: `apiVersion: sre-kit/v1
kind: AlarmPolicy
metadata:
  name: shop-alarms
spec:
  service: shop
  defaults:
    lambda.errors: { threshold: 0 }
  families:
    lambda:
      resources:
        - id: checkout
          dimensions: { FunctionName: shop-checkout }
          properties: { timeoutMs: 20000 }
          overrides:
            lambda.throttles: { enabled: false }
`,
    },
  ]);
  const expected = expectedAlarms([], alarmPolicies);
  const healthy = expected.map((e) => ok(e.name, { threshold: e.thresholds?.[0] }));

  it('expects one alarm per enabled catalogue entry, thresholds from defaults and resource properties', () => {
    expect(diagnostics).toEqual([]);
    expect(expected.map((e) => [e.name, e.thresholds, e.allowSuffix, e.needsActions])).toEqual([
      ['shop-checkout-lambda.errors', [0], true, true],
      // 90 % of the 20 s timeout; the quota falls back to the account default of 1000.
      ['shop-checkout-lambda.duration', [18000], true, true],
      ['shop-checkout-lambda.concurrent-executions', [900], true, true],
    ]);
    expect(expected[0].source).toBe('alarm policy shop-alarms: lambda.errors on checkout');
    expect(auditPrefixes([], alarmPolicies)).toEqual(['shop-']);
  });

  it('is clean when CloudWatch matches, including per-target copies with a suffix', () => {
    expect(auditAlarms(expected, healthy, { now: NOW })).toEqual([]);
    const copies = [...healthy, ok('shop-checkout-lambda.errors-live', { threshold: 0 })];
    expect(auditAlarms(expected, copies, { now: NOW })).toEqual([]);
  });

  it('reports a missing family alarm, an opted-out one still deployed and a threshold changed by hand', () => {
    const drifted = healthy
      .filter((d) => d.name !== 'shop-checkout-lambda.concurrent-executions')
      .map((d) => (d.name === 'shop-checkout-lambda.duration' ? { ...d, threshold: 30000 } : d));
    drifted.push(ok('shop-checkout-lambda.throttles', { threshold: 1 }));
    expect(auditAlarms(expected, drifted, { now: NOW })).toEqual([
      {
        kind: 'missing',
        alarm: 'shop-checkout-lambda.concurrent-executions',
        message: 'not deployed (expected from alarm policy shop-alarms: lambda.concurrent-executions on checkout)',
      },
      {
        kind: 'threshold',
        alarm: 'shop-checkout-lambda.duration',
        message: 'threshold 30000 differs from the specs (18000)',
      },
      {
        kind: 'extra',
        alarm: 'shop-checkout-lambda.throttles',
        message: expect.stringMatching(/^deployed but not in the specs/),
      },
    ]);
  });

  it('checks a copy with a suffix like the alarm it copies', () => {
    const copies = [...healthy, ok('shop-checkout-lambda.duration-canary', { threshold: 25000, actions: 0 })];
    expect(auditAlarms(expected, copies, { now: NOW }).map((f) => `${f.kind} ${f.alarm}`)).toEqual([
      'no-actions shop-checkout-lambda.duration-canary',
      'threshold shop-checkout-lambda.duration-canary',
    ]);
  });
});
