import pino, { type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from '../config/gateway-config.ts';

/**
 * The process logger: JSON lines on stdout. The gateway never passes keys or prompts to it; the
 * redaction list is a second line of defence for anything that holds headers.
 */
export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'llm-proxy' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers["x-api-key"]',
          'headers.authorization',
          'headers["x-api-key"]',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
