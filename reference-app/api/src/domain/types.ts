export const CATEGORIES = ['Birthday', 'Farewell', 'Anniversary', 'Wedding', 'Thank you'] as const;
export type Category = (typeof CATEGORIES)[number];

export type Visibility = 'public' | 'private';
export type DesignStatus = 'processing' | 'ready' | 'rejected';
/**
 * Whether a person reviewed a design for the public gallery. Uploads start `pending`: a public
 * upload reaches the gallery only once a moderator approved it, so no stranger's image is shown
 * to everyone unreviewed. Private uploads are usable by whoever holds their id either way.
 */
export type Moderation = 'pending' | 'approved' | 'rejected';
export const MODERATIONS: readonly Moderation[] = ['pending', 'approved', 'rejected'];

export interface Design {
  id: string;
  category: Category;
  title: string;
  visibility: Visibility;
  status: DesignStatus;
  moderation: Moderation;
  rejectReason: string | null;
  originalKey: string | null;
  displayKey: string | null;
  thumbKey: string | null;
  createdAt: number;
}

/**
 * scheduled: accepts messages until sendAtUtc; sending: claimed by delivery (messages closed);
 * sent: delivered; cancelled: by the owner; failed: delivery gave up after its retries.
 */
export type CardStatus = 'scheduled' | 'sending' | 'sent' | 'cancelled' | 'failed';

export interface Card {
  id: string;
  designId: string;
  recipientName: string;
  recipientEmail: string;
  senderName: string;
  senderEmail: string;
  /** Local wall-clock time as entered, normalised to YYYY-MM-DDTHH:mm:ss. */
  sendAtLocal: string;
  timeZone: string;
  /** Epoch milliseconds (UTC). */
  sendAtUtc: number;
  shareToken: string;
  ownerTokenHash: string;
  status: CardStatus;
  sentAt: number | null;
  /** The mail provider's id of the last email sent for this card (SES MessageId): how its bounces find it. */
  sesMessageId: string | null;
  /** What the mail provider reported after the send; null while nothing went wrong. */
  deliveryProblem: DeliveryProblem | null;
  /**
   * The origin (scheme://host[:port]) the card was created from, when the server trusted it: the
   * email sent later links there. Null for cards created before it was kept; optional for callers
   * that build cards by hand.
   */
  publicOrigin?: string | null;
  /**
   * How many times delivery found the card empty and moved it a day later (0 or 1): the second
   * time it is cancelled instead. Optional for callers that build cards by hand (0).
   */
  emptyPostponements?: number;
  createdAt: number;
  updatedAt: number;
}

/**
 * bounced: the recipient's server refused the email for good (a permanent or undetermined bounce);
 * complained: the recipient marked it as spam; rejected: SES refused to send it;
 * send_failed: the last attempt to hand the email to the mailer (outbox, SMTP, SES) failed: set
 * while delivery retries (cleared when it is sent), kept when delivery gives up.
 */
export type DeliveryProblemKind = 'bounced' | 'complained' | 'rejected' | 'send_failed';
export const DELIVERY_PROBLEM_KINDS: readonly DeliveryProblemKind[] = [
  'bounced',
  'complained',
  'rejected',
  'send_failed',
];
/** Longest detail stored and shown: a bounce's type, subtype and the remote server's diagnostic. */
export const DELIVERY_PROBLEM_DETAIL_MAX = 300;

export interface DeliveryProblem {
  kind: DeliveryProblemKind;
  /** Plain text, already cleaned: it comes from a remote mail server. */
  detail: string;
  /** Epoch ms the provider reported it. */
  at: number;
}

export interface Message {
  id: number;
  cardId: string;
  name: string;
  message: string;
  createdAt: number;
}

/** What a write returns: the card is the one the caller named (by id or by share token). */
export type SavedMessage = Omit<Message, 'cardId'>;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
