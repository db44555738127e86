import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { withDatabaseCredentials } from './adapters/db/credentials';
import { ConfigError, loadConfig } from './config';
import { startApp } from './server';

/** Local run: `node dist/main.js` (PORT, DATA_DIR and the other variables in README.md). */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`goodgreets: invalid configuration:\n${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  // DB_SECRET_ARN instead of DB_USER/DB_PASSWORD: read the secret once, before anything connects.
  const app = await startApp(await withDatabaseCredentials(config, () => new SecretsManagerClient({})));
  process.stdout.write(`GoodGreets is running at ${app.url} (data in ${config.dataDir})\n`);

  const shutdown = (signal: string) => {
    app.ctx.logger.info({ signal }, 'shutting down');
    app.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        app.ctx.logger.error({ err: (err as Error).message }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`goodgreets: could not start: ${(err as Error).message}\n`);
  process.exit(1);
});
