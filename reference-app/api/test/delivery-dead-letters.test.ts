import pino from 'pino';
import type { Database } from '../src/adapters/db/database';
import { SqlCardRepository, SqlDesignRepository } from '../src/adapters/db/repositories';
import { DeliveryService } from '../src/delivery/service';
import type { BusinessMetrics, Mailer, ObjectStore } from '../src/domain/ports';
import type { Card, CardStatus } from '../src/domain/types';
import { EmfMetrics } from '../src/emf';
import { type SqsRecord, createDeadLetterHandler, parseDeadLetter } from '../src/lambda/delivery-dead-letters';
import { DIALECTS, type TestDb, cardRecord, DUE_29_NOV_23_UTC, migratedTestDatabase } from './helpers';

const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:GoodGreets-Workers-Delivery5F6C039D-AbCdEf';

/**
 * A Lambda on-failure destination record as SQS hands it over: the invocation record (version 1.0)
 * in the body, the original event in requestPayload. `ran: false` is an event that aged out in
 * Lambda's queue without the handler running (no functionError, no responsePayload).
 */
function onFailureRecord(messageId: string, cardId: unknown, ran = true): SqsRecord {
  const body = {
    version: '1.0',
    timestamp: '2026-11-29T23:10:53.075Z',
    requestContext: {
      requestId: 'cabbfbd0-e266-42a9-a52e-6e96eb16c695',
      functionArn: `${FUNCTION_ARN}:$LATEST`,
      condition: ran ? 'RetriesExhausted' : 'EventAgeExceeded',
      approximateInvokeCount: ran ? 3 : 0,
    },
    requestPayload: { cardId },
    ...(ran
      ? {
          responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
          responsePayload: {
            errorType: 'MessageRejected',
            errorMessage: 'Email address is not verified.',
            trace: ['MessageRejected: Email address is not verified.', '    at de_MessageRejectedRes (...)'],
          },
        }
      : {}),
  };
  return {
    messageId,
    body: JSON.stringify(body),
    messageAttributes: {},
  };
}

/** An EventBridge Scheduler dead letter: the schedule's Input as the body, the error as attributes. */
function schedulerRecord(messageId: string, cardId: string): SqsRecord {
  const str = (stringValue: string) => ({ stringValue, dataType: 'String' });
  return {
    messageId,
    body: JSON.stringify({ cardId }),
    messageAttributes: {
      ERROR_CODE: str('AWS.Lambda.TooManyRequestsException'),
      ERROR_MESSAGE: str('Rate Exceeded. (Service: Lambda, Status Code: 429)'),
      EXECUTION_ID: str('f2a9c1d0-8a8e-4d1c-9a53-3f5c2e1b7a90'),
      RETRY_ATTEMPTS: str('20'),
      SCHEDULE_ARN: str(`arn:aws:scheduler:us-east-1:123456789012:schedule/goodgreets-deliveries/card-${cardId}`),
      TARGET_ARN: str(FUNCTION_ARN),
    },
  };
}

describe('dead-letter record shapes', () => {
  it('reads the card and the reason', () => {
    expect(parseDeadLetter(onFailureRecord('m1', 'card_1'))).toEqual({
      source: 'lambda-on-failure',
      cardId: 'card_1',
      reason: 'lambda RetriesExhausted: Email address is not verified.',
    });
    expect(parseDeadLetter(onFailureRecord('m2', 'card_2', false))).toEqual({
      source: 'lambda-on-failure',
      cardId: 'card_2',
      reason: 'lambda EventAgeExceeded',
    });
    expect(parseDeadLetter(schedulerRecord('m3', 'card_3'))).toEqual({
      source: 'scheduler-dlq',
      cardId: 'card_3',
      reason: 'scheduler: AWS.Lambda.TooManyRequestsException: Rate Exceeded. (Service: Lambda, Status Code: 429)',
    });
  });

  it.each([
    ['not JSON', { messageId: 'x', body: 'cardId=c1' }, /not JSON/],
    ['a JSON array', { messageId: 'x', body: '["c1"]' }, /not a JSON object/],
    ['an unrelated object', { messageId: 'x', body: '{"detail":{}}' }, /neither/],
    ['an on-failure record without cardId', onFailureRecord('x', undefined), /requestPayload.cardId/],
    ['an on-failure record with an injected id', onFailureRecord('x', "c1' OR 1=1"), /requestPayload.cardId/],
    ['a scheduler letter with an invalid id', { messageId: 'x', body: '{"cardId":"../../etc"}' }, /invalid cardId/],
  ])('refuses %s with a reason', (_name, record, message) => {
    const result = parseDeadLetter(record);
    expect(result).toBeInstanceOf(Error);
    expect((result as Error).message).toMatch(message);
  });
});

describe.each(DIALECTS)('delivery dead-letter consumer on %s', (dialect) => {
  let t: TestDb;
  let database: Database;
  let cards: SqlCardRepository;
  let emf: string[];
  let handler: ReturnType<typeof createDeadLetterHandler>;

  const card = (id: string, status: CardStatus): Card =>
    cardRecord(id, { ...DUE_29_NOV_23_UTC, status, sentAt: status === 'sent' ? 5 : null });

  const failedCounts = () => emf.map((l) => (JSON.parse(l) as { DeliveriesFailed?: number }).DeliveriesFailed ?? 0);

  beforeAll(async () => {
    ({ t, database } = await migratedTestDatabase(dialect));
    cards = new SqlCardRepository(database.db);
    const designs = new SqlDesignRepository(database.db);
    const unused = () => {
      throw new Error('the dead-letter consumer never sends mail or reads images');
    };
    const metrics: BusinessMetrics = new EmfMetrics('test', { now: () => 1_000 }, (line) => void emf.push(line));
    const logger = pino({ level: 'silent' });
    const delivery = new DeliveryService({
      cards,
      designs,
      objects: { get: unused } as unknown as ObjectStore,
      mailer: { send: unused } as unknown as Mailer,
      clock: { now: () => 2_000 },
      metrics,
      logger,
      shareUrl: (token) => `https://goodgreets.example/s/${token}`,
    });
    handler = createDeadLetterHandler(() => ({ delivery, logger }));
  });
  beforeEach(() => {
    emf = [];
  });
  afterAll(async () => {
    await database?.close();
    await t?.drop();
  });

  it('marks scheduled and sending cards failed from both shapes, counting each card once', async () => {
    await cards.insert(card('lam_ran', 'sending'));
    await cards.insert(card('lam_aged', 'scheduled'));
    await cards.insert(card('sched', 'scheduled'));
    const result = await handler({
      Records: [
        onFailureRecord('m1', 'lam_ran'),
        onFailureRecord('m2', 'lam_aged', false),
        schedulerRecord('m3', 'sched'),
      ],
    });
    expect(result).toEqual({ batchItemFailures: [] });
    for (const id of ['lam_ran', 'lam_aged', 'sched']) {
      expect(await cards.findById(id)).toMatchObject({ status: 'failed', updatedAt: 2_000 });
    }
    // Cards, not attempts: lam_ran's failed attempts were not counted when they threw, so each of
    // the three cards counts one failure now.
    expect(failedCounts()).toEqual([1, 1, 1]);
  });

  it('never changes a sent or cancelled card, and a redelivered letter changes and counts nothing', async () => {
    await cards.insert(card('was_sent', 'sent'));
    await cards.insert(card('cancelled', 'cancelled'));
    await cards.insert(card('twice', 'scheduled'));
    const batch = {
      Records: [
        schedulerRecord('m1', 'was_sent'),
        onFailureRecord('m2', 'cancelled', false),
        schedulerRecord('m3', 'twice'),
        onFailureRecord('m4', 'unknown_card'),
      ],
    };
    expect(await handler(batch)).toEqual({ batchItemFailures: [] });
    expect(await handler(batch)).toEqual({ batchItemFailures: [] });
    expect(await cards.findById('was_sent')).toMatchObject({ status: 'sent', sentAt: 5, updatedAt: 1 });
    expect(await cards.findById('cancelled')).toMatchObject({ status: 'cancelled', updatedAt: 1 });
    expect(await cards.findById('twice')).toMatchObject({ status: 'failed' });
    expect(failedCounts()).toEqual([1]);
  });

  it('keeps malformed records in the queue (batchItemFailures) and still handles the rest of the batch', async () => {
    await cards.insert(card('good', 'scheduled'));
    const result = await handler({
      Records: [
        { messageId: 'bad-json', body: '{"cardId":' },
        onFailureRecord('bad-id', 'x; DROP TABLE cards'),
        schedulerRecord('ok', 'good'),
        { messageId: 'other', body: '{"Records":[]}' },
      ],
    });
    expect(result.batchItemFailures).toEqual([
      { itemIdentifier: 'bad-json' },
      { itemIdentifier: 'bad-id' },
      { itemIdentifier: 'other' },
    ]);
    expect(await cards.findById('good')).toMatchObject({ status: 'failed' });
  });

  it('reports a record whose database update fails, so SQS redelivers it', async () => {
    const broken = createDeadLetterHandler(() => ({
      logger: pino({ level: 'silent' }),
      delivery: {
        giveUp: () => Promise.reject(new Error('connect ETIMEDOUT')),
      } as unknown as DeliveryService,
    }));
    expect(await broken({ Records: [schedulerRecord('m1', 'any')] })).toEqual({
      batchItemFailures: [{ itemIdentifier: 'm1' }],
    });
  });
});
