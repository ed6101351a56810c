import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import AnthropicV0 from 'anthropic-sdk-0';
import { sseEvents } from '../support/golden.ts';
import { MockAnthropicUpstream } from '../support/mock-anthropic-upstream.ts';
import { MockOpenAIUpstream } from '../support/mock-openai-upstream.ts';
import { postJson, startTestGateway, type TestGateway } from '../support/start-test-gateway.ts';
import { testKeys } from '../support/test-keys.ts';

type JsonObject = Record<string, unknown>;

const anthropicUpstream = new MockAnthropicUpstream(testKeys.anthropic);
const openaiUpstream = new MockOpenAIUpstream(testKeys.openai);
const azureKey = 'azure-test-key-0123456789abcdef';
/** Azure OpenAI in its deployment URL form (`api-version`, `api-key`). */
const azureUpstream = new MockOpenAIUpstream(azureKey, { auth: 'api-key' });

interface Target {
  label: string;
  model: string;
  translated: boolean;
  sent(): JsonObject;
  /** Every request's headers the upstream received. */
  seenHeaders(): object[];
  queueToolUse(): void;
}

const targets: Target[] = [
  {
    label: 'an Anthropic upstream (passthrough)',
    model: 'anthropic/claude-sonnet-4-6',
    translated: false,
    sent: () => anthropicUpstream.lastRequest.body as JsonObject,
    seenHeaders: () => anthropicUpstream.requests.map((request) => request.headers),
    queueToolUse: () =>
      anthropicUpstream.queueTurn({
        content: [
          { type: 'text', text: 'Checking.' },
          { type: 'tool_use', id: 'toolu_01abc', name: 'get_weather', input: { city: 'Paris' } },
        ],
      }),
  },
  {
    label: 'an OpenAI upstream (translated)',
    model: 'openai/gpt-4o',
    translated: true,
    sent: () => openaiUpstream.lastRequest.body as JsonObject,
    seenHeaders: () => openaiUpstream.requests.map((request) => request.headers),
    queueToolUse: () =>
      openaiUpstream.queueTurn({
        content: 'Checking.',
        toolCalls: [{ id: 'call_01abc', name: 'get_weather', arguments: '{"city":"Paris"}' }],
      }),
  },
  {
    label: 'Azure OpenAI, deployment URL form (translated)',
    model: 'azure/my-gpt4o-deployment',
    translated: true,
    sent: () => azureUpstream.lastRequest.body as JsonObject,
    seenHeaders: () => azureUpstream.requests.map((request) => request.headers),
    queueToolUse: () =>
      azureUpstream.queueTurn({
        content: 'Checking.',
        toolCalls: [{ id: 'call_01abc', name: 'get_weather', arguments: '{"city":"Paris"}' }],
      }),
  },
];

const weatherTool: Anthropic.Tool = {
  name: 'get_weather',
  description: 'Current weather for a city',
  input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

let gateway: TestGateway;
let client: Anthropic;
let clientV0: AnthropicV0;

before(async () => {
  await Promise.all([anthropicUpstream.start(), openaiUpstream.start(), azureUpstream.start()]);
  gateway = await startTestGateway({
    // Retries are tested in resilience.test.ts; here one scripted failure must reach the caller as is.
    yaml: 'routing:\n  retries: 0\n',
    env: {
      ANTHROPIC_API_KEY: testKeys.anthropic,
      ANTHROPIC_BASE_URL: anthropicUpstream.baseUrl,
      OPENAI_API_KEY: testKeys.openai,
      OPENAI_BASE_URL: openaiUpstream.baseUrl,
      AZURE_OPENAI_API_KEY: azureKey,
      AZURE_OPENAI_BASE_URL: `${azureUpstream.origin}/openai`,
      AZURE_OPENAI_API_VERSION: '2024-10-21',
    },
  });
  // 1.x: Authorization: Bearer + anthropic-version 2026-10-21. 0.x: x-api-key + 2023-06-01.
  client = new Anthropic({ baseURL: gateway.url, apiKey: 'sk-caller-v1-not-forwarded', maxRetries: 0 });
  clientV0 = new AnthropicV0({ baseURL: gateway.url, apiKey: 'sk-caller-v0-not-forwarded', maxRetries: 0 });
});
after(async () => {
  await gateway.close();
  await Promise.all([anthropicUpstream.close(), openaiUpstream.close(), azureUpstream.close()]);
});
beforeEach(() => {
  gateway.gateway.health.reset();
  anthropicUpstream.reset();
  openaiUpstream.reset();
  anthropicUpstream.turns.length = 0;
  openaiUpstream.turns.length = 0;
  azureUpstream.reset();
  azureUpstream.turns.length = 0;
});

for (const target of targets) {
  describe(`@anthropic-ai/sdk → gateway → ${target.label}`, () => {
    it('create: text, with a system prompt', async () => {
      const message = await client.messages.create({
        model: target.model,
        max_tokens: 256,
        system: [{ type: 'text', text: 'Be brief.' }],
        messages: [{ role: 'user', content: 'hello' }],
      });
      assert.equal(message.type, 'message');
      assert.equal(message.role, 'assistant');
      assert.deepEqual(message.content, [{ type: 'text', text: 'You said: hello' }]);
      assert.equal(message.stop_reason, 'end_turn');
      assert.ok(message.usage.input_tokens > 0);
      assert.ok(message.usage.output_tokens > 0);
      const sent = target.sent();
      if (target.translated)
        assert.deepEqual((sent['messages'] as JsonObject[])[0], { role: 'system', content: 'Be brief.' });
      else assert.deepEqual(sent['system'], [{ type: 'text', text: 'Be brief.' }]);
    });

    it('stream: messages.stream() with text events and finalMessage()', async () => {
      const stream = client.messages.stream({
        model: target.model,
        max_tokens: 256,
        messages: [{ role: 'user', content: 'stream please' }],
      });
      const texts: string[] = [];
      stream.on('text', (text) => texts.push(text));
      const final = await stream.finalMessage();
      assert.equal(texts.join(''), 'You said: stream please');
      assert.ok(texts.length > 2, 'text arrived in several events');
      assert.equal(final.stop_reason, 'end_turn');
      assert.equal(final.content[0]?.type === 'text' ? final.content[0].text : '', 'You said: stream please');
      assert.ok(final.usage.input_tokens > 0, 'input usage is known at the end');
      assert.ok(final.usage.output_tokens > 0);
    });

    it('tool use (create), then the tool_result follow-up turn', async () => {
      target.queueToolUse();
      const first = await client.messages.create({
        model: target.model,
        max_tokens: 256,
        tools: [weatherTool],
        messages: [{ role: 'user', content: 'Weather in Paris?' }],
      });
      assert.equal(first.stop_reason, 'tool_use');
      const toolUse = first.content.find((block) => block.type === 'tool_use');
      assert.ok(toolUse?.type === 'tool_use');
      assert.equal(toolUse.name, 'get_weather');
      assert.deepEqual(toolUse.input, { city: 'Paris' });
      const second = await client.messages.create({
        model: target.model,
        max_tokens: 256,
        tools: [weatherTool],
        messages: [
          { role: 'user', content: 'Weather in Paris?' },
          { role: 'assistant', content: first.content },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: toolUse.id, content: '18°C' }] },
        ],
      });
      assert.deepEqual(
        second.content.map((block) => (block.type === 'text' ? block.text : block.type)),
        ['Tool said: 18°C'],
      );
      if (target.translated) {
        const messages = target.sent()['messages'] as JsonObject[];
        assert.deepEqual(
          messages.map((message) => message['role']),
          ['user', 'assistant', 'tool'],
        );
        assert.equal(messages[2]?.['tool_call_id'], toolUse.id);
        assert.deepEqual((target.sent()['tools'] as JsonObject[])[0], {
          type: 'function',
          function: {
            name: 'get_weather',
            description: 'Current weather for a city',
            parameters: weatherTool.input_schema,
          },
        });
      }
    });

    it('tool use (stream): input assembled from input_json_delta, then the follow-up streamed', async () => {
      target.queueToolUse();
      const stream = client.messages.stream({
        model: target.model,
        max_tokens: 256,
        tools: [weatherTool],
        messages: [{ role: 'user', content: 'Weather in Paris?' }],
      });
      const final = await stream.finalMessage();
      assert.equal(final.stop_reason, 'tool_use');
      assert.deepEqual(
        final.content.map((block) => block.type),
        ['text', 'tool_use'],
      );
      const toolUse = final.content[1];
      assert.ok(toolUse?.type === 'tool_use');
      assert.deepEqual(toolUse.input, { city: 'Paris' });
      const followUp = client.messages.stream({
        model: target.model,
        max_tokens: 256,
        tools: [weatherTool],
        messages: [
          { role: 'user', content: 'Weather in Paris?' },
          { role: 'assistant', content: final.content },
          {
            role: 'user',
            content: [{ type: 'tool_result', tool_use_id: toolUse.id, content: [{ type: 'text', text: 'rain' }] }],
          },
        ],
      });
      assert.equal(await followUp.finalText(), 'Tool said: rain');
    });

    it('the 0.x SDK (x-api-key, anthropic-version 2023-06-01) works too', async () => {
      const message = await clientV0.messages.create({
        model: target.model,
        max_tokens: 64,
        messages: [{ role: 'user', content: 'old sdk' }],
      });
      assert.equal(message.content[0]?.type === 'text' ? message.content[0].text : '', 'You said: old sdk');
      const stream = clientV0.messages.stream({
        model: target.model,
        max_tokens: 64,
        messages: [{ role: 'user', content: 'old stream' }],
      });
      assert.equal(await stream.finalText(), 'You said: old stream');
    });

    it('count_tokens', async () => {
      const response = await client.messages
        .countTokens({
          model: target.model,
          system: 'sys',
          messages: [{ role: 'user', content: 'count these words please' }],
        })
        .withResponse();
      assert.ok(response.data.input_tokens > 0);
      assert.equal(response.response.headers.get('x-llm-proxy-token-count'), target.translated ? 'estimate' : null);
      if (!target.translated) assert.equal(anthropicUpstream.lastRequest.path, '/v1/messages/count_tokens');
    });

    it('never forwards the caller’s key', async () => {
      await client.messages.create({
        model: target.model,
        max_tokens: 16,
        messages: [{ role: 'user', content: 'hi' }],
      });
      await clientV0.messages.create({
        model: target.model,
        max_tokens: 16,
        messages: [{ role: 'user', content: 'hi' }],
      });
      const seen = JSON.stringify(target.seenHeaders());
      assert.equal(seen.includes('sk-caller-v'), false);
    });
  });
}

describe('Anthropic surface specifics', () => {
  it('passthrough forwards the body with only model rewritten: unknown fields, cache_control, thinking and documents kept', async () => {
    const body = {
      model: 'anthropic/claude-sonnet-4-6',
      max_tokens: 2048,
      thinking: { type: 'enabled', budget_tokens: 1024 },
      some_future_field: { a: 1 },
      system: [{ type: 'text', text: 'cached system', cache_control: { type: 'ephemeral', ttl: '1h' } }],
      messages: [
        {
          role: 'user',
          content: [
            {
              type: 'document',
              source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' },
              cache_control: { type: 'ephemeral' },
            },
            { type: 'text', text: 'summarise' },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'hmm', signature: 'sig123' },
            { type: 'text', text: 'ok' },
          ],
        },
        { role: 'user', content: 'go on' },
      ],
    };
    const response = await postJson(`${gateway.url}/v1/messages`, body, {
      'x-api-key': 'caller',
      'anthropic-version': '2023-06-01',
      'anthropic-beta': 'prompt-caching-2024-07-31,interleaved-thinking-2025-05-14',
    });
    assert.equal(response.status, 200, response.text);
    assert.deepEqual(anthropicUpstream.lastRequest.body, { ...body, model: 'claude-sonnet-4-6' });
    assert.equal(
      anthropicUpstream.lastRequest.headers['anthropic-beta'],
      'prompt-caching-2024-07-31,interleaved-thinking-2025-05-14',
    );
    assert.equal(anthropicUpstream.lastRequest.headers['anthropic-version'], '2023-06-01');
    assert.equal(anthropicUpstream.lastRequest.headers['x-api-key'], testKeys.anthropic);
    // The caller's own bytes go through, spacing and number spellings included.
    const text = (model: string) =>
      `{"model": "${model}", "max_tokens": 64, "temperature": 1.0, "messages": [{"role": "user", "content": "hi"}]}`;
    const raw = await fetch(`${gateway.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'caller', 'anthropic-version': '2023-06-01' },
      body: text('anthropic/claude-sonnet-4-6'),
    });
    assert.equal(raw.status, 200, await raw.text());
    assert.equal(anthropicUpstream.lastRequest.rawBody, text('claude-sonnet-4-6'));
  });

  it('sends anthropic-beta only to Anthropic upstreams', async () => {
    await postJson(
      `${gateway.url}/v1/messages`,
      { model: 'openai/gpt-4o', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] },
      { 'anthropic-version': '2023-06-01', 'anthropic-beta': 'some-beta' },
    );
    assert.equal(openaiUpstream.lastRequest.headers['anthropic-beta'], undefined);
  });

  for (const model of ['anthropic/claude-sonnet-4-6', 'openai/gpt-4o']) {
    it(`every SSE event carries its event: line (${model})`, async () => {
      const response = await fetch(`${gateway.url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', 'x-api-key': 'k' },
        body: JSON.stringify({ model, max_tokens: 50, stream: true, messages: [{ role: 'user', content: 'events' }] }),
      });
      assert.match(response.headers.get('content-type') ?? '', /text\/event-stream/);
      const events = sseEvents(await response.text());
      assert.ok(events.length > 5);
      for (const event of events) {
        assert.ok(event.event !== undefined, `an event without event: line: ${event.data}`);
        assert.equal((JSON.parse(event.data) as JsonObject)['type'], event.event);
      }
      assert.deepEqual(
        [events[0]?.event, events.at(-2)?.event, events.at(-1)?.event],
        ['message_start', 'message_delta', 'message_stop'],
      );
      if (model.startsWith('openai/')) {
        const start = JSON.parse(events[0]?.data ?? '{}') as { message: { usage: { input_tokens: number } } };
        assert.ok(start.message.usage.input_tokens > 0, 'message_start carries an input estimate, not zero');
      }
    });
  }

  it('errors reach the SDK as its own classes, chosen from our status and body', async () => {
    const ask = (model: string) =>
      client.messages.create({ model, max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] });
    anthropicUpstream.enqueue({
      status: 429,
      headers: { 'retry-after': '9' },
      body: {
        type: 'error',
        error: { type: 'rate_limit_error', message: 'Number of requests has exceeded your rate limit' },
      },
    });
    await assert.rejects(ask('anthropic/claude-sonnet-4-6'), (error: unknown) => {
      assert.ok(error instanceof Anthropic.RateLimitError);
      assert.equal(error.headers?.get('retry-after'), '9');
      assert.match(error.message, /rate limit/);
      return true;
    });
    openaiUpstream.enqueue({
      status: 429,
      body: { error: { message: 'slow down', type: 'requests', code: 'rate_limit_exceeded' } },
    });
    await assert.rejects(ask('openai/gpt-4o'), Anthropic.RateLimitError);
    gateway.gateway.health.reset();
    await assert.rejects(ask('nowhere/model'), (error: unknown) => {
      assert.ok(error instanceof Anthropic.NotFoundError);
      assert.match(error.message, /nowhere\/model/);
      return true;
    });
    await assert.rejects(
      client.messages.create({ model: 'openai/gpt-4o', max_tokens: -1, messages: [{ role: 'user', content: 'hi' }] }),
      Anthropic.BadRequestError,
    );
    openaiUpstream.enqueue({ status: 503, body: { error: { message: 'down', type: 'server_error', code: null } } });
    await assert.rejects(ask('openai/gpt-4o'), Anthropic.InternalServerError);
    gateway.gateway.health.reset();
    openaiUpstream.enqueue({
      status: 401,
      body: { error: { message: 'bad key', type: 'invalid_request_error', code: 'invalid_api_key' } },
    });
    await assert.rejects(
      ask('openai/gpt-4o'),
      (error: unknown) => error instanceof Anthropic.InternalServerError && error.status === 502,
    );
  });

  it('an error body is in Anthropic’s shape with Anthropic’s type names', async () => {
    const response = await postJson(
      `${gateway.url}/v1/messages`,
      { model: 'nope/x', max_tokens: 1, messages: [] },
      { 'anthropic-version': '2023-06-01' },
    );
    assert.equal(response.status, 404);
    assert.equal(response.json['type'], 'error');
    assert.equal((response.json.error as JsonObject)['type'], 'not_found_error');
    const invalid = await postJson(`${gateway.url}/v1/messages`, { model: 'x' }, { 'anthropic-version': '2023-06-01' });
    assert.equal(invalid.status, 400);
    assert.equal((invalid.json.error as JsonObject)['type'], 'invalid_request_error');
    assert.match(String((invalid.json.error as JsonObject)['message']), /max_tokens/);
  });

  it('an upstream failure after the stream started reaches the SDK as an error (both paths)', async () => {
    openaiUpstream.enqueue({
      sse: [
        'data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{"role":"assistant","content":"Part"},"finish_reason":null}]}\n\n',
        'data: {"error":{"message":"The server had an error while processing your request.","type":"server_error"}}\n\n',
      ],
    });
    const translated = client.messages.stream({
      model: 'openai/gpt-4o',
      max_tokens: 16,
      messages: [{ role: 'user', content: 'hi' }],
    });
    await assert.rejects(translated.finalMessage(), /server had an error/);
    anthropicUpstream.enqueue({
      sse: [
        'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"m","content":[],"usage":{"input_tokens":1,"output_tokens":1}}}\n\n',
      ],
    });
    const passthrough = client.messages.stream({
      model: 'anthropic/claude-sonnet-4-6',
      max_tokens: 16,
      messages: [{ role: 'user', content: 'hi' }],
    });
    await assert.rejects(passthrough.finalMessage(), /before message_stop/);
  });

  it('lists models in Anthropic’s shape for the Anthropic SDK', async () => {
    const page = await client.models.list();
    const ids = page.data.map((model) => model.id);
    assert.ok(ids.includes('anthropic/claude-sonnet-4-6'));
    assert.ok(ids.includes('openai/gpt-4o'));
    assert.equal(page.data[0]?.type, 'model');
  });

  it('answers HEAD / (Claude Code’s reachability probe)', async () => {
    const response = await fetch(`${gateway.url}/`, { method: 'HEAD' });
    assert.equal(response.status, 200);
  });
});
