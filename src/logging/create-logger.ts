import pino, { type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from '../config/gateway-config.ts';

/**
 * Lines gather up to this many bytes before one write; a timer writes a partial block. Kept under
 * PIPE_BUF (4 KiB) with room for one more line, so that the blocks of several workers sharing a
 * stdout pipe do not interleave mid-line.
 */
const blockBytes = 3 * 1024;
const flushIntervalMs = 250;

/**
 * The process logger: JSON lines on stdout. Lines are buffered into blocks of 3 KiB written with one
 * syscall each, and a 250 ms timer writes a partial block, so a quiet gateway's lines still appear at
 * once while a busy one does not pay a write per line (measured: 30% of throughput at info level).
 * `flushLogger` writes what is pending at shutdown. The gateway never passes keys or prompts to the
 * logger; the redaction list is a second line of defence for anything that holds headers.
 */
export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  let stream = destination;
  if (stream === undefined) {
    const buffered = pino.destination({ dest: 1, sync: true, minLength: blockBytes });
    setInterval(() => buffered.flush(), flushIntervalMs).unref();
    stream = buffered;
  }
  return pino(
    {
      level,
      base: { service: 'llm-proxy', pid: process.pid },
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
    stream,
  );
}

/** Writes the lines still buffered; call before the process exits. */
export function flushLogger(logger: Logger): Promise<void> {
  return new Promise((resolve) => logger.flush(() => resolve()));
}
