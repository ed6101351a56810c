import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { adminCaller } from '../support/admin-caller.ts';
import { sleep } from '../support/mock-upstream-server.ts';
import { startTestGateway, type TestGateway } from '../support/start-test-gateway.ts';

const masterKey = 'mk-python-json-master-key-8d2a41c7';
type Json = Record<string, unknown>;

/** JSON as Python's `json.dumps` writes it by default: `", "` between members, `": "` after keys. */
function pythonJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(', ')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.entries(value)
      .map(([key, item]) => `${JSON.stringify(key)}: ${pythonJson(item)}`)
      .join(', ')}}`;
  return JSON.stringify(value);
}

const openAIUsage = { prompt_tokens: 17, completion_tokens: 5, total_tokens: 22 };
const anthropicUsage = { input_tokens: 23, output_tokens: 7 };

/** An upstream speaking both OpenAI Chat and Anthropic Messages, every JSON in Python's style. */
function pythonStyleUpstream(): Server {
  return createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Json;
      const stream = body['stream'] === true;
      const send = (value: unknown) => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(pythonJson(value));
      };
      const event = (name: string | undefined, value: unknown) =>
        response.write(`${name === undefined ? '' : `event: ${name}\n`}data: ${pythonJson(value)}\n\n`);
      if (request.url?.endsWith('/chat/completions')) {
        const base = { id: 'chatcmpl-py', object: 'chat.completion.chunk', created: 1, model: 'm1' };
        if (!stream) {
          return send({
            id: 'chatcmpl-py',
            object: 'chat.completion',
            created: 1,
            model: 'm1',
            choices: [{ index: 0, message: { role: 'assistant', content: 'Hello there' }, finish_reason: 'stop' }],
            usage: openAIUsage,
          });
        }
        const includeUsage = (body['stream_options'] as Json | undefined)?.['include_usage'] === true;
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        event(undefined, {
          ...base,
          choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }],
        });
        event(undefined, { ...base, choices: [{ index: 0, delta: { content: 'Hello there' }, finish_reason: null }] });
        event(undefined, { ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] });
        if (includeUsage) event(undefined, { ...base, choices: [], usage: openAIUsage });
        response.end('data: [DONE]\n\n');
        return;
      }
      const message = { id: 'msg_py', type: 'message', role: 'assistant', model: 'm1' };
      if (!stream) {
        return send({
          ...message,
          content: [{ type: 'text', text: 'Hello there' }],
          stop_reason: 'end_turn',
          stop_sequence: null,
          usage: anthropicUsage,
        });
      }
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      event('message_start', {
        type: 'message_start',
        message: { ...message, content: [], stop_reason: null, usage: { input_tokens: 23, output_tokens: 1 } },
      });
      event('content_block_start', {
        type: 'content_block_start',
        index: 0,
        content_block: { type: 'text', text: '' },
      });
      event('content_block_delta', {
        type: 'content_block_delta',
        index: 0,
        delta: { type: 'text_delta', text: 'Hello there' },
      });
      event('content_block_stop', { type: 'content_block_stop', index: 0 });
      event('message_delta', {
        type: 'message_delta',
        delta: { stop_reason: 'end_turn', stop_sequence: null },
        usage: { output_tokens: 7 },
      });
      event('message_stop', { type: 'message_stop' });
      response.end();
    });
  });
}

/**
 * #21 bug 1: streams from an upstream that writes JSON with spaces were not metered (the relay looked
 * for `"usage":{`), and the usage chunk asked for on the caller's behalf reached a caller that had not
 * asked for it.
 */
describe('an upstream writing Python-style JSON is metered exactly, streamed or not', () => {
  const upstream = pythonStyleUpstream();
  let gateway: TestGateway;

  const admin = adminCaller(() => gateway.url, masterKey);
  /** Makes one call with a fresh key; answers the caller's text and the key's metered tokens. */
  const meteredCall = async (path: string, body: Json) => {
    const created = await admin('/admin/keys', { name: 'python-json' });
    const response = await fetch(`${gateway.url}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${String(created['key'])}`,
        'anthropic-version': '2023-06-01',
      },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    assert.equal(response.status, 200, text);
    await sleep(200);
    const usage = await admin(`/admin/usage?key_id=${String(created['id'])}&group_by=key`);
    const [row] = usage['data'] as Json[];
    return { text, input: row?.['input_tokens'], output: row?.['output_tokens'] };
  };

  before(async () => {
    upstream.listen(0, '127.0.0.1');
    await new Promise((resolve) => upstream.once('listening', resolve));
    const url = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    gateway = await startTestGateway({
      yaml: `governance:\n  usage_flush_interval_ms: 50\nrouting:\n  retries: 0\nproviders:\n  pyllm:\n    type: openai-compatible\n    base_url: ${url}/v1\n    api_key: key-for-pyllm\n`,
      env: { LLM_PROXY_MASTER_KEY: masterKey, ANTHROPIC_API_KEY: 'key-for-anthropic', ANTHROPIC_BASE_URL: url },
    });
  });
  after(async () => {
    await gateway.close();
    upstream.close();
  });

  const chatBody = (model: string, extra: Json = {}) => ({
    model,
    messages: [{ role: 'user', content: 'hi' }],
    ...extra,
  });
  const messagesBody = (model: string, extra: Json = {}) => ({
    model,
    max_tokens: 32,
    messages: [{ role: 'user', content: 'hi' }],
    ...extra,
  });

  it('OpenAI format, /v1/chat/completions passed through: non-streamed and streamed carry the upstream’s counts', async () => {
    const plain = await meteredCall('/v1/chat/completions', chatBody('pyllm/m1'));
    assert.deepEqual([plain.input, plain.output], [17, 5]);
    const streamed = await meteredCall('/v1/chat/completions', chatBody('pyllm/m1', { stream: true }));
    assert.deepEqual([streamed.input, streamed.output], [17, 5]);
  });

  it('a caller that did not ask for include_usage never sees a usage chunk; one that did sees it', async () => {
    const unasked = await meteredCall('/v1/chat/completions', chatBody('pyllm/m1', { stream: true }));
    const dataOf = (text: string) =>
      text
        .split('\n')
        .filter((line) => line.startsWith('data: ') && line !== 'data: [DONE]')
        .map((line) => JSON.parse(line.slice(6)) as Json);
    assert.ok(dataOf(unasked.text).length >= 3);
    assert.ok(
      dataOf(unasked.text).every((chunk) => chunk['usage'] === undefined || chunk['usage'] === null),
      unasked.text,
    );
    const asked = await meteredCall(
      '/v1/chat/completions',
      chatBody('pyllm/m1', { stream: true, stream_options: { include_usage: true } }),
    );
    assert.ok(dataOf(asked.text).some((chunk) => (chunk['usage'] as Json | undefined)?.['prompt_tokens'] === 17));
    assert.deepEqual([asked.input, asked.output], [17, 5]);
  });

  it('OpenAI format, /v1/messages translated: non-streamed and streamed carry the upstream’s counts', async () => {
    const plain = await meteredCall('/v1/messages', messagesBody('pyllm/m1'));
    assert.deepEqual([plain.input, plain.output], [17, 5]);
    const streamed = await meteredCall('/v1/messages', messagesBody('pyllm/m1', { stream: true }));
    assert.deepEqual([streamed.input, streamed.output], [17, 5]);
  });

  it('Anthropic format, /v1/messages passed through: non-streamed and streamed carry the upstream’s counts', async () => {
    const plain = await meteredCall('/v1/messages', messagesBody('anthropic/claude-sonnet-4-6'));
    assert.deepEqual([plain.input, plain.output], [23, 7]);
    const streamed = await meteredCall('/v1/messages', messagesBody('anthropic/claude-sonnet-4-6', { stream: true }));
    assert.deepEqual([streamed.input, streamed.output], [23, 7]);
  });

  it('Anthropic format, /v1/chat/completions translated: non-streamed and streamed carry the upstream’s counts', async () => {
    const plain = await meteredCall('/v1/chat/completions', chatBody('anthropic/claude-sonnet-4-6'));
    assert.deepEqual([plain.input, plain.output], [23, 7]);
    const streamed = await meteredCall(
      '/v1/chat/completions',
      chatBody('anthropic/claude-sonnet-4-6', { stream: true }),
    );
    assert.deepEqual([streamed.input, streamed.output], [23, 7]);
  });
});
