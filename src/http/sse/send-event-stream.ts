import { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import type { RequestRecord } from '../../gateway/request-record.ts';

/**
 * Sends `events` (SSE text) as a `text/event-stream` response. Each piece is written as it is produced;
 * nothing is buffered beyond the stream's small high-water mark. When the caller goes away Fastify
 * destroys the stream, which returns the generator chain and releases the upstream.
 */
export function sendEventStream(
  reply: FastifyReply,
  events: AsyncIterable<string>,
  record: RequestRecord,
): FastifyReply {
  reply.header('content-type', 'text/event-stream; charset=utf-8');
  reply.header('cache-control', 'no-cache');
  // Tells nginx-style proxies in front of the gateway not to buffer the stream either.
  reply.header('x-accel-buffering', 'no');
  return reply.send(Readable.from(markFirstByte(events, record)));
}

async function* markFirstByte(events: AsyncIterable<string>, record: RequestRecord): AsyncGenerator<string> {
  for await (const event of events) {
    record.firstByteAt ??= performance.now();
    yield event;
  }
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
