/**
 * The deploy gate: an ErrorBudgetPolicy applied to the period budgets a review computed. The
 * budget is the review's own (`SloReview.period`), so `sre gate` and `sre review` never disagree
 * on how much is left; this module only decides what that level lets through.
 */
import { formatDuration } from '../duration';
import type { ErrorBudgetLevel, ErrorBudgetPolicySpec } from '../model/error-budget-policy';
import { policyRemaining, type SloReview } from './analyse';

export interface GateSloResult {
  readonly slo: string;
  readonly service: string;
  readonly policy: string;
  /** Remaining fraction of the SLO period's budget (negative: overspent). */
  readonly remaining: number;
  readonly periodSeconds: number;
  /** The data covered the whole period. */
  readonly complete: boolean;
  /** Any events in the period at all. */
  readonly hasData: boolean;
  /** The level the budget is at; undefined above every level (healthy). */
  readonly level?: string;
  readonly allowed: boolean;
  readonly reason: string;
}

export interface GateDecision {
  readonly version: 1;
  readonly change: string;
  readonly allowed: boolean;
  /** One line for the CI log: the deciding SLO first. */
  readonly reason: string;
  readonly slos: readonly GateSloResult[];
  /** Reviewed SLOs no policy governs (not gated). */
  readonly ungoverned: readonly string[];
}

export interface GateDecisionOptions {
  /** Let an SLO with no events in its period pass (default: refuse, since nothing proves the budget). */
  readonly allowNoData?: boolean;
}

/** The policy governing an SLO: the one naming it, else the one without `slos`. */
export function policyForSlo(
  slo: string,
  policies: readonly ErrorBudgetPolicySpec[],
): ErrorBudgetPolicySpec | undefined {
  return policies.find((p) => p.slos?.includes(slo)) ?? policies.find((p) => p.slos === undefined);
}

/** The most severe level holding at `remaining`; exhausted (0) holds at or below zero. */
export function levelAt(policy: ErrorBudgetPolicySpec, remaining: number): ErrorBudgetLevel | undefined {
  const r = policyRemaining(remaining);
  const holds = (l: ErrorBudgetLevel) => (l.remainingBelow === 0 ? r <= 0 : r < l.remainingBelow);
  // Levels are stored most severe first.
  return policy.levels.find(holds);
}

function percent(x: number): string {
  return `${(x * 100).toFixed(1)} %`;
}

function threshold(level: ErrorBudgetLevel): string {
  return level.remainingBelow === 0 ? 'exhausted' : `below ${percent(level.remainingBelow)}`;
}

function allowsText(level: ErrorBudgetLevel): string {
  return level.allow.length === 0 ? 'allows nothing' : `allows only ${level.allow.join(', ')}`;
}

function judge(
  review: SloReview,
  policy: ErrorBudgetPolicySpec,
  change: string,
  options: GateDecisionOptions,
): GateSloResult {
  const p = review.period;
  const base = {
    slo: review.slo,
    service: review.service,
    policy: policy.name,
    remaining: p.remaining,
    periodSeconds: p.seconds,
    complete: p.complete,
    hasData: p.total > 0,
  };
  const left = `${review.slo} has ${percent(p.remaining)} of its ${formatDuration(p.seconds)} error budget left`;
  const partial =
    p.complete || p.total === 0
      ? ''
      : ` (data covers only ${formatDuration(review.to - (p.dataFrom ?? p.from))} of the period)`;
  if (p.total === 0) {
    const allowed = options.allowNoData === true;
    return {
      ...base,
      allowed,
      reason: `${review.slo} has no events in its ${formatDuration(p.seconds)} period: ${allowed ? 'passed (--allow-no-data)' : 'no budget to judge (pass --allow-no-data to let it through)'}`,
    };
  }
  const level = levelAt(policy, p.remaining);
  if (!level)
    return { ...base, allowed: true, reason: `${left}${partial}: above every level of policy ${policy.name}` };
  const allowed = level.allow.includes(change);
  const action = level.action ? `: ${level.action}` : '';
  return {
    ...base,
    level: level.name,
    allowed,
    reason: `${left}${partial}, level "${level.name}" (${threshold(level)}) of policy ${policy.name} ${allowsText(level)}${action}`,
  };
}

/** Kinds of change the governing policies accept; `change` must be one of them for every policy. */
export function unknownChange(change: string, policies: readonly ErrorBudgetPolicySpec[]): string | undefined {
  const refusing = policies.filter((p) => !p.changes.includes(change));
  if (refusing.length === 0) return undefined;
  return `kind of change "${change}" is not declared by ErrorBudgetPolicy ${refusing.map((p) => `${p.name} (${p.changes.join(', ')})`).join(', ')}`;
}

/**
 * Applies the policies to the reviews for one kind of change. Allowed only when every governed
 * SLO allows it; the reason names the SLO with the least budget among those refusing (or, when
 * allowed, the one closest to a level).
 */
export function gateDecision(
  reviews: readonly SloReview[],
  policies: readonly ErrorBudgetPolicySpec[],
  change: string,
  options: GateDecisionOptions = {},
): GateDecision {
  const slos: GateSloResult[] = [];
  const ungoverned: string[] = [];
  for (const review of reviews) {
    const policy = policyForSlo(review.slo, policies);
    if (policy) slos.push(judge(review, policy, change, options));
    else ungoverned.push(review.slo);
  }
  const denied = slos.filter((s) => !s.allowed).sort((a, b) => a.remaining - b.remaining);
  const byRemaining = [...slos].sort((a, b) => a.remaining - b.remaining);
  let reason: string;
  if (slos.length === 0) reason = `${change} refused: no reviewed SLO is governed by an ErrorBudgetPolicy`;
  else if (denied.length > 0) {
    const more = denied.length > 1 ? ` (+${denied.length - 1} more SLO${denied.length > 2 ? 's' : ''} refusing)` : '';
    reason = `${change} refused: ${denied[0].reason}${more}`;
  } else {
    reason = `${change} allowed: ${slos.length} SLO${slos.length > 1 ? 's' : ''} checked; lowest: ${byRemaining[0].reason}`;
  }
  return { version: 1, change, allowed: slos.length > 0 && denied.length === 0, reason, slos, ungoverned };
}
