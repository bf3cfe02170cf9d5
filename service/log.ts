/**
 * The service log: structured JSON lines (one object per event) for log collectors, or coloured
 * single lines for a person at a terminal. main decides which (pretty when stdout is a TTY).
 */
import { createRequire } from 'node:module';
import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';
import { ConfigError } from './config-error.js';

export type Logger = PinoLogger;

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export interface LoggerOptions {
  /** One of LOG_LEVELS; default `info`. */
  level?: string;
  pretty?: boolean;
  /** Where lines go; default stdout. Tests pass a stream they read back. */
  destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new ConfigError('QUICKJOBS_LOG_LEVEL', `"${level}" is not one of ${LOG_LEVELS.join(', ')}`);
  }
  const settings = {
    level,
    base: { service: 'quickjobs' },
    // Level names and ISO times read better in a collector than pino's numbers and epoch ms.
    formatters: { level: (label: string) => ({ level: label }) },
    timestamp: pino.stdTimeFunctions.isoTime,
    // Secrets must never reach a log file, whatever object a caller happens to log.
    redact: {
      paths: ['password', 'token', 'secret', '*.password', '*.token', '*.secret', 'headers.authorization', 'headers.cookie'],
      censor: '[redacted]',
    },
  };
  if (options.pretty) {
    // The pretty stream runs in-process (not as a pino transport thread), so lines written just
    // before exit are not lost.
    // Loaded only here (CommonJS, so synchronously): a service logging JSON never needs it.
    const pretty = createRequire(import.meta.url)('pino-pretty') as typeof import('pino-pretty');
    const stream = pretty({
      colorize: options.destination === undefined,
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,hostname,service',
      ...(options.destination ? { destination: options.destination } : {}),
    });
    return pino(settings, stream);
  }
  return pino(settings, options.destination ?? pino.destination({ sync: true }));
}
