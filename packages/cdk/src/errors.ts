import type { IConstruct } from 'constructs';

/**
 * A synth-time input error: names the construct path, the bad value and the
 * fix, so `cdk synth` output alone tells the user what to change.
 */
export class SreKitInputError extends Error {
  constructor(scope: IConstruct, problem: string, value: unknown, fix: string) {
    super(`${scope.node.path}: ${problem} (got ${describe(value)}). Fix: ${fix}`);
    this.name = 'SreKitInputError';
  }
}

export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value);
  try {
    const text = JSON.stringify(value);
    return text === undefined ? String(value) : text.length > 200 ? `${text.slice(0, 200)}...` : text;
  } catch {
    return String(value);
  }
}

export function inputError(scope: IConstruct, problem: string, value: unknown, fix: string): never {
  throw new SreKitInputError(scope, problem, value, fix);
}

/**
 * A catalogue registration refused (AlarmCatalogue): names the entry, the field and the value. Not
 * part of the jsii surface (jsii cannot extend Error); its message is the contract.
 */
export class CatalogueRegistrationError extends Error {
  constructor(what: string, field: string, value: unknown, problem: string) {
    super(`${what}: ${field}: ${problem} (got ${describe(value)})`);
    this.name = 'CatalogueRegistrationError';
  }
}
