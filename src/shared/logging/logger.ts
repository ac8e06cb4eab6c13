/**
 * The application logger: pino writing JSON lines to stdout, with secrets redacted.
 */
import pino from 'pino';
import type { LogLevel } from '../../config';

export type Logger = pino.Logger;

/** Field names whose values never reach a log line, at the top level or one object down. */
const secretFields = ['password', 'token', 'secret', 'authorization', 'cookie', 'accessToken', 'refreshToken', 'apiKey'];

const redactPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  ...secretFields,
  ...secretFields.map((field) => `*.${field}`),
];

export interface LoggerOptions {
  level: LogLevel;
  /** Where lines go; stdout when omitted. Tests pass a stream to read what was logged. */
  destination?: pino.DestinationStream;
}

/** Creates the root logger; modules take child loggers from it. */
export function createLogger({ level, destination }: LoggerOptions): Logger {
  return pino(
    {
      level,
      base: { pid: process.pid },
      redact: { paths: redactPaths, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
