import { sql } from 'kysely';
import type { Database } from '../src/adapters/db/database';
import { migrateTo, migrateToLatest } from '../src/adapters/db/migrations';
import { SqlCardRepository } from '../src/adapters/db/repositories';
import { DIALECTS, type TestDb, createTestDb, openTestDatabase } from './helpers';

/** Kysely's bookkeeping, written the way a newer release's migrator would have. */
async function recordMigration(database: Database, name: string): Promise<void> {
  await sql`insert into kysely_migration (name, timestamp) values (${name}, ${new Date().toISOString()})`.execute(
    database.db,
  );
}

describe.each(DIALECTS)('migrations on %s', (dialect) => {
  let t: TestDb;
  let database: Database;

  beforeEach(async () => {
    t = await createTestDb(dialect);
    database = openTestDatabase(t);
  });
  afterEach(async () => {
    await database?.close();
    await t?.drop();
  });

  it('runs on a schema a newer release already migrated (a rolled-back deploy) and says so', async () => {
    await migrateToLatest(database.db as never, database.dialect);
    await recordMigration(database, '900_from_the_future');
    expect(await migrateToLatest(database.db as never, database.dialect)).toEqual({
      applied: [],
      ahead: ['900_from_the_future'],
    });
    // The schema this build made is untouched and usable.
    expect(
      await database.db
        .selectFrom('designs' as never)
        .selectAll()
        .execute(),
    ).toEqual([]);
  });

  it('numbers the messages written before 008 1..n per card in write order, so the cap counts them', async () => {
    await migrateTo(database.db as never, database.dialect, '007_card_empty_postponements');
    await sql`insert into designs (id, category, title, visibility, status, created_at, moderation)
              values ('d', 'Birthday', 't', 'public', 'ready', 1, 'approved')`.execute(database.db);
    for (const id of ['cardA', 'cardB'])
      await sql`insert into cards (id, design_id, recipient_name, recipient_email, sender_name, sender_email,
                  send_at_local, time_zone, send_at_utc, share_token, owner_token_hash, status, created_at, updated_at)
                values (${id}, 'd', 'r', 'r@example.com', 's', 's@example.com', '2030-01-01T00:00:00', 'UTC',
                  9000000000000, ${id.padEnd(43, 'x')}, ${'h'.repeat(64)}, 'scheduled', 1, 1)`.execute(database.db);
    // Interleaved, as signatures arrive; ids from AUTO_INCREMENT as the older build wrote them.
    for (const [cardId, text] of [
      ['cardB', 'b1'],
      ['cardA', 'a1'],
      ['cardB', 'b2'],
      ['cardA', 'a2'],
      ['cardA', 'a3'],
    ])
      await sql`insert into messages (card_id, name, message, created_at) values (${cardId}, 'n', ${text}, 1)`.execute(
        database.db,
      );
    expect(await migrateToLatest(database.db as never, database.dialect)).toEqual({
      applied: ['008_message_slots'],
      ahead: [],
    });
    const { rows } = await sql<{ message: string; slot: number }>`
      select message, slot from messages order by card_id, id`.execute(database.db);
    expect(rows.map((r) => [r.message, Number(r.slot)])).toEqual([
      ['a1', 1],
      ['a2', 2],
      ['a3', 3],
      ['b1', 1],
      ['b2', 2],
    ]);
    const cards = new SqlCardRepository(database.db);
    expect(await cards.addMessage('cardA', 'n', 'a4', 2, 3)).toBeUndefined();
    expect(await cards.addMessage('cardB', 'n', 'b3', 2, 3)).toMatchObject({ message: 'b3' });
    expect(await cards.addMessage('cardB', 'n', 'b4', 2, 3)).toBeUndefined();
  });

  it('refuses a database that is ahead and behind at once, naming both', async () => {
    // The bookkeeping table exists but this build's own migration never ran.
    await sql`create table kysely_migration (name varchar(255) primary key, timestamp varchar(255) not null)`.execute(
      database.db,
    );
    await recordMigration(database, '900_from_the_future');
    await expect(migrateToLatest(database.db as never, database.dialect)).rejects.toThrow(
      /has 900_from_the_future, which this build does not know, but lacks 001_initial/,
    );
  });
});
