import { AppError, conflict, invalid, notFound } from './errors';
import type {
  BusinessMetrics,
  Captcha,
  CaptchaContext,
  CardRepository,
  Clock,
  DeliveryScheduler,
  DesignRepository,
  Mailer,
  ObjectStore,
} from './ports';
import { composeOwnerLinkEmail } from '../delivery/compose';
import { resolveSendAt } from './time';
import { hashToken, newId, newToken, tokenMatches } from './tokens';
import type { Card, DeliveryProblem, Design, SavedMessage } from './types';
import type { CreateCardInput, MessageInput, PatchCardInput } from './validation';

export interface CardServiceDeps {
  cards: CardRepository;
  designs: DesignRepository;
  objects: ObjectStore;
  scheduler: DeliveryScheduler;
  clock: Clock;
  metrics: BusinessMetrics;
  /**
   * Builds the public link a signer opens, from the share token and the origin the person is
   * using (undefined: the configured or default origin).
   */
  shareUrl(shareToken: string, origin?: string): string;
  /**
   * Anti-relay (the site sends email from its own domain on a stranger's behalf): creating a card
   * needs the CAPTCHA unless `captcha` is absent (load tests), and each recipient and sender
   * address gets a few cards a day.
   */
  relay?: { captcha?: Captcha; perRecipientPerDay: number; perSenderPerDay: number };
  /** Messages one card holds at most: a share-link holder cannot bloat it until delivery fails. */
  maxMessagesPerCard?: number;
  /**
   * Emails the creator their private manage link when the card is created, so a closed tab does
   * not lose the card. Absent: the link is only in the create answer.
   */
  ownerLink?: {
    mailer: Mailer;
    manageUrl(cardId: string, ownerToken: string, origin?: string): string;
    /** The card exists either way: a mail failure is reported here, and the answer says it was not emailed. */
    onError(cardId: string, err: Error): void;
  };
}

const DAY_MS = 24 * 3600 * 1000;

export interface DesignView {
  id: string;
  category: string;
  title: string;
  thumbnailUrl: string | null;
  imageUrl: string | null;
}

export class CardService {
  constructor(private readonly deps: CardServiceDeps) {}

  /** `origin`: where the creator reached the site; kept so the email sent later links to the same place. */
  async create(
    input: CreateCardInput,
    captchaContext: CaptchaContext = {},
    origin?: string,
  ): Promise<{ id: string; shareToken: string; ownerToken: string; shareUrl: string; ownerLinkEmailed: boolean }> {
    const { cards, designs, scheduler, clock, relay } = this.deps;
    const now = clock.now();
    if (relay?.captcha) {
      const verdict = await relay.captcha.verify(input.captcha, captchaContext);
      if (!verdict.ok)
        throw new AppError(verdict.code === 'captcha_missing' ? 400 : 403, verdict.code, verdict.message);
    }
    if (relay) {
      const since = now - DAY_MS;
      if ((await cards.countCreatedSince('recipient', input.recipientEmail, since)) >= relay.perRecipientPerDay)
        throw new AppError(
          429,
          'recipient_limit',
          `this recipient already has ${relay.perRecipientPerDay} cards from the last 24 hours; try again tomorrow`,
        );
      if ((await cards.countCreatedSince('sender', input.senderEmail, since)) >= relay.perSenderPerDay)
        throw new AppError(
          429,
          'sender_limit',
          `this sender address already created ${relay.perSenderPerDay} cards in the last 24 hours; try again tomorrow`,
        );
    }
    const sendAt = resolveSendAt(input.sendAt, input.timeZone, now);
    const design = await designs.findById(input.designId);
    if (!design) throw new AppError(404, 'design_not_found', `design ${input.designId} not found`);
    if (design.status !== 'ready')
      throw new AppError(409, 'design_not_ready', `design ${design.id} is ${design.status}`);
    const shareToken = newToken();
    const ownerToken = newToken();
    const card: Card = {
      id: newId(),
      designId: design.id,
      recipientName: input.recipientName,
      recipientEmail: input.recipientEmail,
      senderName: input.senderName,
      senderEmail: input.senderEmail,
      sendAtLocal: sendAt.local,
      timeZone: input.timeZone,
      sendAtUtc: sendAt.utc,
      shareToken,
      ownerTokenHash: hashToken(ownerToken),
      status: 'scheduled',
      sentAt: null,
      sesMessageId: null,
      deliveryProblem: null,
      publicOrigin: origin ?? null,
      createdAt: now,
      updatedAt: now,
    };
    await cards.insert(card);
    try {
      await scheduler.schedule(card);
    } catch (err) {
      // The original left an unscheduled card behind; we undo it and let the client retry.
      await cards.delete(card.id);
      throw new AppError(503, 'scheduler_unavailable', 'could not schedule the delivery, please retry', undefined, err);
    }
    this.deps.metrics.cardCreated();
    const shareUrl = this.deps.shareUrl(shareToken, origin);
    const ownerLinkEmailed = await this.emailOwnerLink(card, ownerToken, shareUrl, origin);
    return { id: card.id, shareToken, ownerToken, shareUrl, ownerLinkEmailed };
  }

  private async emailOwnerLink(card: Card, ownerToken: string, shareUrl: string, origin?: string): Promise<boolean> {
    const o = this.deps.ownerLink;
    if (!o) return false;
    try {
      await o.mailer.send(
        composeOwnerLinkEmail(card, { manageUrl: o.manageUrl(card.id, ownerToken, origin), shareUrl }),
      );
      return true;
    } catch (err) {
      o.onError(card.id, err as Error);
      return false;
    }
  }

  async sharedView(shareToken: string) {
    const card = await this.deps.cards.findByShareToken(shareToken);
    if (!card) throw notFound('card');
    const [design, messages] = await Promise.all([
      this.designView(card.designId),
      this.deps.cards.listMessages(card.id),
    ]);
    return {
      design,
      recipientName: card.recipientName,
      senderName: card.senderName,
      sendAt: card.sendAtLocal,
      timeZone: card.timeZone,
      sendAtUtc: new Date(card.sendAtUtc).toISOString(),
      status: publicStatus(card),
      messages: messages.map(messageView),
    };
  }

  /** `idempotencyKey`: the request's hashed Idempotency-Key; a message already written with it is the answer. */
  async addMessage(shareToken: string, input: MessageInput, idempotencyKey?: string) {
    const now = this.deps.clock.now();
    const max = this.deps.maxMessagesPerCard;
    const saved = await this.deps.cards.addMessage({ shareToken }, input.name, input.message, now, max, idempotencyKey);
    if (!saved) {
      // Refused: only now is the card read, to say why (unknown, full, closed).
      const current = await this.deps.cards.findByShareToken(shareToken);
      if (!current) throw notFound('card');
      if (max !== undefined && current.status === 'scheduled' && current.sendAtUtc > now)
        throw conflict('card_full', `this card already holds ${max} messages, the most one card can carry`);
      const status = publicStatus(current);
      // Still `scheduled` but refused: its send time has passed and delivery has not claimed it yet.
      throw conflict(...CLOSED[status === 'scheduled' ? 'delivering' : status]);
    }
    this.deps.metrics.messageAdded();
    return messageView(saved);
  }

  async ownerView(id: string, ownerToken: string | undefined, origin?: string) {
    const card = await this.authorised(id, ownerToken);
    const [design, messages] = await Promise.all([
      this.designView(card.designId),
      this.deps.cards.listMessages(card.id),
    ]);
    return {
      id: card.id,
      design,
      recipientName: card.recipientName,
      recipientEmail: card.recipientEmail,
      senderName: card.senderName,
      senderEmail: card.senderEmail,
      sendAt: card.sendAtLocal,
      timeZone: card.timeZone,
      sendAtUtc: new Date(card.sendAtUtc).toISOString(),
      status: publicStatus(card),
      sentAt: card.sentAt === null ? null : new Date(card.sentAt).toISOString(),
      deliveryProblem: problemView(card.deliveryProblem),
      shareUrl: this.deps.shareUrl(card.shareToken, origin),
      // The owner addresses a message by its id (to remove it); signers never see ids.
      messages: messages.map((m) => ({ id: m.id, ...messageView(m) })),
    };
  }

  /** The owner removes one message while the card still takes messages (a signer's mistake, spam). */
  async removeMessage(id: string, ownerToken: string | undefined, messageId: number): Promise<void> {
    const card = await this.authorised(id, ownerToken);
    if (await this.deps.cards.deleteMessage(card.id, messageId, this.deps.clock.now())) return;
    this.assertEditable(card);
    throw notFound('message');
  }

  async patch(id: string, ownerToken: string | undefined, input: PatchCardInput, origin?: string) {
    const card = await this.authorised(id, ownerToken);
    if (isBounced(card)) return this.resend(card, ownerToken, input, origin);
    this.assertEditable(card);
    const patch: Partial<Card> = { updatedAt: this.deps.clock.now() };
    if (input.recipientName !== undefined) patch.recipientName = input.recipientName;
    if (input.recipientEmail !== undefined) patch.recipientEmail = input.recipientEmail;
    const timeChanged = input.sendAt !== undefined || input.timeZone !== undefined;
    if (timeChanged) {
      const zone = input.timeZone ?? card.timeZone;
      const resolved = resolveSendAt(input.sendAt ?? card.sendAtLocal, zone, this.deps.clock.now());
      Object.assign(patch, { sendAtLocal: resolved.local, sendAtUtc: resolved.utc, timeZone: zone });
    }
    if (!(await this.deps.cards.update(card.id, 'scheduled', patch))) throw this.notEditable();
    const updated = { ...card, ...patch };
    if (timeChanged) await this.deps.scheduler.reschedule(updated);
    return this.ownerView(id, ownerToken, origin);
  }

  /**
   * A sent card whose email bounced goes back to scheduled with a corrected address and a new send
   * time: sent -> scheduled, the bounce and the old message id cleared (a late copy of the old bounce
   * then finds no card). The only way out of `sent`; a complained-about or rejected card stays final.
   */
  private async resend(card: Card, ownerToken: string | undefined, input: PatchCardInput, origin?: string) {
    if (input.recipientEmail === undefined || input.recipientEmail === card.recipientEmail) {
      throw invalid(`the email to ${card.recipientEmail} bounced: send a corrected recipientEmail and a new sendAt`, [
        { path: 'recipientEmail', message: 'must differ from the address that bounced' },
      ]);
    }
    if (input.sendAt === undefined) {
      throw invalid('a bounced card needs a new sendAt to be sent again', [
        { path: 'sendAt', message: 'required to send a bounced card again' },
      ]);
    }
    const now = this.deps.clock.now();
    const zone = input.timeZone ?? card.timeZone;
    const resolved = resolveSendAt(input.sendAt, zone, now);
    const patch: Partial<Card> = {
      recipientEmail: input.recipientEmail,
      sendAtLocal: resolved.local,
      sendAtUtc: resolved.utc,
      timeZone: zone,
      status: 'scheduled',
      sentAt: null,
      sesMessageId: null,
      deliveryProblem: null,
      updatedAt: now,
    };
    if (input.recipientName !== undefined) patch.recipientName = input.recipientName;
    if (!(await this.deps.cards.update(card.id, 'sent', patch))) throw this.notEditable();
    try {
      await this.deps.scheduler.reschedule({ ...card, ...patch });
    } catch (err) {
      // Put the card back as it was (still bounced, still reschedulable) rather than leave it scheduled with no schedule.
      const previous = Object.fromEntries(Object.keys(patch).map((k) => [k, card[k as keyof Card]])) as Partial<Card>;
      await this.deps.cards.update(card.id, 'scheduled', previous);
      throw new AppError(503, 'scheduler_unavailable', 'could not schedule the delivery, please retry', undefined, err);
    }
    return this.ownerView(card.id, ownerToken, origin);
  }

  async cancel(id: string, ownerToken: string | undefined): Promise<void> {
    const card = await this.authorised(id, ownerToken);
    if (card.status === 'cancelled') return;
    this.assertEditable(card);
    if (
      !(await this.deps.cards.update(card.id, 'scheduled', { status: 'cancelled', updatedAt: this.deps.clock.now() }))
    ) {
      throw this.notEditable();
    }
    await this.deps.scheduler.cancel(card.id);
  }

  async designView(designId: string): Promise<DesignView | null> {
    const design = await this.deps.designs.findById(designId);
    return design ? toDesignView(design, this.deps.objects) : null;
  }

  private async authorised(id: string, ownerToken: string | undefined): Promise<Card> {
    if (!ownerToken)
      throw new AppError(401, 'unauthorized', 'send the owner token as "Authorization: Bearer <ownerToken>"');
    const card = await this.deps.cards.findById(id);
    // Same answer for an unknown card and a wrong token: a share token never reveals or unlocks the owner view.
    if (!card || !tokenMatches(ownerToken, card.ownerTokenHash)) throw notFound('card');
    return card;
  }

  private assertEditable(card: Card): void {
    if (card.status !== 'scheduled' || card.sendAtUtc <= this.deps.clock.now()) throw this.notEditable();
  }

  private notEditable(): AppError {
    return conflict('card_not_editable', 'this card was already sent or cancelled');
  }
}

export type PublicStatus = 'scheduled' | 'delivering' | 'sent' | 'cancelled' | 'failed';

/**
 * `sending` (delivery has claimed the card, possibly retrying) is shown as `delivering`, never as
 * `sent`: the email may not have left yet, and may never (the card then becomes `failed`).
 */
function publicStatus(card: Card): PublicStatus {
  if (card.status === 'sending') return 'delivering';
  return card.status;
}

/** Why a message was refused, by what the card is now. */
const CLOSED: Record<Exclude<PublicStatus, 'scheduled'>, [string, string]> = {
  cancelled: ['card_cancelled', 'this card was cancelled'],
  // Messages close when delivery starts, so the email holds every message the card shows.
  delivering: ['card_being_delivered', 'this card is being delivered and no longer accepts messages'],
  sent: ['card_sent', 'this card was sent and no longer accepts messages'],
  failed: ['card_failed', 'delivery of this card failed; it no longer accepts messages'],
};

const isBounced = (card: Card): boolean => card.status === 'sent' && card.deliveryProblem?.kind === 'bounced';

function problemView(p: DeliveryProblem | null) {
  return p && { kind: p.kind, detail: p.detail, at: new Date(p.at).toISOString() };
}

export const messageView = (m: SavedMessage) => ({
  name: m.name,
  message: m.message,
  createdAt: new Date(m.createdAt).toISOString(),
});

export function toDesignView(
  d: Pick<Design, 'id' | 'category' | 'title' | 'thumbKey' | 'displayKey'>,
  objects: ObjectStore,
): DesignView {
  return {
    id: d.id,
    category: d.category,
    title: d.title,
    thumbnailUrl: d.thumbKey ? objects.url(d.thumbKey) : null,
    imageUrl: d.displayKey ? objects.url(d.displayKey) : null,
  };
}
