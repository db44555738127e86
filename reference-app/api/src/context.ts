import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import type { Logger } from 'pino';
import { AltchaCaptcha } from './adapters/captcha/altcha';
import { WafCaptcha } from './adapters/captcha/waf';
import { type Database, openDatabase } from './adapters/db/database';
import { type MigrationOutcome, migrateToLatest } from './adapters/db/migrations';
import { SqlCardRepository, SqlDesignRepository, SqlReplayGuard } from './adapters/db/repositories';
import { OutboxMailer } from './adapters/mailer/outbox';
import { SesMailer } from './adapters/mailer/ses';
import { SmtpMailer } from './adapters/mailer/smtp';
import { LocalObjectStore } from './adapters/objects/local';
import { S3ObjectStore } from './adapters/objects/s3';
import { EventBridgeScheduler } from './adapters/scheduler/eventbridge';
import { LocalScheduler } from './adapters/scheduler/local';
import type { Config } from './config';
import { DeliveryService } from './delivery/service';
import { CardService } from './domain/cards';
import { DesignService } from './domain/designs';
import {
  type BusinessMetrics,
  type Captcha,
  type Clock,
  type DeliveryScheduler,
  type ImageProcessor,
  type Mailer,
  type ObjectStore,
  systemClock,
} from './domain/ports';
import { sharpImages } from './images';
import { createLogger } from './logger';
import { Metrics } from './metrics';

/** Everything the app is made of, wired from configuration (the composition root). */
export interface Context {
  config: Config;
  logger: Logger;
  /** Where the domain reports business events: Prometheus in the API, EMF in the Lambdas. */
  metrics: BusinessMetrics;
  /** The registry /metrics serves (HTTP RED metrics and, in the API, the business events). */
  prometheus: Metrics;
  clock: Clock;
  database: Database;
  objects: ObjectStore;
  /** Set when objects are local files (serves /media and feeds the in-process thumbnailer). */
  localObjects?: LocalObjectStore;
  images: ImageProcessor;
  captcha: Captcha;
  scheduler: DeliveryScheduler;
  mailer: Mailer;
  cards: CardService;
  designs: DesignService;
  delivery: DeliveryService;
  /** The share link; PUBLIC_BASE_URL wins over `origin`, which wins over the default origin. */
  shareUrl(token: string, origin?: string): string;
  close(): Promise<void>;
}

export interface ContextOverrides {
  clock?: Clock;
  logger?: Logger;
  mailer?: Mailer;
  scheduler?: DeliveryScheduler;
  objects?: ObjectStore;
  metrics?: BusinessMetrics;
}

export function createContext(config: Config, o: ContextOverrides = {}): Context {
  const logger = o.logger ?? createLogger(config.LOG_LEVEL);
  const prometheus = o.metrics instanceof Metrics ? o.metrics : new Metrics(o.metrics === undefined);
  const metrics = o.metrics ?? prometheus;
  const clock = o.clock ?? systemClock;
  const database = openDatabase(config.database, {
    poolSize: config.DB_POOL_SIZE,
    acquireTimeoutMs: config.DB_ACQUIRE_TIMEOUT_MS,
    queryTimeoutMs: config.DB_QUERY_TIMEOUT_MS,
  });
  const db = database.db;
  const cardRepo = new SqlCardRepository(db);
  const designRepo = new SqlDesignRepository(db);

  let localObjects: LocalObjectStore | undefined;
  let objects: ObjectStore;
  if (o.objects) objects = o.objects;
  else if (config.OBJECT_STORE === 's3')
    objects = new S3ObjectStore(new S3Client({}), config.S3_BUCKET as string, config.mediaBaseUrl);
  else objects = localObjects = new LocalObjectStore(join(config.dataDir, 'objects'), config.mediaBaseUrl);

  const scheduler =
    o.scheduler ??
    (config.SCHEDULER === 'eventbridge'
      ? new EventBridgeScheduler(new SchedulerClient({}), {
          groupName: config.SCHEDULER_GROUP,
          targetArn: config.SCHEDULER_TARGET_ARN as string,
          roleArn: config.SCHEDULER_ROLE_ARN as string,
          deadLetterArn: config.SCHEDULER_DLQ_ARN as string,
        })
      : new LocalScheduler(db, clock));

  const mailer =
    o.mailer ??
    (config.mailer === 'ses'
      ? new SesMailer(new SESv2Client({}), config.MAIL_FROM, config.SES_CONFIGURATION_SET)
      : config.mailer === 'smtp'
        ? new SmtpMailer(config.SMTP_URL as string, config.MAIL_FROM)
        : new OutboxMailer(join(config.dataDir, 'outbox'), config.MAIL_FROM));

  const captcha: Captcha =
    config.CAPTCHA === 'aws-waf'
      ? new WafCaptcha(config.CAPTCHA_WAF_PROOF)
      : new AltchaCaptcha({
          hmacKey: config.CAPTCHA_HMAC_KEY ?? localSecret(config.dataDir, 'captcha-hmac.key'),
          replay: new SqlReplayGuard(db),
          clock,
          maxNumber: config.CAPTCHA_MAX_NUMBER,
        });

  const images = sharpImages({
    maxBytes: config.UPLOAD_MAX_BYTES,
    maxPixels: 40_000_000,
    maxDimension: 10_000,
    maxFrames: 50,
    timeoutSeconds: 10,
  });
  // fallbackOrigin is read at each call: the server sets the real port once it listens on PORT=0.
  const siteUrl = (path: string, origin?: string) =>
    `${config.publicBaseUrl ?? origin ?? config.fallbackOrigin}${path}`;
  const shareUrl = (token: string, origin?: string) => siteUrl(`/s/${token}`, origin);
  const cards = new CardService({
    cards: cardRepo,
    designs: designRepo,
    objects,
    scheduler,
    clock,
    metrics,
    shareUrl,
    maxMessagesPerCard: config.MESSAGES_PER_CARD,
    ownerLink: config.OWNER_EMAILS
      ? {
          mailer,
          // The token rides in the fragment, as on the share page: never sent to the server or in Referer.
          manageUrl: (id, token, origin) => siteUrl(`/cards/${id}/manage#token=${token}`, origin),
          onError: (cardId, err) => logger.warn({ cardId, err: err.message }, 'could not email the owner link'),
        }
      : undefined,
    relay: {
      captcha: config.CARD_CAPTCHA ? captcha : undefined,
      perRecipientPerDay: config.CARDS_PER_RECIPIENT_PER_DAY,
      perSenderPerDay: config.CARDS_PER_SENDER_PER_DAY,
    },
  });
  const designs = new DesignService({
    designs: designRepo,
    objects,
    images,
    captcha,
    clock,
    metrics,
    catalogueCacheMs: config.CATALOGUE_CACHE_MS,
  });
  const delivery = new DeliveryService({
    cards: cardRepo,
    designs: designRepo,
    objects,
    mailer,
    clock,
    metrics,
    logger,
    shareUrl,
    emptyCards: config.EMPTY_CARDS === 'postpone' ? { scheduler } : undefined,
  });

  return {
    config,
    logger,
    metrics,
    prometheus,
    clock,
    database,
    objects,
    localObjects,
    images,
    captcha,
    scheduler,
    mailer,
    cards,
    designs,
    delivery,
    shareUrl,
    close: async () => {
      if (mailer instanceof SmtpMailer) mailer.close();
      await database.close();
    },
  };
}

export async function migrate(ctx: Context): Promise<MigrationOutcome> {
  return migrateToLatest(ctx.database.unbounded as never, ctx.database.dialect);
}

/** A per-installation secret kept in DATA_DIR (mode 600) when none is configured. */
function localSecret(dataDir: string, name: string): string {
  const file = join(dataDir, name);
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    mkdirSync(dataDir, { recursive: true });
    const secret = randomBytes(32).toString('base64url');
    try {
      writeFileSync(file, secret, { mode: 0o600, flag: 'wx' });
      return secret;
    } catch {
      return readFileSync(file, 'utf8').trim();
    }
  }
}
