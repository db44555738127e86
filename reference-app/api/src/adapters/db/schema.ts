import type { Generated } from 'kysely';

/**
 * Table shapes as Kysely sees them. Instants are BIGINT epoch milliseconds (UTC) on both
 * dialects: one representation, no session time-zone conversion in mysql2 and no TEXT dates
 * in SQLite; the repositories turn them into numbers at the boundary.
 */
export interface DesignsTable {
  id: string;
  category: string;
  title: string;
  visibility: string;
  status: string;
  /** 003: defaults to 'pending', so rows an older build inserts never reach the gallery unreviewed. */
  moderation: Generated<string>;
  reject_reason: string | null;
  original_key: string | null;
  display_key: string | null;
  thumb_key: string | null;
  created_at: number;
}

export interface CardsTable {
  id: string;
  design_id: string;
  recipient_name: string;
  recipient_email: string;
  sender_name: string;
  sender_email: string;
  send_at_local: string;
  time_zone: string;
  send_at_utc: number;
  share_token: string;
  owner_token_hash: string;
  status: string;
  sent_at: number | null;
  /** 002: the columns below are nullable, so rows written before them (and older builds) stay valid. */
  ses_message_id: string | null;
  delivery_problem_kind: string | null;
  delivery_problem_detail: string | null;
  delivery_problem_at: number | null;
  /** 006: the origin the card was created from (nullable: older rows and builds). */
  public_origin?: string | null;
  /** 007: times delivery found the card empty and moved it a day (defaults to 0: older builds never write it). */
  empty_postponements?: number;
  created_at: number;
  updated_at: number;
}

export interface MessagesTable {
  id: Generated<number>;
  card_id: string;
  name: string;
  message: string;
  created_at: number;
  /** The Idempotency-Key (hashed, scoped to the card) the message was sent with, if any. */
  idempotency_key: string | null;
  /**
   * 1..n within the card, unique with card_id (migration 008): the highest slot is the message
   * count the cap checks. Null only on rows a build older than 008 wrote.
   */
  slot: number | null;
}

export interface JobsTable {
  id: Generated<number>;
  /** Natural idempotency key, e.g. "deliver:<cardId>": one job per card. */
  job_key: string;
  card_id: string;
  run_at: number;
  status: string;
  attempts: number;
  lease_owner: string | null;
  lease_until: number | null;
  last_error: string | null;
  updated_at: number;
}

export interface CaptchaUsesTable {
  key_hash: string;
  expires_at: number;
}

export interface IdempotencyKeysTable {
  key_hash: string;
  request_hash: string;
  status_code: number | null;
  response: string | null;
  location: string | null;
  created_at: number;
}

export interface DB {
  designs: DesignsTable;
  cards: CardsTable;
  messages: MessagesTable;
  jobs: JobsTable;
  captcha_uses: CaptchaUsesTable;
  idempotency_keys: IdempotencyKeysTable;
}
