import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import type { GatewayError } from '../../../src/errors/gateway-error.ts';
import type { RequestRecord } from '../../../src/gateway/request-record.ts';
import { createRequestRecord } from '../../../src/gateway/request-record.ts';
import { registerEventStreams, sendEventStream } from '../../../src/http/sse/send-event-stream.ts';

const encodeError = (error: GatewayError) => `data: ${JSON.stringify({ error: { code: error.code } })}\n\n`;

/**
 * Socket writes (system calls, roughly) made for each event's arrival, counted on the server side. Node
 * corks a response's socket for the tick of a write, so events produced in one tick leave together;
 * this keeps the pipeline from putting a scheduling hop between the held-back events.
 */
describe('sendEventStream', () => {
  let app: FastifyInstance;
  let url: string;
  const writesBeforeLater: number[] = [];
  let releaseLater: () => void = () => {};

  before(async () => {
    app = Fastify();
    registerEventStreams(app, { writeTimeoutMs: 5_000, maxBytes: 1_000_000 });
    app.get('/stream', (request, reply) => {
      const socket = reply.raw.socket as Socket & { _writeGeneric: (...args: unknown[]) => unknown };
      let writes = 0;
      const original = socket._writeGeneric.bind(socket);
      socket._writeGeneric = (...args: unknown[]) => {
        writes += 1;
        return original(...args);
      };
      const later = new Promise<void>((resolve) => {
        releaseLater = resolve;
      });
      async function* events(): AsyncGenerator<string> {
        // What the gateway held back until the first content: a preamble and the content itself.
        yield 'data: {"preamble":true}\n\n';
        yield 'data: {"content":"Hel"}\n\n';
        await new Promise((resolve) => setTimeout(resolve, 20));
        writesBeforeLater.push(writes);
        await later;
        yield 'data: {"content":"lo"}\n\n';
      }
      return sendEventStream(reply, events(), createRequestRecord(request.id), encodeError);
    });
    url = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  after(() => app.close());

  it('sends the headers and the held-back events in one write, then each later event as it comes', async () => {
    const response = await fetch(`${url}/stream`);
    const reader = response.body?.getReader();
    assert.ok(reader);
    const decoder = new TextDecoder();
    let text = '';
    while (!text.includes('"Hel"')) text += decoder.decode((await reader.read()).value);
    assert.match(text, /"preamble":true[\s\S]*"Hel"/);
    await new Promise((resolve) => setTimeout(resolve, 40));
    releaseLater();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value);
    }
    assert.match(text, /"lo"/);
    assert.equal(response.headers.get('content-type'), 'text/event-stream; charset=utf-8');
    assert.deepEqual(writesBeforeLater, [1], 'headers, preamble and first content left in a single socket write');
  });
});

/** #26 item 12: a stream had no bound on its total length. */
describe('sendEventStream past server.max_stream_bytes', () => {
  let app: FastifyInstance;
  let url: string;
  let record: RequestRecord | undefined;
  let upstreamReleased = false;

  before(async () => {
    app = Fastify();
    registerEventStreams(app, { writeTimeoutMs: 5_000, maxBytes: 1_000 });
    app.get('/endless', (request, reply) => {
      record = createRequestRecord(request.id);
      async function* events(): AsyncGenerator<string> {
        try {
          for (;;) yield `data: ${JSON.stringify({ content: 'x'.repeat(80) })}\n\n`;
        } finally {
          upstreamReleased = true;
        }
      }
      return sendEventStream(reply, events(), record, encodeError);
    });
    url = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  after(() => app.close());

  it('ends an endless stream with an error event in the caller’s format, recorded, and releases its source', async () => {
    const text = await (await fetch(`${url}/endless`)).text();
    assert.ok(text.length <= 1_000 + 100, `${text.length} bytes were sent`);
    assert.match(text, /data: \{"error":\{"code":"stream_too_long"\}\}\n\n$/);
    assert.equal(record?.errorCode, 'stream_too_long');
    assert.equal(upstreamReleased, true);
  });
});
