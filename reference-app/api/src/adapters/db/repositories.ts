import { type ExpressionBuilder, type Kysely, type Selectable, sql } from 'kysely';
import type { CardRepository, DesignListQuery, DesignRepository, GalleryDesign, ReplayGuard } from '../../domain/ports';
import {
  type Card,
  type CardStatus,
  type Category,
  DELIVERY_PROBLEM_KINDS,
  type DeliveryProblem,
  type DeliveryProblemKind,
  type Design,
  type DesignStatus,
  type Message,
  type SavedMessage,
  MODERATIONS,
  type Moderation,
  type Visibility,
} from '../../domain/types';
import type { CardsTable, DB, DesignsTable } from './schema';
import { randomInt } from 'node:crypto';
import { isKeyTaken, isPrimaryKeyTaken, retryOnConflict } from './availability';
import { MESSAGE_SLOT_INDEX } from './migrations';
import { prepareByShape } from './prepared';

const SIGN_VALUES = ['id', 'by', 'name', 'message', 'now', 'key', 'max'] as const;
const GALLERY_VALUES = ['category', 'createdAt', 'id', 'limit'] as const;

/**
 * Message ids are made here, not by AUTO_INCREMENT (the column keeps it, so a build rolled back to
 * still inserts). InnoDB treats an INSERT ... SELECT, the capped signature, as a bulk insert, and
 * under MariaDB's default innodb_autoinc_lock_mode=1 it held the table's AUTO-INC lock for the
 * whole statement: signatures to all cards queued behind one another, and racing ones deadlocked
 * on that lock (issue 14). Given an id, InnoDB takes no AUTO-INC lock.
 *
 * Milliseconds since 2020 times 4096, plus a random start and a counter: increasing within a
 * process (a card's messages read back in the order they were written, after any older
 * AUTO_INCREMENT ones), and within JavaScript's safe integers until 2089. Two processes can make
 * the same id in the same millisecond: the primary key refuses the second, which is made again.
 */
const MESSAGE_ID_EPOCH_MS = Date.UTC(2020, 0, 1);
let lastMessageId = 0;
export function newMessageId(nowMs = Date.now()): number {
  lastMessageId = Math.max(lastMessageId + 1, (nowMs - MESSAGE_ID_EPOCH_MS) * 4096 + randomInt(2048));
  return lastMessageId;
}

// mysql2 may hand back BIGINT as a string when it is large; every instant here fits a double.
const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v));
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : num(v));

function toCard(r: Selectable<CardsTable>): Card {
  return {
    id: r.id,
    designId: r.design_id,
    recipientName: r.recipient_name,
    recipientEmail: r.recipient_email,
    senderName: r.sender_name,
    senderEmail: r.sender_email,
    sendAtLocal: r.send_at_local,
    timeZone: r.time_zone,
    sendAtUtc: num(r.send_at_utc),
    shareToken: r.share_token,
    ownerTokenHash: r.owner_token_hash,
    status: r.status as CardStatus,
    sentAt: numOrNull(r.sent_at),
    sesMessageId: r.ses_message_id ?? null,
    deliveryProblem: toProblem(r),
    publicOrigin: r.public_origin ?? null,
    emptyPostponements: num(r.empty_postponements ?? 0),
    createdAt: num(r.created_at),
    updatedAt: num(r.updated_at),
  };
}

function toProblem(r: Selectable<CardsTable>): DeliveryProblem | null {
  const kind = r.delivery_problem_kind as DeliveryProblemKind | null | undefined;
  // A kind a newer build wrote (the schema may be ahead after a rollback) is not shown as something it is not.
  if (!kind || !DELIVERY_PROBLEM_KINDS.includes(kind)) return null;
  return { kind, detail: r.delivery_problem_detail ?? '', at: num(r.delivery_problem_at) };
}

function problemColumns(p: DeliveryProblem | null) {
  return {
    delivery_problem_kind: p?.kind ?? null,
    delivery_problem_detail: p?.detail ?? null,
    delivery_problem_at: p?.at ?? null,
  };
}

const cardColumns: Partial<Record<keyof Card, keyof CardsTable>> = {
  designId: 'design_id',
  recipientName: 'recipient_name',
  recipientEmail: 'recipient_email',
  senderName: 'sender_name',
  senderEmail: 'sender_email',
  sendAtLocal: 'send_at_local',
  timeZone: 'time_zone',
  sendAtUtc: 'send_at_utc',
  status: 'status',
  sentAt: 'sent_at',
  sesMessageId: 'ses_message_id',
  emptyPostponements: 'empty_postponements',
  updatedAt: 'updated_at',
};

/** The signing statement, one per shape (card found by id or share token; capped or not). */
const signingStatement = (db: Kysely<DB>) =>
  prepareByShape(db, SIGN_VALUES, (v, byToken: boolean, capped: boolean) => {
    // The card's highest slot: one entry of the (card_id, slot) index, however full the card is.
    const lastSlot = (eb: ExpressionBuilder<DB, 'cards'>) =>
      eb
        .selectFrom('messages')
        .select(sql<number>`coalesce(max(messages.slot), 0)`.as('n'))
        .whereRef('messages.card_id', '=', 'cards.id');
    return db
      .insertInto('messages')
      .columns(['id', 'card_id', 'name', 'message', 'created_at', 'idempotency_key', 'slot'])
      .expression((eb) =>
        eb
          .selectFrom('cards')
          .select((s) => [
            s.val(v.id).as('message_id'),
            'id',
            s.val(v.name).as('name'),
            s.val(v.message).as('message'),
            s.val(v.now).as('created_at'),
            s.val(v.key).as('idempotency_key'),
            sql<number>`(${lastSlot(s)}) + 1`.as('slot'),
          ])
          .where(byToken ? 'share_token' : 'id', '=', v.by)
          .where('status', '=', 'scheduled')
          .where('send_at_utc', '>', v.now)
          .$if(capped, (q) => q.where(lastSlot, '<', v.max)),
      );
  });

/**
 * The gallery page query, one per shape (category or not, first page or continued). Only the
 * columns a tile shows: the gallery is the busiest read, and every column more is one more
 * column definition and value the driver parses per row.
 */
const galleryPage = (db: Kysely<DB>) =>
  prepareByShape(db, GALLERY_VALUES, (v, byCategory: boolean, continued: boolean) =>
    db
      .selectFrom('designs')
      .select(['id', 'category', 'title', 'thumb_key', 'display_key', 'created_at'])
      .where('visibility', '=', 'public')
      .where('status', '=', 'ready')
      .where('moderation', '=', 'approved')
      .$if(byCategory, (q) => q.where('category', '=', v.category))
      .$if(continued, (q) =>
        q.where((eb) =>
          eb.or([
            eb('created_at', '<', v.createdAt),
            eb.and([eb('created_at', '=', v.createdAt), eb('id', '<', v.id)]),
          ]),
        ),
      )
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(v.limit),
  );

/** Rolls back a message removal that found no such message on the card. */
class NotThisCard extends Error {}

export class SqlCardRepository implements CardRepository {
  private readonly signStatement: ReturnType<typeof signingStatement>;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly makeMessageId: () => number = newMessageId,
  ) {
    this.signStatement = signingStatement(db);
  }

  async insert(c: Card): Promise<void> {
    await this.db
      .insertInto('cards')
      .values({
        id: c.id,
        design_id: c.designId,
        recipient_name: c.recipientName,
        recipient_email: c.recipientEmail,
        sender_name: c.senderName,
        sender_email: c.senderEmail,
        send_at_local: c.sendAtLocal,
        time_zone: c.timeZone,
        send_at_utc: c.sendAtUtc,
        share_token: c.shareToken,
        owner_token_hash: c.ownerTokenHash,
        status: c.status,
        sent_at: c.sentAt,
        ses_message_id: c.sesMessageId,
        ...problemColumns(c.deliveryProblem),
        public_origin: c.publicOrigin ?? null,
        empty_postponements: c.emptyPostponements ?? 0,
        created_at: c.createdAt,
        updated_at: c.updatedAt,
      })
      .execute();
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('cards').where('id', '=', id).execute();
  }

  async findById(id: string): Promise<Card | undefined> {
    const row = await this.db.selectFrom('cards').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toCard(row);
  }

  async findByShareToken(token: string): Promise<Card | undefined> {
    const row = await this.db.selectFrom('cards').selectAll().where('share_token', '=', token).executeTakeFirst();
    return row && toCard(row);
  }

  async update(id: string, expected: CardStatus, patch: Partial<Card>): Promise<boolean> {
    const values: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(patch)) {
      if (key === 'deliveryProblem') {
        Object.assign(values, problemColumns(value as DeliveryProblem | null));
        continue;
      }
      const column = cardColumns[key as keyof Card];
      if (!column) throw new Error(`card field ${key} cannot be updated`);
      values[column] = value;
    }
    const result = await this.db
      .updateTable('cards')
      .set(values)
      .where('id', '=', id)
      .where('status', '=', expected)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async findBySesMessageId(messageId: string): Promise<Card | undefined> {
    const row = await this.db
      .selectFrom('cards')
      .selectAll()
      .where('ses_message_id', '=', messageId)
      .executeTakeFirst();
    return row && toCard(row);
  }

  async recordDeliveryProblem(messageId: string, problem: DeliveryProblem): Promise<boolean> {
    // The first report wins: a redelivered event, or a second one for the same email, matches no row.
    const result = await this.db
      .updateTable('cards')
      .set(problemColumns(problem))
      .where('ses_message_id', '=', messageId)
      .where('delivery_problem_kind', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async addMessage(
    card: string | { shareToken: string },
    name: string,
    message: string,
    now: number,
    maxMessages?: number,
    idempotencyKey?: string,
  ): Promise<SavedMessage | undefined> {
    // One statement: the status check, the cap and the insert cannot be split by a concurrent
    // delivery or signer; found by share token it is also the only round trip of a signature.
    const byToken = typeof card !== 'string';
    let id = 0;
    let result;
    try {
      result = await retryOnConflict(
        () => {
          id = this.makeMessageId();
          const by = typeof card === 'string' ? card : card.shareToken;
          const values = { id, by, name, message, now, key: idempotencyKey ?? null, max: maxMessages ?? 0 };
          return this.signStatement([byToken, maxMessages !== undefined], values);
        },
        5,
        // Two signers of one card can read the same highest slot; the unique slot index refuses
        // the second, which reads it again (as does one whose made id was taken).
        (err) => isPrimaryKeyTaken(err) || isKeyTaken(err, MESSAGE_SLOT_INDEX),
      );
    } catch (err) {
      // The unique key refuses a second message with this key: the first one is the answer.
      const first = idempotencyKey === undefined ? undefined : await this.messageByKey(idempotencyKey);
      if (first) return first;
      throw err;
    }
    if (Number(result.numAffectedRows ?? 0) !== 1) return undefined;
    return { id, name, message, createdAt: now };
  }

  async countCreatedSince(who: 'recipient' | 'sender', email: string, since: number): Promise<number> {
    const row = await this.db
      .selectFrom('cards')
      .select((eb) => eb.fn.countAll().as('n'))
      .where(who === 'recipient' ? 'recipient_email' : 'sender_email', '=', email)
      .where('created_at', '>=', since)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  private async messageByKey(key: string): Promise<SavedMessage | undefined> {
    const r = await this.db.selectFrom('messages').selectAll().where('idempotency_key', '=', key).executeTakeFirst();
    return r && { id: num(r.id), name: r.name, message: r.message, createdAt: num(r.created_at) };
  }

  async deleteMessage(cardId: string, messageId: number, now: number): Promise<boolean> {
    // Slots stay 1..n so the highest one is the count the cap reads: the card's last message takes
    // the slot of the one removed. The card row is written first (removing a message updates the
    // card), which locks it on both dialects: a signer (its statement reads the card) and a delivery
    // wait, and a message already in the email being sent (the card is `sending` or past its time)
    // is never removed from under it.
    return this.db
      .transaction()
      .execute(async (trx) => {
        const card = await trx
          .updateTable('cards')
          .set({ updated_at: now })
          .where('id', '=', cardId)
          .where('status', '=', 'scheduled')
          .where('send_at_utc', '>', now)
          .executeTakeFirst();
        if (Number(card.numUpdatedRows) !== 1) return false;
        const gone = await trx
          .selectFrom('messages')
          .select('slot')
          .where('id', '=', messageId)
          .where('card_id', '=', cardId)
          .executeTakeFirst();
        // Not this card's message: nothing changes, the card's touch included.
        if (!gone) throw new NotThisCard();
        await trx.deleteFrom('messages').where('id', '=', messageId).execute();
        if (gone.slot === null) return true;
        const last = await trx
          .selectFrom('messages')
          .select(sql<number | null>`max(slot)`.as('slot'))
          .where('card_id', '=', cardId)
          .executeTakeFirst();
        const lastSlot = numOrNull(last?.slot);
        if (lastSlot !== null && lastSlot > num(gone.slot))
          await trx
            .updateTable('messages')
            .set({ slot: num(gone.slot) })
            .where('card_id', '=', cardId)
            .where('slot', '=', lastSlot)
            .execute();
        return true;
      })
      .catch((err: unknown) => {
        if (err instanceof NotThisCard) return false;
        throw err;
      });
  }

  async listMessages(cardId: string): Promise<Message[]> {
    const rows = await this.db.selectFrom('messages').selectAll().where('card_id', '=', cardId).orderBy('id').execute();
    return rows.map((r) => ({
      id: num(r.id),
      cardId: r.card_id,
      name: r.name,
      message: r.message,
      createdAt: num(r.created_at),
    }));
  }
}

function toDesign(r: Selectable<DesignsTable>): Design {
  return {
    id: r.id,
    category: r.category as Category,
    title: r.title,
    visibility: r.visibility as Visibility,
    status: r.status as DesignStatus,
    // A state a newer build wrote (the schema may be ahead after a rollback) counts as unreviewed.
    moderation: MODERATIONS.includes(r.moderation as Moderation) ? (r.moderation as Moderation) : 'pending',
    rejectReason: r.reject_reason,
    originalKey: r.original_key,
    displayKey: r.display_key,
    thumbKey: r.thumb_key,
    createdAt: num(r.created_at),
  };
}

export class SqlDesignRepository implements DesignRepository {
  private readonly galleryStatement: ReturnType<typeof galleryPage>;

  constructor(private readonly db: Kysely<DB>) {
    this.galleryStatement = galleryPage(db);
  }

  async insert(d: Design): Promise<void> {
    await this.db.insertInto('designs').values(this.row(d)).execute();
  }

  async delete(id: string): Promise<void> {
    // Only an upload still in flight: a design that reached the gallery may be on cards.
    await this.db.deleteFrom('designs').where('id', '=', id).where('status', '=', 'processing').execute();
  }

  async insertIfAbsent(d: Design): Promise<boolean> {
    // A portable "insert unless present": the primary key decides, a race loses cleanly.
    if (await this.findById(d.id)) return false;
    try {
      await this.insert(d);
      return true;
    } catch (err) {
      if (await this.findById(d.id)) return false;
      throw err;
    }
  }

  async findById(id: string): Promise<Design | undefined> {
    const row = await this.db.selectFrom('designs').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toDesign(row);
  }

  async listPublic(q: DesignListQuery): Promise<GalleryDesign[]> {
    const { category, cursor, limit } = q;
    const result = await this.galleryStatement([Boolean(category), Boolean(cursor)], {
      category: category ?? null,
      createdAt: cursor?.createdAt ?? null,
      id: cursor?.id ?? null,
      limit,
    });
    const rows = result.rows as Pick<
      Selectable<DesignsTable>,
      'id' | 'category' | 'title' | 'thumb_key' | 'display_key' | 'created_at'
    >[];
    return rows.map((r) => ({
      id: r.id,
      category: r.category as Category,
      title: r.title,
      thumbKey: r.thumb_key,
      displayKey: r.display_key,
      createdAt: num(r.created_at),
    }));
  }

  async listByStatus(status: DesignStatus, limit: number): Promise<Design[]> {
    const rows = await this.db
      .selectFrom('designs')
      .selectAll()
      .where('status', '=', status)
      .orderBy('created_at')
      .limit(limit)
      .execute();
    return rows.map(toDesign);
  }

  async listForReview(limit: number): Promise<Design[]> {
    const rows = await this.db
      .selectFrom('designs')
      .selectAll()
      .where('visibility', '=', 'public')
      .where('status', '=', 'ready')
      .where('moderation', '=', 'pending')
      .orderBy('created_at')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(toDesign);
  }

  async setModeration(id: string, moderation: Moderation): Promise<boolean> {
    const result = await this.db.updateTable('designs').set({ moderation }).where('id', '=', id).executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async markReady(id: string, displayKey: string, thumbKey: string): Promise<void> {
    await this.db
      .updateTable('designs')
      .set({ status: 'ready', display_key: displayKey, thumb_key: thumbKey, reject_reason: null })
      .where('id', '=', id)
      .where('status', '=', 'processing')
      .execute();
  }

  async markRejected(id: string, reason: string): Promise<void> {
    await this.db
      .updateTable('designs')
      .set({ status: 'rejected', reject_reason: reason.slice(0, 300), original_key: null })
      .where('id', '=', id)
      .where('status', '=', 'processing')
      .execute();
  }

  private row(d: Design) {
    return {
      id: d.id,
      category: d.category,
      title: d.title,
      visibility: d.visibility,
      status: d.status,
      moderation: d.moderation,
      reject_reason: d.rejectReason,
      original_key: d.originalKey,
      display_key: d.displayKey,
      thumb_key: d.thumbKey,
      created_at: d.createdAt,
    };
  }
}

export class SqlReplayGuard implements ReplayGuard {
  constructor(private readonly db: Kysely<DB>) {}

  async remember(keyHash: string, expiresAt: number): Promise<boolean> {
    try {
      await this.db.insertInto('captcha_uses').values({ key_hash: keyHash, expires_at: expiresAt }).execute();
      return true;
    } catch (err) {
      // The primary key rejects a second use; anything else is a real failure.
      const found = await this.db
        .selectFrom('captcha_uses')
        .select('key_hash')
        .where('key_hash', '=', keyHash)
        .executeTakeFirst();
      if (found) return false;
      throw err;
    }
  }

  async forget(keyHash: string): Promise<void> {
    await this.db.deleteFrom('captcha_uses').where('key_hash', '=', keyHash).execute();
  }

  async purgeExpired(now: number): Promise<void> {
    await this.db.deleteFrom('captcha_uses').where('expires_at', '<', now).execute();
  }
}
