import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { SqlCardRepository } from '../src/adapters/db/repositories';
import type { DeliveryProblem } from '../src/domain/types';
import type { RunningApp } from '../src/server';
import { DIALECTS, type TestDb, createTestDb, http, localIn, newCard, startTestApp, waitFor } from './helpers';

jest.setTimeout(40_000);

interface Created {
  id: string;
  shareToken: string;
  ownerToken: string;
}
type ErrorBody = { error: { code: string; message: string; details?: Array<{ path: string; message: string }> } };

const BOUNCE: DeliveryProblem = {
  kind: 'bounced',
  detail: 'Permanent/General: smtp; 550 5.1.1 user unknown',
  at: Date.UTC(2026, 10, 29, 23, 0, 3),
};

/**
 * A bounce as the owner meets it: the card is delivered by the local scheduler into the outbox, SES
 * (played by DeliveryService.recordProblem, what the email-events Lambda calls) reports the bounce,
 * the owner view shows it and the owner sends the card again to a corrected address.
 */
describe.each(DIALECTS)('a bounced card on %s', (dialect) => {
  let db: TestDb;
  let app: RunningApp;
  let base: string;
  let cards: SqlCardRepository;

  beforeAll(async () => {
    db = await createTestDb(dialect);
    app = await startTestApp(db);
    base = app.url;
    cards = new SqlCardRepository(app.ctx.database.db);
  });
  afterAll(async () => {
    await app?.stop();
    await db?.drop();
  });

  const soon = (ms = 1_500) => localIn('UTC', Date.now() + ms);
  const ownerView = (card: Created) => http(base, `/api/v1/cards/${card.id}`, { token: card.ownerToken });
  const patch = (card: Created, json: Record<string, unknown>) =>
    http<ErrorBody>(base, `/api/v1/cards/${card.id}`, { method: 'PATCH', token: card.ownerToken, json });
  const sentAndReported = async (problem: DeliveryProblem, recipientEmail = 'ann@example.com') => {
    const card = (
      await http<Created>(base, '/api/v1/cards', {
        method: 'POST',
        json: newCard({ sendAt: soon(), timeZone: 'UTC', recipientEmail }),
      })
    ).body;
    const messageId = await waitFor(async () => (await cards.findById(card.id))?.sesMessageId ?? undefined, 15_000);
    expect(await app.ctx.delivery.recordProblem(messageId, problem)).toBe('recorded');
    return { card, messageId };
  };
  const outbox = () =>
    readdirSync(join(db.dataDir, 'outbox'))
      .filter((f) => f.endsWith('.eml'))
      .map((f) => readFileSync(join(db.dataDir, 'outbox', f), 'utf8'));

  it('shows the bounce to the owner only, and sends again to a corrected address at a new time', async () => {
    const { card, messageId } = await sentAndReported(BOUNCE);
    const view = await ownerView(card);
    expect(view.body).toMatchObject({
      status: 'sent',
      recipientEmail: 'ann@example.com',
      deliveryProblem: { kind: 'bounced', detail: BOUNCE.detail, at: '2026-11-29T23:00:03.000Z' },
    });
    // Signers see a sent card, not the recipient's mail trouble.
    expect((await http(base, `/api/v1/shared/${card.shareToken}`)).body).not.toHaveProperty('deliveryProblem');

    for (const [json, path] of [
      [{ sendAt: soon(60_000) }, 'recipientEmail'],
      [{ recipientEmail: 'ANN@example.com', sendAt: soon(60_000) }, 'recipientEmail'],
      [{ recipientEmail: 'ann@example.org' }, 'sendAt'],
    ] as const) {
      const refused = await patch(card, json);
      expect(refused.status).toBe(400);
      expect(refused.body.error.details?.[0]?.path).toBe(path);
    }
    expect(
      (await patch(card, { recipientEmail: 'ann@example.org', sendAt: localIn('UTC', Date.now() - 60_000) })).status,
    ).toBe(400);
    expect(await cards.findById(card.id)).toMatchObject({ status: 'sent', deliveryProblem: BOUNCE });

    const resent = await patch(card, { recipientEmail: 'Ann@Example.org', sendAt: soon(2_000) });
    expect(resent.status).toBe(200);
    expect(resent.body).toMatchObject({
      status: 'scheduled',
      recipientEmail: 'ann@example.org',
      sentAt: null,
      deliveryProblem: null,
    });
    // Scheduled again, it takes messages again until the new send time.
    const signed = await http(base, `/api/v1/shared/${card.shareToken}/messages`, {
      method: 'POST',
      json: { name: 'Cy', message: 'Second try!' },
    });
    expect(signed.status).toBe(201);
    // A late copy of the old bounce no longer finds the card.
    expect(await app.ctx.delivery.recordProblem(messageId, BOUNCE)).toBe('unknown');

    const again = await waitFor(async () => {
      const c = await cards.findById(card.id);
      return c?.status === 'sent' ? c : undefined;
    }, 15_000);
    expect(again.sesMessageId).not.toBe(messageId);
    expect(again.deliveryProblem).toBeNull();
    const mails = outbox().filter((m) => m.includes('Second try!'));
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatch(/^To: .*ann@example\.org/m);
    // A sent card without a problem is final again.
    expect((await patch(card, { recipientEmail: 'x@example.org', sendAt: soon(60_000) })).body.error.code).toBe(
      'card_not_editable',
    );
  });

  it('keeps a card whose recipient complained final', async () => {
    const { card } = await sentAndReported(
      { kind: 'complained', detail: 'marked as spam (abuse)', at: 1 },
      'cy@example.com',
    );
    expect((await ownerView(card)).body).toMatchObject({ deliveryProblem: { kind: 'complained' } });
    const refused = await patch(card, { recipientEmail: 'cy@example.org', sendAt: soon(60_000) });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('card_not_editable');
  });

  it('leaves the card bounced when the new schedule cannot be made, so the owner can retry', async () => {
    const { card } = await sentAndReported(BOUNCE, 'dee@example.com');
    const before = await cards.findById(card.id);
    const spy = jest.spyOn(app.ctx.scheduler, 'reschedule').mockRejectedValueOnce(new Error('ThrottlingException'));
    try {
      const failed = await patch(card, { recipientEmail: 'dee@example.org', sendAt: soon(60_000) });
      expect(failed.status).toBe(503);
      expect(failed.body.error.code).toBe('scheduler_unavailable');
      expect(failed.text).not.toContain('ThrottlingException');
    } finally {
      spy.mockRestore();
    }
    expect(await cards.findById(card.id)).toEqual(before);
    expect((await patch(card, { recipientEmail: 'dee@example.org', sendAt: soon(60_000) })).status).toBe(200);
  });
});
