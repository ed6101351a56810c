#!/usr/bin/env node
/**
 * The benchmark's upstream: as little work per request as Node allows, so that it is never what is
 * being measured. Answers OpenAI Chat Completions and Anthropic Messages, as JSON or as SSE paced at
 * `--chunk-gap-ms` between `--chunks` events, after `--delay-ms`. Prebuilt buffers; the request body
 * is drained, never parsed, except for reading `"stream":true` and the path.
 *
 * Each streamed token reads `tok@<ns>`, the mock's monotonic clock when it wrote the event (the same
 * clock in every process on the machine), so a client can tell how long each chunk took to reach it.
 *
 *   node bench/mock-upstream.ts --port 9100 [--delay-ms 0] [--chunks 64] [--chunk-gap-ms 5]
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { parseArgs } from 'node:util';
import { anthropicAnswer, openAIAnswer } from './lib/canned-answers.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '9100' },
    'delay-ms': { type: 'string', default: '0' },
    chunks: { type: 'string', default: '64' },
    'chunk-gap-ms': { type: 'string', default: '5' },
  },
});
const delayMs = Number(values['delay-ms']);
const chunks = Number(values.chunks);
const chunkGapMs = Number(values['chunk-gap-ms']);

const openAIJson = Buffer.from(openAIAnswer);
const anthropicJson = Buffer.from(anthropicAnswer);
const openAIChunk = (delta: object, finish: string | null = null, extra = '') =>
  Buffer.from(
    `data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1767000000,"model":"gpt-bench","choices":[{"index":0,"delta":${JSON.stringify(delta)},"finish_reason":${finish === null ? 'null' : `"${finish}"`}}]${extra}}\n\n`,
  );
const openAIStream = {
  first: openAIChunk({ role: 'assistant', content: '' }),
  token: () => openAIChunk({ content: `tok@${process.hrtime.bigint()} ` }),
  last: Buffer.concat([
    openAIChunk({}, 'stop'),
    Buffer.from(
      'data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1767000000,"model":"gpt-bench","choices":[],"usage":{"prompt_tokens":250,"completion_tokens":64,"total_tokens":314}}\n\ndata: [DONE]\n\n',
    ),
  ]),
};
const anthropicEvent = (name: string, data: object) =>
  Buffer.from(`event: ${name}\ndata: ${JSON.stringify({ type: name, ...data })}\n\n`);
const anthropicStream = {
  first: Buffer.concat([
    anthropicEvent('message_start', {
      message: {
        id: 'msg_bench',
        type: 'message',
        role: 'assistant',
        model: 'claude-bench',
        content: [],
        stop_reason: null,
        usage: { input_tokens: 250, output_tokens: 1 },
      },
    }),
    anthropicEvent('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
  ]),
  token: () =>
    anthropicEvent('content_block_delta', {
      index: 0,
      delta: { type: 'text_delta', text: `tok@${process.hrtime.bigint()} ` },
    }),
  last: Buffer.concat([
    anthropicEvent('content_block_stop', { index: 0 }),
    anthropicEvent('message_delta', {
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { output_tokens: 64 },
    }),
    anthropicEvent('message_stop', {}),
  ]),
};
const jsonHeaders = (length: number) => ({ 'content-type': 'application/json', 'content-length': length });
const sseHeaders = { 'content-type': 'text/event-stream' };

function answer(request: IncomingMessage, response: ServerResponse, stream: boolean): void {
  const anthropic = request.url?.startsWith('/v1/messages') === true;
  if (!stream) {
    const json = anthropic ? anthropicJson : openAIJson;
    response.writeHead(200, jsonHeaders(json.length));
    response.end(json);
    return;
  }
  const frames = anthropic ? anthropicStream : openAIStream;
  response.writeHead(200, sseHeaders);
  response.write(frames.first);
  let sent = 0;
  const tick = (): void => {
    if (response.destroyed) return;
    if (sent++ < chunks) {
      response.write(frames.token());
      setTimeout(tick, chunkGapMs);
    } else response.end(frames.last);
  };
  setTimeout(tick, chunkGapMs);
}

const server = createServer((request, response) => {
  let stream = false;
  request.setEncoding('latin1');
  request.on('data', (piece: string) => {
    // The body is only searched for "stream":true (gateways re-serialize it without spaces).
    if (!stream && piece.includes('"stream":true')) stream = true;
  });
  request.on('end', () => {
    if (delayMs > 0) setTimeout(() => answer(request, response, stream), delayMs);
    else answer(request, response, stream);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(values.port), '127.0.0.1', () => process.send?.('ready'));
