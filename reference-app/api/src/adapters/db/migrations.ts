import { type CreateTableBuilder, DEFAULT_MIGRATION_TABLE, type Kysely, type Migration, Migrator, sql } from 'kysely';
import type { Dialect } from './database';

/**
 * Schema migrations, kept in code so the built dist needs no migration folder.
 * Never edit a shipped migration: add the next one.
 */
function migrations(dialect: Dialect): Record<string, Migration> {
  const mysql = dialect === 'mysql';
  // utf8mb4_bin: tokens and ids are case-sensitive base64url; a *_ci collation would let
  // "abc" match "ABC" and quietly cut a token's entropy.
  const table = <T extends string>(b: CreateTableBuilder<T, never>) =>
    mysql ? b.modifyEnd(sql`engine=InnoDB default charset=utf8mb4 collate=utf8mb4_bin`) : b;
  const serial = mysql ? 'bigint' : 'integer';

  return {
    '001_initial': {
      async up(db: Kysely<unknown>) {
        await table(
          db.schema
            .createTable('designs')
            .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
            .addColumn('category', 'varchar(32)', (c) => c.notNull())
            .addColumn('title', 'varchar(80)', (c) => c.notNull())
            .addColumn('visibility', 'varchar(8)', (c) => c.notNull())
            .addColumn('status', 'varchar(12)', (c) => c.notNull())
            .addColumn('reject_reason', 'varchar(300)')
            .addColumn('original_key', 'varchar(200)')
            .addColumn('display_key', 'varchar(200)')
            .addColumn('thumb_key', 'varchar(200)')
            .addColumn('created_at', 'bigint', (c) => c.notNull())
            .addCheckConstraint('designs_visibility_ck', sql`visibility in ('public', 'private')`)
            .addCheckConstraint('designs_status_ck', sql`status in ('processing', 'ready', 'rejected')`),
        ).execute();
        await db.schema
          .createIndex('designs_gallery_idx')
          .on('designs')
          .columns(['visibility', 'status', 'category', 'created_at', 'id'])
          .execute();
        await db.schema
          .createIndex('designs_recent_idx')
          .on('designs')
          .columns(['visibility', 'status', 'created_at', 'id'])
          .execute();

        await table(
          db.schema
            .createTable('cards')
            .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
            .addColumn('design_id', 'varchar(32)', (c) => c.notNull().references('designs.id'))
            .addColumn('recipient_name', 'varchar(32)', (c) => c.notNull())
            .addColumn('recipient_email', 'varchar(254)', (c) => c.notNull())
            .addColumn('sender_name', 'varchar(32)', (c) => c.notNull())
            .addColumn('sender_email', 'varchar(254)', (c) => c.notNull())
            .addColumn('send_at_local', 'char(19)', (c) => c.notNull())
            .addColumn('time_zone', 'varchar(64)', (c) => c.notNull())
            .addColumn('send_at_utc', 'bigint', (c) => c.notNull())
            .addColumn('share_token', 'char(43)', (c) => c.notNull().unique())
            .addColumn('owner_token_hash', 'char(64)', (c) => c.notNull())
            .addColumn('status', 'varchar(12)', (c) => c.notNull())
            .addColumn('sent_at', 'bigint')
            .addColumn('created_at', 'bigint', (c) => c.notNull())
            .addColumn('updated_at', 'bigint', (c) => c.notNull())
            .addCheckConstraint(
              'cards_status_ck',
              sql`status in ('scheduled', 'sending', 'sent', 'cancelled', 'failed')`,
            ),
        ).execute();
        await db.schema.createIndex('cards_design_idx').on('cards').column('design_id').execute();
        await db.schema.createIndex('cards_status_send_idx').on('cards').columns(['status', 'send_at_utc']).execute();

        await table(
          db.schema
            .createTable('messages')
            .addColumn('id', serial, (c) => c.primaryKey().autoIncrement())
            .addColumn('card_id', 'varchar(32)', (c) => c.notNull().references('cards.id').onDelete('cascade'))
            .addColumn('name', 'varchar(32)', (c) => c.notNull())
            .addColumn('message', 'varchar(1000)', (c) => c.notNull())
            .addColumn('created_at', 'bigint', (c) => c.notNull()),
        ).execute();
        await db.schema.createIndex('messages_card_idx').on('messages').columns(['card_id', 'id']).execute();

        await table(
          db.schema
            .createTable('jobs')
            .addColumn('id', serial, (c) => c.primaryKey().autoIncrement())
            .addColumn('job_key', 'varchar(80)', (c) => c.notNull().unique())
            .addColumn('card_id', 'varchar(32)', (c) => c.notNull().references('cards.id').onDelete('cascade'))
            .addColumn('run_at', 'bigint', (c) => c.notNull())
            .addColumn('status', 'varchar(12)', (c) => c.notNull())
            .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
            .addColumn('lease_owner', 'varchar(64)')
            .addColumn('lease_until', 'bigint')
            .addColumn('last_error', 'varchar(500)')
            .addColumn('updated_at', 'bigint', (c) => c.notNull())
            .addCheckConstraint('jobs_status_ck', sql`status in ('pending', 'done', 'failed', 'cancelled')`),
        ).execute();
        await db.schema.createIndex('jobs_due_idx').on('jobs').columns(['status', 'run_at']).execute();

        await table(
          db.schema
            .createTable('captcha_uses')
            .addColumn('key_hash', 'char(64)', (c) => c.primaryKey())
            .addColumn('expires_at', 'bigint', (c) => c.notNull()),
        ).execute();
        await db.schema.createIndex('captcha_uses_expiry_idx').on('captcha_uses').column('expires_at').execute();
      },
      async down(db: Kysely<unknown>) {
        for (const t of ['captcha_uses', 'jobs', 'messages', 'cards', 'designs'])
          await db.schema.dropTable(t).execute();
      },
    },
    // What SES reports after a send (bounces, complaints), found by the SES message id. Only nullable
    // columns: rows written before stay valid and the previous build runs on this schema unchanged.
    '002_delivery_problems': {
      async up(db: Kysely<unknown>) {
        const columns: Array<[string, 'varchar(200)' | 'varchar(12)' | 'varchar(300)' | 'bigint']> = [
          ['ses_message_id', 'varchar(200)'],
          ['delivery_problem_kind', 'varchar(12)'],
          ['delivery_problem_detail', 'varchar(300)'],
          ['delivery_problem_at', 'bigint'],
        ];
        if (mysql) {
          // One ALTER: MySQL DDL is not transactional, and a half-applied migration could not be rerun.
          let alter = db.schema.alterTable('cards').addColumn(...columns[0]!);
          for (const column of columns.slice(1)) alter = alter.addColumn(...column);
          await alter.execute();
        } else {
          // SQLite adds one column per ALTER; the migrator runs them in one transaction.
          for (const column of columns)
            await db.schema
              .alterTable('cards')
              .addColumn(...column)
              .execute();
        }
        await db.schema.createIndex('cards_ses_message_idx').on('cards').column('ses_message_id').execute();
      },
      async down(db: Kysely<unknown>) {
        // MySQL names the table of an index; SQLite's DROP INDEX takes no ON clause.
        const drop = db.schema.dropIndex('cards_ses_message_idx');
        await (mysql ? drop.on('cards') : drop).execute();
        for (const column of [
          'delivery_problem_at',
          'delivery_problem_detail',
          'delivery_problem_kind',
          'ses_message_id',
        ])
          await db.schema.alterTable('cards').dropColumn(column).execute();
      },
    },
    // Idempotency-Key answers (src/http/idempotency.ts): a new table only, so the previous build
    // runs on this schema unchanged.
    '003_idempotency_keys': {
      async up(db: Kysely<unknown>) {
        await table(
          db.schema
            .createTable('idempotency_keys')
            .addColumn('key_hash', 'char(64)', (c) => c.primaryKey())
            .addColumn('request_hash', 'char(64)', (c) => c.notNull())
            // Null while the first request runs.
            .addColumn('status_code', 'integer')
            .addColumn('response', 'text')
            .addColumn('location', 'varchar(255)')
            .addColumn('created_at', 'bigint', (c) => c.notNull()),
        ).execute();
        await db.schema
          .createIndex('idempotency_keys_created_idx')
          .on('idempotency_keys')
          .column('created_at')
          .execute();
        // The key also travels with the message it wrote, in the same statement: a retry whose first
        // attempt committed but lost its answer finds the message instead of writing it again.
        await db.schema.alterTable('messages').addColumn('idempotency_key', 'char(64)').execute();
        await db.schema
          .createIndex('messages_idempotency_key_idx')
          .on('messages')
          .column('idempotency_key')
          .unique()
          .execute();
      },
      async down(db: Kysely<unknown>) {
        const drop = db.schema.dropIndex('messages_idempotency_key_idx');
        await (mysql ? drop.on('messages') : drop).execute();
        await db.schema.alterTable('messages').dropColumn('idempotency_key').execute();
        await db.schema.dropTable('idempotency_keys').execute();
      },
    },
    // Moderation of the public gallery. Only adds: a NOT NULL column whose default ('pending') keeps
    // what the previous build inserts out of the gallery, and the stock designs (ours, reviewed)
    // approved so the gallery is not empty after the upgrade. Uploads made public before this
    // migration wait for a moderator like new ones.
    '004_design_moderation': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .alterTable('designs')
          .addColumn('moderation', 'varchar(12)', (c) =>
            c
              .notNull()
              .defaultTo('pending')
              .check(sql`moderation in ('pending', 'approved', 'rejected')`),
          )
          .execute();
        await sql`update designs set moderation = 'approved' where id like 'stock-%'`.execute(db);
        await db.schema
          .createIndex('designs_review_idx')
          .on('designs')
          .columns(['moderation', 'visibility', 'status', 'created_at'])
          .execute();
      },
      async down(db: Kysely<unknown>) {
        const drop = db.schema.dropIndex('designs_review_idx');
        await (mysql ? drop.on('designs') : drop).execute();
        await db.schema.alterTable('designs').dropColumn('moderation').execute();
      },
    },
    // The anti-relay caps count a recipient's and a sender's cards of the last day: indexes only.
    '005_card_caps': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createIndex('cards_recipient_idx')
          .on('cards')
          .columns(['recipient_email', 'created_at'])
          .execute();
        await db.schema.createIndex('cards_sender_idx').on('cards').columns(['sender_email', 'created_at']).execute();
      },
      async down(db: Kysely<unknown>) {
        for (const name of ['cards_sender_idx', 'cards_recipient_idx']) {
          const drop = db.schema.dropIndex(name);
          await (mysql ? drop.on('cards') : drop).execute();
        }
      },
    },
    // Links in a card's email point where its creator reached the site (issue 15). A nullable
    // column only: the previous build inserts without it and ignores it.
    '006_card_public_origin': {
      async up(db: Kysely<unknown>) {
        await db.schema.alterTable('cards').addColumn('public_origin', 'varchar(255)').execute();
      },
      async down(db: Kysely<unknown>) {
        await db.schema.alterTable('cards').dropColumn('public_origin').execute();
      },
    },
    // An empty card is moved a day once, then cancelled (issue 15): the count lives on the card.
    // Not null with a default, so the previous build's inserts (which omit it) stay valid.
    '007_card_empty_postponements': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .alterTable('cards')
          .addColumn('empty_postponements', 'integer', (c) => c.notNull().defaultTo(0))
          .execute();
      },
      async down(db: Kysely<unknown>) {
        await db.schema.alterTable('cards').dropColumn('empty_postponements').execute();
      },
    },
    // The message cap reads one index entry, not the card's messages (issue 14). Each message holds
    // a slot, 1..n per card, unique per card: the cap is "the highest slot is below the limit", an
    // index dive, where counting the card's messages took a locking read of every one of them inside
    // the signing statement and halved signing throughput on MariaDB. A nullable column, so the
    // previous build's inserts (which omit it) stay valid; its rows are numbered here.
    '008_message_slots': {
      async up(db: Kysely<unknown>) {
        await db.schema.alterTable('messages').addColumn('slot', 'integer').execute();
        await (
          mysql
            ? sql`update messages m join (select id, row_number() over (partition by card_id order by id) as n
                  from messages) r on r.id = m.id set m.slot = r.n`
            : sql`update messages set slot = (select count(*) from messages m2
                  where m2.card_id = messages.card_id and m2.id <= messages.id)`
        ).execute(db);
        await db.schema.createIndex(MESSAGE_SLOT_INDEX).on('messages').columns(['card_id', 'slot']).unique().execute();
      },
      async down(db: Kysely<unknown>) {
        const drop = db.schema.dropIndex(MESSAGE_SLOT_INDEX);
        await (mysql ? drop.on('messages') : drop).execute();
        await db.schema.alterTable('messages').dropColumn('slot').execute();
      },
    },
  };
}

/** The unique (card_id, slot) index: a signer that lost the race for a slot is refused by it. */
export const MESSAGE_SLOT_INDEX = 'messages_card_slot_idx';

/** What migrateToLatest found besides what it applied. */
export interface MigrationOutcome {
  /** Migrations this build ran now. */
  applied: string[];
  /** Migrations a newer build already ran that this one does not know (a rolled-back deploy). */
  ahead: string[];
}

/**
 * Brings the schema to the latest version; throws with the failing migration's name.
 *
 * A database ahead of the code is normal after a rolled-back deploy: the newer release migrated,
 * then the older tasks came back. Migrations here only ever add (expand, never contract), so the
 * older code runs on the newer schema, and refusing to start would turn a rollback into an
 * outage. Only a database that is both ahead and behind (migrations this build needs were
 * skipped) is refused.
 */
export async function migrateToLatest(db: Kysely<unknown>, dialect: Dialect): Promise<MigrationOutcome> {
  const known = migrations(dialect);
  const executed = await executedMigrations(db);
  const ahead = executed.filter((name) => !(name in known));
  if (ahead.length) {
    const missing = Object.keys(known).filter((name) => !executed.includes(name));
    if (missing.length)
      throw new Error(
        `database migrations out of step: the database has ${ahead.join(', ')}, which this build does not know, ` +
          `but lacks ${missing.join(', ')}, which it needs; deploy the release that wrote them`,
      );
    return { applied: [], ahead };
  }
  const migrator = new Migrator({ db, provider: { getMigrations: async () => known } });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error) {
    throw new Error(
      `database migration ${failed?.migrationName ?? ''} failed: ${(error as Error).message ?? String(error)}`,
    );
  }
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName), ahead: [] };
}

/**
 * Runs the migrations up to and including `name` only: the schema an older release left, for tests
 * of what a migration does to rows written before it.
 */
export async function migrateTo(db: Kysely<unknown>, dialect: Dialect, name: string): Promise<void> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations(dialect) } });
  const { error } = await migrator.migrateTo(name);
  if (error) throw error;
}

/** Names in Kysely's bookkeeping table; none before the first migration created it. */
async function executedMigrations(db: Kysely<unknown>): Promise<string[]> {
  const tables = await db.introspection.getTables({ withInternalKyselyTables: true });
  if (!tables.some((t) => t.name === MIGRATION_TABLE && !t.isView)) return [];
  const { rows } = await sql<{ name: string }>`select name from ${sql.table(MIGRATION_TABLE)}`.execute(db);
  return rows.map((r) => r.name);
}

const MIGRATION_TABLE = DEFAULT_MIGRATION_TABLE;
