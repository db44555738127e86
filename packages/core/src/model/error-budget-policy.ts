/**
 * An error-budget policy (`kind: ErrorBudgetPolicy`, apiVersion sre-kit/v1): what may still be
 * deployed at which level of an SLO's remaining period budget. `sre gate` applies it in CI/CD.
 */
import type { SourceLocation } from './slo';

/** A budget level: at or past it only the `allow`ed kinds of change may ship. */
export interface ErrorBudgetLevel {
  /** `exhausted`, `low`, ... as written; defaults to `below-<n>%` or `exhausted`. */
  readonly name: string;
  /**
   * The level holds while the remaining fraction of the period budget is below this (0.25 = 25 %).
   * 0 means "exhausted": nothing left (remaining at or below zero).
   */
  readonly remainingBelow: number;
  /** Kinds of change still allowed (a subset of the policy's `changes`); empty: freeze. */
  readonly allow: readonly string[];
  /** What the team does at this level, said in the gate's reason. */
  readonly action?: string;
  readonly location: SourceLocation;
}

export interface ErrorBudgetPolicySpec {
  readonly name: string;
  readonly description?: string;
  /** SLO names the policy governs; undefined: every SLO no other policy names. */
  readonly slos?: readonly string[];
  /** The kinds of change a pipeline may announce (`sre gate --change`); default feature and fix. */
  readonly changes: readonly string[];
  /** Most severe first (lowest `remainingBelow`). */
  readonly levels: readonly ErrorBudgetLevel[];
  readonly location: SourceLocation;
}

export const DEFAULT_CHANGE_KINDS: readonly string[] = ['feature', 'fix'];
