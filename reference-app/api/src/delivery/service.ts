import type { Logger } from 'pino';
import type {
  BusinessMetrics,
  CardRepository,
  Clock,
  DeliveryScheduler,
  DesignRepository,
  Mailer,
  ObjectStore,
} from '../domain/ports';
import { sameTimeNextDay } from '../domain/time';
import { plainSummary } from '../domain/text';
import { type Card, DELIVERY_PROBLEM_DETAIL_MAX, type DeliveryProblem } from '../domain/types';
import { composeCardEmail, composeEmptyCardEmail } from './compose';

export const SEND_FAILED_DETAIL = 'the email could not be handed to the mail service yet; delivery is retried';

/** postponed: the card was empty and now sends a day later; emptied: empty again, so cancelled. */
export type DeliveryOutcome =
  { kind: 'sent' | 'skipped' | 'emptied' } | { kind: 'not_due' | 'postponed'; runAt: number };

/** recorded: the card now shows the problem; unchanged: one was already recorded; unknown: no card sent that email. */
export type ProblemOutcome = 'recorded' | 'unchanged' | 'unknown';

export interface DeliveryDeps {
  cards: CardRepository;
  designs: DesignRepository;
  objects: ObjectStore;
  mailer: Mailer;
  clock: Clock;
  metrics: BusinessMetrics;
  logger: Logger;
  shareUrl(shareToken: string, origin?: string): string;
  /**
   * With a scheduler, a card nobody signed is not sent: it moves a day later once (the owner is
   * emailed), then is cancelled (the owner is emailed again). Without one, empty cards are sent.
   */
  emptyCards?: { scheduler: DeliveryScheduler };
}

/**
 * Delivers one card. Called by the local scheduler worker or the AWS delivery Lambda; both may
 * call it more than once for the same card (retries, duplicate events), so it is idempotent:
 * scheduled -> sending (a conditional update only one caller wins; it also closes the card to
 * new messages) -> mail -> sent. A crash between mail and `sent` leaves `sending`, which a
 * retry resends; mailers that can deduplicate (the outbox) use the idempotency key.
 */
export class DeliveryService {
  constructor(private readonly d: DeliveryDeps) {}

  async deliver(cardId: string): Promise<DeliveryOutcome> {
    const { cards, clock } = this.d;
    const card = await cards.findById(cardId);
    if (!card || card.status === 'sent' || card.status === 'cancelled' || card.status === 'failed')
      return { kind: 'skipped' };
    // EventBridge fires with 60 s precision and may fire slightly early; never send early by more than that.
    if (card.status === 'scheduled' && card.sendAtUtc > clock.now() + 60_000)
      return { kind: 'not_due', runAt: card.sendAtUtc };
    if (card.status === 'scheduled' && this.d.emptyCards && (await cards.listMessages(card.id)).length === 0) {
      // Until the send time has really passed someone may still sign; after it nobody can.
      if (card.sendAtUtc > clock.now()) return { kind: 'not_due', runAt: card.sendAtUtc };
      return this.handleEmpty(card, this.d.emptyCards.scheduler);
    }
    if (
      card.status === 'scheduled' &&
      !(await cards.update(card.id, 'scheduled', { status: 'sending', updatedAt: clock.now() }))
    ) {
      return { kind: 'skipped' };
    }
    const design = await this.d.designs.findById(card.designId);
    if (!design?.displayKey) throw new Error(`design ${card.designId} of card ${card.id} has no display image`);
    const [messages, image] = await Promise.all([cards.listMessages(card.id), this.d.objects.get(design.displayKey)]);
    const email = composeCardEmail({
      card,
      design,
      messages,
      image,
      viewUrl: this.d.shareUrl(card.shareToken, card.publicOrigin ?? undefined),
    });
    let messageId: string;
    try {
      ({ messageId } = await this.d.mailer.send(email));
    } catch (err) {
      await this.noteSendFailure(card.id);
      throw err;
    }
    const now = clock.now();
    // The message id is how SES's later bounce or complaint finds this card (an SMTP server's id, locally).
    await cards.update(card.id, 'sending', {
      status: 'sent',
      sentAt: now,
      sesMessageId: messageId || null,
      deliveryProblem: null,
      updatedAt: now,
    });
    this.d.metrics.delivery('sent', (now - card.sendAtUtc) / 1000);
    this.d.logger.info({ cardId: card.id, messageId, messages: messages.length }, 'card delivered');
    return { kind: 'sent' };
  }

  /**
   * An empty card at its send time: moved a day later the first time, cancelled the second; the
   * owner is told each time. The conditional update decides (a concurrent run or an owner's edit
   * wins), so the owner gets one email per decision. Emailing is best effort: the decision stands.
   */
  private async handleEmpty(card: Card, scheduler: DeliveryScheduler): Promise<DeliveryOutcome> {
    const { cards, clock } = this.d;
    const now = clock.now();
    const shareUrl = this.d.shareUrl(card.shareToken, card.publicOrigin ?? undefined);
    let outcome: DeliveryOutcome;
    let notice;
    if ((card.emptyPostponements ?? 0) === 0) {
      // A day after the time the owner chose (not after now: a late run must not drift the time).
      let when = sameTimeNextDay(card.sendAtUtc, card.timeZone);
      if (when.utc <= now) when = sameTimeNextDay(now, card.timeZone);
      const next = { ...card, sendAtUtc: when.utc, sendAtLocal: when.local, emptyPostponements: 1 };
      const patch = { sendAtUtc: next.sendAtUtc, sendAtLocal: next.sendAtLocal, emptyPostponements: 1, updatedAt: now };
      if (!(await cards.update(card.id, 'scheduled', patch))) return { kind: 'skipped' };
      await (scheduler.postpone ? scheduler.postpone(next) : scheduler.reschedule(next));
      outcome = { kind: 'postponed', runAt: when.utc };
      notice = composeEmptyCardEmail(card, { shareUrl, postponedTo: next });
    } else {
      if (!(await cards.update(card.id, 'scheduled', { status: 'cancelled', updatedAt: now })))
        return { kind: 'skipped' };
      outcome = { kind: 'emptied' };
      notice = composeEmptyCardEmail(card, { shareUrl });
    }
    this.d.logger.info({ cardId: card.id, outcome: outcome.kind }, 'empty card not sent');
    try {
      await this.d.mailer.send(notice);
    } catch (err) {
      this.d.logger.warn(
        { cardId: card.id, err: (err as Error).message },
        'could not email the owner about the empty card',
      );
    }
    return outcome;
  }

  /**
   * The owner sees that the email could not be handed over while the retries run (the card stays
   * `sending`, shown as `delivering`). The mailer's own words stay in the log: they may name hosts.
   */
  private async noteSendFailure(cardId: string): Promise<void> {
    const at = this.d.clock.now();
    const problem: DeliveryProblem = { kind: 'send_failed', detail: SEND_FAILED_DETAIL, at };
    try {
      await this.d.cards.update(cardId, 'sending', { deliveryProblem: problem, updatedAt: at });
    } catch (err) {
      this.d.logger.warn({ cardId, err: (err as Error).message }, 'could not record the failed send on the card');
    }
  }

  /**
   * What the mail provider reported after a send (a bounce, complaint or rejection of the email with
   * `messageId`), recorded on its card for the owner to see. Idempotent: the first report for an email
   * wins and a repeated one changes nothing, so at-least-once event delivery is harmless.
   */
  async recordProblem(messageId: string, problem: DeliveryProblem): Promise<ProblemOutcome> {
    const detail = plainSummary(problem.detail, DELIVERY_PROBLEM_DETAIL_MAX);
    if (await this.d.cards.recordDeliveryProblem(messageId, { ...problem, detail })) {
      this.d.metrics.deliveryProblem(problem.kind);
      return 'recorded';
    }
    return (await this.d.cards.findBySesMessageId(messageId)) ? 'unchanged' : 'unknown';
  }

  /**
   * After the last retry: the card is marked failed so its owner (and signers) see it. The one
   * give-up path, used by the local scheduler worker and by the AWS dead-letter consumer.
   * Only `scheduled` or `sending` cards change, so a sent or cancelled card is never touched and a
   * repeated give-up is a no-op. Returns whether the card changed.
   *
   * The delivery SLI counts cards: a card is counted failed here, once, when it changes; failed
   * attempts that a retry then delivers count nothing (DeliveriesSent counts the card once sent).
   */
  async giveUp(cardId: string, o: { reason?: string } = {}): Promise<boolean> {
    const patch = { status: 'failed' as const, updatedAt: this.d.clock.now() };
    const updated =
      (await this.d.cards.update(cardId, 'sending', patch)) || (await this.d.cards.update(cardId, 'scheduled', patch));
    if (updated) this.d.metrics.delivery('failed');
    if (updated) this.d.logger.warn({ cardId, reason: o.reason?.slice(0, 500) }, 'delivery given up, card failed');
    return updated;
  }
}
