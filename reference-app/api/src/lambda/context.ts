import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { withDatabaseCredentials } from '../adapters/db/credentials';
import { loadConfig } from '../config';
import { type Context, createContext } from '../context';
import { systemClock } from '../domain/ports';
import { EmfMetrics } from '../emf';

let cached: Promise<Context> | undefined;

/**
 * One context per Lambda container, built on the first invocation from the environment (the
 * infra stack sets DB_HOST, DB_NAME, DB_TLS, DB_SECRET_ARN, S3_BUCKET, ...): the database secret is
 * read once per container, not per event. A failed start is not cached, so the next invocation
 * (a retry) tries again and reports its own error. Migrations are the deploy's job, not the handlers'.
 */
export function lambdaContext(
  secrets: () => SecretsManagerClient = () => new SecretsManagerClient({}),
): Promise<Context> {
  cached ??= build(secrets).catch((err: unknown) => {
    cached = undefined;
    throw err;
  });
  return cached;
}

async function build(secrets: () => SecretsManagerClient): Promise<Context> {
  // Lambda's file system is read-only outside /tmp, and uploads (the only CAPTCHA user) never
  // reach a handler, so the WAF adapter avoids creating a local ALTCHA key.
  const config = await withDatabaseCredentials(
    loadConfig({ MAILER: 'ses', OBJECT_STORE: 's3', CAPTCHA: 'aws-waf', DATA_DIR: '/tmp/goodgreets', ...process.env }),
    secrets,
  );
  return createContext(config, { metrics: new EmfMetrics(config.METRICS_ENVIRONMENT, systemClock) });
}
