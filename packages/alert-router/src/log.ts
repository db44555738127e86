/**
 * JSON log lines on stdout (CloudWatch Logs picks them up from Lambda). A tiny
 * writer instead of pino keeps the bundle small; fields never carry webhook URLs.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type Logger = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => void;

export function jsonLogger(write: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Logger {
  return (level, msg, fields = {}) => write(JSON.stringify({ level, time: new Date().toISOString(), msg, ...fields }));
}

export const silentLogger: Logger = () => undefined;
