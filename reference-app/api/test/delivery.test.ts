import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { SqlCardRepository, SqlDesignRepository } from '../src/adapters/db/repositories';
import { OutboxMailer } from '../src/adapters/mailer/outbox';
import { SchedulerWorker } from '../src/adapters/scheduler/local';
import { composeCardEmail } from '../src/delivery/compose';
import { DeliveryService } from '../src/delivery/service';
import type { Mailer, OutgoingEmail } from '../src/domain/ports';
import type { Card, Design } from '../src/domain/types';
import type { RunningApp } from '../src/server';
import { DIALECTS, type TestDb, createTestDb, http, localIn, newCard, startTestApp, waitFor } from './helpers';

/** Wraps a mailer and counts every send that reaches it (the outbox alone would hide a duplicate). */
class CountingMailer implements Mailer {
  sent: OutgoingEmail[] = [];
  failuresLeft = 0;
  constructor(private readonly inner?: Mailer) {}
  async send(email: OutgoingEmail) {
    if (this.failuresLeft > 0) {
      this.failuresLeft--;
      throw new Error('SMTP 451 try again later');
    }
    this.sent.push(email);
    return this.inner ? this.inner.send(email) : { messageId: `<${email.idempotencyKey}>` };
  }
}

jest.setTimeout(30_000);

const silent = pino({ level: 'silent' });
const outboxFiles = (dir: string) => {
  try {
    return readdirSync(join(dir, 'outbox')).filter((f) => f.endsWith('.eml'));
  } catch {
    return [];
  }
};

describe.each(DIALECTS)('scheduled delivery on %s', (dialect) => {
  let db: TestDb;
  beforeEach(async () => {
    db = await createTestDb(dialect);
  });
  afterEach(async () => {
    await db.drop();
  });

  it('delivers a card a few seconds ahead exactly once, with every message, across a restart', async () => {
    const mailer = new CountingMailer(new OutboxMailer(join(db.dataDir, 'outbox'), 'GoodGreets <cards@test>'));
    let app: RunningApp = await startTestApp(db, {}, { mailer });
    const sendAt = localIn('Asia/Tokyo', Date.now() + 3_000);
    const card = (
      await http<{ id: string; shareToken: string; shareUrl: string }>(app.url, '/api/v1/cards', {
        method: 'POST',
        json: newCard({ sendAt, timeZone: 'Asia/Tokyo', senderName: 'Bob & Co' }),
      })
    ).body;
    for (const [name, message] of [
      ['Ann', 'Happy birthday, Zoë!'],
      ['Ben', 'Two lines\nof wishes'],
    ]) {
      expect(
        (await http(app.url, `/api/v1/shared/${card.shareToken}/messages`, { method: 'POST', json: { name, message } }))
          .status,
      ).toBe(201);
    }
    // Restart between scheduling and delivery: the job lives in the database.
    await app.stop();
    expect(outboxFiles(db.dataDir)).toEqual([]);
    app = await startTestApp(db, {}, { mailer });
    try {
      await waitFor(() => (outboxFiles(db.dataDir).length ? true : undefined), 15_000);
      const status = await waitFor(async () => {
        const s = (await http(app.url, `/api/v1/shared/${card.shareToken}`)).body.status;
        return s === 'sent' ? s : undefined;
      });
      expect(status).toBe('sent');
      const [file] = outboxFiles(db.dataDir);
      const eml = readFileSync(join(db.dataDir, 'outbox', file as string), 'utf8');
      expect(eml).toMatch(/^Subject: .*Bob & Co sent you a card/m);
      expect(eml).toMatch(/^To: .*ann@example\.com/m);
      expect(eml).toMatch(/^Reply-To: .*bob@example\.com/m);
      expect(eml).toContain('Content-Type: text/html');
      expect(eml).toContain('Content-Type: text/plain');
      expect(eml).toContain('Content-Type: image/jpeg');
      const text = mailer.sent[0]?.text ?? '';
      expect(text).toContain('Happy birthday, Zoë!');
      expect(text).toContain('of wishes');
      expect(text).toContain(card.shareUrl);
      expect(mailer.sent[0]?.html).toContain('Bob &amp; Co');
      const lag =
        Date.now() - Date.parse((await http(app.url, `/api/v1/shared/${card.shareToken}`)).body.sendAtUtc as string);
      expect(lag).toBeLessThan(10_000);
      const metrics = await http(app.url, '/metrics');
      expect(metrics.text).toMatch(/goodgreets_deliveries_total\{result="sent"\} 1/);
      expect(metrics.text).toMatch(/goodgreets_delivery_lag_seconds_count 1/);
    } finally {
      await app.stop();
    }
    // A third start finds nothing left to send.
    app = await startTestApp(db, {}, { mailer });
    await new Promise((r) => setTimeout(r, 400));
    await app.stop();
    expect(mailer.sent).toHaveLength(1);
    expect(outboxFiles(db.dataDir)).toHaveLength(1);
  });

  it('two workers racing for the same due job send one email', async () => {
    const mailer = new CountingMailer();
    const app = await startTestApp(db, { SCHEDULER_POLL_MS: '3600000' }, { mailer });
    try {
      const card = (
        await http<{ id: string }>(app.url, '/api/v1/cards', {
          method: 'POST',
          json: newCard({ sendAt: localIn('UTC', Date.now() + 1_500), timeZone: 'UTC' }),
        })
      ).body;
      await new Promise((r) => setTimeout(r, 1_600));
      const worker = () =>
        new SchedulerWorker({
          db: app.ctx.database.db,
          clock: app.ctx.clock,
          logger: silent,
          run: async (id) => (await app.ctx.delivery.deliver(id), { kind: 'done' }),
          giveUp: async () => undefined,
        });
      const ran = await Promise.all([worker().tick(), worker().tick(), worker().tick()]);
      expect(ran.reduce((a, b) => a + b, 0)).toBe(1);
      expect(mailer.sent.map((e) => e.idempotencyKey)).toEqual([expect.stringMatching(`^card-${card.id}-\\d+$`)]);
      // The mailer's message id is kept: it is how a later bounce finds the card.
      expect(await new SqlCardRepository(app.ctx.database.db).findById(card.id)).toMatchObject({
        status: 'sent',
        sesMessageId: `<${mailer.sent[0]?.idempotencyKey}>`,
        deliveryProblem: null,
      });
      // Even a direct second delivery attempt is a no-op.
      expect(await app.ctx.delivery.deliver(card.id)).toEqual({ kind: 'skipped' });
      expect(mailer.sent).toHaveLength(1);
    } finally {
      await app.stop();
    }
  });

  it('two overlapping deliveries of one due card (a repeated EventBridge invocation) send one email', async () => {
    const mailer = new CountingMailer();
    const app = await startTestApp(db, { SCHEDULER_POLL_MS: '3600000' }, { mailer });
    try {
      const card = (
        await http<{ id: string }>(app.url, '/api/v1/cards', {
          method: 'POST',
          json: newCard({ sendAt: localIn('UTC', Date.now() + 1_500), timeZone: 'UTC' }),
        })
      ).body;
      const repo = new SqlCardRepository(app.ctx.database.db);
      // Both invocations read the card before either writes: only the conditional update can keep one out.
      let reads = 0;
      let bothRead!: () => void;
      const barrier = new Promise<void>((resolve) => (bothRead = resolve));
      const cards = Object.assign(Object.create(repo) as SqlCardRepository, {
        findById: async (id: string) => {
          const found = await repo.findById(id);
          if (++reads === 2) bothRead();
          await barrier;
          return found;
        },
      });
      const delivery = new DeliveryService({
        cards,
        designs: new SqlDesignRepository(app.ctx.database.db),
        objects: app.ctx.objects,
        mailer,
        clock: { now: () => Date.now() + 60_000 },
        metrics: app.ctx.metrics,
        logger: silent,
        shareUrl: app.ctx.shareUrl,
      });
      const outcomes = await Promise.all([delivery.deliver(card.id), delivery.deliver(card.id)]);
      expect(outcomes.map((o) => o.kind).sort()).toEqual(['sent', 'skipped']);
      expect(mailer.sent).toHaveLength(1);
      expect((await repo.findById(card.id))?.status).toBe('sent');
    } finally {
      await app.stop();
    }
  });

  it('retries a failing mailer with backoff, then marks the card failed after the last attempt', async () => {
    const mailer = new CountingMailer();
    const app = await startTestApp(db, { SCHEDULER_POLL_MS: '3600000' }, { mailer });
    try {
      const create = async () =>
        (
          await http<{ id: string; shareToken: string }>(app.url, '/api/v1/cards', {
            method: 'POST',
            json: newCard({ sendAt: localIn('UTC', Date.now() + 1_200), timeZone: 'UTC' }),
          })
        ).body;
      const flaky = await create();
      const doomed = await create();
      await new Promise((r) => setTimeout(r, 1_300));
      const worker = new SchedulerWorker({
        db: app.ctx.database.db,
        clock: app.ctx.clock,
        logger: silent,
        backoffMs: 20,
        maxAttempts: 3,
        run: async (id) => {
          if (id === doomed.id) throw new Error('design image missing');
          await app.ctx.delivery.deliver(id);
          return { kind: 'done' };
        },
        giveUp: (id) => app.ctx.delivery.giveUp(id),
      });
      mailer.failuresLeft = 1;
      for (let i = 0; i < 6; i++) {
        await worker.tick();
        await new Promise((r) => setTimeout(r, 100));
      }
      const jobs = await app.ctx.database.db.selectFrom('jobs').selectAll().execute();
      const job = (id: string) => jobs.find((j) => j.card_id === id);
      expect([job(flaky.id)?.status, Number(job(flaky.id)?.attempts), job(flaky.id)?.last_error]).toEqual([
        'done',
        2,
        'SMTP 451 try again later',
      ]);
      expect([job(doomed.id)?.status, Number(job(doomed.id)?.attempts)]).toEqual(['failed', 3]);
      expect(mailer.sent.map((e) => e.idempotencyKey)).toEqual([expect.stringMatching(`^card-${flaky.id}-\\d+$`)]);
      expect((await http(app.url, `/api/v1/shared/${flaky.shareToken}`)).body.status).toBe('sent');
      expect((await http(app.url, `/api/v1/shared/${doomed.shareToken}`)).body.status).toBe('failed');
      expect((await http(app.url, '/metrics')).text).toMatch(/goodgreets_deliveries_total\{result="failed"\} 1/);
    } finally {
      await app.stop();
    }
  });

  it('while the mailer fails, shows the card as delivering with the failed send to its owner, never as sent', async () => {
    const mailer = new CountingMailer();
    const app = await startTestApp(db, { SCHEDULER_POLL_MS: '3600000' }, { mailer });
    try {
      const card = (
        await http<{ id: string; shareToken: string; ownerToken: string }>(app.url, '/api/v1/cards', {
          method: 'POST',
          json: newCard({ sendAt: localIn('UTC', Date.now() + 1_200), timeZone: 'UTC' }),
        })
      ).body;
      await new Promise((r) => setTimeout(r, 1_300));
      const worker = new SchedulerWorker({
        db: app.ctx.database.db,
        clock: app.ctx.clock,
        logger: silent,
        backoffMs: 20,
        maxAttempts: 5,
        run: async (id) => {
          await app.ctx.delivery.deliver(id);
          return { kind: 'done' };
        },
        giveUp: (id) => app.ctx.delivery.giveUp(id),
      });
      const owner = async () =>
        (
          await http<{ status: string; deliveryProblem: { kind: string; detail: string } | null }>(
            app.url,
            `/api/v1/cards/${card.id}`,
            { token: card.ownerToken },
          )
        ).body;
      mailer.failuresLeft = 100;
      await worker.tick();
      const retrying = await owner();
      expect([retrying.status, retrying.deliveryProblem?.kind]).toEqual(['delivering', 'send_failed']);
      // The owner learns that it failed, not the mail server's words (they may name internal hosts).
      expect(retrying.deliveryProblem?.detail).not.toMatch(/SMTP|451/);
      expect((await http(app.url, `/api/v1/shared/${card.shareToken}`)).body.status).toBe('delivering');
      const late = await http<{ error: { code: string } }>(app.url, `/api/v1/shared/${card.shareToken}/messages`, {
        method: 'POST',
        json: { name: 'Late', message: 'hi' },
      });
      expect([late.status, late.body.error.code]).toEqual([409, 'card_being_delivered']);
      mailer.failuresLeft = 0;
      await new Promise((r) => setTimeout(r, 50));
      await worker.tick();
      const sent = await owner();
      expect([sent.status, sent.deliveryProblem]).toEqual(['sent', null]);
      expect(mailer.sent).toHaveLength(1);
    } finally {
      await app.stop();
    }
  });
});

describe('email composition', () => {
  const card = {
    id: 'c1',
    recipientName: 'Zoë "Z" <3',
    recipientEmail: 'z@example.com',
    senderName: 'Tom & Jerry',
    senderEmail: 't@example.com',
    shareToken: 't',
  } as Card;
  const design = { title: 'Balloons', category: 'Birthday' } as Design;
  it('carries the image, sender, every message and the link, with user text escaped in HTML', () => {
    const email = composeCardEmail({
      card,
      design,
      image: Buffer.from('jpeg'),
      viewUrl: 'https://cards.example/s/t',
      messages: [
        { id: 1, cardId: 'c1', name: 'A&B', message: 'line 1\nline "2"', createdAt: 1 },
        { id: 2, cardId: 'c1', name: 'C', message: 'x < y', createdAt: 2 },
      ],
    });
    expect(email.subject).toBe('Tom & Jerry sent you a card: Balloons');
    expect(email.to).toEqual({ name: card.recipientName, address: 'z@example.com' });
    expect(email.text).toContain('A&B:\n  line 1\n  line "2"');
    expect(email.text).toContain('https://cards.example/s/t');
    expect(email.html).toContain('Tom &amp; Jerry');
    expect(email.html).toContain('Zoë &quot;Z&quot; &lt;3');
    expect(email.html).toContain('line 1<br>line &quot;2&quot;');
    expect(email.html).toContain('x &lt; y');
    expect(email.html).toContain('src="cid:card-image"');
    expect(email.attachments[0]).toMatchObject({ cid: 'card-image', contentType: 'image/jpeg' });
  });
});
