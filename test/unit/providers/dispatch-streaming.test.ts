import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Pool } from 'undici';
import { dispatchStreaming, type StreamingCall } from '../../../src/providers/shared/dispatch-streaming.ts';

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

/**
 * The upstream body as a queue fed by undici's callbacks: chunks in order and as they come, the socket
 * paused while the reader is behind, the call ended by leaving early or by the signal.
 */
describe('dispatchStreaming', () => {
  let server: Server;
  let pool: Pool;
  let handle: Handler = () => {};
  let connections = 0;

  before(async () => {
    server = createServer((request, response) => handle(request, response));
    server.on('connection', () => {
      connections += 1;
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    pool = new Pool(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, { connections: 1 });
  });
  after(async () => {
    await pool.destroy();
    server.close();
  });

  const call = (signal = new AbortController().signal): StreamingCall => ({
    path: '/',
    headers: { 'content-type': 'application/json' },
    body: '{"stream":true}',
    signal,
    headersTimeoutMs: 5_000,
    bodyTimeoutMs: 5_000,
  });
  const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('resolves at the response head and yields each chunk as it arrives; the connection is kept', async () => {
    let release: () => void = () => {};
    handle = (request, response) => {
      request.resume();
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write('data: one\n\n');
      release = () => response.end('data: two\n\n');
    };
    const before = connections;
    for (let round = 0; round < 2; round++) {
      const answer = await dispatchStreaming(pool, call());
      assert.equal(answer.statusCode, 200);
      assert.equal(answer.headers['content-type'], 'text/event-stream');
      const iterator = answer.body[Symbol.asyncIterator]();
      assert.equal(String((await iterator.next()).value), 'data: one\n\n', 'the first chunk before the rest is sent');
      release();
      assert.equal(String((await iterator.next()).value), 'data: two\n\n');
      assert.equal((await iterator.next()).done, true);
    }
    assert.equal(connections - before <= 1, true, 'both calls on one connection');
  });

  it('resolves with any status; the error body is read like any other', async () => {
    handle = (request, response) => {
      request.resume();
      response.writeHead(503, { 'content-type': 'application/json' });
      response.end('{"error":{"message":"busy"}}');
    };
    const answer = await dispatchStreaming(pool, call());
    assert.equal(answer.statusCode, 503);
    const chunks: Buffer[] = [];
    for await (const chunk of answer.body) chunks.push(chunk);
    assert.equal(Buffer.concat(chunks).toString(), '{"error":{"message":"busy"}}');
  });

  it('pauses the upstream while the reader is behind, and gives every byte once it reads', async () => {
    const piece = Buffer.alloc(64 * 1024, 'x');
    const pieces = 512; // 32 MiB offered
    let written = 0;
    let stalled = false;
    handle = (request, response) => {
      request.resume();
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      const pushMore = (): void => {
        while (written < pieces) {
          written += 1;
          if (!response.write(piece)) {
            stalled = true;
            response.once('drain', pushMore);
            return;
          }
        }
        response.end();
      };
      pushMore();
    };
    const answer = await dispatchStreaming(pool, call());
    await tick(300);
    assert.ok(stalled, 'the upstream met backpressure');
    assert.ok(written < pieces / 2, `only ${written} of ${pieces} pieces were written while nobody read`);
    let received = 0;
    for await (const chunk of answer.body) received += chunk.length;
    assert.equal(received, piece.length * pieces);
  });

  it('leaving a for-await early ends the upstream call', async () => {
    let upstreamClosed: Promise<unknown> = Promise.resolve();
    handle = (request, response) => {
      request.resume();
      upstreamClosed = once(response, 'close');
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      const timer = setInterval(() => response.write('data: more\n\n'), 5);
      response.on('close', () => clearInterval(timer));
    };
    const answer = await dispatchStreaming(pool, call());
    for await (const chunk of answer.body) {
      assert.equal(String(chunk).startsWith('data: more'), true);
      break;
    }
    await upstreamClosed;
  });

  it('the signal ends a body being read, with its reason, and the upstream sees the close', async () => {
    let upstreamClosed: Promise<unknown> = Promise.resolve();
    handle = (request, response) => {
      request.resume();
      upstreamClosed = once(response, 'close');
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write('data: first\n\n');
    };
    const controller = new AbortController();
    const answer = await dispatchStreaming(pool, call(controller.signal));
    const iterator = answer.body[Symbol.asyncIterator]();
    await iterator.next();
    const reason = new Error('caller gone');
    const pending = iterator.next();
    controller.abort(reason);
    await assert.rejects(pending, (error) => error === reason);
    await upstreamClosed;
  });

  it('an aborted signal sends nothing', async () => {
    let requests = 0;
    handle = (request, response) => {
      requests += 1;
      request.resume();
      response.end();
    };
    const controller = new AbortController();
    const reason = new Error('already gone');
    controller.abort(reason);
    await assert.rejects(dispatchStreaming(pool, call(controller.signal)), (error) => error === reason);
    await tick(50);
    assert.equal(requests, 0);
  });

  it('a silence past the body timeout fails the body', async () => {
    handle = (request, response) => {
      request.resume();
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write('data: then nothing\n\n');
    };
    const answer = await dispatchStreaming(pool, { ...call(), bodyTimeoutMs: 100 });
    const iterator = answer.body[Symbol.asyncIterator]();
    await iterator.next();
    await assert.rejects(iterator.next(), (error: Error & { code?: string }) => error.code === 'UND_ERR_BODY_TIMEOUT');
  });
});
