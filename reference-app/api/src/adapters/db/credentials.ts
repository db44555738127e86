import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Config } from '../../config';

/**
 * Fills in the database user and password from DB_SECRET_ARN (the JSON secret RDS generates:
 * `{"username", "password", ...}`) when the settings name a secret instead of credentials.
 * Errors name the secret and what is wrong with it, never its content.
 */
export async function withDatabaseCredentials(config: Config, client: () => SecretsManagerClient): Promise<Config> {
  const db = config.database;
  if (db.kind !== 'mysql' || !db.secretArn || (db.user !== undefined && db.password !== undefined)) return config;
  const arn = db.secretArn;
  let text: string | undefined;
  try {
    text = (await client().send(new GetSecretValueCommand({ SecretId: arn }))).SecretString;
  } catch (err) {
    const e = err as Error;
    throw new Error(`cannot read database secret ${arn} (DB_SECRET_ARN): ${e.name}: ${e.message}`);
  }
  if (text === undefined) throw new Error(`database secret ${arn} (DB_SECRET_ARN) has no SecretString`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`database secret ${arn} (DB_SECRET_ARN) is not JSON: expected {"username": ..., "password": ...}`);
  }
  const { username, password } = (parsed ?? {}) as { username?: unknown; password?: unknown };
  if (typeof username !== 'string' || !username || typeof password !== 'string') {
    throw new Error(`database secret ${arn} (DB_SECRET_ARN) lacks a string "username" and "password"`);
  }
  return { ...config, database: { ...db, user: username, password } };
}
