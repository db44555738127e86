import type { Context } from '../context';
import { lambdaContext } from './context';

/** The parts of an SQS record this consumer reads (aws-lambda's SQSRecord, without the dependency). */
export interface SqsRecord {
  messageId: string;
  body: string;
  messageAttributes?: Record<string, { stringValue?: string; dataType?: string } | undefined>;
}
export interface SqsEvent {
  Records?: SqsRecord[];
}
export interface SqsBatchResponse {
  batchItemFailures: Array<{ itemIdentifier: string }>;
}

/**
 * What a DeliveryDeadLetters message says: which card failed, why, and whether the delivery
 * handler already counted the failure (DeliveriesFailed) when it threw.
 */
export interface DeadLetter {
  source: 'lambda-on-failure' | 'scheduler-dlq';
  cardId: string;
  reason: string;
}

const CARD_ID = /^[A-Za-z0-9_-]{1,32}$/;

/**
 * Reads the two shapes that reach the queue. A Lambda on-failure destination record wraps the
 * original event in `requestPayload`, with `requestContext.condition` (RetriesExhausted or
 * EventAgeExceeded) and, when the handler ran and threw, `responseContext.functionError` and the
 * error in `responsePayload`. An EventBridge Scheduler dead letter (Scheduler could not invoke the
 * function at all) is the schedule's Input itself, with ERROR_CODE / ERROR_MESSAGE attributes.
 * Anything else is not ours to interpret: an Error naming what is wrong.
 */
export function parseDeadLetter(record: SqsRecord): DeadLetter | Error {
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch {
    return new Error('body is not JSON');
  }
  if (!isObject(body)) return new Error('body is not a JSON object');
  if ('requestPayload' in body && isObject(body.requestContext)) {
    const payload = body.requestPayload;
    const cardId = isObject(payload) ? payload.cardId : undefined;
    if (typeof cardId !== 'string' || !CARD_ID.test(cardId))
      return new Error('Lambda on-failure record without a valid requestPayload.cardId');
    const condition = typeof body.requestContext.condition === 'string' ? body.requestContext.condition : 'failed';
    const response = isObject(body.responsePayload) ? body.responsePayload : {};
    const error = typeof response.errorMessage === 'string' ? `: ${response.errorMessage}` : '';
    return { source: 'lambda-on-failure', cardId, reason: `lambda ${condition}${error}` };
  }
  if (typeof body.cardId === 'string') {
    if (!CARD_ID.test(body.cardId)) return new Error('scheduler dead letter with an invalid cardId');
    const attr = (name: string) => record.messageAttributes?.[name]?.stringValue;
    const reason = ['scheduler', attr('ERROR_CODE'), attr('ERROR_MESSAGE')].filter(Boolean).join(': ');
    return { source: 'scheduler-dlq', cardId: body.cardId, reason };
  }
  return new Error('neither a Lambda on-failure record nor a scheduler dead letter of {"cardId"}');
}

/**
 * Consumer of the DeliveryDeadLetters queue: a delivery that exhausted its retries marks the
 * card failed through the same `DeliveryService.giveUp` the local scheduler uses, so its owner
 * sees it. Idempotent: giveUp changes only scheduled/sending cards (never a sent one), and SQS's
 * at-least-once redelivery changes nothing the second time.
 *
 * A record it cannot handle (malformed, or a database error) is reported in batchItemFailures,
 * never dropped: it comes back, and after maxReceiveCount the queue's redrive parks it in a
 * second queue an operator inspects. The log line names the message id.
 */
export function createDeadLetterHandler(
  getContext: () => Pick<Context, 'delivery' | 'logger'> | Promise<Pick<Context, 'delivery' | 'logger'>>,
) {
  return async (event: SqsEvent): Promise<SqsBatchResponse> => {
    const ctx = await getContext();
    const batchItemFailures: SqsBatchResponse['batchItemFailures'] = [];
    for (const record of event.Records ?? []) {
      const letter = parseDeadLetter(record);
      if (letter instanceof Error) {
        ctx.logger.error({ messageId: record.messageId, err: letter.message }, 'unreadable delivery dead letter, kept');
        batchItemFailures.push({ itemIdentifier: record.messageId });
        continue;
      }
      try {
        // The card's one failure is counted here, when it changes: not per attempt (a card sent on
        // its second try is a delivered card) and not again for a redelivered letter.
        const changed = await ctx.delivery.giveUp(letter.cardId, { reason: letter.reason });
        ctx.logger.info(
          { messageId: record.messageId, cardId: letter.cardId, source: letter.source, changed },
          changed ? 'dead-lettered delivery: card failed' : 'dead-lettered delivery: card already final, unchanged',
        );
      } catch (err) {
        ctx.logger.error(
          { messageId: record.messageId, cardId: letter.cardId, err: (err as Error).message },
          'could not mark the card failed, will retry',
        );
        batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures };
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export const handler = createDeadLetterHandler(() => lambdaContext());
