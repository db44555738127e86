import { join, resolve } from 'node:path';
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
  // The database from parts, as ECS injects them from Secrets Manager (a password needs no URL escaping).
  DB_HOST: z.string().min(1).optional(),
  DB_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  DB_NAME: z.string().min(1).optional(),
  DB_USER: z.string().min(1).optional(),
  DB_PASSWORD: z.string().optional(),
  DB_TLS: bool.optional(),
  /** Lambda: an RDS-generated secret ({"username","password",...}) read at cold start. */
  DB_SECRET_ARN: z.string().startsWith('arn:', { message: 'must be a Secrets Manager secret ARN' }).optional(),
  DB_POOL_SIZE: int(10, 1),
  /** Longest wait for a MySQL connection (pooled or new); past it the request answers 503. */
  DB_ACQUIRE_TIMEOUT_MS: int(1000, 50),
  /** Longest MySQL statement, and SQLite's busy_timeout; past it the request answers 503. */
  DB_QUERY_TIMEOUT_MS: int(1500, 50),
  /** The site's public origin; when set it is the only origin links use (see publicOrigin in http/origin.ts). */
  PUBLIC_BASE_URL: z.string().url().optional(),
  /** Without PUBLIC_BASE_URL: extra Host header values (`name` or `name:port`) links may be built from. */
  ALLOWED_HOSTS: z.string().optional(),
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
  /** CAPTCHA=aws-waf: the secret the WAF CAPTCHA rule inserts as x-amzn-waf-captcha-proof (from Secrets Manager). */
  CAPTCHA_WAF_PROOF: z.string().min(32).optional(),
  /** Bearer token of the moderation endpoints (/api/v1/moderation/*); without it they answer 404. */
  MODERATOR_TOKEN: z.string().min(32).optional(),
  RATE_LIMIT_WRITES_PER_MINUTE: int(60),
  /** Anti-relay: cards one address may receive, and one sender address may send, in 24 hours. */
  CARDS_PER_RECIPIENT_PER_DAY: int(3, 1),
  CARDS_PER_SENDER_PER_DAY: int(20, 1),
  /** Card creation needs the CAPTCHA (ALTCHA payload, or the WAF proof). Off only for load tests. */
  CARD_CAPTCHA: bool.default('true'),
  /** Messages one card holds at most (409 card_full beyond). */
  MESSAGES_PER_CARD: int(200, 1),
  /** Email the creator their private manage link when a card is created. */
  OWNER_EMAILS: bool.default('true'),
  /** A card nobody signed: postponed a day once, then cancelled (owner emailed each time), or sent anyway. */
  EMPTY_CARDS: z.enum(['postpone', 'send']).default('postpone'),
  RATE_LIMIT_UPLOADS_PER_MINUTE: int(10),
  UPLOAD_MAX_BYTES: int(12 * 1024 * 1024, 1024),
  THUMBNAIL_CONCURRENCY: int(2, 1),
  CATALOGUE_CACHE_MS: int(2000),
  TRUST_PROXY: z.union([bool, z.coerce.number().int()]).default('false'),
  WEB_DIST: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Value of the Environment dimension of the Lambdas' CloudWatch metrics. */
  METRICS_ENVIRONMENT: z.string().min(1).default('production'),
  /**
   * The CloudWatch agent's EMF listener (tcp://127.0.0.1:25888 beside it on AWS): per-route RED goes
   * there once a minute (route-emf.ts). Unset locally, where Prometheus scrapes /metrics.
   */
  METRICS_EMF_ENDPOINT: z
    .string()
    .regex(/^tcp:\/\/[^:/]+:\d+$/, 'tcp://host:port')
    .optional(),
  /** Log group the agent writes the per-route EMF documents to. */
  METRICS_EMF_LOG_GROUP: z.string().min(1).default('/goodgreets/api-metrics'),
  /** Local drills only: enables the fault switch (/_drill/fault, loopback clients). Refused with AWS adapters. */
  DRILL_FAULTS: bool.default('false'),
});

/** Where the data lives: one SQLite file, a MySQL URL, or MySQL from parts. */
export type DatabaseSettings =
  | { kind: 'sqlite'; file: string }
  | { kind: 'mysql-url'; url: string }
  | {
      kind: 'mysql';
      host: string;
      port: number;
      database: string;
      /** Absent until read from `secretArn` (see adapters/db/credentials.ts). */
      user?: string;
      password?: string;
      secretArn?: string;
      tls: boolean;
    };

export type Env = z.infer<typeof schema>;

export interface Config extends Omit<Env, 'HOST'> {
  HOST: string;
  database: DatabaseSettings;
  dataDir: string;
  /** PUBLIC_BASE_URL without its trailing slash; undefined: links follow the request's (allowed) host. */
  publicBaseUrl: string | undefined;
  /** The origin of links when neither PUBLIC_BASE_URL nor an allowed request host gives one. */
  fallbackOrigin: string;
  /** Lower-cased ALLOWED_HOSTS entries. */
  allowedHosts: string[];
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
  if (e.DRILL_FAULTS) {
    const aws = awsAdapters(e);
    if (aws.length > 0)
      problems.push(`DRILL_FAULTS is for local drills and is refused with AWS adapters (${aws.join(', ')})`);
  }
  const dataDir = resolve(e.DATA_DIR);
  const database = databaseSettings(e, dataDir, problems);
  if (problems.length) throw new ConfigError(problems.join('\n'));
  const publicBaseUrl = e.PUBLIC_BASE_URL?.replace(/\/$/, '');
  return {
    ...e,
    HOST: e.HOST ?? (env.NODE_ENV === 'production' ? '0.0.0.0' : '127.0.0.1'),
    database: database as DatabaseSettings,
    dataDir,
    publicBaseUrl,
    fallbackOrigin: `http://localhost:${e.PORT}`,
    allowedHosts: (e.ALLOWED_HOSTS ?? '')
      .split(',')
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean),
    mediaBaseUrl: (e.MEDIA_BASE_URL ?? '/media').replace(/\/$/, ''),
    mailer,
    webDist: resolve(e.WEB_DIST ?? resolve(__dirname, '../../web/dist')),
  };
}

/** The settings that mean the app runs against AWS: the fault switch must never be on there. */
function awsAdapters(e: Env): string[] {
  return [
    e.OBJECT_STORE === 's3' && 'OBJECT_STORE=s3',
    e.SCHEDULER === 'eventbridge' && 'SCHEDULER=eventbridge',
    e.MAILER === 'ses' && 'MAILER=ses',
    e.CAPTCHA === 'aws-waf' && 'CAPTCHA=aws-waf',
    e.DB_SECRET_ARN !== undefined && 'DB_SECRET_ARN',
  ].filter((x): x is string => typeof x === 'string');
}

const DB_PARTS = ['DB_HOST', 'DB_PORT', 'DB_NAME', 'DB_USER', 'DB_PASSWORD', 'DB_TLS', 'DB_SECRET_ARN'] as const;

/**
 * DATABASE_URL, or DB_HOST and its parts, or nothing (SQLite). Half-given settings are refused
 * with the variable to add or remove, so a typo never silently falls back to SQLite.
 */
function databaseSettings(e: Env, dataDir: string, problems: string[]): DatabaseSettings | undefined {
  const given = DB_PARTS.filter((k) => e[k] !== undefined);
  if (e.DATABASE_URL) {
    if (given.length) problems.push(`DATABASE_URL and ${given.join(', ')} are alternatives: set one or the other`);
    return { kind: 'mysql-url', url: e.DATABASE_URL };
  }
  if (!e.DB_HOST) {
    if (given.length)
      problems.push(`${given.join(', ')} set without DB_HOST: set DB_HOST too (or unset them for SQLite)`);
    return { kind: 'sqlite', file: join(dataDir, 'goodgreets.sqlite') };
  }
  if (!e.DB_NAME) problems.push('DB_HOST needs DB_NAME (the database to use)');
  const hasUser = e.DB_USER !== undefined;
  const hasPassword = e.DB_PASSWORD !== undefined;
  if (hasUser !== hasPassword) {
    problems.push(
      `${hasUser ? 'DB_USER' : 'DB_PASSWORD'} needs ${hasUser ? 'DB_PASSWORD' : 'DB_USER'} (set both, or neither with DB_SECRET_ARN)`,
    );
  } else if (!hasUser && !e.DB_SECRET_ARN) {
    problems.push('DB_HOST needs DB_USER and DB_PASSWORD, or DB_SECRET_ARN (a secret with username and password)');
  }
  return {
    kind: 'mysql',
    host: e.DB_HOST,
    port: e.DB_PORT ?? 3306,
    database: e.DB_NAME ?? '',
    user: e.DB_USER,
    password: e.DB_PASSWORD,
    // Explicit credentials win: the secret is only read when they are absent.
    secretArn: hasUser ? undefined : e.DB_SECRET_ARN,
    tls: e.DB_TLS ?? false,
  };
}
