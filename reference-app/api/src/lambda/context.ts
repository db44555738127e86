import { loadConfig } from '../config';
import { type Context, createContext } from '../context';

let cached: Context | undefined;

/**
 * One context per Lambda container, built on the first invocation from the environment (the
 * infra stack sets DATABASE_URL, OBJECT_STORE=s3, MAILER=ses, ...). Migrations are the API's
 * job at deploy time, not the handlers'.
 */
export function lambdaContext(): Context {
  // Lambda's file system is read-only outside /tmp, and uploads (the only CAPTCHA user) never
  // reach a handler, so the WAF adapter avoids creating a local ALTCHA key.
  cached ??= createContext(
    loadConfig({ MAILER: 'ses', OBJECT_STORE: 's3', CAPTCHA: 'aws-waf', DATA_DIR: '/tmp/goodgreets', ...process.env }),
  );
  return cached;
}
