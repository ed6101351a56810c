import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { FastifyBaseLogger, FastifyInstance, FastifyReply } from 'fastify';
import { GatewayError } from '../../errors/gateway-error.ts';
import type { RequestRecord } from '../../gateway/request-record.ts';
import { capturedBodyChars } from '../../logging/redact-text.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** How long a stream waits for its caller to take more data before it is ended. */
    streamWriteTimeoutMs: number;
    /** The most bytes one stream sends its caller before it is ended with an error event. */
    maxStreamBytes: number;
  }
}

/**
 * Sets how long a stream waits for a caller that reads nothing (`server.stream_write_timeout_ms`) and
 * how long a stream may be (`server.max_stream_bytes`).
 */
export function registerEventStreams(
  app: FastifyInstance,
  options: { writeTimeoutMs: number; maxBytes: number },
): void {
  app.decorate('streamWriteTimeoutMs', options.writeTimeoutMs);
  app.decorate('maxStreamBytes', options.maxBytes);
}

/** How a stream ends in its caller's format when the gateway ends it (`stream_too_long`). */
export type StreamErrorEncoder = (error: GatewayError) => string;

/**
 * Sends `events` (SSE text) as a `text/event-stream` response (or another streamed type: Gemini's JSON array), writing each piece to the socket the
 * moment it is produced. The reply is taken over from Fastify (no Readable and pipe in between: they
 * cost a few scheduling hops per event); Fastify still runs the onResponse hooks when it finishes.
 * A slow caller is waited for (`drain`), never buffered for: the upstream is not read meanwhile, so
 * TCP pushes back on it. A caller that takes nothing for `streamWriteTimeoutMs` is cut off. A stream
 * that would pass `maxStreamBytes` ends with `encodeError`'s event instead (a runaway upstream must
 * not stream for ever). When the caller goes away the generator chain is returned, which releases
 * the upstream.
 */
export function sendEventStream(
  reply: FastifyReply,
  events: AsyncIterable<string>,
  record: RequestRecord,
  encodeError: StreamErrorEncoder,
  contentType = 'text/event-stream; charset=utf-8',
): FastifyReply {
  reply.hijack();
  const response = reply.raw;
  // Headers set on the reply so far (request id, attempts, rate limits) go out with the stream's own, in
  // one writeHead: copying them onto the response one setHeader at a time first cost tens of µs on the
  // way to the first token.
  const headers: OutgoingHttpHeaders = {};
  const set: Record<string, string | number | string[] | undefined> = reply.getHeaders();
  for (const name in set) {
    const value = set[name];
    if (value !== undefined) headers[name] = value;
  }
  headers['content-type'] = contentType;
  headers['cache-control'] = 'no-cache';
  // Tells nginx-style proxies in front of the gateway not to buffer the stream either.
  headers['x-accel-buffering'] = 'no';
  response.writeHead(reply.statusCode, headers);
  const { server } = reply;
  void pump(response, events, {
    record,
    log: reply.log,
    writeTimeoutMs: server.streamWriteTimeoutMs,
    maxBytes: server.maxStreamBytes,
    encodeError,
  });
  return reply;
}

async function pump(
  response: ServerResponse,
  events: AsyncIterable<string>,
  options: {
    record: RequestRecord;
    log: FastifyBaseLogger;
    writeTimeoutMs: number;
    maxBytes: number;
    encodeError: StreamErrorEncoder;
  },
): Promise<void> {
  const { record, log, writeTimeoutMs, maxBytes } = options;
  const iterator = events[Symbol.asyncIterator]();
  let sent = 0;
  try {
    for (;;) {
      const next = await iterator.next();
      if (next.done === true || response.destroyed) break;
      record.firstByteAt ??= performance.now();
      sent += Buffer.byteLength(next.value);
      if (sent > maxBytes) {
        const error = new GatewayError(
          'stream_too_long',
          `The stream passed the gateway's bound of ${maxBytes} bytes (server.max_stream_bytes) and was ended.`,
        );
        record.errorCode = error.code;
        log.warn({ maxBytes }, 'stream ended: it passed server.max_stream_bytes');
        response.write(options.encodeError(error));
        break;
      }
      // Body logging (opt-in) keeps the start of the stream as sent.
      if (record.responseLog !== undefined && record.responseLog.length < capturedBodyChars)
        record.responseLog += next.value;
      if (!response.write(next.value) && !(await drained(response, writeTimeoutMs))) {
        log.info({ writeTimeoutMs }, 'stream ended: the caller took no data for the write timeout');
        response.destroy();
        break;
      }
    }
    if (!response.destroyed) response.end();
  } catch (error) {
    // Mid-stream failures are turned into error events upstream of here; this is a bug or a broken socket.
    log.warn({ err: error }, 'event stream ended by an error');
    response.destroy();
  } finally {
    await iterator.return?.();
  }
}

/** True when the caller has read enough to take more (or has gone away); false after `timeoutMs`. */
function drained(response: ServerResponse, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (): void => finish(true);
    const timer = setTimeout(() => finish(false), timeoutMs);
    function finish(taken: boolean): void {
      clearTimeout(timer);
      response.off('drain', done);
      response.off('close', done);
      resolve(taken);
    }
    response.on('drain', done);
    response.on('close', done);
  });
}
/** A `data:` field for one SSE event; multi-line data becomes several `data:` lines, as the SSE spec requires. */
export function sseData(data: string): string {
  return data.includes('\n')
    ? `${data
        .split('\n')
        .map((line) => `data: ${line}`)
        .join('\n')}\n\n`
    : `data: ${data}\n\n`;
}
