import { resolve } from 'node:path';
import { z } from 'zod';

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const int = (def: number, min = 0) => z.coerce.number().int().min(min).default(def);

/** Every setting, from the environment; all have working local defaults. */
const schema = z.object({
  PORT: int(8080),
  /** Loopback for a local run; containers (NODE_ENV=production) listen on all interfaces. */
  HOST: z.string().optional(),
  DATA_DIR: z.string().default('./data'),
  DATABASE_URL: z.string().optional(),
  DB_POOL_SIZE: int(10, 1),
  PUBLIC_BASE_URL: z.string().url().optional(),
  MEDIA_BASE_URL: z.string().optional(),
  OBJECT_STORE: z.enum(['local', 's3']).default('local'),
  S3_BUCKET: z.string().optional(),
  SCHEDULER: z.enum(['local', 'eventbridge']).default('local'),
  SCHEDULER_GROUP: z.string().default('goodgreets'),
  SCHEDULER_TARGET_ARN: z.string().optional(),
  SCHEDULER_ROLE_ARN: z.string().optional(),
  SCHEDULER_DLQ_ARN: z.string().optional(),
  SCHEDULER_POLL_MS: int(1000, 50),
  MAILER: z.enum(['outbox', 'smtp', 'ses']).optional(),
  SMTP_URL: z.string().optional(),
  MAIL_FROM: z.string().default('GoodGreets <cards@goodgreets.example>'),
  SES_CONFIGURATION_SET: z.string().optional(),
  CAPTCHA: z.enum(['altcha', 'aws-waf']).default('altcha'),
  CAPTCHA_HMAC_KEY: z.string().min(32).optional(),
  CAPTCHA_MAX_NUMBER: int(50_000, 10),
  RATE_LIMIT_WRITES_PER_MINUTE: int(60),
  RATE_LIMIT_UPLOADS_PER_MINUTE: int(10),
  UPLOAD_MAX_BYTES: int(12 * 1024 * 1024, 1024),
  THUMBNAIL_CONCURRENCY: int(2, 1),
  CATALOGUE_CACHE_MS: int(2000),
  TRUST_PROXY: z.union([bool, z.coerce.number().int()]).default('false'),
  WEB_DIST: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Env = z.infer<typeof schema>;

export interface Config extends Omit<Env, 'HOST'> {
  HOST: string;
  dataDir: string;
  publicBaseUrl: string;
  mediaBaseUrl: string;
  mailer: 'outbox' | 'smtp' | 'ses';
  webDist: string;
}

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => `environment variable ${i.path.join('.')}: ${i.message}`).join('\n'),
    );
  }
  const e = parsed.data;
  const problems: string[] = [];
  if (e.OBJECT_STORE === 's3' && !e.S3_BUCKET) problems.push('OBJECT_STORE=s3 needs S3_BUCKET');
  if (e.SCHEDULER === 'eventbridge') {
    for (const k of ['SCHEDULER_TARGET_ARN', 'SCHEDULER_ROLE_ARN', 'SCHEDULER_DLQ_ARN'] as const) {
      if (!e[k]) problems.push(`SCHEDULER=eventbridge needs ${k}`);
    }
  }
  const mailer = e.MAILER ?? (e.SMTP_URL ? 'smtp' : 'outbox');
  if (mailer === 'smtp' && !e.SMTP_URL) problems.push('MAILER=smtp needs SMTP_URL');
  if (e.DATABASE_URL && !e.DATABASE_URL.startsWith('mysql://')) problems.push('DATABASE_URL must be a mysql:// URL');
  if (problems.length) throw new ConfigError(problems.join('\n'));
  const publicBaseUrl = (e.PUBLIC_BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, '');
  return {
    ...e,
    HOST: e.HOST ?? (env.NODE_ENV === 'production' ? '0.0.0.0' : '127.0.0.1'),
    dataDir: resolve(e.DATA_DIR),
    publicBaseUrl,
    mediaBaseUrl: (e.MEDIA_BASE_URL ?? '/media').replace(/\/$/, ''),
    mailer,
    webDist: resolve(e.WEB_DIST ?? resolve(__dirname, '../../web/dist')),
  };
}
