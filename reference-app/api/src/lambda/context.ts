import { loadConfig } from '../config';
import { type Context, createContext } from '../context';

let cached: Context | undefined;

/**
 * One context per Lambda container, built on the first invocation from the environment (the
 * infra stack sets DATABASE_URL, OBJECT_STORE=s3, MAILER=ses, ...). Migrations are the API's
 * job at deploy time, not the handlers'.
 */
export function lambdaContext(): Context {
  cached ??= createContext(loadConfig({ MAILER: 'ses', OBJECT_STORE: 's3', ...process.env }));
  return cached;
}
