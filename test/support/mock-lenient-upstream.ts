import type { ServerResponse } from 'node:http';
import { MockUpstreamServer, type RecordedRequest, sendJson } from './mock-upstream-server.ts';

type JsonObject = Record<string, unknown>;

/**
 * One loopback upstream for both the OpenAI and the Anthropic API that answers *every* request
 * validly in its format: 200 with a well-formed completion, message, stream, embedding list or token
 * count, whatever the body held (404 JSON for an unknown path). It never validates and never fails, so
 * that in a fuzz campaign any 5xx the caller sees is the gateway's own (the strict mocks answer 400s
 * and, on a body shaped badly enough, could throw and answer 500).
 * OpenAI's base URL is `${origin}/v1`; Anthropic's is `origin`. It records requests like every mock:
 * a long campaign calls `reset()` now and then.
 */
export class MockLenientUpstream extends MockUpstreamServer {
  constructor() {
    super((request, response) => answer(request, response));
  }

  /** What `OPENAI_BASE_URL` points at. */
  get openaiBaseUrl(): string {
    return `${this.origin}/v1`;
  }
}

function answer(request: RecordedRequest, response: ServerResponse): void {
  const parsed = request.body ?? parseLeniently(request.rawBody);
  const body = isObject(parsed) ? parsed : {};
  const model = typeof body['model'] === 'string' ? body['model'] : 'mock-model';
  const stream = body['stream'] === true;
  const text = `You said: ${echo(body)}`;
  const path = request.path.split('?')[0];
  if (path === '/v1/chat/completions' && stream) openaiStream(response, model);
  else if (path === '/v1/chat/completions') openaiChat(response, model, text);
  else if (path === '/v1/embeddings') embeddings(response, model, body['input']);
  else if (path === '/v1/messages/count_tokens') sendJson(response, 200, { input_tokens: 12 });
  else if (path === '/v1/messages' && stream) anthropicStream(response, model);
  else if (path === '/v1/messages') anthropicMessage(response, model, text);
  else sendJson(response, 404, { error: { message: `Not found: ${request.path}`, type: 'invalid_request_error' } });
}

/** Even a body with a byte-order mark (which JSON.parse refuses) is read: this upstream accepts anything. */
function parseLeniently(text: string): unknown {
  try {
    return JSON.parse(text.replace(/^\ufeff/, ''));
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A bounded piece of the last message's text, odd characters and all: the encoders must carry them. */
function echo(body: JsonObject): string {
  const messages = Array.isArray(body['messages']) ? body['messages'] : [];
  const last: unknown = messages.at(-1);
  const content = isObject(last) ? last['content'] : undefined;
  return typeof content === 'string' ? content.slice(0, 100) : '';
}

const openaiUsage = { prompt_tokens: 9, completion_tokens: 3, total_tokens: 12 };

function openaiChat(response: ServerResponse, model: string, text: string): void {
  sendJson(response, 200, {
    id: 'chatcmpl-lenient',
    object: 'chat.completion',
    created: 1_767_000_000,
    model,
    choices: [{ index: 0, message: { role: 'assistant', content: text }, logprobs: null, finish_reason: 'stop' }],
    usage: openaiUsage,
  });
}

function openaiStream(response: ServerResponse, model: string): void {
  response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
  const chunk = (choices: unknown[], extra: JsonObject = {}) =>
    `data: ${JSON.stringify({ id: 'chatcmpl-lenient', object: 'chat.completion.chunk', created: 1_767_000_000, model, choices, ...extra })}\n\n`;
  response.write(chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]));
  response.write(chunk([{ index: 0, delta: { content: 'Hello' }, finish_reason: null }]));
  response.write(chunk([{ index: 0, delta: {}, finish_reason: 'stop' }]));
  response.write(chunk([], { usage: openaiUsage }));
  response.end('data: [DONE]\n\n');
}

function embeddings(response: ServerResponse, model: string, input: unknown): void {
  const count = Array.isArray(input) ? Math.min(input.length, 2048) : 1;
  sendJson(response, 200, {
    object: 'list',
    data: Array.from({ length: count }, (_unused, index) => ({ object: 'embedding', index, embedding: [0.1, 0.2] })),
    model,
    usage: { prompt_tokens: count, total_tokens: count },
  });
}

const anthropicUsage = {
  input_tokens: 9,
  output_tokens: 3,
  cache_creation_input_tokens: 0,
  cache_read_input_tokens: 0,
};

function anthropicMessage(response: ServerResponse, model: string, text: string): void {
  sendJson(response, 200, {
    id: 'msg_lenient',
    type: 'message',
    role: 'assistant',
    model,
    content: [{ type: 'text', text }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: anthropicUsage,
  });
}

function anthropicStream(response: ServerResponse, model: string): void {
  response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
  const send = (event: string, data: JsonObject) =>
    response.write(`event: ${event}\ndata: ${JSON.stringify({ type: event, ...data })}\n\n`);
  send('message_start', {
    message: {
      id: 'msg_lenient',
      type: 'message',
      role: 'assistant',
      model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { ...anthropicUsage, output_tokens: 1 },
    },
  });
  send('content_block_start', { index: 0, content_block: { type: 'text', text: '' } });
  send('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'Hello' } });
  send('content_block_stop', { index: 0 });
  send('message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 3 } });
  send('message_stop', {});
  response.end();
}
