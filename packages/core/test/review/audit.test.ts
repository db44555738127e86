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
