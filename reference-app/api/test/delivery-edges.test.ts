// The edges of deliver(id) that the end-to-end delivery suites do not reach: the statuses that are
// final, the 60 s early window at its boundary, a card already being sent when the clock or the
// empty-card setting changed under it, an empty card found a day or more late, and what is left for an
// operator (metrics, log lines) when a card is sent, moved, given up, or mail or the database fails.
import pino from 'pino';
import { SqlCardRepository, SqlDesignRepository } from '../src/adapters/db/repositories';
import type { Database } from '../src/adapters/db/database';
import { DeliveryService, type DeliveryDeps } from '../src/delivery/service';
import {
  type BusinessMetrics,
  type DeliveryScheduler,
  type Mailer,
  type ObjectStore,
  type OutgoingEmail,
  type ScheduledCard,
  noMetrics,
} from '../src/domain/ports';
import type { CardStatus } from '../src/domain/types';
import { type TestDb, cardRecord, DUE_29_NOV_23_UTC, migratedTestDatabase } from './helpers';

const DUE = DUE_29_NOV_23_UTC.sendAtUtc;
const DAY = 24 * 3_600_000;

/** Keeps what was sent; while `failing`, every send throws like a throttled provider. */
class RecordingMailer implements Mailer {
  sent: OutgoingEmail[] = [];
  failing = false;
  async send(email: OutgoingEmail) {
    if (this.failing) throw new Error('SES throttled');
    this.sent.push(email);
    return { messageId: `<${email.idempotencyKey}>` };
  }
}

interface LogRecord {
  level: number;
  msg: string;
  cardId?: string;
  err?: string;
}
const INFO = 30;
const WARN = 40;

// SQLite only: what is tested here is the service's decisions; the conditional updates they rest on
// are covered on both dialects by repositories.test.ts and delivery.test.ts.
describe('deliver(id) at its edges', () => {
  let t: TestDb;
  let database: Database;
  let cards: SqlCardRepository;
  let mailer: RecordingMailer;
  let logs: LogRecord[];
  let now: number;
  let postponed: ScheduledCard[];

  const objects = { get: async () => Buffer.from('jpeg') } as unknown as ObjectStore;
  const scheduler: DeliveryScheduler = {
    schedule: async () => undefined,
    reschedule: async (c) => void postponed.push(c),
    cancel: async () => undefined,
  };

  const service = (over: Partial<DeliveryDeps> = {}) =>
    new DeliveryService({
      cards,
      designs: new SqlDesignRepository(database.db),
      objects,
      mailer,
      clock: { now: () => now },
      metrics: noMetrics,
      logger: pino({ level: 'info' }, { write: (line: string) => void logs.push(JSON.parse(line) as LogRecord) }),
      shareUrl: (token) => `https://goodgreets.example/s/${token}`,
      ...over,
    });
  const emptyCardsHandled = { emptyCards: { scheduler } };

  const insert = async (id: string, status: CardStatus = 'scheduled', withMessage = true) => {
    await cards.insert(cardRecord(id, { ...DUE_29_NOV_23_UTC, status }));
    if (withMessage) await cards.addMessage(id, 'Ann', 'Happy birthday!', DUE - DAY);
  };

  beforeAll(async () => {
    ({ t, database } = await migratedTestDatabase('sqlite'));
    cards = new SqlCardRepository(database.db);
  });
  beforeEach(() => {
    mailer = new RecordingMailer();
    logs = [];
    now = DUE;
    postponed = [];
  });
  afterAll(async () => {
    await database?.close();
    await t?.drop();
  });

  it('never sends a card that was sent, cancelled or given up, whatever late run arrives', async () => {
    for (const status of ['sent', 'cancelled', 'failed'] as const) {
      await insert(`final_${status}`, status);
      expect(await service().deliver(`final_${status}`)).toEqual({ kind: 'skipped' });
      expect((await cards.findById(`final_${status}`))?.status).toBe(status);
    }
    expect(mailer.sent).toEqual([]);
  });

  it('sends at most 60 s early (the precision EventBridge fires with), not a millisecond more', async () => {
    await insert('early');
    now = DUE - 60_001;
    expect(await service().deliver('early')).toEqual({ kind: 'not_due', runAt: DUE });
    expect(mailer.sent).toEqual([]);
    now = DUE - 60_000;
    expect(await service().deliver('early')).toEqual({ kind: 'sent' });
    expect(mailer.sent.map((e) => e.to.address)).toEqual(['ann@example.com']);
  });

  it('finishes a card already being sent even when the clock was stepped back before its send time', async () => {
    await insert('stepped');
    now = DUE - 30_000;
    mailer.failing = true;
    await expect(service().deliver('stepped')).rejects.toThrow('SES throttled');
    expect((await cards.findById('stepped'))?.status).toBe('sending');
    // An NTP correction moves the clock back minutes: the card is closed to messages, waiting gains nothing.
    now = DUE - 10 * 60_000;
    mailer.failing = false;
    expect(await service().deliver('stepped')).toEqual({ kind: 'sent' });
    expect(mailer.sent).toHaveLength(1);
    expect((await cards.findById('stepped'))?.status).toBe('sent');
  });

  it('finishes an empty card already being sent when empty-card handling was turned on meanwhile', async () => {
    await insert('switched', 'scheduled', false);
    mailer.failing = true;
    await expect(service().deliver('switched')).rejects.toThrow('SES throttled');
    // A redeploy with EMPTY_CARDS=postpone while the retries run: sending was decided before it.
    mailer.failing = false;
    expect(await service(emptyCardsHandled).deliver('switched')).toEqual({ kind: 'sent' });
    expect(mailer.sent.map((e) => e.to.address)).toEqual(['ann@example.com']);
    expect(postponed).toEqual([]);
  });

  it('moves an empty card from exactly its send time on, and waits for a signer until then', async () => {
    await insert('empty_edge', 'scheduled', false);
    now = DUE - 1;
    expect(await service(emptyCardsHandled).deliver('empty_edge')).toEqual({ kind: 'not_due', runAt: DUE });
    expect(postponed).toEqual([]);
    now = DUE;
    expect(await service(emptyCardsHandled).deliver('empty_edge')).toEqual({ kind: 'postponed', runAt: DUE + DAY });
    expect(postponed.map((c) => [c.id, c.sendAtUtc])).toEqual([['empty_edge', DUE + DAY]]);
    expect(mailer.sent.map((e) => e.to.address)).toEqual(['bob@example.com']);
  });

  it('moves an empty card found a day or more late to a day after the late run, never to a time already come', async () => {
    await insert('day_late', 'scheduled', false);
    await insert('days_late', 'scheduled', false);
    // A day after its time is exactly now: the card would be due again at once and cancelled unseen.
    now = DUE + DAY;
    expect(await service(emptyCardsHandled).deliver('day_late')).toEqual({ kind: 'postponed', runAt: DUE + 2 * DAY });
    now = DUE + 2 * DAY + 5 * 60_000;
    expect(await service(emptyCardsHandled).deliver('days_late')).toEqual({ kind: 'postponed', runAt: now + DAY });
    expect(postponed.map((c) => [c.id, c.sendAtUtc, c.sendAtLocal])).toEqual([
      ['day_late', DUE + 2 * DAY, '2026-12-01T23:00:00'],
      ['days_late', DUE + 3 * DAY + 5 * 60_000, '2026-12-02T23:05:00'],
    ]);
    expect(await cards.findById('days_late')).toMatchObject({ sendAtUtc: DUE + 3 * DAY + 5 * 60_000 });
  });

  it('logs which empty card was not sent and whether it was moved or cancelled', async () => {
    await insert('unsigned', 'scheduled', false);
    expect((await service(emptyCardsHandled).deliver('unsigned')).kind).toBe('postponed');
    now = DUE + DAY;
    expect((await service(emptyCardsHandled).deliver('unsigned')).kind).toBe('emptied');
    expect(logs.filter((l) => l.msg === 'empty card not sent')).toEqual([
      expect.objectContaining({ level: INFO, cardId: 'unsigned', outcome: 'postponed' }),
      expect.objectContaining({ level: INFO, cardId: 'unsigned', outcome: 'emptied' }),
    ]);
  });

  it('counts a sent card with how late it went out, in seconds, and logs the card, its email and messages', async () => {
    await insert('counted');
    await cards.addMessage('counted', 'Cy', 'All the best!', DUE - DAY);
    const sent: Array<[string, number | undefined]> = [];
    const metrics: BusinessMetrics = { ...noMetrics, delivery: (result, lag) => void sent.push([result, lag]) };
    now = DUE + 90_000;
    expect(await service({ metrics }).deliver('counted')).toEqual({ kind: 'sent' });
    expect(sent).toEqual([['sent', 90]]);
    const [email] = mailer.sent;
    expect(logs.filter((l) => l.msg === 'card delivered')).toEqual([
      expect.objectContaining({
        level: INFO,
        cardId: 'counted',
        messageId: `<${email?.idempotencyKey}>`,
        messages: 2,
      }),
    ]);
  });

  it('gives a card up once: the warning names the card and the reason (its first 500 characters)', async () => {
    await insert('given_up', 'sending');
    await insert('already_sent', 'sent');
    const reason = `retries exhausted: ${'SMTP 421 '.repeat(100)}`;
    expect(await service().giveUp('given_up', { reason })).toBe(true);
    expect((await cards.findById('given_up'))?.status).toBe('failed');
    // A repeated give-up (a redelivered dead letter) or one for a card that was sent changes and logs nothing.
    expect(await service().giveUp('given_up', { reason })).toBe(false);
    expect(await service().giveUp('already_sent', { reason })).toBe(false);
    expect(logs.filter((l) => l.level === WARN)).toEqual([
      expect.objectContaining({
        msg: 'delivery given up, card failed',
        cardId: 'given_up',
        reason: reason.slice(0, 500),
      }),
    ]);
  });

  it("keeps an empty card's move when the owner cannot be emailed, and the log says which card and why", async () => {
    await insert('unnoticed', 'scheduled', false);
    mailer.failing = true;
    expect(await service(emptyCardsHandled).deliver('unnoticed')).toEqual({ kind: 'postponed', runAt: DUE + DAY });
    expect(await cards.findById('unnoticed')).toMatchObject({ sendAtUtc: DUE + DAY, emptyPostponements: 1 });
    // The only trace that the owner was not told: an operator must be able to find the card.
    expect(logs.filter((l) => l.level === WARN)).toEqual([
      expect.objectContaining({
        msg: 'could not email the owner about the empty card',
        cardId: 'unnoticed',
        err: 'SES throttled',
      }),
    ]);
  });

  it('fails with the mail error when the failed send cannot be recorded either, logging the card and why', async () => {
    await insert('unrecorded');
    mailer.failing = true;
    const brokenProblemWrites = Object.assign(Object.create(cards) as SqlCardRepository, {
      update: (id: string, expected: CardStatus, patch: Parameters<SqlCardRepository['update']>[2]) =>
        patch.deliveryProblem ? Promise.reject(new Error('connect ETIMEDOUT')) : cards.update(id, expected, patch),
    });
    await expect(service({ cards: brokenProblemWrites }).deliver('unrecorded')).rejects.toThrow('SES throttled');
    expect(await cards.findById('unrecorded')).toMatchObject({ status: 'sending', deliveryProblem: null });
    expect(logs.filter((l) => l.level === WARN)).toEqual([
      expect.objectContaining({ cardId: 'unrecorded', err: 'connect ETIMEDOUT' }),
    ]);
  });
});
