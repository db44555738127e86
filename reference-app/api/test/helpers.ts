import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { createConnection } from 'mysql2/promise';
import { type Database, openDatabase } from '../src/adapters/db/database';
import { loadConfig } from '../src/config';
import type { ContextOverrides } from '../src/context';
import { migrateToLatest } from '../src/adapters/db/migrations';
import { SqlDesignRepository } from '../src/adapters/db/repositories';
import type { Card, Design } from '../src/domain/types';
import { type RunningApp, startApp } from '../src/server';

export const MYSQL_ADMIN = { host: '127.0.0.1', port: 3306, user: 'root', password: '', database: 'test' };

export type DialectName = 'sqlite' | 'mysql';
export const DIALECTS: DialectName[] = ['sqlite', 'mysql'];

/** A fresh, uniquely named database per suite so parallel runs never collide. */
export interface TestDb {
  dialect: DialectName;
  /** DATABASE_URL for MySQL, undefined for SQLite (which lives in the data dir). */
  url?: string;
  dataDir: string;
  drop(): Promise<void>;
}

export async function createTestDb(dialect: DialectName): Promise<TestDb> {
  const dataDir = mkdtempSync(join(tmpdir(), 'gg-test-'));
  if (dialect === 'sqlite') {
    return { dialect, dataDir, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  const name = `gg_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = await createConnection(MYSQL_ADMIN);
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci`);
  await admin.end();
  return {
    dialect,
    dataDir,
    url: `mysql://root@127.0.0.1:3306/${name}`,
    drop: async () => {
      const c = await createConnection(MYSQL_ADMIN);
      await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await c.end();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The database of a TestDb, opened the way the app opens its configured one. */
export function openTestDatabase(t: TestDb): Database {
  return openDatabase(t.url ? { kind: 'mysql-url', url: t.url } : { kind: 'sqlite', file: `${t.dataDir}/db.sqlite` });
}

/** A ready public design row (stock-like); tests override what they are about. */
export function designRecord(id: string, over: Partial<Design> = {}): Design {
  return {
    id,
    category: 'Birthday',
    title: id,
    visibility: 'public',
    status: 'ready',
    moderation: 'approved',
    rejectReason: null,
    originalKey: null,
    displayKey: `display/${id}.jpg`,
    thumbKey: `thumbnails/${id}.jpg`,
    createdAt: 1_000,
    ...over,
  };
}

/** A fresh database of the dialect, migrated, holding design d1 that card rows refer to. */
export async function migratedTestDatabase(dialect: DialectName): Promise<{ t: TestDb; database: Database }> {
  const t = await createTestDb(dialect);
  const database = openTestDatabase(t);
  await migrateToLatest(database.db as never, database.dialect);
  await new SqlDesignRepository(database.db).insert(designRecord('d1'));
  return { t, database };
}

/** A scheduled card row as repositories store it (design d1); tests override what they are about. */
export function cardRecord(id: string, over: Partial<Card> = {}): Card {
  return {
    id,
    designId: 'd1',
    recipientName: 'Ann',
    recipientEmail: 'ann@example.com',
    senderName: 'Bob',
    senderEmail: 'bob@example.com',
    sendAtLocal: '2030-01-01T10:00:00',
    timeZone: 'Europe/Berlin',
    sendAtUtc: 1_900_000_000_000,
    shareToken: id.padEnd(43, 'S'),
    ownerTokenHash: 'a'.repeat(64),
    status: 'scheduled',
    sentAt: null,
    sesMessageId: null,
    deliveryProblem: null,
    publicOrigin: null,
    emptyPostponements: 0,
    createdAt: 1,
    updatedAt: 1,
    ...over,
  };
}

/** The send time of the consumer tests' cards: due at 23:00 UTC on 29 Nov 2026. */
export const DUE_29_NOV_23_UTC = {
  sendAtLocal: '2026-11-29T23:00:00',
  timeZone: 'UTC',
  sendAtUtc: Date.UTC(2026, 10, 29, 23),
} as const;

/** A clock the test can move forward. */
export class TestClock {
  offset = 0;
  now(): number {
    return Date.now() + this.offset;
  }
}

export async function startTestApp(
  db: TestDb,
  env: Record<string, string> = {},
  overrides: ContextOverrides = {},
): Promise<RunningApp> {
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: db.dataDir,
    LOG_LEVEL: 'silent',
    CAPTCHA_MAX_NUMBER: '200',
    SCHEDULER_POLL_MS: '100',
    WEB_DIST: join(db.dataDir, 'no-web'),
    RATE_LIMIT_WRITES_PER_MINUTE: '1000',
    RATE_LIMIT_UPLOADS_PER_MINUTE: '1000',
    // Like the rate limits: suites create many cards for ann@example.com; the anti-relay suite
    // (security.test.ts) turns these back on.
    CARD_CAPTCHA: 'false',
    CARDS_PER_RECIPIENT_PER_DAY: '1000',
    CARDS_PER_SENDER_PER_DAY: '1000',
    // Suites that count emails count the card's own; owner-emails.test.ts turns these back on.
    OWNER_EMAILS: 'false',
    EMPTY_CARDS: 'send',
    ...(db.url ? { DATABASE_URL: db.url } : {}),
    ...env,
  });
  return startApp(config, overrides);
}

export interface Reply<T = Record<string, unknown>> {
  status: number;
  body: T;
  text: string;
  headers: Headers;
}

/** Real HTTP over a socket; returns the parsed JSON body when there is one. */
export async function http<T = Record<string, unknown>>(
  base: string,
  path: string,
  init: RequestInit & { json?: unknown; token?: string } = {},
): Promise<Reply<T>> {
  const headers = new Headers(init.headers);
  let body = init.body;
  if (init.json !== undefined) {
    headers.set('content-type', 'application/json');
    body = JSON.stringify(init.json);
  }
  if (init.token) headers.set('authorization', `Bearer ${init.token}`);
  const res = await fetch(base + path, { ...init, headers, body });
  const text = await res.text();
  let parsed: unknown = undefined;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: res.status, body: parsed as T, text, headers: res.headers };
}

/** Local wall-clock string in a zone for an instant: what a user would type. */
export const localIn = (zone: string, epochMs: number): string =>
  DateTime.fromMillis(epochMs, { zone }).toFormat("yyyy-MM-dd'T'HH:mm:ss");

export function newCard(overrides: Record<string, unknown> = {}) {
  return {
    designId: 'stock-birthday-1',
    recipientName: 'Ann Lee',
    recipientEmail: 'ann@example.com',
    senderName: 'Bob',
    senderEmail: 'bob@example.com',
    sendAt: localIn('Europe/Berlin', Date.now() + 7 * 24 * 3600 * 1000),
    timeZone: 'Europe/Berlin',
    ...overrides,
  };
}

export async function waitFor<T>(
  fn: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 10_000,
  stepMs = 50,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

export { solveCaptcha } from './altcha-solver';

export function form(
  file: Buffer | undefined,
  fields: Record<string, string | undefined>,
  filename = 'photo.jpg',
): FormData {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) f.set(k, v);
  if (file) f.set('file', new Blob([file], { type: 'image/jpeg' }), filename);
  return f;
}

/**
 * An upload as the API leaves it for the thumbnailer: a `processing` row plus the original in the
 * object store. Lambda-handler tests start from here instead of going through HTTP and the CAPTCHA.
 */
export async function seedUploadedOriginal(
  app: RunningApp,
  id: string,
  image: Buffer,
  createdAt = Date.now(),
): Promise<void> {
  await app.ctx.database.db
    .insertInto('designs')
    .values({
      id,
      category: 'Birthday',
      title: 't',
      visibility: 'public',
      status: 'processing',
      reject_reason: null,
      original_key: `originals/${id}`,
      display_key: null,
      thumb_key: null,
      created_at: createdAt,
    })
    .execute();
  await app.ctx.objects.put(`originals/${id}`, image, 'application/octet-stream');
}

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Samples of a Prometheus text exposition: name, labels and value. */
export function parseExposition(text: string): Sample[] {
  return text
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((line) => {
      const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)/.exec(line);
      if (!m) throw new Error(`unparsable sample line: ${line}`);
      const labels: Record<string, string> = {};
      for (const [, k, v] of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
        labels[k as string] = v as string;
      }
      return { name: m[1] as string, labels, value: Number(m[3]) };
    });
}
