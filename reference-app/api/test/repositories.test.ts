import type { Database } from '../src/adapters/db/database';
import { sql } from 'kysely';
import { isKeyTaken, isPrimaryKeyTaken } from '../src/adapters/db/availability';
import { MESSAGE_SLOT_INDEX, migrateToLatest } from '../src/adapters/db/migrations';
import { SqlCardRepository, SqlDesignRepository, SqlReplayGuard } from '../src/adapters/db/repositories';
import type { Card, Design } from '../src/domain/types';
import { DIALECTS, type TestDb, createTestDb, openTestDatabase, cardRecord, designRecord } from './helpers';

const design = designRecord;

const card = cardRecord;

describe.each(DIALECTS)('repositories on %s', (dialect) => {
  let t: TestDb;
  let database: Database;
  let designs: SqlDesignRepository;
  let cards: SqlCardRepository;

  beforeAll(async () => {
    t = await createTestDb(dialect);
    database = openTestDatabase(t);
    expect(await migrateToLatest(database.db as never, database.dialect)).toEqual({
      applied: [
        '001_initial',
        '002_delivery_problems',
        '003_idempotency_keys',
        '004_design_moderation',
        '005_card_caps',
        '006_card_public_origin',
        '007_card_empty_postponements',
        '008_message_slots',
      ],
      ahead: [],
    });
    // Running again is a no-op.
    expect(await migrateToLatest(database.db as never, database.dialect)).toEqual({ applied: [], ahead: [] });
    designs = new SqlDesignRepository(database.db);
    cards = new SqlCardRepository(database.db);
    await designs.insert(design('d1'));
  });
  afterAll(async () => {
    await database?.close();
    await t?.drop();
  });

  it('lists public ready designs only, newest first, with stable keyset paging', async () => {
    for (let i = 0; i < 5; i++)
      await designs.insert(design(`p${i}`, { createdAt: 2_000 + (i % 2), category: i < 3 ? 'Wedding' : 'Farewell' }));
    await designs.insert(design('private1', { visibility: 'private', createdAt: 9_000, category: 'Wedding' }));
    await designs.insert(design('processing1', { status: 'processing', createdAt: 9_000, category: 'Wedding' }));
    await designs.insert(design('rejected1', { status: 'rejected', createdAt: 9_000, category: 'Wedding' }));
    const wedding = await designs.listPublic({ category: 'Wedding', limit: 10 });
    expect(wedding.map((d) => d.id)).toEqual(['p1', 'p2', 'p0']);
    const page1 = await designs.listPublic({ limit: 2 });
    const last = page1[1] as Design;
    const page2 = await designs.listPublic({ limit: 10, cursor: { createdAt: last.createdAt, id: last.id } });
    const all = [...page1, ...page2].map((d) => d.id);
    expect(all).toEqual(['p3', 'p1', 'p4', 'p2', 'p0', 'd1']);
  });

  it('shows only approved designs in the gallery and queues public ready ones for review', async () => {
    await designs.insert(design('m-pending', { category: 'Anniversary', moderation: 'pending', createdAt: 3_000 }));
    await designs.insert(design('m-rejected', { category: 'Anniversary', moderation: 'rejected', createdAt: 3_001 }));
    await designs.insert(
      design('m-private', { category: 'Anniversary', visibility: 'private', moderation: 'pending' }),
    );
    await designs.insert(design('m-busy', { category: 'Anniversary', status: 'processing', moderation: 'pending' }));
    // The previous build's INSERT names no moderation: the default keeps its uploads out of the gallery.
    await sql`insert into designs (id, category, title, visibility, status, created_at)
      values ('m-old', 'Anniversary', 't', 'public', 'ready', 2999)`.execute(database.db);
    expect(await designs.findById('m-old')).toMatchObject({ moderation: 'pending' });
    expect((await designs.listPublic({ category: 'Anniversary', limit: 10 })).map((d) => d.id)).toEqual([]);
    expect((await designs.listForReview(10)).map((d) => d.id)).toEqual(['m-old', 'm-pending']);
    expect(await designs.setModeration('m-pending', 'approved')).toBe(true);
    expect(await designs.setModeration('nope', 'approved')).toBe(false);
    expect((await designs.listPublic({ category: 'Anniversary', limit: 10 })).map((d) => d.id)).toEqual(['m-pending']);
    expect((await designs.listForReview(10)).map((d) => d.id)).toEqual(['m-old']);
    await expect(designs.insert(design('bad-mod', { moderation: 'maybe' as never }))).rejects.toHaveProperty(
      'message',
      expect.stringMatching(/constraint|check/i),
    );
  });

  it('stores cards with exact values and finds them by case-sensitive share token', async () => {
    const c = card('c1', {
      shareToken: 'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcde',
      recipientName: 'Zoë 😀',
      publicOrigin: 'http://127.0.0.1:8080',
    });
    await cards.insert(c);
    expect(await cards.findById('c1')).toEqual(c);
    expect(await cards.findByShareToken(c.shareToken)).toEqual(c);
    // A *_ci collation would match this; tokens must not.
    expect(await cards.findByShareToken(c.shareToken.toLowerCase())).toBeUndefined();
    await expect(cards.insert(card('c1b', { shareToken: c.shareToken }))).rejects.toHaveProperty(
      'message',
      expect.stringMatching(/unique|duplicate/i),
    );
    await expect(cards.insert(card('c1c', { designId: 'missing-design' }))).rejects.toHaveProperty(
      'message',
      expect.stringMatching(/foreign key/i),
    );
  });

  it('adds messages only while the card accepts them, in one statement', async () => {
    await cards.insert(card('c2', { sendAtUtc: 5_000 }));
    expect(await cards.addMessage('c2', 'Ann', 'one', 4_000)).toMatchObject({ name: 'Ann', message: 'one' });
    expect(await cards.addMessage('c2', 'Ann', 'late', 5_000)).toBeUndefined();
    expect(await cards.update('c2', 'scheduled', { status: 'sending' })).toBe(true);
    expect(await cards.update('c2', 'scheduled', { status: 'sending' })).toBe(false);
    expect(await cards.addMessage('c2', 'Ann', 'after claim', 4_500)).toBeUndefined();
    expect(await cards.addMessage('nope', 'Ann', 'x', 1)).toBeUndefined();
    expect((await cards.listMessages('c2')).map((m) => m.message)).toEqual(['one']);
    await expect(cards.update('c2', 'sending', { shareToken: 'x' } as Partial<Card>)).rejects.toThrow(
      /cannot be updated/,
    );
  });

  it("removes an owner's chosen message of that card only, and only while the card takes messages", async () => {
    await cards.insert(card('rm1', { sendAtUtc: 5_000 }));
    await cards.insert(card('rm2', { sendAtUtc: 5_000 }));
    const a = (await cards.addMessage('rm1', 'Ann', 'keep', 1_000))!;
    const b = (await cards.addMessage('rm1', 'Spam', 'buy now', 1_000))!;
    const other = (await cards.addMessage('rm2', 'Cy', 'other card', 1_000))!;
    // Another card's message id never removes anything through this card.
    expect(await cards.deleteMessage('rm1', other.id, 2_000)).toBe(false);
    expect(await cards.deleteMessage('rm1', b.id, 2_000)).toBe(true);
    expect(await cards.deleteMessage('rm1', b.id, 2_000)).toBe(false);
    expect((await cards.listMessages('rm1')).map((m) => m.message)).toEqual(['keep']);
    // At the send time, or once delivery claimed the card, the message is part of the email.
    expect(await cards.deleteMessage('rm1', a.id, 5_000)).toBe(false);
    expect(await cards.update('rm2', 'scheduled', { status: 'sending' })).toBe(true);
    expect(await cards.deleteMessage('rm2', other.id, 2_000)).toBe(false);
    expect((await cards.listMessages('rm2')).map((m) => m.message)).toEqual(['other card']);
    // The empty-card count round-trips and updates like any card field.
    expect(await cards.update('rm1', 'scheduled', { emptyPostponements: 1 })).toBe(true);
    expect(await cards.findById('rm1')).toMatchObject({ emptyPostponements: 1 });
  });

  it('keeps the message id of a sent email and records the first problem reported for it only', async () => {
    await cards.insert(card('c5', { status: 'sending' }));
    expect(await cards.update('c5', 'sending', { status: 'sent', sentAt: 7, sesMessageId: 'ses-1' })).toBe(true);
    expect(await cards.findBySesMessageId('ses-1')).toMatchObject({ id: 'c5', deliveryProblem: null });
    // Message ids are case-sensitive like tokens.
    expect(await cards.findBySesMessageId('SES-1')).toBeUndefined();
    const bounce = { kind: 'bounced' as const, detail: 'Permanent/General: 550 5.1.1 unknown user 😀', at: 9 };
    expect(await cards.recordDeliveryProblem('ses-1', bounce)).toBe(true);
    expect(await cards.recordDeliveryProblem('ses-1', { kind: 'complained', detail: 'abuse', at: 10 })).toBe(false);
    expect(await cards.recordDeliveryProblem('no-such-id', bounce)).toBe(false);
    expect(await cards.findById('c5')).toMatchObject({
      status: 'sent',
      sesMessageId: 'ses-1',
      deliveryProblem: bounce,
    });
    // Cleared with the message id when the card goes back to scheduled.
    expect(
      await cards.update('c5', 'sent', {
        status: 'scheduled',
        sentAt: null,
        sesMessageId: null,
        deliveryProblem: null,
      }),
    ).toBe(true);
    expect(await cards.findById('c5')).toMatchObject({ sesMessageId: null, deliveryProblem: null, sentAt: null });
    expect(await cards.findBySesMessageId('ses-1')).toBeUndefined();
  });

  it('reads rows the previous build writes (without the 002 columns) and a problem kind it does not know', async () => {
    // Migrations only expand: the previous release's INSERT names just the 001 columns and still works.
    await sql`insert into cards (id, design_id, recipient_name, recipient_email, sender_name, sender_email,
      send_at_local, time_zone, send_at_utc, share_token, owner_token_hash, status, sent_at, created_at, updated_at)
      values ('old1', 'd1', 'Ann', 'ann@example.com', 'Bob', 'bob@example.com', '2030-01-01T10:00:00', 'UTC',
      1900000000000, ${'old1'.padEnd(43, 'S')}, ${'a'.repeat(64)}, 'sent', 5, 1, 1)`.execute(database.db);
    expect(await cards.findById('old1')).toMatchObject({
      status: 'sent',
      sesMessageId: null,
      deliveryProblem: null,
      emptyPostponements: 0,
    });
    await sql`update cards set ses_message_id = 'm-new', delivery_problem_kind = 'deferred' where id = 'old1'`.execute(
      database.db,
    );
    expect(await cards.findById('old1')).toMatchObject({ deliveryProblem: null });
  });

  it('counts the cards of a recipient and of a sender since an instant (the anti-relay caps)', async () => {
    await cards.insert(
      card('cap1', { recipientEmail: 'cap@example.com', senderEmail: 's1@example.com', createdAt: 100 }),
    );
    await cards.insert(
      card('cap2', { recipientEmail: 'cap@example.com', senderEmail: 's2@example.com', createdAt: 200 }),
    );
    await cards.insert(
      card('cap3', { recipientEmail: 'other@example.com', senderEmail: 's1@example.com', createdAt: 300 }),
    );
    expect(await cards.countCreatedSince('recipient', 'cap@example.com', 100)).toBe(2);
    expect(await cards.countCreatedSince('recipient', 'cap@example.com', 101)).toBe(1);
    expect(await cards.countCreatedSince('sender', 's1@example.com', 0)).toBe(2);
    expect(await cards.countCreatedSince('sender', 's1@example.com', 301)).toBe(0);
  });

  it('stops adding messages at the cap, in the same statement, even when signers race', async () => {
    // Several rounds of 12 racers: on InnoDB racers to one card can still deadlock on the card's
    // index range now and then, which must be retried, never answered as a failure.
    for (let round = 0; round < 4; round++) {
      const id = `race${round}`;
      await cards.insert(card(id));
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) => cards.addMessage(id, `n${i}`, `m${i}`, 10, 5)),
      );
      expect(results.filter((r) => r !== undefined)).toHaveLength(5);
      expect(await cards.listMessages(id)).toHaveLength(5);
    }
    await cards.insert(card('full1'));
    for (let i = 0; i < 5; i++) await cards.addMessage('full1', `n${i}`, `m${i}`, 10, 5);
    expect(await cards.addMessage('full1', 'late', 'x', 10, 5)).toBeUndefined();
    expect(await cards.addMessage('full1', 'late', 'x', 10, 6)).toBeDefined();
  });

  /** The card's slots in message order: what the cap reads (the highest one) must be the count. */
  const slotsOf = async (cardId: string) =>
    (
      await database.db
        .selectFrom('messages')
        .select(['message', 'slot'])
        .where('card_id', '=', cardId)
        .orderBy('id')
        .execute()
    ).map((r) => [r.message, r.slot === null ? null : Number(r.slot)]);

  it('gives back the place of a removed message: a full card takes one more signature after a removal', async () => {
    await cards.insert(card('slots1', { sendAtUtc: 5_000 }));
    const saved = [];
    for (let i = 0; i < 4; i++) saved.push((await cards.addMessage('slots1', 'n', `m${i}`, 10, 4))!);
    expect(await cards.addMessage('slots1', 'n', 'refused', 10, 4)).toBeUndefined();
    // A message from the middle: the last one takes its place, so the places stay 1..n.
    expect(await cards.deleteMessage('slots1', saved[1]!.id, 20)).toBe(true);
    expect(await slotsOf('slots1')).toEqual([
      ['m0', 1],
      ['m2', 3],
      ['m3', 2],
    ]);
    expect(await cards.addMessage('slots1', 'n', 'after removal', 30, 4)).toBeDefined();
    expect(await cards.addMessage('slots1', 'n', 'refused again', 30, 4)).toBeUndefined();
    // The one in the last place: nothing moves. Then the first: the one in the last place (m2) moves.
    expect(await cards.deleteMessage('slots1', (await cards.listMessages('slots1')).at(-1)!.id, 40)).toBe(true);
    expect(await cards.deleteMessage('slots1', saved[0]!.id, 40)).toBe(true);
    expect(await slotsOf('slots1')).toEqual([
      ['m2', 1],
      ['m3', 2],
    ]);
    expect(await cards.addMessage('slots1', 'n', 'x', 50, 4)).toBeDefined();
    expect(await cards.addMessage('slots1', 'n', 'y', 50, 4)).toBeDefined();
    expect(await cards.addMessage('slots1', 'n', 'z', 50, 4)).toBeUndefined();
    expect((await slotsOf('slots1')).map(([, slot]) => slot).sort()).toEqual([1, 2, 3, 4]);
  });

  it('tells a slot another signer took, and a taken message id, from other refusals: both are tried again', async () => {
    await cards.insert(card('slots3'));
    const m = (await cards.addMessage('slots3', 'n', 'first', 10))!;
    const refusal = (values: string) =>
      sql`insert into messages (id, card_id, name, message, created_at, slot) values ${sql.raw(values)}`
        .execute(database.db)
        .then(
          () => undefined,
          (err: unknown) => err,
        );
    const slotTaken = await refusal(`(${m.id + 1}, 'slots3', 'n', 'x', 10, 1)`);
    const idTaken = await refusal(`(${m.id}, 'slots3', 'n', 'x', 10, 2)`);
    // SQLite names neither key by name: its racers are serialised, so only MySQL needs the slot test.
    expect(isKeyTaken(slotTaken, MESSAGE_SLOT_INDEX)).toBe(dialect === 'mysql');
    expect(isPrimaryKeyTaken(slotTaken)).toBe(false);
    expect(isKeyTaken(idTaken, MESSAGE_SLOT_INDEX)).toBe(false);
    expect(isPrimaryKeyTaken(idTaken)).toBe(true);
  });

  it('keeps the cap exact while removals and signatures race on one card', async () => {
    await cards.insert(card('slots2', { sendAtUtc: 5_000 }));
    const first = [];
    for (let i = 0; i < 6; i++) first.push((await cards.addMessage('slots2', 'n', `old${i}`, 10, 6))!);
    const outcomes = await Promise.all([
      ...first.slice(0, 3).map((m) => cards.deleteMessage('slots2', m.id, 20)),
      ...Array.from({ length: 10 }, (_, i) => cards.addMessage('slots2', 'n', `new${i}`, 20, 6)),
    ]);
    expect(outcomes.slice(0, 3)).toEqual([true, true, true]);
    // A signer that ran before a removal committed found the card full, so how many got in depends on the
    // interleaving (under load, fewer than three): never more than the places freed, and counted exactly.
    const accepted = outcomes.slice(3).filter((r) => r !== undefined).length;
    expect(accepted).toBeLessThanOrEqual(3);
    expect(await cards.listMessages('slots2')).toHaveLength(3 + accepted);
    // No freed place is lost: signing one at a time fills the card to exactly its cap, in places 1..6.
    for (let i = accepted; i < 3; i++) expect(await cards.addMessage('slots2', 'n', `late${i}`, 30, 6)).toBeDefined();
    expect(await cards.addMessage('slots2', 'n', 'one too many', 30, 6)).toBeUndefined();
    expect((await slotsOf('slots2')).map(([, slot]) => slot).sort()).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('adds a message found by share token in the same statement, and to no other card', async () => {
    await cards.insert(card('tok1'));
    await cards.insert(card('tok2'));
    const token = (await cards.findById('tok1'))?.shareToken as string;
    expect(await cards.addMessage({ shareToken: token }, 'Ann', 'by token', 10, 5)).toMatchObject({
      name: 'Ann',
      message: 'by token',
      createdAt: 10,
    });
    expect(await cards.addMessage({ shareToken: 'x'.repeat(43) }, 'Ann', 'nowhere', 10, 5)).toBeUndefined();
    expect((await cards.listMessages('tok1')).map((m) => [m.cardId, m.message])).toEqual([['tok1', 'by token']]);
    expect(await cards.listMessages('tok2')).toEqual([]);
    // The cap counts the messages of the card the token found.
    for (let i = 0; i < 4; i++) await cards.addMessage({ shareToken: token }, 'n', `m${i}`, 10, 5);
    expect(await cards.addMessage({ shareToken: token }, 'n', 'sixth', 10, 5)).toBeUndefined();
    expect(await cards.addMessage('tok2', 'n', 'other card', 10, 5)).toBeDefined();
  });

  it('makes message ids itself, in write order, and an older build inserting without one still can', async () => {
    await cards.insert(card('ids1'));
    const before = (Date.now() - Date.UTC(2020, 0, 1)) * 4096;
    const saved = [];
    for (let i = 0; i < 5; i++) saved.push(await cards.addMessage('ids1', 'n', `m${i}`, 10));
    const after = (Date.now() + 1 - Date.UTC(2020, 0, 1)) * 4096 + 4096;
    const ids = saved.map((m) => m?.id as number);
    // Time-based ids (no AUTO_INCREMENT, so InnoDB takes no table AUTO-INC lock for the capped
    // INSERT ... SELECT), increasing, and what the table holds.
    for (const id of ids) expect(id >= before && id <= after).toBe(true);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect((await cards.listMessages('ids1')).map((m) => [m.id, m.message])).toEqual(ids.map((id, i) => [id, `m${i}`]));
    // The column keeps AUTO_INCREMENT: a build rolled back to, which inserts without an id, still
    // can, and its message sorts after the ones made here.
    await sql`insert into messages (card_id, name, message, created_at)
              values ('ids1', 'old', 'from the previous build', 11)`.execute(database.db);
    const list = await cards.listMessages('ids1');
    expect(list.map((m) => m.message).at(-1)).toBe('from the previous build');
    expect((list.at(-1)?.id as number) > (ids.at(-1) as number)).toBe(true);
  });

  it('makes a message id again when the one it made is taken (two processes in one millisecond)', async () => {
    await cards.insert(card('ids2'));
    const taken = (await cards.addMessage('ids2', 'first', 'one', 10))?.id as number;
    const made = [taken, taken, taken + 7];
    const colliding = new SqlCardRepository(database.db, () => made.shift() as number);
    expect(await colliding.addMessage('ids2', 'second', 'two', 10)).toMatchObject({ id: taken + 7, message: 'two' });
    expect(made).toEqual([]);
    expect((await cards.listMessages('ids2')).map((m) => m.message)).toEqual(['one', 'two']);
    // An id that stays taken is not a loop: the attempts end in a 503 and nothing is stored.
    const stuck = new SqlCardRepository(database.db, () => taken);
    await expect(stuck.addMessage('ids2', 'third', 'three', 10)).rejects.toMatchObject({
      status: 503,
      code: 'database_unavailable',
    });
    expect(await cards.listMessages('ids2')).toHaveLength(2);
  });

  it('concurrent message inserts all land with increasing ids', async () => {
    await cards.insert(card('c3'));
    await Promise.all(Array.from({ length: 20 }, (_, i) => cards.addMessage('c3', `n${i}`, `m${i}`, 10)));
    const list = await cards.listMessages('c3');
    expect(list).toHaveLength(20);
    expect(list.map((m) => m.id)).toEqual([...list.map((m) => m.id)].sort((a, b) => a - b));
  });

  it('remembers CAPTCHA solutions once and purges expired ones', async () => {
    const guard = new SqlReplayGuard(database.db);
    const key = 'f'.repeat(64);
    expect(await guard.remember(key, 100)).toBe(true);
    expect(await guard.remember(key, 100)).toBe(false);
    await guard.purgeExpired(101);
    expect(await guard.remember(key, 100)).toBe(true);
  });

  // Driver errors are matched by message: better-sqlite3 builds its error class in the realm of
  // the first test file that loaded it, so `instanceof Error` fails in later files of a worker.
  it('rejects values that break the schema constraints', async () => {
    await expect(designs.insert(design('bad-vis', { visibility: 'secret' as never }))).rejects.toHaveProperty(
      'message',
      expect.stringMatching(/_ck|check/i),
    );
    await expect(cards.insert(card('c4', { status: 'weird' as never }))).rejects.toHaveProperty(
      'message',
      expect.stringMatching(/_ck|check/i),
    );
  });
});
