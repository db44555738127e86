import pino from 'pino';
import type { Database } from '../src/adapters/db/database';
import { SqlCardRepository, SqlDesignRepository } from '../src/adapters/db/repositories';
import { DeliveryService } from '../src/delivery/service';
import type { Mailer, ObjectStore } from '../src/domain/ports';
import type { Card } from '../src/domain/types';
import { EmfMetrics } from '../src/emf';
import { createEmailEventsHandler, parseEmailEvent } from '../src/lambda/email-events';
import { DIALECTS, type TestDb, cardRecord, DUE_29_NOV_23_UTC, migratedTestDatabase } from './helpers';
import { bounce, complaint, mail, reject, snsEvent } from './ses-events';

const NOW = Date.UTC(2026, 10, 30, 9);
const SES_ID = '0100018c1b2c3d4e-1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d-000000';

describe('SES event shapes', () => {
  const parse = (event: unknown) => parseEmailEvent(JSON.stringify(event), NOW);

  it('reads permanent and undetermined bounces, complaints and rejections as problems of the sent email', () => {
    expect(parse(bounce(SES_ID))).toEqual({
      action: 'record',
      messageId: SES_ID,
      problem: {
        kind: 'bounced',
        detail: 'Permanent/General: smtp; 550 5.1.1 <ann@example.com>: user unknown',
        at: Date.parse('2026-11-29T23:00:03.456Z'),
      },
    });
    expect(parse(bounce(SES_ID, { type: 'Undetermined', subType: 'Undetermined', diagnosticCode: undefined }))).toEqual(
      {
        action: 'record',
        messageId: SES_ID,
        // Without a diagnostic the DSN status is the best the owner can get.
        problem: { kind: 'bounced', detail: 'Undetermined/Undetermined: 5.1.1', at: expect.any(Number) },
      },
    );
    expect(parse(complaint(SES_ID))).toMatchObject({
      action: 'record',
      problem: { kind: 'complained', detail: 'marked as spam (abuse)', at: Date.parse('2026-11-30T08:15:00.000Z') },
    });
    expect(parse(reject(SES_ID))).toMatchObject({
      action: 'record',
      problem: { kind: 'rejected', detail: 'Bad content' },
    });
    // The older identity notifications name the type notificationType.
    const { eventType, ...legacy } = bounce(SES_ID);
    expect(parse({ notificationType: eventType, ...legacy })).toMatchObject({ action: 'record' });
  });

  it('ignores transient (soft) bounces: SES is still trying', () => {
    expect(parse(bounce(SES_ID, { type: 'Transient', subType: 'MailboxFull' }))).toEqual({
      action: 'ignore',
      messageId: SES_ID,
      reason: 'transient bounce Transient/MailboxFull',
    });
  });

  it('falls back to the time it read the event when the event has none', () => {
    const event = bounce(SES_ID) as { bounce: Record<string, unknown> };
    event.bounce.timestamp = 'yesterday';
    expect(parse(event)).toMatchObject({ problem: { at: NOW } });
  });

  it.each([
    ['not JSON', 'Bounce: ann@example.com', /not JSON/],
    ['a JSON array', '[]', /not a JSON object/],
    ['no mail.messageId', JSON.stringify({ eventType: 'Bounce', bounce: {}, mail: {} }), /valid mail.messageId/],
    ['an injected message id', JSON.stringify(bounce("x' OR '1'='1")), /valid mail.messageId/],
    ['a delivery event', JSON.stringify({ eventType: 'Delivery', delivery: {}, mail: mail(SES_ID) }), /Delivery/],
    ['a bounce without its bounce object', JSON.stringify({ eventType: 'Bounce', mail: mail(SES_ID) }), /Bounce/],
    ['no type at all', JSON.stringify({ mail: mail(SES_ID) }), /without a type/],
  ])('refuses %s with a reason', (_name, message, reason) => {
    const result = parseEmailEvent(message, NOW);
    expect(result).toBeInstanceOf(Error);
    expect((result as Error).message).toMatch(reason);
  });
});

describe.each(DIALECTS)('email events consumer on %s', (dialect) => {
  let t: TestDb;
  let database: Database;
  let cards: SqlCardRepository;
  let emf: string[];
  let logs: string[];
  let handler: ReturnType<typeof createEmailEventsHandler>;

  const sentCard = (id: string, sesMessageId: string): Card =>
    cardRecord(id, {
      ...DUE_29_NOV_23_UTC,
      status: 'sent',
      sentAt: Date.UTC(2026, 10, 29, 23, 0, 1),
      sesMessageId,
      deliveryProblem: null,
    });

  const problemCounts = () => emf.map((l) => (JSON.parse(l) as { DeliveryProblems?: number }).DeliveryProblems);

  beforeAll(async () => {
    ({ t, database } = await migratedTestDatabase(dialect));
    cards = new SqlCardRepository(database.db);
    const designs = new SqlDesignRepository(database.db);
    const unused = () => {
      throw new Error('the email events consumer never sends mail or reads images');
    };
    const clock = { now: () => NOW };
    const logger = pino({ level: 'info' }, { write: (line: string) => void logs.push(line) });
    const delivery = new DeliveryService({
      cards,
      designs,
      objects: { get: unused } as unknown as ObjectStore,
      mailer: { send: unused } as unknown as Mailer,
      clock,
      metrics: new EmfMetrics('test', clock, (line) => void emf.push(line)),
      logger,
      shareUrl: (token) => `https://goodgreets.example/s/${token}`,
    });
    handler = createEmailEventsHandler(() => ({ delivery, logger, clock }));
  });
  beforeEach(() => {
    emf = [];
    logs = [];
  });
  afterEach(() => {
    // Recipients' addresses stay out of the logs, whatever the event.
    expect(logs.join('\n')).not.toContain('ann@example.com');
  });
  afterAll(async () => {
    await database?.close();
    await t?.drop();
  });

  it('records a permanent bounce on the card once; a redelivered notification changes nothing', async () => {
    await cards.insert(sentCard('bounced1', 'ses-bounced1'));
    const event = snsEvent(bounce('ses-bounced1'));
    expect(await handler(event)).toEqual({ recorded: 1, unchanged: 0, ignored: 0 });
    const after = await cards.findById('bounced1');
    expect(after).toMatchObject({
      status: 'sent',
      deliveryProblem: {
        kind: 'bounced',
        // Markup characters never reach the database, not even an address's angle brackets.
        detail: 'Permanent/General: smtp; 550 5.1.1 ann@example.com: user unknown',
        at: Date.parse('2026-11-29T23:00:03.456Z'),
      },
    });
    expect(await handler(event)).toEqual({ recorded: 0, unchanged: 1, ignored: 0 });
    expect(await cards.findById('bounced1')).toEqual(after);
    expect(problemCounts()).toEqual([1]);
  });

  it('logs a transient bounce and leaves the card alone', async () => {
    await cards.insert(sentCard('soft1', 'ses-soft1'));
    expect(await handler(snsEvent(bounce('ses-soft1', { type: 'Transient', subType: 'MailboxFull' })))).toEqual({
      recorded: 0,
      unchanged: 0,
      ignored: 1,
    });
    expect(await cards.findById('soft1')).toMatchObject({ deliveryProblem: null });
    expect(logs.join('\n')).toMatch(/transient bounce Transient\/MailboxFull/);
    expect(emf).toEqual([]);
  });

  it('records a complaint, and a later bounce of the same email does not replace it', async () => {
    await cards.insert(sentCard('spam1', 'ses-spam1'));
    expect(await handler(snsEvent(complaint('ses-spam1')))).toMatchObject({ recorded: 1 });
    expect(await handler(snsEvent(bounce('ses-spam1'), 'another-sns-id'))).toMatchObject({ unchanged: 1 });
    expect(await cards.findById('spam1')).toMatchObject({
      deliveryProblem: { kind: 'complained', detail: 'marked as spam (abuse)' },
    });
  });

  it('keeps a long or hostile diagnostic as one plain line of at most 300 characters', async () => {
    await cards.insert(sentCard('hostile1', 'ses-hostile1'));
    const diagnosticCode = `smtp; 550 <script>alert(1)</script>\u202e\r\n${'x'.repeat(1000)}`;
    await handler(snsEvent(bounce('ses-hostile1', { diagnosticCode })));
    const detail = (await cards.findById('hostile1'))?.deliveryProblem?.detail ?? '';
    expect(detail).toMatch(/^Permanent\/General: smtp; 550 scriptalert\(1\)\/script x+…$/);
    expect([...detail]).toHaveLength(300);
  });

  it('fails the invocation for an email no card sent, so Lambda retries and then dead-letters it', async () => {
    await cards.insert(sentCard('other1', 'ses-other1'));
    await expect(handler(snsEvent(bounce('ses-unknown'), 'sns-unknown'))).rejects.toThrow(
      'SES events not handled: sns-unknown: no card sent SES message ses-unknown',
    );
    expect(await cards.findById('other1')).toMatchObject({ deliveryProblem: null });
    expect(logs.join('\n')).toMatch(/"snsMessageId":"sns-unknown".*will retry/);
    expect(emf).toEqual([]);
  });

  it('fails the invocation for a malformed notification and logs why, never its content', async () => {
    await expect(handler(snsEvent('Bounce: ann@example.com', 'sns-bad'))).rejects.toThrow(
      'SES events not handled: sns-bad: SNS message is not JSON',
    );
    await expect(handler({ Records: [{}] })).rejects.toThrow(/unknown: SNS message is not JSON/);
    expect(logs.join('\n')).toMatch(/"snsMessageId":"sns-bad".*unreadable SES event/);
    // An empty invocation has nothing to fail.
    expect(await handler({})).toEqual({ recorded: 0, unchanged: 0, ignored: 0 });
  });

  it('fails the invocation when the database does, without the driver error in the failure', async () => {
    const broken = createEmailEventsHandler(() => ({
      logger: pino({ level: 'silent' }),
      clock: { now: () => NOW },
      delivery: {
        recordProblem: () => Promise.reject(new Error("connect ETIMEDOUT; update cards set ... 'ann@example.com'")),
      } as unknown as DeliveryService,
    }));
    const failure = await broken(snsEvent(bounce(SES_ID), 'sns-db')).catch((err: Error) => err);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toBe(
      "SES events not handled: sns-db: could not record (database), see the function's log",
    );
  });
});
