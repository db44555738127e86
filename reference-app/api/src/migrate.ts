import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { withDatabaseCredentials } from './adapters/db/credentials';
import { openDatabase } from './adapters/db/database';
import { migrateToLatest } from './adapters/db/migrations';
import { ConfigError, loadConfig } from './config';

/**
 * `node dist/migrate.js`: brings the database schema up to date and exits: 0 when done (also
 * when there was nothing to do), 2 on a configuration error, 1 on any other failure, always
 * with one line on stderr. The deploy runs it as a one-off task before the new API tasks start;
 * the API still migrates on start, so a local run needs no separate step.
 */
async function main(): Promise<void> {
  const config = await withDatabaseCredentials(loadConfig(process.env), () => new SecretsManagerClient({}));
  const database = openDatabase(config.database, {
    poolSize: 1,
    acquireTimeoutMs: config.DB_ACQUIRE_TIMEOUT_MS,
    queryTimeoutMs: config.DB_QUERY_TIMEOUT_MS,
  });
  try {
    const { applied, ahead } = await migrateToLatest(database.unbounded as never, database.dialect);
    process.stdout.write(
      `${JSON.stringify({ msg: 'migrations applied', dialect: database.dialect, applied, count: applied.length, ahead })}\n`,
    );
  } finally {
    await database.close();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    const message = err instanceof ConfigError ? err.message.replace(/\n/g, '; ') : oneLine(err);
    process.stderr.write(
      `goodgreets migrate: ${err instanceof ConfigError ? 'invalid configuration: ' : ''}${message}\n`,
    );
    process.exit(err instanceof ConfigError ? 2 : 1);
  },
);

function oneLine(err: unknown): string {
  const e = err as { message?: string; code?: string; cause?: unknown };
  const text = (e?.message || String(err)).replace(/\s+/g, ' ').trim();
  const line = e?.code && !text.includes(e.code) ? `${e.code}: ${text}` : text;
  // A database_unavailable error keeps the driver's words in its cause: the operator needs them.
  return e?.cause ? `${line} (${oneLine(e.cause)})` : line;
}
