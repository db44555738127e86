// What keeps an owner in charge of their card (issue 15): the manage link emailed at creation,
// removing a message, and an empty card postponed a day once, then cancelled, never sent empty.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { OutboxMailer } from '../src/adapters/mailer/outbox';
import type { Mailer, OutgoingEmail } from '../src/domain/ports';
import type { RunningApp } from '../src/server';
import { DIALECTS, type TestDb, TestClock, createTestDb, http, localIn, newCard, startTestApp } from './helpers';

jest.setTimeout(30_000);

const OWNER_ON = { OWNER_EMAILS: 'true', EMPTY_CARDS: 'postpone', SCHEDULER_POLL_MS: '3600000' };

/** The outbox, with every email also kept in memory; `failing` makes the next sends throw. */
class KeepingMailer implements Mailer {
  sent: OutgoingEmail[] = [];
  failing = false;
  constructor(private readonly outbox: Mailer) {}
  async send(email: OutgoingEmail) {
    if (this.failing) throw new Error('SES throttled');
    this.sent.push(email);
    return this.outbox.send(email);
  }
}

interface Created {
  id: string;
  shareToken: string;
  ownerToken: string;
  shareUrl: string;
  ownerLinkEmailed: boolean;
}

describe.each(DIALECTS)('owners on %s', (dialect) => {
  let db: TestDb;
  let app: RunningApp;
  let mailer: KeepingMailer;
  const clock = new TestClock();

  beforeEach(async () => {
    db = await createTestDb(dialect);
    mailer = new KeepingMailer(new OutboxMailer(join(db.dataDir, 'outbox'), 'GoodGreets <cards@test>'));
    clock.offset = 0;
    app = await startTestApp(db, OWNER_ON, { mailer, clock });
  });
  afterEach(async () => {
    await app.stop();
    await db.drop();
  });

  const create = async (over: Record<string, unknown> = {}) => {
    const r = await http<Created>(app.url, '/api/v1/cards', { method: 'POST', json: newCard(over) });
    expect(r.status).toBe(201);
    return r.body;
  };
  const sign = (c: Created, name: string, message: string) =>
    http<{ id?: number }>(app.url, `/api/v1/shared/${c.shareToken}/messages`, {
      method: 'POST',
      json: { name, message },
    });
  const ownerView = async (c: Created) =>
    (
      await http<{
        status: string;
        sendAt: string;
        sendAtUtc: string;
        messages: Array<{ id: number; name: string; message: string }>;
      }>(app.url, `/api/v1/cards/${c.id}`, { token: c.ownerToken })
    ).body;

  it('emails the creator the manage link, at the origin they used, and still creates the card when mail fails', async () => {
    const card = await create({ senderName: 'Bob <3', senderEmail: 'bob@example.org' });
    expect(card.ownerLinkEmailed).toBe(true);
    const manageUrl = `${app.url}/cards/${card.id}/manage#token=${card.ownerToken}`;
    expect(mailer.sent).toHaveLength(1);
    const email = mailer.sent[0] as OutgoingEmail;
    expect(email.to).toEqual({ name: 'Bob <3', address: 'bob@example.org' });
    // The site's own notice: no reply address, no card image.
    expect([email.replyTo, email.attachments]).toEqual([undefined, []]);
    expect(email.text).toContain(`Manage your card: ${manageUrl}`);
    expect(email.text).toContain(card.shareUrl);
    expect(email.html).toContain(`href="${manageUrl}"`);
    expect(email.html).toContain('Bob &lt;3');
    // The outbox file a person opens locally, named so it never collides with the card's delivery.
    const files = readdirSync(join(db.dataDir, 'outbox'));
    expect(files).toEqual([`owner-${card.id}.eml`]);
    const eml = readFileSync(join(db.dataDir, 'outbox', files[0] as string), 'utf8');
    expect(eml).toMatch(/^To: .*bob@example\.org/m);
    expect(eml).not.toMatch(/^Reply-To:/m);
    // The link in the email opens the owner's view: the token in it is the owner token.
    const token = new URL(manageUrl).hash.slice('#token='.length);
    expect((await http(app.url, `/api/v1/cards/${card.id}`, { token })).status).toBe(200);

    mailer.failing = true;
    const unmailed = await create();
    expect(unmailed.ownerLinkEmailed).toBe(false);
    expect((await ownerView(unmailed)).status).toBe('scheduled');
  });

  it('lets the owner remove a message while the card takes messages, and nobody else', async () => {
    const card = await create();
    expect((await sign(card, 'Ann', 'Happy birthday')).status).toBe(201);
    expect((await sign(card, 'Spammer', 'cheap pills')).status).toBe(201);
    const before = await ownerView(card);
    const spam = before.messages.find((m) => m.name === 'Spammer')!;
    expect(spam.id).toEqual(expect.any(Number));
    const remove = (id: string | number, token?: string) =>
      http(app.url, `/api/v1/cards/${card.id}/messages/${id}`, { method: 'DELETE', token });
    // The share token (a signer) and no token are refused; the message stays.
    expect((await remove(spam.id, card.shareToken)).status).toBe(404);
    expect((await remove(spam.id)).status).toBe(401);
    expect((await remove(spam.id, card.ownerToken)).status).toBe(204);
    expect((await remove(spam.id, card.ownerToken)).status).toBe(404);
    expect((await remove('abc', card.ownerToken)).status).toBe(404);
    expect((await remove('0', card.ownerToken)).status).toBe(404);
    expect((await ownerView(card)).messages.map((m) => m.name)).toEqual(['Ann']);
    const shared = await http<{ messages: Array<Record<string, unknown>> }>(
      app.url,
      `/api/v1/shared/${card.shareToken}`,
    );
    expect(shared.body.messages.map((m) => m.name)).toEqual(['Ann']);
    // Signers never see message ids.
    expect(shared.body.messages[0]).not.toHaveProperty('id');
    // Another card's owner cannot remove it through their own card.
    const other = await create();
    const ann = (await ownerView(card)).messages[0]!;
    expect(
      (
        await http(app.url, `/api/v1/cards/${other.id}/messages/${ann.id}`, {
          method: 'DELETE',
          token: other.ownerToken,
        })
      ).status,
    ).toBe(404);
    // A cancelled card is final: its messages are what the owner saw.
    expect((await http(app.url, `/api/v1/cards/${card.id}`, { method: 'DELETE', token: card.ownerToken })).status).toBe(
      204,
    );
    const closed = await http<{ error: { code: string } }>(app.url, `/api/v1/cards/${card.id}/messages/${ann.id}`, {
      method: 'DELETE',
      token: card.ownerToken,
    });
    expect([closed.status, closed.body.error.code]).toEqual([409, 'card_not_editable']);
  });

  it('does not send an empty card: moves it a day once, then cancels it, emailing the owner each time', async () => {
    const sendAt = localIn('America/New_York', Date.now() + 3_600_000);
    const card = await create({ sendAt, timeZone: 'America/New_York' });
    // A second card nobody will sign, even in its extra day.
    const empty = await create({ sendAt, timeZone: 'America/New_York' });
    const first = await ownerView(card);
    mailer.sent = [];

    // An hour later nobody has signed: the card is not sent but moved to the same time tomorrow.
    clock.offset = 3_600_000 + 1_000;
    expect(await app.ctx.delivery.deliver(card.id)).toEqual({
      kind: 'postponed',
      runAt: Date.parse(first.sendAtUtc) + 24 * 3_600_000,
    });
    const moved = await ownerView(card);
    expect(moved.status).toBe('scheduled');
    expect(moved.sendAt.slice(11)).toBe(first.sendAt.slice(11));
    expect(Date.parse(moved.sendAtUtc) - Date.parse(first.sendAtUtc)).toBe(24 * 3_600_000);
    expect(mailer.sent.map((e) => [e.to.address, e.subject])).toEqual([
      ['bob@example.com', 'Nobody has signed your card for Ann Lee yet: moved to tomorrow'],
    ]);
    expect(mailer.sent[0]?.text).toContain(`${moved.sendAt.slice(0, 10)} at ${moved.sendAt.slice(11, 16)}`);
    expect(mailer.sent[0]?.text).toContain(card.shareUrl);
    // The job moved with it, and the card takes messages again.
    const job = await app.ctx.database.db
      .selectFrom('jobs')
      .select(['run_at', 'status'])
      .where('card_id', '=', card.id)
      .executeTakeFirstOrThrow();
    expect([Number(job.run_at), job.status]).toEqual([Date.parse(moved.sendAtUtc), 'pending']);
    expect((await sign(card, 'Late Ann', 'Sorry, happy birthday!')).status).toBe(201);
    expect(await app.ctx.delivery.deliver(card.id)).toEqual({ kind: 'not_due', runAt: Date.parse(moved.sendAtUtc) });

    // The empty one is moved too, then cancelled, not sent, when the extra day passes.
    mailer.sent = [];
    expect((await app.ctx.delivery.deliver(empty.id)).kind).toBe('postponed');
    clock.offset = 25 * 3_600_000 + 2_000;
    expect(await app.ctx.delivery.deliver(empty.id)).toEqual({ kind: 'emptied' });
    expect((await ownerView(empty)).status).toBe('cancelled');
    expect(mailer.sent.map((e) => e.subject)).toEqual([
      'Nobody has signed your card for Ann Lee yet: moved to tomorrow',
      'Your card for Ann Lee was not sent: nobody signed it',
    ]);
    expect(mailer.sent.every((e) => e.to.address === 'bob@example.com' && e.attachments.length === 0)).toBe(true);
    expect(await app.ctx.delivery.deliver(empty.id)).toEqual({ kind: 'skipped' });

    // The first card, signed during its extra day, goes out with its message.
    expect(await app.ctx.delivery.deliver(card.id)).toEqual({ kind: 'sent' });
    const delivered = mailer.sent.at(-1) as OutgoingEmail;
    expect([delivered.to.address, delivered.text.includes('Sorry, happy birthday!')]).toEqual([
      'ann@example.com',
      true,
    ]);
  });
});
