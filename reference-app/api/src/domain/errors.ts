/** An error that is safe to show to a client: a stable code, a message and optional details. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'AppError';
  }
}

export const notFound = (what: string): AppError => new AppError(404, 'not_found', `${what} not found`);
export const conflict = (code: string, message: string): AppError => new AppError(409, code, message);
export const invalid = (message: string, details?: unknown): AppError =>
  new AppError(400, 'validation_failed', message, details);

/**
 * Object storage refused a write (disk full, read-only, S3 throttling or outage): a 503 the client
 * may retry, with nothing of the upload kept and its CAPTCHA solution still valid.
 */
export const storageUnavailable = (cause?: unknown): AppError =>
  new AppError(
    503,
    'storage_unavailable',
    'the image could not be stored right now; nothing was kept and your CAPTCHA is still valid, please retry shortly',
    undefined,
    cause,
  );

/** No object under a key (the local ENOENT, S3's NoSuchKey), so callers need not know either. */
export class ObjectMissing extends Error {
  constructor(
    readonly key: string,
    cause?: unknown,
  ) {
    super(`no object under ${key}`, cause === undefined ? undefined : { cause });
    this.name = 'ObjectMissing';
  }
}

/**
 * The database cannot answer now (down, frozen, overloaded, read-only): a 503 the client may retry.
 * The driver's own error is kept as `cause` for the log and never reaches an answer.
 */
export const databaseUnavailable = (cause?: unknown): AppError =>
  new AppError(
    503,
    'database_unavailable',
    'the database is unavailable right now; please retry shortly',
    undefined,
    cause,
  );
