import type { Context } from '../context';
import type { DeliveryOutcome } from '../delivery/service';
import { lambdaContext } from './context';

export interface DeliveryEvent {
  cardId?: unknown;
}

/**
 * Target of the per-card EventBridge Scheduler schedule (Input `{"cardId": "..."}`). Throwing
 * makes the invocation retry and finally dead-letter; duplicates are harmless because delivery
 * is idempotent on the card's status. Cards are counted, not attempts: DeliveriesSent (with
 * DeliveryLagSeconds) by the delivery service once the email left, DeliveriesFailed by the
 * dead-letter consumer when the retries are exhausted. A failed attempt is logged and retried.
 */
export function createDeliveryHandler(getContext: () => Context | Promise<Context>) {
  return async (event: DeliveryEvent): Promise<DeliveryOutcome> => {
    const ctx = await getContext();
    if (typeof event?.cardId !== 'string' || !/^[A-Za-z0-9_-]{1,32}$/.test(event.cardId)) {
      ctx.logger.error({ event: typeof event }, 'delivery event without a valid cardId');
      // Not retryable: retrying a malformed event cannot succeed.
      return { kind: 'skipped' };
    }
    let outcome: DeliveryOutcome;
    try {
      outcome = await ctx.delivery.deliver(event.cardId);
    } catch (err) {
      ctx.logger.error({ cardId: event.cardId, err: (err as Error).message }, 'delivery attempt failed');
      throw err;
    }
    ctx.logger.info({ cardId: event.cardId, outcome: outcome.kind }, 'delivery handled');
    return outcome;
  };
}

const deliver = createDeliveryHandler(() => lambdaContext());

/**
 * This function is the target of the schedules it moves (an empty card postponed a day). Its own
 * ARN cannot be in its environment (a CloudFormation self-reference), so it is taken from the
 * invocation, without a version or alias qualifier, before the context reads the settings.
 */
export const handler = (event: DeliveryEvent, invocation?: { invokedFunctionArn?: string }) => {
  const arn = invocation?.invokedFunctionArn;
  if (arn && process.env.SCHEDULER === 'eventbridge') process.env.SCHEDULER_TARGET_ARN ??= functionArn(arn);
  return deliver(event);
};

/** arn:aws:lambda:region:account:function:name[:qualifier] without the qualifier. */
export const functionArn = (invoked: string): string => invoked.split(':').slice(0, 7).join(':');
