// Root pino logger. Secrets, tokens and transcript text are redacted by path; modules log ids and counts, never content.
import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

/** Paths removed from every log line, whatever module writes them. */
export const REDACTED_PATHS = [
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'clientSecret',
  '*.clientSecret',
  'apiKey',
  '*.apiKey',
  'access_token',
  '*.access_token',
  'accessToken',
  '*.accessToken',
  'token',
  '*.token',
  'text',
  '*.text',
  'transcript',
  '*.transcript',
  'turns',
  '*.turns',
  'prompt',
  '*.prompt',
  'messages',
  '*.messages',
  'body',
  '*.body',
];

export interface LoggerSettings {
  /** @default 'info' */
  level?: string;
  /** Where lines go; a pino destination or stream. @default stdout */
  destination?: NodeJS.WritableStream;
}

/** Creates the root logger; children are made with `logger.child({ module })`. */
export function createLogger(settings: LoggerSettings = {}): Logger {
  const options: LoggerOptions = {
    level: settings.level ?? 'info',
    base: { service: 'wrapup' },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return settings.destination ? pino(options, settings.destination) : pino(options);
}

/** A logger that writes nothing: for tests that don't look at logs. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
