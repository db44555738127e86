import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express, { type Express, type RequestHandler } from 'express';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { AppError } from '../domain/errors';
import type { Metrics } from '../metrics';
import { type ApiDeps, apiRouter } from './routes';
import { apiNotFound, errorHandler } from './errors';

export interface AppDeps extends ApiDeps {
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

function routeLabel(req: express.Request): string {
  const route = (req as { route?: { path?: unknown } }).route;
  if (route && typeof route.path === 'string') return `${req.baseUrl}${route.path}`;
  return req.path.startsWith('/api/') ? 'unmatched_api' : 'static';
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.trustProxy);
  app.set('etag', false);

  app.use(
    pinoHttp({
      logger: deps.logger,
      genReqId: (req, res) => {
        const incoming = req.headers['x-request-id'];
        const id = typeof incoming === 'string' && /^[A-Za-z0-9._-]{1,64}$/.test(incoming) ? incoming : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      // Health probes and scrapes would drown the log.
      autoLogging: { ignore: (req) => ['/healthz', '/readyz', '/metrics'].includes(req.url ?? '') },
      serializers: {
        req: (req: { id: unknown; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          url: redactUrl(req.url),
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    }),
  );
  app.use(securityHeaders);
  app.use((req, res, next) => {
    const end = deps.metrics.httpDuration.startTimer();
    res.on('finish', () => {
      const labels = { method: req.method, route: routeLabel(req), status: String(res.statusCode) };
      end(labels);
      deps.metrics.httpRequests.inc(labels);
    });
    next();
  });

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    try {
      await deps.ready();
      res.json({ status: 'ready' });
    } catch (err) {
      res.status(503).json({ error: { code: 'not_ready', message: (err as Error).message || 'not ready' } });
    }
  });
  app.get('/metrics', async (_req, res) => {
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });

  app.use('/api/v1', apiRouter(deps));
  app.use('/api', apiNotFound);

  if (deps.mediaRoot) {
    // Only derived images are public; originals stay private even locally.
    for (const prefix of ['display', 'thumbs']) {
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
      res.sendFile(join(webDist, 'index.html'));
    });
  }

  app.use((req, _res, next) => next(new AppError(404, 'not_found', `nothing at ${req.method} ${redactUrl(req.path)}`)));
  app.use(errorHandler(deps.logger));
  return app;
}

/** Tokens live in paths (/shared/<token>) and must not reach the logs. */
export function redactUrl(url: string): string {
  return url
    .replace(/\/(shared|s)\/[A-Za-z0-9_-]+/g, '/$1/[token]')
    .replace(/([?&](?:token|ownerToken)=)[^&]+/g, '$1[redacted]');
}
