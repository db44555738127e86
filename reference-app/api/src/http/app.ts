import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { IncomingMessage, type Server, ServerResponse, createServer } from 'node:http';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import express, { type Express, type RequestHandler } from 'express';
import type { Logger } from 'pino';
import { AppError } from '../domain/errors';
import type { Metrics } from '../metrics';
import type { DrillFaults } from './drill-faults';
import { type ApiDeps, apiRouter } from './routes';
import { isSitePath } from './site-paths';
import { RETRY_AFTER_SECONDS, apiNotFound, errorHandler } from './errors';

export interface AppDeps extends ApiDeps {
  /** Drill fault switch; present only when DRILL_FAULTS is set. */
  drillFaults?: DrillFaults;
  logger: Logger;
  metrics: Metrics;
  /** Throws when the app cannot serve (database unreachable, shutting down). */
  ready(): Promise<void>;
  trustProxy: boolean | number;
  /** Folder served at /media (the local object store); absent on AWS (CloudFront serves media). */
  mediaRoot?: string;
  /** The built web app; served with an SPA fallback when the folder exists. */
  webDist?: string;
}

/** Strict CSP for the SPA: no inline script, no third-party origin. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const securityHeaders: RequestHandler = (_req, res, next) => {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  // Share and owner links carry tokens: never leak them through Referer.
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  next();
};

/**
 * Request id (from X-Request-Id when it is sane, else a UUID) and one JSON line per finished
 * request, with tokens redacted from the URL and no bodies. Written by hand instead of pino-http
 * to keep the per-request cost to what we log: no child logger unless a handler asks for one.
 */
function requestLog(logger: Logger): RequestHandler {
  const quiet = new Set(['/healthz', '/readyz', '/metrics']);
  return (req, res, next) => {
    const incoming = req.headers['x-request-id'];
    const id = typeof incoming === 'string' && /^[A-Za-z0-9._-]{1,64}$/.test(incoming) ? incoming : randomUUID();
    req.id = id;
    res.setHeader('X-Request-Id', id);
    if (!logger.isLevelEnabled('info') || quiet.has(req.path)) return next();
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const level = res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info';
      logger[level](
        {
          reqId: id,
          req: { method: req.method, url: redactUrl(req.originalUrl) },
          res: { statusCode: res.statusCode },
          responseTime: Math.round(ms),
        },
        'request completed',
      );
    });
    next();
  };
}

/**
 * The label of requests no route matched (static files, unknown paths): two values whatever the
 * path, so scanners cannot grow the metrics without bound.
 */
function unmatchedLabel(req: express.Request): string {
  // originalUrl: a middleware mounted on /api that answers itself (the drill fault switch) leaves req.path stripped.
  return req.originalUrl.startsWith('/api/') ? 'unmatched_api' : 'static';
}

const ROUTE = Symbol('route');
const TEMPLATE = Symbol('routeTemplate');
type Tracked = express.Request & { [ROUTE]?: unknown; [TEMPLATE]?: string };

/**
 * Keeps the full route template a request matched. Read when the response finishes,
 * `req.baseUrl + req.route.path` loses the mount path of every answer that left a nested router by
 * an error (the router restores `req.baseUrl` on the way out), so errors were labelled
 * `/shared/:shareToken` while successes were `/api/v1/shared/:shareToken`. At the moment the router
 * assigns `req.route`, `req.baseUrl` is still the mount path of the router that holds the route.
 *
 * The accessor is defined once on the app's request prototype, not on each request: a getter and
 * setter defined per request gave every request object a map of its own, which turned Express's
 * property reads megamorphic and cost more CPU than the rest of the metrics middleware (issue 14).
 */
function trackRouteTemplates(app: Express): void {
  Object.defineProperty(app.request, 'route', {
    configurable: true,
    enumerable: true,
    get(this: Tracked) {
      return this[ROUTE];
    },
    set(this: Tracked, value: { path?: unknown } | undefined) {
      this[ROUTE] = value;
      if (value && typeof value.path === 'string') this[TEMPLATE] = `${this.baseUrl}${value.path}`;
    },
  });
}

/**
 * The HTTP server for an Express app, its requests and responses made with Express's prototypes
 * from the start. Express otherwise swaps the prototype of each request and response it takes
 * (`Object.setPrototypeOf` in `app.handle`); V8 then migrates both objects to new maps on every
 * request and every property read on them goes through megamorphic lookups: a fifth of the CPU
 * of an uncached `GET /designs` was spent in those slow paths (issue 14). With the prototypes
 * already in place, Express's swap changes nothing.
 */
/**
 * `res.json` without what this API never uses: no spacing or escaping settings, no ETag (off), no
 * charset negotiation; the body goes out as a string, so Node writes head and body in one write.
 * Express's own version costs a MIME lookup, a Content-Type parse and a Buffer copy per answer, a
 * visible share of a gallery request (issue 14). Status and headers set before still apply, a HEAD
 * answer still carries no body (Node drops it), the `json replacer` setting still applies, and an
 * answer a middleware watches through `res.send` (the Idempotency-Key record) still goes through it.
 */
export function leanJson(app: Express): void {
  app.response.json = function json(this: express.Response, value: unknown) {
    const body = JSON.stringify(value, this.app.get('json replacer') as undefined);
    this.setHeader('Content-Type', 'application/json; charset=utf-8');
    if (Object.prototype.hasOwnProperty.call(this, 'send')) return this.send(body);
    this.setHeader('Content-Length', Buffer.byteLength(body));
    this.end(body);
    return this;
  };
}

export function createHttpServer(app: Express): Server {
  function ExpressRequest(this: IncomingMessage, socket: Socket) {
    IncomingMessage.call(this, socket);
  }
  ExpressRequest.prototype = app.request;
  function ExpressResponse(this: ServerResponse, req: IncomingMessage, options?: unknown) {
    Reflect.apply(ServerResponse, this, [req, options]);
  }
  ExpressResponse.prototype = app.response;
  return createServer(
    {
      IncomingMessage: ExpressRequest as unknown as typeof IncomingMessage,
      ServerResponse: ExpressResponse as unknown as typeof ServerResponse,
    },
    app,
  );
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  // Before the first route: Express builds its router from these settings when it is first used.
  // The edge's WAF rules match exact paths; a router that folds case or ignores a trailing slash
  // would serve paths those rules never saw (how the upload CAPTCHA was bypassed, issue 20).
  app.set('case sensitive routing', true);
  app.set('strict routing', true);
  app.disable('x-powered-by');
  app.set('trust proxy', deps.trustProxy);
  app.set('etag', false);
  trackRouteTemplates(app);
  leanJson(app);

  app.use(requestLog(deps.logger));
  app.use(securityHeaders);
  app.use((req, res, next) => {
    const start = process.hrtime.bigint();
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      const route = (req as Tracked)[TEMPLATE] ?? unmatchedLabel(req);
      deps.metrics.request({ method: req.method, route, status: res.statusCode, seconds });
    });
    next();
  });

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (req, res) => {
    try {
      await deps.ready();
      res.json({ status: 'ready' });
    } catch (err) {
      // Our own codes (database_unavailable, shutting_down) are shown; a driver's words only logged.
      const known = err instanceof AppError && err.status === 503 ? err : undefined;
      deps.logger.warn({ reqId: req.id, err: known?.cause ?? err }, 'not ready');
      res
        .status(503)
        .set('Retry-After', String(RETRY_AFTER_SECONDS))
        .json({ error: { code: known?.code ?? 'not_ready', message: known?.message ?? 'not ready' } });
    }
  });
  app.get('/metrics', async (_req, res) => {
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });

  app.use(canonicalApiPaths);
  if (deps.drillFaults) {
    app.use('/_drill', deps.drillFaults.router());
    app.use('/api', deps.drillFaults.middleware);
  }
  app.use('/api/v1', apiRouter(deps));
  app.use('/api', apiNotFound);

  if (deps.mediaRoot) {
    // Only derived images are public; originals stay private even locally. `thumbs` serves
    // thumbnails stored before they moved to the bucket's `thumbnails/` prefix.
    for (const prefix of ['display', 'thumbnails', 'thumbs']) {
      app.use(
        `/media/${prefix}`,
        express.static(join(deps.mediaRoot, prefix), {
          fallthrough: false,
          immutable: true,
          maxAge: '365d',
          index: false,
        }),
      );
    }
  }

  if (deps.webDist && existsSync(join(deps.webDist, 'index.html'))) {
    const webDist = deps.webDist;
    app.use((_req, res, next) => {
      res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
      next();
    });
    app.use(express.static(webDist, { index: false, maxAge: '1h' }));
    app.get('/{*spa}', (req, res, next) => {
      if (!req.accepts('html')) return next();
      res.setHeader('Cache-Control', 'no-cache');
      // The same page either way: the site's router shows "Page not found" for a path it does not
      // know, and the status says so too (crawlers, link checkers, monitoring).
      res.status(isSitePath(req.path) ? 200 : 404).sendFile(join(webDist, 'index.html'));
    });
  }

  app.use((req, _res, next) => next(new AppError(404, 'not_found', `nothing at ${req.method} ${redactUrl(req.path)}`)));
  app.use(errorHandler(deps.logger));
  return app;
}

/**
 * API paths are canonical or refused: lowercase `/api`, segments of id and token characters only
 * (no percent-encoding, no dot segments, no empty segment from `//`, no trailing slash). Together
 * with case-sensitive strict routing, a request either has exactly the path the edge's rules
 * matched or gets a JSON 4xx before any handler runs. The raw URL is checked: Express's own path
 * properties may already be decoded or normalised.
 */
const CANONICAL_API_PATH = /^\/api(?:\/[A-Za-z0-9_-]+)+$/;
const canonicalApiPaths: RequestHandler = (req, _res, next) => {
  const path = req.originalUrl.split('?', 1)[0] ?? '';
  if (CANONICAL_API_PATH.test(path) || !meantForApi(path)) return next();
  next(
    new AppError(
      400,
      'non_canonical_path',
      `${redactUrl(path).slice(0, 200)} is not a canonical API path: use the documented path exactly ` +
        '(lowercase, no trailing slash, no empty segment, no percent-encoding)',
    ),
  );
};

/** Whether a path names the API once decoded and case-folded (`/API/...`, `//api/...`, `/%61pi/...`). */
function meantForApi(path: string): boolean {
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    // Malformed escapes: judge the raw text.
  }
  return /^\/+api(?:\/|$)/i.test(decoded);
}

/** Tokens live in paths (/shared/<token>) and must not reach the logs, whatever case the path was sent in. */
export function redactUrl(url: string): string {
  return (
    url
      .replace(/\/(shared|s)\/[A-Za-z0-9_%-]+/gi, '/$1/[token]')
      // Whatever prefix carried it (`/api/v1/%73hared/...`): a 256-bit token is 43 base64url characters.
      .replace(/\/[A-Za-z0-9_-]{43}(?=[/?#]|$)/g, '/[token]')
      .replace(/([?&](?:token|ownertoken)=)[^&]+/gi, '$1[redacted]')
  );
}
