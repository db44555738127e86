/**
 * `sre audit`: what the specs would deploy versus what CloudWatch holds.
 *
 * Expected alarms follow @sre-kit/cdk's names: resource alarms
 * `<service>-<resource>-<catalogueId>` (a `-<suffix>` is allowed for
 * per-target copies); SLO tiers `<service>-<slo>-<tier>` (composite, carries
 * the actions), `<service>-<slo>-<tier>-long|short` (window alarms, no
 * actions by design) and `<service>-<slo>-<tier>-faster-firing` (suppressor
 * composites, as planTierSuppression plans them). Window thresholds are
 * `burnRate x (1 - objective)` (metric math) or `burnRate` (Application
 * Signals burn-rate metrics); either is accepted.
 */
import { resolveAlarms } from '../catalogue/resolve';
import { errorBudget } from '../math/budget';
import { planTierSuppression } from '../math/slo-alarms';
import type { AlarmPolicy } from '../model/alarms';
import type { Slo } from '../model/slo';

export interface ExpectedAlarm {
  readonly name: string;
  readonly kind: 'metric' | 'composite';
  /** Acceptable thresholds (metric alarms with a threshold known from the specs). */
  readonly thresholds?: readonly number[];
  /** Window alarms and suppressors feed composites and carry no actions on purpose. */
  readonly needsActions: boolean;
  /** Resource alarms may be created once per target with a suffix. */
  readonly allowSuffix: boolean;
  readonly source: string;
}

/** The audit's view of one deployed alarm (from DescribeAlarms). */
export interface DeployedAlarm {
  readonly name: string;
  readonly kind: 'metric' | 'composite';
  readonly state?: string;
  /** Epoch seconds of the last state change. */
  readonly stateUpdated?: number;
  readonly threshold?: number;
  readonly actionsEnabled: boolean;
  readonly actions: number;
  readonly description?: string;
  /** Set when the alarm's metrics returned no datapoint in the lookback (filled by the caller). */
  readonly noData?: boolean;
}

export type FindingKind = 'missing' | 'extra' | 'threshold' | 'insufficient-data' | 'no-datapoints' | 'no-actions';

export interface AuditFinding {
  readonly kind: FindingKind;
  readonly alarm: string;
  readonly message: string;
}

const ID_SAFE = /[^A-Za-z0-9_.-]+/g;

export function expectedAlarms(slos: readonly Slo[], policies: readonly AlarmPolicy[]): ExpectedAlarm[] {
  const out: ExpectedAlarm[] = [];
  for (const policy of policies)
    for (const a of resolveAlarms(policy))
      out.push({
        name: `${a.service}-${a.resourceId}-${a.catalogueId}`.replace(ID_SAFE, '-'),
        kind: 'metric',
        ...(a.threshold !== undefined ? { thresholds: [a.threshold] } : {}),
        needsActions: true,
        allowSuffix: true,
        source: `alarm policy ${policy.name}: ${a.catalogueId} on ${a.resourceId}`,
      });
  for (const slo of slos) {
    if (!slo.alerting.enabled) continue;
    const prefix = `${slo.service}-${slo.name}`;
    slo.alerting.policy.tiers.forEach((tier) => {
      const source = `SLO ${slo.name} tier ${tier.name}`;
      const thresholds = [tier.burnRate * errorBudget(slo.objective), tier.burnRate];
      for (const w of ['long', 'short'])
        out.push({
          name: `${prefix}-${tier.name}-${w}`,
          kind: 'metric',
          thresholds,
          needsActions: false,
          allowSuffix: false,
          source,
        });
      out.push({ name: `${prefix}-${tier.name}`, kind: 'composite', needsActions: true, allowSuffix: false, source });
    });
    // The suppressors the CDK renders and the cost model bills, from the same plan.
    for (const s of planTierSuppression(slo.alerting.policy.tiers).suppressors)
      out.push({
        name: `${prefix}-${s.key}`,
        kind: 'composite',
        needsActions: false,
        allowSuffix: false,
        source: `SLO ${slo.name} tier ${s.suppresses}`,
      });
  }
  return out;
}

/** Alarm-name prefixes to ask DescribeAlarms for: one per service. */
export function auditPrefixes(slos: readonly Slo[], policies: readonly AlarmPolicy[]): string[] {
  return [...new Set([...slos.map((s) => s.service), ...policies.map((p) => p.service)])].sort().map((s) => `${s}-`);
}

function close(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

export interface AuditOptions {
  /** Epoch seconds "now"; INSUFFICIENT_DATA for longer than `stuckAfterSeconds` is reported. */
  readonly now: number;
  readonly stuckAfterSeconds?: number;
}

/** Every finding, sorted by alarm name then kind. */
export function auditAlarms(
  expected: readonly ExpectedAlarm[],
  deployed: readonly DeployedAlarm[],
  options: AuditOptions,
): AuditFinding[] {
  const findings: AuditFinding[] = [];
  const matched = new Set<string>();
  const stuckAfter = options.stuckAfterSeconds ?? 3600;
  const expectationOf = new Map<string, ExpectedAlarm>();
  for (const e of expected) {
    const hits = deployed.filter((d) => d.name === e.name || (e.allowSuffix && d.name.startsWith(`${e.name}-`)));
    if (hits.length === 0) {
      findings.push({ kind: 'missing', alarm: e.name, message: `not deployed (expected from ${e.source})` });
      continue;
    }
    for (const d of hits) {
      matched.add(d.name);
      expectationOf.set(d.name, e);
      if (e.thresholds && d.threshold !== undefined && !e.thresholds.some((t) => close(t, d.threshold ?? NaN)))
        findings.push({
          kind: 'threshold',
          alarm: d.name,
          message: `threshold ${d.threshold} differs from the specs (${e.thresholds.map((t) => Number(t.toPrecision(6))).join(' or ')})`,
        });
    }
  }
  for (const d of deployed) {
    const e = expectationOf.get(d.name);
    if (!matched.has(d.name))
      findings.push({
        kind: 'extra',
        alarm: d.name,
        message: 'deployed but not in the specs (removed from the specs, or created by hand)',
      });
    if (
      d.kind === 'metric' &&
      d.state === 'INSUFFICIENT_DATA' &&
      d.stateUpdated !== undefined &&
      options.now - d.stateUpdated > stuckAfter
    )
      findings.push({
        kind: 'insufficient-data',
        alarm: d.name,
        message: `INSUFFICIENT_DATA since ${new Date(d.stateUpdated * 1000).toISOString()}: it cannot fire`,
      });
    if (d.noData)
      findings.push({
        kind: 'no-datapoints',
        alarm: d.name,
        message: 'its metrics had no datapoints in the lookback: wrong dimensions, or nothing publishes them',
      });
    const needsActions = e ? e.needsActions : true;
    if (needsActions && (!d.actionsEnabled || d.actions === 0))
      findings.push({
        kind: 'no-actions',
        alarm: d.name,
        message: d.actionsEnabled ? 'no alarm actions: it fires without telling anyone' : 'actions are disabled',
      });
  }
  return findings.sort((a, b) => a.alarm.localeCompare(b.alarm) || a.kind.localeCompare(b.kind));
}
