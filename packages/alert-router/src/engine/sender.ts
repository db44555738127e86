/** Sends one rendered notification to one target of a receiver (a Slack channel or an email topic). */
import type { SNSClient } from '@aws-sdk/client-sns';
import type { Receiver } from '@sre-kit/core';
import { HookPacer } from '../delivery/backoff';
import { emailTargets, publishEmail, type EmailTarget } from '../delivery/email';
import { sendSlack, type SlackSendOptions } from '../delivery/slack';
import type { AlarmEvent } from '../events/types';
import { renderEmail } from '../render/email';
import { renderSlack, type RenderOptions } from '../render/slack';

export type Target =
  | { readonly id: string; readonly kind: 'slack'; readonly channel: string; readonly secretRef: string }
  | { readonly id: string; readonly kind: 'email'; readonly email: EmailTarget };

export function receiverTargets(receiver: Receiver, emailTopicArn: string | undefined): Target[] {
  const slack: Target[] = receiver.slack.map((s) => ({
    id: `slack:${s.channel}`,
    kind: 'slack',
    channel: s.channel,
    secretRef: s.webhookSecret,
  }));
  const email: Target[] = emailTargets(receiver, emailTopicArn).map((t) => ({
    id: `email:${t.topicArn}${t.receiver ? `#${t.receiver}` : ''}`,
    kind: 'email',
    email: t,
  }));
  return [...slack, ...email];
}

export interface SenderOptions {
  readonly resolveWebhook: (ref: string) => Promise<string>;
  /** Replaces every Slack receiver's URL (local replay against a test hook). */
  readonly slackUrlOverride?: string;
  readonly sns?: SNSClient;
  readonly slack?: Omit<SlackSendOptions, 'deadline'>;
  /** Minimum spacing between messages to one webhook from this process. @default 1000 */
  readonly paceMs?: number;
}

export class Sender {
  private readonly pacer: HookPacer;
  messagesSent = 0;
  rateLimited = 0;

  constructor(private readonly options: SenderOptions) {
    this.pacer = new HookPacer(options.paceMs ?? 1000, options.slack?.sleep);
  }

  async send(target: Target, events: readonly AlarmEvent[], render: RenderOptions, deadline: number): Promise<void> {
    if (target.kind === 'slack') {
      const url = this.options.slackUrlOverride ?? (await this.options.resolveWebhook(target.secretRef));
      const message = renderSlack(events, render);
      const release = await this.pacer.acquire(url);
      try {
        const result = await sendSlack(url, message, { ...this.options.slack, deadline });
        this.rateLimited += result.rateLimited;
      } finally {
        release();
      }
    } else {
      if (!this.options.sns) throw new Error(`email target ${target.email.topicArn}: no SNS client configured`);
      await publishEmail(this.options.sns, target.email, renderEmail(events, render));
    }
    this.messagesSent++;
  }
}
