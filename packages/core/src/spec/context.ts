/**
 * State shared while one spec set is parsed: every document by kind and name
 * (so references resolve across files in any order), memoised parses (so a
 * shared SLI is reported once, not once per SLO using it) and the outputs.
 */
import type { AlarmPolicy, AlertRouting } from '../model/alarms';
import type { ErrorBudgetPolicySpec } from '../model/error-budget-policy';
import type { BurnRatePolicy, Slo, SourceLocation } from '../model/slo';
import type { PanelGroup } from '../dashboards/panels';
import type { Diagnostic } from './diagnostics';
import type { At } from './reader';
import type { DataSourceSpec, NotificationTargetSpec, ServiceSpec } from './types';

export interface SpecDoc {
  readonly root: At;
  readonly kind: string;
  readonly name: string;
  /** Where the name is written: duplicate and reference errors point here. */
  readonly nameAt: At;
}

export interface NamedPolicy {
  readonly name: string;
  readonly policy: BurnRatePolicy;
  readonly location: SourceLocation;
  /** Cursor on each tier's long window, for "longer than the SLO period" errors. */
  readonly windowAt: readonly At[];
}

export function where(location: SourceLocation): string {
  return `${location.file}:${location.line}:${location.col}`;
}

export class ParseContext {
  readonly diagnostics: Diagnostic[] = [];
  /** Named documents (OpenSLO and sre-kit kinds): kind -> name -> document. */
  readonly docs = new Map<string, Map<string, SpecDoc>>();
  readonly slothDocs: At[] = [];
  readonly alertWindowDocs: { root: At; name: string }[] = [];

  readonly slos: Slo[] = [];
  /** Same order as `slos`: where each SLO was declared (for duplicate-name errors). */
  readonly sloNameAt: At[] = [];
  readonly alarmPolicies: AlarmPolicy[] = [];
  readonly routings: AlertRouting[] = [];
  readonly alertWindows = new Map<string, NamedPolicy>();
  readonly services: ServiceSpec[] = [];
  readonly dataSources: DataSourceSpec[] = [];
  readonly notificationTargets: NotificationTargetSpec[] = [];
  readonly dashboardPanels: PanelGroup[] = [];
  readonly errorBudgetPolicies: ErrorBudgetPolicySpec[] = [];

  private readonly memo = new Map<string, unknown>();

  /** Registers a named document; a second one with the same kind and name is an error. */
  register(doc: SpecDoc): void {
    let byName = this.docs.get(doc.kind);
    if (!byName) this.docs.set(doc.kind, (byName = new Map()));
    const first = byName.get(doc.name);
    if (first) {
      doc.nameAt.error(
        `duplicate ${doc.kind} name "${doc.name}"`,
        `first defined at ${where(first.nameAt.location())}; names are unique per kind`,
      );
      return;
    }
    byName.set(doc.name, doc);
  }

  lookup(kind: string, name: string): SpecDoc | undefined {
    return this.docs.get(kind)?.get(name);
  }

  all(kind: string): SpecDoc[] {
    return [...(this.docs.get(kind)?.values() ?? [])];
  }

  names(kind: string): string[] {
    return [...(this.docs.get(kind)?.keys() ?? [])];
  }

  once<T>(key: string, parse: () => T): T {
    if (!this.memo.has(key)) this.memo.set(key, parse());
    return this.memo.get(key) as T;
  }
}
