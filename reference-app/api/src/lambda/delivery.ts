import type { Context } from '../context';
import type { DeliveryOutcome } from '../delivery/service';
import { lambdaContext } from './context';

export interface DeliveryEvent {
  cardId?: unknown;
}

/**
 * Target of the per-card EventBridge Scheduler schedule (Input `{"cardId": "..."}`). Throwing
 * makes EventBridge retry (retry policy) and finally park the event in the dead-letter queue;
 * duplicates are harmless because delivery is idempotent on the card's status.
 */
export function createDeliveryHandler(getContext: () => Context) {
  return async (event: DeliveryEvent): Promise<DeliveryOutcome> => {
    const ctx = getContext();
    if (typeof event?.cardId !== 'string' || !/^[A-Za-z0-9_-]{1,32}$/.test(event.cardId)) {
      ctx.logger.error({ event: typeof event }, 'delivery event without a valid cardId');
      // Not retryable: retrying a malformed event cannot succeed.
      return { kind: 'skipped' };
    }
    const outcome = await ctx.delivery.deliver(event.cardId);
    ctx.logger.info({ cardId: event.cardId, outcome: outcome.kind }, 'delivery handled');
    return outcome;
  };
}

export const handler = createDeliveryHandler(lambdaContext);
