export const CATEGORIES = ['Birthday', 'Farewell', 'Anniversary', 'Wedding', 'Thank you'] as const;
export type Category = (typeof CATEGORIES)[number];

export type Visibility = 'public' | 'private';
export type DesignStatus = 'processing' | 'ready' | 'rejected';

export interface Design {
  id: string;
  category: Category;
  title: string;
  visibility: Visibility;
  status: DesignStatus;
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
  createdAt: number;
  updatedAt: number;
}

export interface Message {
  id: number;
  cardId: string;
  name: string;
  message: string;
  createdAt: number;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
