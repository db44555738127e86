import type { IAlarmActionStrategy } from 'cdk-monitoring-constructs';
import { AlarmSeverity } from './severity';

/**
 * Where alarms of each severity send their notifications. `AlertTopics`
 * implements it with one SNS topic per severity; `SeverityActions` wraps any
 * cdk-monitoring-constructs action strategies, so a team that already has
 * strategies (OpsItem, Lambda, SNS) keeps them.
 */
export interface ISeverityActions {
  /** The action strategy for alarms of this severity; undefined means "no action" (reported at synth time). */
  actionFor(severity: AlarmSeverity): IAlarmActionStrategy | undefined;
}

/** Per-severity cdk-monitoring-constructs action strategies. */
export interface SeverityActionsProps {
  /** @default - critical alarms have no action (an error unless allowed) */
  readonly critical?: IAlarmActionStrategy;
  /** @default - warning alarms have no action */
  readonly warning?: IAlarmActionStrategy;
  /** @default - info alarms have no action */
  readonly info?: IAlarmActionStrategy;
}

/** `ISeverityActions` from explicit cdk-monitoring-constructs strategies. */
export class SeverityActions implements ISeverityActions {
  /** One strategy per severity. */
  public static fromStrategies(props: SeverityActionsProps): SeverityActions {
    return new SeverityActions(props);
  }

  /** The same strategy for every severity. */
  public static all(strategy: IAlarmActionStrategy): SeverityActions {
    return new SeverityActions({ critical: strategy, warning: strategy, info: strategy });
  }

  private constructor(private readonly props: SeverityActionsProps) {}

  public actionFor(severity: AlarmSeverity): IAlarmActionStrategy | undefined {
    switch (severity) {
      case AlarmSeverity.CRITICAL:
        return this.props.critical;
      case AlarmSeverity.WARNING:
        return this.props.warning;
      default:
        return this.props.info;
    }
  }
}
