import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { AppError } from '../domain/errors';

interface HttpErrorLike {
  type?: string;
  status?: number;
  statusCode?: number;
  expose?: boolean;
}

/** What a 503 tells the client to wait before retrying: a database failover or restart takes seconds. */
export const RETRY_AFTER_SECONDS = 5;

/** Maps body-parser / http-errors failures to our error shape. */
function fromFramework(err: HttpErrorLike & Error): AppError | undefined {
  switch (err.type) {
    case 'entity.parse.failed':
      return new AppError(400, 'malformed_json', 'the request body is not valid JSON');
    case 'entity.too.large':
      return new AppError(413, 'payload_too_large', 'the request body is too large');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new AppError(415, 'unsupported_encoding', 'send the body as UTF-8');
    case 'request.aborted':
      return new AppError(400, 'request_aborted', 'the request was aborted');
  }
  const status = err.status ?? err.statusCode;
  if (status && status >= 400 && status < 500 && err.expose)
    return new AppError(
      status,
      status === 404 ? 'not_found' : 'bad_request',
      status === 404 ? 'not found' : err.message,
    );
  return undefined;
}

/**
 * The one place errors become responses: `{"error":{"code","message","details"}}`, never a
 * stack trace. Unexpected errors are logged with the request id and answered as a bare 500.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const known =
      err instanceof AppError ? err : err instanceof Error ? fromFramework(err as HttpErrorLike & Error) : undefined;
    const error =
      known ??
      new AppError(500, 'internal_error', `something went wrong on our side (request ${String(req.id)}); please retry`);
    if (!known || error.status >= 500) {
      logger.error({ reqId: req.id, err, code: error.code }, 'request failed');
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const body: { code: string; message: string; details?: unknown } = { code: error.code, message: error.message };
    if (error.details !== undefined) body.details = error.details;
    // Every 503 is "ours, for now" (database, scheduler): tell clients and load balancers when to come back.
    if (error.status === 503) res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
    res
      .status(error.status)
      .type('application/json')
      .send(JSON.stringify({ error: body }));
  };
}

export const apiNotFound: RequestHandler = (req, _res, next) => {
  next(new AppError(404, 'route_not_found', `no API route ${req.method} ${req.path}`));
};
