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
