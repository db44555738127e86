/**
 * Everything the router remembers between invocations, in one store:
 * - idempotency claims (SNS MessageId + state + route + receiver [+ target]);
 * - group state (last send time, pending events) for cross-invocation grouping;
 * - firing state (alarms still in ALARM) for repeat reminders;
 * - thread state (Slack channel id, root ts, members) for bot-token delivery.
 * Claims use a lease so a crashed invocation does not block a retry forever;
 * state records use optimistic versions so concurrent invocations never lose updates.
 */
export type ClaimResult = 'claimed' | 'done' | 'busy';
export type StateKind = 'group' | 'firing' | 'thread';

export interface Versioned<T> {
  readonly value: T;
  /** 1 for the first write; pass it back to update or delete. */
  readonly version: number;
}

export interface AlertStore {
  /** Takes the key unless it is done or leased by someone else (lease expired = free again). */
  claim(key: string, nowMs: number, leaseMs: number): Promise<ClaimResult>;
  /** Marks the key done for `ttlSeconds` (redeliveries within it are duplicates). */
  complete(key: string, nowMs: number, ttlSeconds: number): Promise<void>;
  /** Gives a claim back after a failed delivery so the platform's retry can deliver. */
  release(key: string): Promise<void>;
  get<T>(kind: StateKind, key: string): Promise<Versioned<T> | undefined>;
  /** Writes when the stored version equals `expectedVersion` (0 = must not exist). False on conflict. */
  put<T>(kind: StateKind, key: string, value: T, expectedVersion: number, expiresAtSeconds?: number): Promise<boolean>;
  delete(kind: StateKind, key: string, expectedVersion: number): Promise<boolean>;
  list<T>(kind: StateKind): Promise<Array<{ key: string; record: Versioned<T> }>>;
}

/** How long a completed claim is kept: longer than SNS/Lambda redelivery (6 h) with a wide margin. */
export const IDEMPOTENCY_TTL_SECONDS = 7 * 86400;
