import { sql } from 'kysely';
import type { Database } from '../src/adapters/db/database';
import { migrateToLatest } from '../src/adapters/db/migrations';
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
