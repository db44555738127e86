import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { alarmDescriptionFor, tagAlarm, type AlarmSeverity, type SreKit } from '@sre-kit/cdk';
import { Construct } from 'constructs';

/** What every alarm of this file says about itself: who, why this severity, what to do. */
export interface AppAlarmIntent {
  readonly severity: AlarmSeverity;
  /** Why it matters and what to do; the first lines of the alarm description. */
  readonly runbook: string;
}

/** One alarm on a resource the sre-kit catalogue has no family for, drawn in the catalogue's shape. */
export interface AppAlarmProps extends AppAlarmIntent {
  /** `sqs`, `ses`: the family label the router and alarms/ALARMS.md show. */
  readonly family: string;
  /** The resource's logical id, as in alarms/goodgreets.yaml (`delivery-parking`). */
  readonly resourceId: string;
  /** Catalogue-style id `<family>.<check>`; also the cost line's item. */
  readonly check: string;
  readonly title: string;
  readonly metric: cloudwatch.IMetric;
  readonly comparison: cloudwatch.ComparisonOperator;
  readonly threshold: number;
  /** @default TreatMissingData.NOT_BREACHING */
  readonly treatMissingData?: cloudwatch.TreatMissingData;
}

// The catalogue's default evaluation for a queue signal: SQS publishes 1-minute datapoints.
const ONE_MINUTE = Duration.minutes(1);

/**
 * Alarms of the app's own resources outside the kit's seven families (queues, the SES account),
 * made to behave exactly like the kit's: the same alarm-metadata contract (description line and `sre-kit:*` tags), the
 * kit's actions for their severity (so they reach the alert topics and the router), and priced in
 * the kit's cost report so its figure stays the whole observability set.
 */
export class AppAlarms extends Construct {
  public readonly alarms: cloudwatch.Alarm[] = [];

  constructor(
    scope: Construct,
    id: string,
    private readonly kit: SreKit,
  ) {
    super(scope, id);
  }

  public add(props: AppAlarmProps): cloudwatch.Alarm {
    const { family, resourceId, check, severity } = props;
    const service = this.kit.service;
    const action = this.kit.actions.actionFor(severity);
    // The kit refuses alarms nobody hears about; so does this.
    if (!action) throw new Error(`${this.node.path}: the kit has no action for ${severity} alarms (${check})`);
    const alarmName = `${service}-${resourceId}-${check}`;
    const meta = { severity, family, service, resource: resourceId, catalogueId: check };
    const alarm = new cloudwatch.Alarm(this, `${resourceId}-${check}`, {
      alarmName,
      alarmDescription: alarmDescriptionFor(
        this,
        alarmName,
        `[${severity}] ${props.title} (${family}: ${resourceId}, ${check})\nRunbook: ${props.runbook}`,
        meta,
      ),
      metric: props.metric,
      threshold: props.threshold,
      comparisonOperator: props.comparison,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      treatMissingData: props.treatMissingData ?? cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    // `Critical` / `Warning`: the disambiguator the kit passes, so per-disambiguator strategies apply alike.
    action.addAlarmActions({ alarm, action, disambiguator: severity.charAt(0).toUpperCase() + severity.slice(1) });
    tagAlarm(alarm, meta);
    this.kit.priceAlarms(family, check, [alarm]);
    this.alarms.push(alarm);
    return alarm;
  }

  /**
   * A dead-letter queue nothing drains automatically: any visible message is a failure waiting for
   * an operator, and stays visible (the alarm stays in ALARM) until it is redriven or deleted.
   */
  public deadLetterDepth(resourceId: string, queue: sqs.IQueue, intent: AppAlarmIntent): cloudwatch.Alarm {
    return this.add({
      ...intent,
      family: 'sqs',
      resourceId,
      check: 'sqs.dead-letter-messages-visible',
      title: 'Messages in a dead-letter queue',
      metric: queue.metricApproximateNumberOfMessagesVisible({ period: ONE_MINUTE, statistic: 'Maximum' }),
      comparison: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      threshold: 0,
    });
  }

  /**
   * A dead-letter queue a consumer drains within seconds: its depth stays at 0, so count arrivals
   * instead. Producers (Lambda destinations, Scheduler, EventBridge) send with SendMessage, which
   * NumberOfMessagesSent counts; a redrive from a source queue would not be counted.
   */
  public deadLetterArrivals(resourceId: string, queue: sqs.IQueue, intent: AppAlarmIntent): cloudwatch.Alarm {
    return this.add({
      ...intent,
      family: 'sqs',
      resourceId,
      check: 'sqs.dead-letter-messages-sent',
      title: 'Messages sent to a dead-letter queue',
      metric: queue.metricNumberOfMessagesSent({ period: ONE_MINUTE, statistic: 'Sum' }),
      comparison: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      threshold: 0,
    });
  }

  /** The oldest message has waited longer than `maxAge` (SQS reports the age only while messages wait). */
  public oldestMessage(
    resourceId: string,
    queue: sqs.IQueue,
    maxAge: Duration,
    intent: AppAlarmIntent,
  ): cloudwatch.Alarm {
    return this.add({
      ...intent,
      family: 'sqs',
      resourceId,
      check: 'sqs.oldest-message-age',
      title: `Oldest message older than ${maxAge.toHumanString()}`,
      metric: queue.metricApproximateAgeOfOldestMessage({ period: ONE_MINUTE, statistic: 'Maximum' }),
      comparison: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      threshold: maxAge.toSeconds(),
    });
  }

  /**
   * SES account reputation (AWS/SES, no dimensions: the sending account in this region). The values
   * are ratios (0.05 = 5 %) over a representative volume of recent mail, not per period, and appear
   * only once the account has had a bounce or complaint.
   */
  public sesReputation(
    rate: 'BounceRate' | 'ComplaintRate',
    threshold: number,
    intent: AppAlarmIntent,
  ): cloudwatch.Alarm {
    const check = rate === 'BounceRate' ? 'ses.bounce-rate' : 'ses.complaint-rate';
    return this.add({
      ...intent,
      family: 'ses',
      resourceId: 'account',
      check,
      title: `SES ${rate === 'BounceRate' ? 'bounce' : 'complaint'} rate at ${threshold * 100} % or more`,
      metric: new cloudwatch.Metric({
        namespace: 'AWS/SES',
        metricName: `Reputation.${rate}`,
        statistic: 'Maximum',
        // The rate is recomputed now and then, not every minute; an hour always holds the latest value.
        period: Duration.hours(1),
      }),
      comparison: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      threshold,
      // An hour without a new figure says nothing about the rate: keep the state rather than resolve it.
      treatMissingData: cloudwatch.TreatMissingData.IGNORE,
    });
  }
}
