import pino, { type Logger } from 'pino';

/** JSON logs. Secrets (tokens, cookies, captcha solutions) are redacted; bodies are never logged. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'goodgreets-api' },
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'req.headers["x-amzn-waf-captcha-proof"]',
        'res.headers["set-cookie"]',
        '*.ownerToken',
        '*.shareToken',
        '*.captcha',
      ],
      censor: '[redacted]',
    },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}
