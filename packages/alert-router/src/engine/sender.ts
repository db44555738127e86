/** Sends one rendered notification to one target of a receiver (a Slack channel or an email topic). */
import type { SNSClient } from '@aws-sdk/client-sns';
import type { Receiver } from '@sre-kit/core';
import { HookPacer } from '../delivery/backoff';
import { emailTargets, publishEmail, type EmailTarget } from '../delivery/email';
import { sendSlack, type SlackSendOptions } from '../delivery/slack';
import { slackApiBaseUrl } from '../delivery/slack-api';
import type { AlarmEvent } from '../events/types';
import { renderEmail } from '../render/email';
import { renderSlack, type RenderOptions } from '../render/slack';
import { silentLogger, type Logger } from '../log';
import type { AlertStore } from '../state/store';
import { deliverToThread } from './thread';

export type Target =
  | { readonly id: string; readonly kind: 'slack'; readonly channel: string; readonly secretRef: string }
  | { readonly id: string; readonly kind: 'slack-bot'; readonly channel: string; readonly tokenRef: string }
  | { readonly id: string; readonly kind: 'email'; readonly email: EmailTarget };

export function receiverTargets(receiver: Receiver, emailTopicArn: string | undefined): Target[] {
  const slack: Target[] = receiver.slack.map((s): Target =>
    s.botTokenSecret !== undefined
      ? // Its own id: a webhook and a bot posting to one channel are two deliveries with two claims.
        { id: `slackbot:${s.channel}`, kind: 'slack-bot', channel: s.channel, tokenRef: s.botTokenSecret }
      : { id: `slack:${s.channel}`, kind: 'slack', channel: s.channel, secretRef: s.webhookSecret ?? '' },
  );
  const email: Target[] = emailTargets(receiver, emailTopicArn).map((t) => ({
    id: `email:${t.topicArn}${t.receiver ? `#${t.receiver}` : ''}`,
    kind: 'email',
    email: t,
  }));
  return [...slack, ...email];
}

export interface SenderOptions {
  readonly resolveWebhook: (ref: string) => Promise<string>;
  /** The bot token behind a `botTokenSecret` (Secrets Manager / SSM on AWS). */
  readonly resolveBotToken?: (ref: string) => Promise<string>;
  /** Replaces every bot target's token (local runs: an env variable or a file). */
  readonly slackBotTokenOverride?: string;
  /** Web API base for bot targets. @default https://slack.com/api */
  readonly slackApiUrl?: string;
  /** Where bot targets keep their threads; the router passes its own store. */
  readonly store?: AlertStore;
  readonly now?: () => number;
  readonly log?: Logger;
  /** Replaces every Slack receiver's URL (local replay against a test hook). */
  readonly slackUrlOverride?: string;
  readonly sns?: SNSClient;
  readonly slack?: Omit<SlackSendOptions, 'deadline'>;
  /** Minimum spacing between messages to one webhook from this process. @default 1000 */
  readonly paceMs?: number;
}

export class Sender {
  private readonly pacer: HookPacer;
  private readonly apiUrl: string;
  messagesSent = 0;
  rateLimited = 0;

  constructor(private readonly options: SenderOptions) {
    this.pacer = new HookPacer(options.paceMs ?? 1000, options.slack?.sleep);
    this.apiUrl = slackApiBaseUrl(options.slackApiUrl);
  }

  /** `group` (the alert group's key) names the thread a bot target replies in. */
  async send(
    target: Target,
    events: readonly AlarmEvent[],
    render: RenderOptions,
    deadline: number,
    group = '',
  ): Promise<void> {
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
    } else if (target.kind === 'slack-bot') {
      const { store } = this.options;
      if (!store) throw new Error(`${target.id}: bot-token delivery needs the router's store for its threads`);
      const token = this.options.slackBotTokenOverride ?? (await this.botToken(target.tokenRef));
      const result = await deliverToThread(
        {
          store,
          now: this.options.now ?? Date.now,
          log: this.options.log ?? silentLogger,
          slack: this.options.slack ?? {},
          // Slack allows about one post per second per channel, whichever token posts.
          pace: (channel) => this.pacer.acquire(`channel:${channel}`),
        },
        { baseUrl: this.apiUrl, token },
        { channel: target.channel, key: `${group}#${target.id}` },
        events,
        render,
        deadline,
      );
      this.rateLimited += result.rateLimited;
    } else {
      if (!this.options.sns) throw new Error(`email target ${target.email.topicArn}: no SNS client configured`);
      await publishEmail(this.options.sns, target.email, renderEmail(events, render));
    }
    this.messagesSent++;
  }

  private botToken(ref: string): Promise<string> {
    if (!this.options.resolveBotToken) throw new Error(`bot token secret ${ref}: no bot token source configured`);
    return this.options.resolveBotToken(ref);
  }
}
