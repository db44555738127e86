import type { AlarmPolicy, AlertRouting } from '../model/alarms';
import type { ErrorBudgetPolicySpec } from '../model/error-budget-policy';
import type { BurnRatePolicy, SourceLocation, Slo } from '../model/slo';
import type { PanelGroup } from '../dashboards/panels';
import type { Diagnostic } from './diagnostics';

/** An OpenSLO `Service`. */
export interface ServiceSpec {
  readonly name: string;
  readonly displayName?: string;
  readonly description?: string;
  readonly location: SourceLocation;
}

/** An OpenSLO `DataSource`: `metricSourceRef` takes its `type` from here. */
export interface DataSourceSpec {
  readonly name: string;
  readonly type: string;
  readonly connectionDetails: unknown;
  readonly location: SourceLocation;
}

/** An OpenSLO `AlertNotificationTarget` (kept for reference; sre-kit routes through AlertRouting). */
export interface NotificationTargetSpec {
  readonly name: string;
  readonly target?: string;
  readonly description?: string;
  readonly location: SourceLocation;
}

/** Everything loaded from a set of spec files, plus every problem found in them. */
export interface SpecSet {
  readonly files: readonly string[];
  readonly slos: readonly Slo[];
  readonly alarmPolicies: readonly AlarmPolicy[];
  readonly routings: readonly AlertRouting[];
  /** Sloth `AlertWindows`, keyed by `metadata.name` or else the file name without extension. */
  readonly alertWindows: Readonly<Record<string, BurnRatePolicy>>;
  readonly services: readonly ServiceSpec[];
  readonly dataSources: readonly DataSourceSpec[];
  readonly notificationTargets: readonly NotificationTargetSpec[];
  /** Explicit dashboard panels (`kind: Dashboard`). */
  readonly dashboardPanels: readonly PanelGroup[];
  /** `kind: ErrorBudgetPolicy`: what may deploy at which remaining budget (`sre gate`). */
  readonly errorBudgetPolicies: readonly ErrorBudgetPolicySpec[];
  /** Errors and warnings, sorted by file and position. */
  readonly diagnostics: readonly Diagnostic[];
}
