import type { Readable } from 'node:stream';
import type {
  Card,
  CardStatus,
  Category,
  DeliveryProblem,
  DeliveryProblemKind,
  Design,
  Message,
  SavedMessage,
  Moderation,
} from './types';

/** Persistence of cards and their messages. */
export interface CardRepository {
  insert(card: Card): Promise<void>;
  delete(id: string): Promise<void>;
  findById(id: string): Promise<Card | undefined>;
  findByShareToken(token: string): Promise<Card | undefined>;
  /** Updates only while the card is in `expected` status; returns false when it was not. */
  update(id: string, expected: CardStatus, patch: Partial<Card>): Promise<boolean>;
  /**
   * Inserts a message only if the card still accepts messages (status scheduled and send time
   * not reached), atomically with that check. Returns undefined when the card refused it.
   */
  addMessage(
    /** The card's id, or its share token: a signature finds its card in the same statement. */
    card: string | { shareToken: string },
    name: string,
    message: string,
    now: number,
    /** Refuses (undefined) once the card holds this many messages; no limit when absent. */
    maxMessages?: number,
    /** With this key already on a message, that message is returned and nothing is written. */
    idempotencyKey?: string,
  ): Promise<SavedMessage | undefined>;
  listMessages(cardId: string): Promise<Message[]>;
  /**
   * Removes one message of the card while the card still accepts messages (scheduled, send time
   * not reached), atomically with that check; false when there was no such message or it was too late.
   */
  deleteMessage(cardId: string, messageId: number, now: number): Promise<boolean>;
  /** Cards created since `since` (epoch ms) for this recipient or from this sender address. */
  countCreatedSince(who: 'recipient' | 'sender', email: string, since: number): Promise<number>;
  /** The card whose last email had this provider message id. */
  findBySesMessageId(messageId: string): Promise<Card | undefined>;
  /**
   * Records what the provider reported about the email with this message id, unless a problem is
   * already recorded for it; returns whether a card changed.
   */
  recordDeliveryProblem(messageId: string, problem: DeliveryProblem): Promise<boolean>;
}

/** What a gallery tile shows, and the keyset its page continues from. */
export type GalleryDesign = Pick<Design, 'id' | 'category' | 'title' | 'thumbKey' | 'displayKey' | 'createdAt'>;

export interface DesignListQuery {
  category?: Category;
  cursor?: { createdAt: number; id: string };
  limit: number;
}

export interface DesignRepository {
  insert(design: Design): Promise<void>;
  /** Inserts unless a design with this id exists; returns whether it inserted. */
  insertIfAbsent(design: Design): Promise<boolean>;
  findById(id: string): Promise<Design | undefined>;
  /** Public, ready, approved designs only, newest first. */
  listPublic(query: DesignListQuery): Promise<GalleryDesign[]>;
  listByStatus(status: Design['status'], limit: number): Promise<Design[]>;
  /** Ready public designs waiting for a moderator, oldest first. */
  listForReview(limit: number): Promise<Design[]>;
  /** Records a moderator's decision; false when no design has this id. */
  setModeration(id: string, moderation: Moderation): Promise<boolean>;
  markReady(id: string, displayKey: string, thumbKey: string): Promise<void>;
  markRejected(id: string, reason: string): Promise<void>;
  /** Removes a design that never became an upload (its original could not be stored). */
  delete(id: string): Promise<void>;
}

/** One-time use of CAPTCHA solutions. */
export interface ReplayGuard {
  /** Records the key; false when it was already used (a replay). */
  remember(key: string, expiresAt: number): Promise<boolean>;
  /** Makes a remembered key usable again: the request it was spent on failed on our side. */
  forget(key: string): Promise<void>;
  purgeExpired(now: number): Promise<void>;
}

export interface ObjectStore {
  /** Stores the whole body or nothing; a failure throws `storageUnavailable` and leaves no partial object. */
  put(key: string, body: Buffer, contentType: string): Promise<void>;
  /** Throws `ObjectMissing` when there is no object under the key. */
  get(key: string): Promise<Buffer>;
  stream?(key: string): Promise<Readable>;
  delete(key: string): Promise<void>;
  /** URL a browser can load the object from. */
  url(key: string): string;
}

export interface ScheduledCard {
  id: string;
  sendAtLocal: string;
  timeZone: string;
  sendAtUtc: number;
}

/** Arranges for `deliver(cardId)` to run at the card's send time. */
export interface DeliveryScheduler {
  schedule(card: ScheduledCard): Promise<void>;
  reschedule(card: ScheduledCard): Promise<void>;
  cancel(cardId: string): Promise<void>;
  /**
   * Delivery's own move of an empty card a day later, from inside the run its schedule started.
   * Absent: `reschedule`. A scheduler that removes a schedule once it fired (EventBridge) uses a
   * schedule of its own, so the removal cannot race the move; the card's schedule stays the
   * owner's, and a run for a time the card no longer has does nothing (delivery checks the card).
   */
  postpone?(card: ScheduledCard): Promise<void>;
}

export interface Attachment {
  filename: string;
  contentType: string;
  content: Buffer;
  cid?: string;
}

export interface OutgoingEmail {
  to: { name: string; address: string };
  /** Absent on the site's own notices to a card's creator: a reply has nobody to go to. */
  replyTo?: { name: string; address: string };
  subject: string;
  text: string;
  html: string;
  attachments: Attachment[];
  /** Stable per delivery: adapters that can deduplicate use it. */
  idempotencyKey: string;
}

export interface Mailer {
  send(email: OutgoingEmail): Promise<{ messageId: string }>;
}

export interface CaptchaContext {
  /**
   * The header AWS WAF inserts into a request that passed its CAPTCHA rule (WAF_PROOF_HEADER). A
   * cookie proves nothing: anyone can send `aws-waf-token=anything`.
   */
  wafProof?: string;
}

/**
 * `release` hands an accepted solution back unspent, for a request that then failed for a reason
 * that is not the solver's (our storage, or a file they can fix and send again).
 */
export type CaptchaResult =
  | { ok: true; release(): Promise<void> }
  | { ok: false; code: 'captcha_missing' | 'captcha_invalid' | 'captcha_replayed'; message: string };

export interface Captcha {
  readonly provider: 'altcha' | 'aws-waf';
  /** A challenge for the browser widget (ALTCHA), or a hint for WAF. */
  challenge(): Promise<Record<string, unknown>>;
  verify(solution: string | undefined, context: CaptchaContext): Promise<CaptchaResult>;
}

export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** Business events the domain reports; the Prometheus adapter turns them into metrics. */
export interface BusinessMetrics {
  cardCreated(): void;
  messageAdded(): void;
  upload(result: 'accepted' | 'rejected', reason?: string): void;
  delivery(result: 'sent' | 'failed', lagSeconds?: number): void;
  thumbnail(result: 'ready' | 'rejected', seconds: number): void;
  /** The provider reported a sent card's email bounced, complained about or rejected (recorded once). */
  deliveryProblem(kind: DeliveryProblemKind): void;
}

export const noMetrics: BusinessMetrics = {
  cardCreated: () => undefined,
  messageAdded: () => undefined,
  upload: () => undefined,
  delivery: () => undefined,
  thumbnail: () => undefined,
  deliveryProblem: () => undefined,
};

/** Image checks and rendering (sharp); an error with a `code` means the image is refused. */
export interface ImageProcessor {
  inspect(input: Buffer): Promise<{ format: string; width: number; height: number; frames: number }>;
  render(input: Buffer): Promise<{ display: Buffer; thumbnail: Buffer }>;
  isRejection(err: unknown): err is Error & { code: string };
}
