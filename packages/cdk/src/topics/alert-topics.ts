import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subs from 'aws-cdk-lib/aws-sns-subscriptions';
import { SnsAlarmActionStrategy, type IAlarmActionStrategy } from 'cdk-monitoring-constructs';
import { Construct } from 'constructs';
import type { ISeverityActions } from '../actions';
import { inputError } from '../errors';
import { AlarmSeverity } from '../severity';
import { applyTags, SreTagKeys } from '../tags';

/** An email address and the severities it receives. */
export interface EmailSubscription {
  readonly address: string;
  /** @default [CRITICAL, WARNING] */
  readonly severities?: AlarmSeverity[];
}

/**
 * Something that consumes the alert topics, typically the alert router Lambda
 * (`AlertRouter` in @sre-kit/cdk): it subscribes itself to every topic.
 */
export interface IAlertTopicsConsumer {
  /** Called once by `AlertTopics.connect`; subscribe to `topics.topics` here. */
  bindToTopics(topics: AlertTopics): void;
}

export interface AlertTopicsProps {
  /**
   * Topic name prefix; topics are named `<prefix>-critical`, `<prefix>-warning`, `<prefix>-info`.
   * @default - CloudFormation generates names
   */
  readonly topicNamePrefix?: string;
  /**
   * Customer managed KMS key for server-side encryption. CloudWatch must be
   * allowed to use it; the kit adds that grant to keys it can modify.
   * @default - no encryption unless `createEncryptionKey` is set
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Create a customer managed key (rotation enabled, CloudWatch allowed). An AWS
   * managed key cannot be used: CloudWatch alarms cannot publish to topics it encrypts.
   * @default false
   */
  readonly createEncryptionKey?: boolean;
  /** @default - no email subscriptions */
  readonly emails?: EmailSubscription[];
}

const SEVERITIES: readonly AlarmSeverity[] = [AlarmSeverity.CRITICAL, AlarmSeverity.WARNING, AlarmSeverity.INFO];
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/**
 * One SNS topic per severity (critical, warning, info). Topics deny any
 * publish or subscribe that is not over TLS (`aws:SecureTransport`), can be
 * KMS-encrypted, and take email subscriptions; the alert router plugs in
 * with `connect()`.
 */
export class AlertTopics extends Construct implements ISeverityActions {
  public readonly critical: sns.ITopic;
  public readonly warning: sns.ITopic;
  public readonly info: sns.ITopic;
  /** The key topics are encrypted with, when any. */
  public readonly encryptionKey?: kms.IKey;
  private readonly strategies = new Map<AlarmSeverity, IAlarmActionStrategy>();
  private readonly consumers: IAlertTopicsConsumer[] = [];

  constructor(scope: Construct, id: string, props: AlertTopicsProps = {}) {
    super(scope, id);
    if (props.encryptionKey && props.createEncryptionKey)
      inputError(
        this,
        'both encryptionKey and createEncryptionKey are set',
        'encryptionKey + createEncryptionKey',
        'pass one of them',
      );
    this.encryptionKey = props.encryptionKey ?? (props.createEncryptionKey ? this.createKey() : undefined);
    const topics = new Map<AlarmSeverity, sns.Topic>();
    for (const severity of SEVERITIES) {
      const topic = new sns.Topic(this, capitalise(severity), {
        topicName: props.topicNamePrefix ? `${props.topicNamePrefix}-${severity}` : undefined,
        displayName: `sre-kit ${severity} alerts`,
        masterKey: this.encryptionKey,
        enforceSSL: true,
      });
      applyTags(topic, { [SreTagKeys.SEVERITY]: severity });
      if (!this.encryptionKey) {
        // Acknowledged through aws-cdk-lib's own Validations (what cdk-nag v3 reads), so the kit needs no cdk-nag at run time.
        Validations.of(topic).acknowledge({
          id: 'AwsSolutions-SNS2',
          reason:
            'Alarm notifications carry alarm names and metric values only; encryption is opt-in ' +
            '(encryptionKey / createEncryptionKey) because an AWS managed key would block CloudWatch.',
        });
      }
      topics.set(severity, topic);
      this.strategies.set(severity, new SnsAlarmActionStrategy({ onAlarmTopic: topic, onOkTopic: topic }));
    }
    this.critical = topics.get(AlarmSeverity.CRITICAL)!;
    this.warning = topics.get(AlarmSeverity.WARNING)!;
    this.info = topics.get(AlarmSeverity.INFO)!;
    for (const email of props.emails ?? []) this.addEmail(email);
  }

  /** All three topics, most severe first. */
  public get topics(): sns.ITopic[] {
    return [this.critical, this.warning, this.info];
  }

  public topicFor(severity: AlarmSeverity): sns.ITopic {
    return severity === AlarmSeverity.CRITICAL
      ? this.critical
      : severity === AlarmSeverity.WARNING
        ? this.warning
        : this.info;
  }

  /** Notifies the topic of the severity on ALARM and on OK (the router needs OK to send "resolved"). */
  public actionFor(severity: AlarmSeverity): IAlarmActionStrategy | undefined {
    return this.strategies.get(severity)!;
  }

  public addEmail(subscription: EmailSubscription): void {
    if (!EMAIL.test(subscription.address))
      inputError(
        this,
        'invalid email address for a subscription',
        subscription.address,
        'use an address like oncall@example.com',
      );
    for (const severity of subscription.severities ?? [AlarmSeverity.CRITICAL, AlarmSeverity.WARNING])
      this.topicFor(severity).addSubscription(new subs.EmailSubscription(subscription.address));
  }

  /** Subscribes the same endpoint to every topic (for example a chat bridge). */
  public addSubscriptionToAll(subscription: sns.ITopicSubscription): void {
    for (const topic of this.topics) topic.addSubscription(subscription);
  }

  /** Extension point for the alert router: it subscribes itself to the topics. Idempotent per consumer. */
  public connect(consumer: IAlertTopicsConsumer): void {
    if (this.consumers.includes(consumer)) return;
    this.consumers.push(consumer);
    consumer.bindToTopics(this);
  }

  private createKey(): kms.Key {
    const key = new kms.Key(this, 'Key', {
      description: `sre-kit alert topics (${this.node.path})`,
      enableKeyRotation: true,
      pendingWindow: Duration.days(7),
    });
    // CloudWatch publishes to the topic as a service, so the key must let the service encrypt.
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );
    return key;
  }
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
