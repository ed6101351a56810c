import assert from 'node:assert/strict';
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { MockOpenAIUpstream } from '../support/mock-openai-upstream.ts';
import { rawPost } from '../support/spawn-gateway.ts';
import { startTestGateway, type TestGateway } from '../support/start-test-gateway.ts';
import { testKeys } from '../support/test-keys.ts';

const chatBody = (stream: boolean) =>
  JSON.stringify({ model: 'openai/gpt-4o', stream, messages: [{ role: 'user', content: 'hello' }] });

/** Headers that describe one connection, never the message (RFC 9110 §7.6.1), plus one a Connection header names. */
const hopByHop = ['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'upgrade'];

describe('hop-by-hop headers never cross the gateway', () => {
  const upstream = new MockOpenAIUpstream(testKeys.openai);
  let gateway: TestGateway;
  const upstreamHopHeaders = {
    connection: 'keep-alive, x-upstream-conn',
    'x-upstream-conn': 'named by Connection',
    'keep-alive': 'timeout=65',
    'proxy-authenticate': 'Basic realm="upstream"',
    upgrade: 'h2c',
    trailer: 'x-checksum',
  };
  const callerHopHeaders = {
    connection: 'keep-alive, x-caller-conn',
    'x-caller-conn': 'named by Connection',
    'keep-alive': 'timeout=999',
    'proxy-authorization': 'Basic c2VjcmV0',
    te: 'trailers',
    upgrade: 'h2c',
  };
  const completion = {
    id: 'chatcmpl-hop',
    object: 'chat.completion',
    created: 1767000000,
    model: 'gpt-4o',
    choices: [{ index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop', logprobs: null }],
    usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
  };

  before(async () => {
    await upstream.start();
    gateway = await startTestGateway({
      env: { OPENAI_API_KEY: testKeys.openai, OPENAI_BASE_URL: upstream.baseUrl },
      yaml: 'server:\n  keep_alive_timeout_ms: 75000\n',
    });
  });

  after(async () => {
    await gateway.close();
    await upstream.close();
  });

  function assertCleanUpstreamRequest(): void {
    const sent = upstream.lastRequest.headers;
    for (const name of ['x-caller-conn', 'proxy-authorization', 'te', 'upgrade', 'keep-alive'])
      assert.equal(sent[name], undefined, `${name} reached the upstream`);
    assert.ok(!String(sent.connection ?? '').includes('x-caller-conn'), 'the caller’s Connection reached the upstream');
  }

  function assertCleanResponse(headers: IncomingMessage['headers']): void {
    for (const name of ['x-upstream-conn', 'proxy-authenticate', 'upgrade', 'trailer'])
      assert.equal(headers[name], undefined, `${name} reached the caller`);
    assert.ok(!String(headers.connection ?? '').includes('x-upstream-conn'));
    // The keep-alive the caller sees is the gateway's own, not the upstream's.
    assert.equal(headers['keep-alive'], 'timeout=75');
  }

  it('on a same-format (passthrough) answer', async () => {
    upstream.enqueue({ status: 200, body: completion, headers: upstreamHopHeaders });
    const answer = await rawPost(`${gateway.url}/v1/chat/completions`, chatBody(false), callerHopHeaders);
    assert.equal(answer.status, 200);
    assertCleanUpstreamRequest();
    assertCleanResponse(answer.headers);
    assert.ok(hopByHop.every((name) => !(name in completion)));
  });

  it('on a stream', async () => {
    const chunk = { ...completion, object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: 'hi' } }] };
    upstream.enqueue({ sse: [`data: ${JSON.stringify(chunk)}\n\n`, 'data: [DONE]\n\n'], headers: upstreamHopHeaders });
    const answer = await rawPost(`${gateway.url}/v1/chat/completions`, chatBody(true), callerHopHeaders);
    assert.equal(answer.status, 200);
    assert.match(answer.body, /data: \[DONE\]/);
    assertCleanUpstreamRequest();
    assertCleanResponse(answer.headers);
  });
});

/** Resolves on `drain` or `close`, leaving no listener behind. */
function drainedOrClosed(response: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      response.off('drain', done);
      response.off('close', done);
      resolve();
    };
    response.on('drain', done);
    response.on('close', done);
  });
}

/** An OpenAI-format upstream that streams as fast as TCP lets it, and counts what it managed to write. */
class FirehoseUpstream {
  readonly server: Server;
  written = 0;
  closed = false;

  constructor(totalBytes: number) {
    const event = `data: ${JSON.stringify({
      id: 'chatcmpl-fire',
      object: 'chat.completion.chunk',
      created: 1767000000,
      model: 'gpt-4o',
      choices: [{ index: 0, delta: { content: 'x'.repeat(1000) }, finish_reason: null }],
    })}\n\n`;
    this.server = createServer((request, response) => {
      request.resume();
      request.on('end', async () => {
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        response.once('close', () => {
          this.closed = true;
        });
        while (this.written < totalBytes && !response.destroyed) {
          this.written += event.length;
          if (!response.write(event)) await drainedOrClosed(response);
        }
        if (!response.destroyed) response.end('data: [DONE]\n\n');
      });
    });
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
  }
}

describe('a slow-reading caller on a fast stream', () => {
  const firehose = new FirehoseUpstream(512 * 1024 * 1024);
  let gateway: TestGateway;

  before(async () => {
    await new Promise<void>((resolve) => firehose.server.listen(0, '127.0.0.1', resolve));
    gateway = await startTestGateway({
      env: { OPENAI_API_KEY: testKeys.openai, OPENAI_BASE_URL: firehose.baseUrl },
      yaml: 'server:\n  stream_write_timeout_ms: 2000\n',
    });
  });

  after(async () => {
    await gateway.close();
    firehose.server.closeAllConnections();
    firehose.server.close();
  });

  it('makes the upstream wait instead of buffering it, and is cut off after the write timeout', async () => {
    const rssBefore = process.memoryUsage().rss;
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      const outgoing = httpRequest(`${gateway.url}/v1/chat/completions`, {
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json' },
      });
      outgoing.on('response', resolve);
      outgoing.on('error', reject);
      outgoing.end(chatBody(true));
    });
    assert.equal(response.statusCode, 200);
    response.pause();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const writtenWhilePaused = firehose.written;
    await new Promise((resolve) => setTimeout(resolve, 500));
    // Socket buffers on both hops hold some megabytes; a gateway that buffered would have taken it all.
    assert.ok(writtenWhilePaused < 64 * 1024 * 1024, `the upstream wrote ${writtenWhilePaused} bytes`);
    assert.ok(firehose.written - writtenWhilePaused < 1024 * 1024, 'the upstream is held, not trickling on');
    const grown = process.memoryUsage().rss - rssBefore;
    assert.ok(grown < 100 * 1024 * 1024, `memory grew ${(grown / 2 ** 20).toFixed(0)} MB`);
    // The write timeout (2 s without the caller taking data) ends the stream and releases the upstream.
    const started = performance.now();
    while (!firehose.closed && performance.now() - started < 3_000)
      await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(firehose.closed, true, 'the upstream request was released');
    // What the caller had not read is still delivered, and then the stream ends, cut short.
    let received = '';
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => {
      received += chunk;
    });
    let aborted = false;
    response.on('error', () => {
      aborted = true;
    });
    response.resume();
    await new Promise((resolve) => response.once('close', resolve));
    assert.ok(received.length > 0);
    assert.equal(aborted, true, 'the caller sees the stream cut short');
    assert.equal(received.includes('[DONE]'), false);
  });
});

describe('slow-loris clients', () => {
  let gateway: TestGateway;

  before(async () => {
    gateway = await startTestGateway({ yaml: 'server:\n  headers_timeout_ms: 1000\n  request_timeout_ms: 2000\n' });
  });

  after(async () => {
    await gateway.close();
  });

  /** Sends `head` at once, then `trickle` a byte every 100 ms; resolves with what came back and when it closed. */
  function trickle(head: string, drip: string): Promise<{ text: string; closedAfterMs: number }> {
    const { port } = new URL(gateway.url);
    return new Promise((resolve, reject) => {
      const started = performance.now();
      const socket = connect(Number(port), '127.0.0.1');
      let text = '';
      let sent = 0;
      const timer = setInterval(() => {
        if (!socket.destroyed && sent < drip.length) socket.write(drip[sent++] ?? '');
      }, 100);
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => {
        text += chunk;
      });
      socket.on('error', () => undefined);
      socket.on('close', () => {
        clearInterval(timer);
        resolve({ text, closedAfterMs: performance.now() - started });
      });
      socket.write(head);
      setTimeout(() => {
        clearInterval(timer);
        socket.destroy();
        reject(new Error('the gateway kept the slow client'));
      }, 10_000).unref();
    });
  }

  it('cuts off a client trickling its headers after headers_timeout_ms', async () => {
    const result = await trickle('POST /v1/chat/completions HTTP/1.1\r\nHost: gateway\r\n', 'x-slow: '.repeat(100));
    assert.match(result.text, /^HTTP\/1\.1 408 /);
    assert.ok(result.closedAfterMs < 3_500, `closed after ${result.closedAfterMs.toFixed(0)} ms`);
  });

  it('cuts off a client trickling its body after request_timeout_ms', async () => {
    const result = await trickle(
      'POST /v1/chat/completions HTTP/1.1\r\nHost: gateway\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n',
      ' '.repeat(1000),
    );
    assert.match(result.text, /^HTTP\/1\.1 408 /);
    assert.ok(result.closedAfterMs < 4_500, `closed after ${result.closedAfterMs.toFixed(0)} ms`);
  });
});
