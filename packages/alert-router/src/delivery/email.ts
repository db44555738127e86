/**
 * Email goes through SNS topics with email subscriptions. A receiver's `email`
 * entries are either topic ARNs (published to directly) or addresses; addresses
 * are subscribed by the AlertRouter construct to one shared topic with a filter
 * policy on the `receiver` message attribute, so each receiver reaches only its
 * own people while the router publishes once.
 */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Receiver } from '@sre-kit/core';
import type { EmailMessage } from '../render/email';

export interface EmailTarget {
  readonly topicArn: string;
  /** Set for the shared address topic: the filter policy attribute value. */
  readonly receiver?: string;
}

export class EmailConfigError extends Error {}

/** One publish per distinct topic; addresses collapse into the shared topic. */
export function emailTargets(receiver: Receiver, sharedTopicArn: string | undefined): EmailTarget[] {
  const topics = receiver.email.filter((e) => e.startsWith('arn:'));
  const addresses = receiver.email.filter((e) => !e.startsWith('arn:'));
  const targets: EmailTarget[] = [...new Set(topics)].map((topicArn) => ({ topicArn }));
  if (addresses.length > 0) {
    if (!sharedTopicArn) {
      throw new EmailConfigError(
        `receiver ${receiver.name} lists email addresses but no email topic is configured (set EMAIL_TOPIC_ARN, or list a topic ARN)`,
      );
    }
    targets.push({ topicArn: sharedTopicArn, receiver: receiver.name });
  }
  return targets;
}

export async function publishEmail(sns: SNSClient, target: EmailTarget, message: EmailMessage): Promise<string> {
  const out = await sns.send(
    new PublishCommand({
      TopicArn: target.topicArn,
      Subject: message.subject,
      Message: message.body,
      MessageAttributes: target.receiver
        ? { receiver: { DataType: 'String', StringValue: target.receiver } }
        : undefined,
    }),
  );
  return out.MessageId ?? '';
}
