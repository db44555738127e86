import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  type SchedulerClient,
  UpdateScheduleCommand,
  type CreateScheduleCommandInput,
} from '@aws-sdk/client-scheduler';
import type { DeliveryScheduler, ScheduledCard } from '../../domain/ports';

export interface EventBridgeSchedulerOptions {
  groupName: string;
  /** The delivery Lambda's ARN. */
  targetArn: string;
  /** Role EventBridge Scheduler assumes to invoke the target. */
  roleArn: string;
  /** Standard SQS queue for events that exhausted their retries. */
  deadLetterArn: string;
  maxRetries?: number;
  maxEventAgeSeconds?: number;
}

/** The schedule name is the idempotency key: unique per group, one per card. */
export const scheduleName = (cardId: string): string => `card-${cardId}`;
/** The one postponement of an empty card (at most one per card: the second empty run cancels it). */
export const postponedScheduleName = (cardId: string): string => `card-${cardId}-empty`;

/**
 * One one-time EventBridge Scheduler schedule per card: `at()` with the card's wall-clock time
 * and IANA zone (EventBridge applies the zone's rules), deleted by EventBridge after it runs,
 * retried with a dead-letter queue; updated on reschedule, deleted on cancel.
 */
export class EventBridgeScheduler implements DeliveryScheduler {
  constructor(
    private readonly client: SchedulerClient,
    private readonly o: EventBridgeSchedulerOptions,
  ) {}

  definition(card: ScheduledCard, name = scheduleName(card.id)): CreateScheduleCommandInput {
    return {
      Name: name,
      GroupName: this.o.groupName,
      ScheduleExpression: `at(${card.sendAtLocal})`,
      ScheduleExpressionTimezone: card.timeZone,
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      State: 'ENABLED',
      Description: `GoodGreets delivery of card ${card.id}`,
      Target: {
        Arn: this.o.targetArn,
        RoleArn: this.o.roleArn,
        Input: JSON.stringify({ cardId: card.id }),
        RetryPolicy: {
          MaximumRetryAttempts: this.o.maxRetries ?? 20,
          MaximumEventAgeInSeconds: this.o.maxEventAgeSeconds ?? 86_400,
        },
        DeadLetterConfig: { Arn: this.o.deadLetterArn },
      },
    };
  }

  async schedule(card: ScheduledCard): Promise<void> {
    try {
      await this.client.send(
        new CreateScheduleCommand({ ...this.definition(card), ClientToken: scheduleName(card.id) }),
      );
    } catch (err) {
      // A retried create finds its own schedule: converge on the wanted definition.
      if (!(err instanceof ConflictException)) throw err;
      await this.client.send(new UpdateScheduleCommand(this.definition(card)));
    }
  }

  async reschedule(card: ScheduledCard): Promise<void> {
    try {
      await this.client.send(new UpdateScheduleCommand(this.definition(card)));
    } catch (err) {
      if (!(err instanceof ResourceNotFoundException)) throw err;
      await this.client.send(
        new CreateScheduleCommand({
          ...this.definition(card),
          ClientToken: `${scheduleName(card.id)}-${card.sendAtUtc}`,
        }),
      );
    }
  }

  /**
   * Its own schedule, not the card's: EventBridge deletes `card-<id>` once it has invoked the
   * delivery, possibly after this update would have landed, and the move would be lost.
   */
  async postpone(card: ScheduledCard): Promise<void> {
    const name = postponedScheduleName(card.id);
    try {
      await this.client.send(new CreateScheduleCommand({ ...this.definition(card, name), ClientToken: name }));
    } catch (err) {
      if (!(err instanceof ConflictException)) throw err;
      await this.client.send(new UpdateScheduleCommand(this.definition(card, name)));
    }
  }

  async cancel(cardId: string): Promise<void> {
    try {
      await this.client.send(new DeleteScheduleCommand({ Name: scheduleName(cardId), GroupName: this.o.groupName }));
    } catch (err) {
      if (!(err instanceof ResourceNotFoundException)) throw err;
    }
  }
}
