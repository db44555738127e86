import { STATUS_CODES, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { SqlIdempotencyStore } from './adapters/db/idempotency';
import { SqlDesignRepository, SqlReplayGuard } from './adapters/db/repositories';
import { LocalScheduler, SchedulerWorker } from './adapters/scheduler/local';
import { type Config, ConfigError } from './config';
import { type Context, type ContextOverrides, createContext, migrate } from './context';
import { designIdFromOriginalKey } from './domain/designs';
import { AppError } from './domain/errors';
import { createApp, createHttpServer } from './http/app';
import { DrillFaults } from './http/drill-faults';
import { AgentConnection, RouteEmf } from './route-emf';
import { seedStockDesigns } from './seed/stock';
import { ThumbnailQueue } from './thumbnailer/worker';

export interface RunningApp {
  url: string;
  server: Server;
  ctx: Context;
  thumbnails: ThumbnailQueue;
  worker?: SchedulerWorker;
  /** Graceful stop: no new connections, finish in-flight requests and jobs, close the database. */
  stop(): Promise<void>;
}

/** The whole local app in one process: migrate, seed, API, thumbnailer worker, scheduler. */
export async function startApp(config: Config, overrides: ContextOverrides = {}): Promise<RunningApp> {
  // The server is what accepts uploads: without the secret it would refuse every one of them.
  if (config.CAPTCHA === 'aws-waf' && !config.CAPTCHA_WAF_PROOF)
    throw new ConfigError(
      'CAPTCHA=aws-waf needs CAPTCHA_WAF_PROOF: the secret the WAF CAPTCHA rule inserts as x-amzn-waf-captcha-proof ' +
        '(on AWS the API stack injects it from Secrets Manager)',
    );
  const ctx = createContext(config, overrides);
  const { logger } = ctx;
  let stopping = false;
  try {
    const { applied, ahead } = await migrate(ctx);
    if (applied.length) logger.info({ applied }, 'database migrated');
    if (ahead.length)
      logger.warn({ ahead }, 'database schema is ahead of this build (a rolled-back deploy?); running on it');
    const seeded = await seedStockDesigns(await designsRepo(ctx), ctx.objects, ctx.images);
    if (seeded) logger.info({ seeded }, 'stock designs seeded');
  } catch (err) {
    await ctx.close();
    throw err;
  }

  const thumbnails = new ThumbnailQueue(
    async (id) => {
      const result = await ctx.designs.process(id);
      logger.info({ designId: id, result }, 'design processed');
    },
    logger,
    config.THUMBNAIL_CONCURRENCY,
  );
  ctx.localObjects?.onObjectCreated((key) => {
    const id = designIdFromOriginalKey(key);
    if (id) thumbnails.enqueue(id);
  });
  // Uploads accepted before a restart still get their thumbnails.
  if (ctx.localObjects)
    for (const d of await (await designsRepo(ctx)).listByStatus('processing', 1000)) thumbnails.enqueue(d.id);

  // Used CAPTCHA solutions are only needed until their challenge expires, idempotency answers for 24 h.
  const replay = new SqlReplayGuard(ctx.database.db);
  const idempotencyStore = new SqlIdempotencyStore(ctx.database.db);
  const purge = setInterval(() => {
    replay
      .purgeExpired(ctx.clock.now())
      .catch((err: unknown) => logger.warn({ err: (err as Error).message }, 'captcha purge failed'));
    idempotencyStore
      .purgeExpired(ctx.clock.now())
      .catch((err: unknown) => logger.warn({ err: (err as Error).message }, 'idempotency purge failed'));
  }, 10 * 60_000);
  purge.unref();

  const routeEmf = startRouteEmf(config, ctx);

  let worker: SchedulerWorker | undefined;
  if (ctx.scheduler instanceof LocalScheduler) {
    worker = new SchedulerWorker({
      db: ctx.database.db,
      clock: ctx.clock,
      logger,
      pollMs: config.SCHEDULER_POLL_MS,
      run: async (cardId) => {
        const outcome = await ctx.delivery.deliver(cardId);
        // A postponed card's job was already moved by the scheduler; `later` says the same.
        return outcome.kind === 'not_due' || outcome.kind === 'postponed'
          ? { kind: 'later', runAt: outcome.runAt }
          : { kind: 'done' };
      },
      giveUp: (cardId, error) => ctx.delivery.giveUp(cardId, { reason: error.message }).then(() => undefined),
    });
    worker.start();
  }

  const app = createApp({
    cards: ctx.cards,
    designs: ctx.designs,
    captcha: ctx.captcha,
    moderatorToken: config.MODERATOR_TOKEN,
    origin: { publicBaseUrl: config.publicBaseUrl, listenHost: config.HOST, allowedHosts: config.allowedHosts },
    idempotency: { store: idempotencyStore, clock: ctx.clock, logger },
    logger,
    metrics: ctx.prometheus,
    ...(config.DRILL_FAULTS ? { drillFaults: new DrillFaults() } : {}),
    trustProxy: config.TRUST_PROXY,
    mediaRoot: ctx.localObjects?.root,
    webDist: config.webDist,
    limits: {
      writesPerMinute: config.RATE_LIMIT_WRITES_PER_MINUTE,
      uploadsPerMinute: config.RATE_LIMIT_UPLOADS_PER_MINUTE,
      jsonBodyBytes: 16 * 1024,
      uploadBytes: config.UPLOAD_MAX_BYTES,
    },
    ready: async () => {
      if (stopping) throw new AppError(503, 'shutting_down', 'this instance is shutting down');
      await ctx.database.ping();
    },
  });

  const server = await new Promise<Server>((resolve, reject) => {
    const s = createHttpServer(app).listen(config.PORT, config.HOST, () => resolve(s));
    s.once('error', reject);
  });
  server.keepAliveTimeout = 65_000;
  server.on('clientError', answerClientError);
  const address = server.address() as AddressInfo;
  const host = config.HOST === '0.0.0.0' || config.HOST === '::' ? 'localhost' : config.HOST;
  const url = `http://${host}:${address.port}`;
  // PORT=0 (tests) listens on a port chosen now: links that fall back to the default origin name it.
  if (config.PORT === 0) config.fallbackOrigin = `http://localhost:${address.port}`;

  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      stopping = true;
      clearInterval(purge);
      await routeEmf?.stop();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Keep-alive sockets become idle as their last request finishes: close them as they do.
      const reap = setInterval(() => server.closeIdleConnections(), 50);
      // Requests in flight get a grace period, then their sockets go.
      const force = setTimeout(() => server.closeAllConnections(), 10_000);
      force.unref();
      server.closeIdleConnections();
      await closed;
      clearInterval(reap);
      clearTimeout(force);
      await worker?.stop();
      await thumbnails.close();
      await ctx.close();
    })());

  return { url, server, ctx, thumbnails, worker, stop };
}

/** Per-route RED to the CloudWatch agent, when one listens beside the API (AWS). */
function startRouteEmf(config: Config, ctx: Context): { stop(): Promise<void> } | undefined {
  if (!config.METRICS_EMF_ENDPOINT) return undefined;
  const agent = new AgentConnection(config.METRICS_EMF_ENDPOINT);
  const emf = new RouteEmf({
    environment: config.METRICS_ENVIRONMENT,
    logGroupName: config.METRICS_EMF_LOG_GROUP,
    write: agent.write,
    now: () => ctx.clock.now(),
  });
  ctx.prometheus.onRequest((o) => emf.record(o));
  const timer = setInterval(() => emf.flush(), 60_000);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      emf.flush();
      await agent.close();
    },
  };
}

const designsRepo = async (ctx: Context) => new SqlDesignRepository(ctx.database.db);

/**
 * Requests Node's HTTP parser refuses before Express sees them (headers too large, a malformed
 * request line) still get the API's JSON error shape instead of a bare status line.
 */
function answerClientError(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const [status, code, message] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'headers_too_large', 'the request headers are too large']
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'request_timeout', 'the request took too long to arrive']
        : [400, 'bad_request', 'the request is not valid HTTP'];
  const body = JSON.stringify({ error: { code, message } });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
