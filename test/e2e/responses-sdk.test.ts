import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, beforeEach, describe, it } from 'node:test';
import OpenAI from 'openai';
import { MockAnthropicUpstream } from '../support/mock-anthropic-upstream.ts';
import { MockOpenAIResponsesUpstream } from '../support/mock-openai-responses-upstream.ts';
import { startTestGateway, type TestGateway } from '../support/start-test-gateway.ts';
import { testKeys } from '../support/test-keys.ts';

type JsonObject = Record<string, unknown>;

const openaiUpstream = new MockOpenAIResponsesUpstream(testKeys.openai);
const anthropicUpstream = new MockAnthropicUpstream(testKeys.anthropic);

/** One provider behind the gateway's `/v1/responses`, seen through the OpenAI SDK. */
interface Target {
  label: string;
  model: string;
  queueToolCall(): void;
  queueText(text: string): void;
  /** The last body the upstream received. */
  sent(): JsonObject;
}

const targets: Target[] = [
  {
    label: 'an OpenAI upstream (passthrough)',
    model: 'openai/gpt-5.4',
    queueToolCall: () =>
      openaiUpstream.queueTurn({
        toolCalls: [{ callId: 'call_abc123', name: 'get_weather', arguments: '{"city":"Paris"}' }],
      }),
    queueText: (text) => openaiUpstream.queueTurn({ text }),
    sent: () => openaiUpstream.lastRequest.body as JsonObject,
  },
  {
    label: 'an Anthropic upstream (translated)',
    model: 'anthropic/claude-sonnet-4-6',
    queueToolCall: () =>
      anthropicUpstream.queueTurn({
        content: [{ type: 'tool_use', id: 'toolu_abc123', name: 'get_weather', input: { city: 'Paris' } }],
      }),
    queueText: (text) => anthropicUpstream.queueTurn({ content: [{ type: 'text', text }] }),
    sent: () => anthropicUpstream.lastRequest.body as JsonObject,
  },
];

const weatherTool: OpenAI.Responses.FunctionTool = {
  type: 'function',
  name: 'get_weather',
  description: 'Current weather for a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  strict: false,
};

let gateway: TestGateway;
let client: OpenAI;

before(async () => {
  await Promise.all([openaiUpstream.start(), anthropicUpstream.start()]);
  gateway = await startTestGateway({
    yaml: 'routing:\n  retries: 0\n',
    env: {
      OPENAI_API_KEY: testKeys.openai,
      OPENAI_BASE_URL: openaiUpstream.baseUrl,
      ANTHROPIC_API_KEY: testKeys.anthropic,
      ANTHROPIC_BASE_URL: anthropicUpstream.baseUrl,
    },
  });
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'sk-caller-key-not-forwarded', maxRetries: 0 });
});
after(async () => {
  await gateway.close();
  await Promise.all([openaiUpstream.close(), anthropicUpstream.close()]);
});
beforeEach(() => {
  gateway.gateway.health.reset();
  openaiUpstream.reset();
  openaiUpstream.turns.length = 0;
  anthropicUpstream.reset();
  anthropicUpstream.turns.length = 0;
});

for (const target of targets) {
  describe(`openai SDK responses → gateway → ${target.label}`, () => {
    it('responses.create answers text with usage', async () => {
      const response = await client.responses.create({ model: target.model, input: 'hello', store: false });
      assert.equal(response.object, 'response');
      assert.equal(response.status, 'completed');
      assert.equal(response.output_text, 'You said: hello');
      assert.equal(response.output[0]?.type, 'message');
      assert.ok((response.usage?.input_tokens ?? 0) > 0);
      assert.equal(typeof response.usage?.input_tokens_details.cached_tokens, 'number');
      assert.equal(typeof response.usage?.output_tokens_details.reasoning_tokens, 'number');
    });

    it('responses.stream follows the event grammar and ends with the final response', async () => {
      target.queueText('Hello from the stream');
      const stream = client.responses.stream({ model: target.model, input: 'hi', store: false });
      const types: string[] = [];
      const sequence: number[] = [];
      let deltas = '';
      for await (const event of stream) {
        types.push(event.type);
        sequence.push(event.sequence_number);
        if (event.type === 'response.output_text.delta') deltas += event.delta;
      }
      const final = await stream.finalResponse();
      assert.equal(deltas, 'Hello from the stream');
      assert.equal(final.output_text, 'Hello from the stream');
      assert.equal(types[0], 'response.created');
      assert.equal(types[1], 'response.in_progress');
      assert.equal(types.at(-1), 'response.completed');
      assert.ok(types.includes('response.output_item.added'));
      assert.ok(types.includes('response.content_part.done'));
      for (let index = 1; index < sequence.length; index++) {
        assert.ok((sequence[index] ?? 0) > (sequence[index - 1] ?? 0), 'sequence numbers strictly increase');
      }
    });

    it('a tool call and its function_call_output follow-up (stateless)', async () => {
      target.queueToolCall();
      const first = await client.responses.create({
        model: target.model,
        input: [{ role: 'user', content: 'Weather in Paris?' }],
        tools: [weatherTool],
        store: false,
      });
      const call = first.output.find((item) => item.type === 'function_call');
      assert.ok(call !== undefined && call.type === 'function_call');
      assert.equal(call.name, 'get_weather');
      assert.deepEqual(JSON.parse(call.arguments), { city: 'Paris' });
      target.queueText('Sunny, 22°C.');
      const second = await client.responses.create({
        model: target.model,
        input: [
          { role: 'user', content: 'Weather in Paris?' },
          ...first.output.filter((item) => item.type === 'function_call'),
          { type: 'function_call_output', call_id: call.call_id, output: '{"temp":22}' },
        ],
        tools: [weatherTool],
        store: false,
      });
      assert.equal(second.output_text, 'Sunny, 22°C.');
      assert.ok(JSON.stringify(target.sent()).includes('{\\"temp\\":22}'));
    });

    it('a streamed tool call has the same ids in its events and its final output', async () => {
      target.queueToolCall();
      const stream = client.responses.stream({
        model: target.model,
        input: 'Weather in Paris?',
        tools: [weatherTool],
        store: false,
      });
      let added: { id?: string; call_id?: string } | undefined;
      let argumentsDone = '';
      for await (const event of stream) {
        if (event.type === 'response.output_item.added' && event.item.type === 'function_call') added = event.item;
        if (event.type === 'response.function_call_arguments.done') argumentsDone = event.arguments;
      }
      const final = await stream.finalResponse();
      const call = final.output.find((item) => item.type === 'function_call');
      assert.ok(call !== undefined && call.type === 'function_call');
      assert.equal(call.id, added?.id);
      assert.equal(call.call_id, added?.call_id);
      assert.deepEqual(JSON.parse(argumentsDone), { city: 'Paris' });
      assert.deepEqual(JSON.parse(call.arguments), { city: 'Paris' });
    });
  });
}

for (const target of targets) {
  describe(`stored responses → ${target.label}`, () => {
    it('previous_response_id continues a stored conversation; retrieve, input_items and delete work', async () => {
      target.queueText('Nice to meet you, Ada.');
      const first = await client.responses.create({ model: target.model, input: 'My name is Ada.' });
      target.queueText('Your name is Ada.');
      const second = await client.responses.create({
        model: target.model,
        input: 'What is my name?',
        previous_response_id: first.id,
      });
      assert.equal(second.output_text, 'Your name is Ada.');
      assert.equal(second.previous_response_id, first.id);
      const sent = JSON.stringify(target.sent());
      assert.ok(sent.includes('My name is Ada.'), 'the stored input went upstream');
      assert.ok(sent.includes('Nice to meet you, Ada.'), 'the stored output went upstream');
      assert.ok(!sent.includes('previous_response_id'), 'no upstream knows the gateway’s ids');

      const retrieved = await waitFor(() => client.responses.retrieve(second.id));
      assert.equal(retrieved.id, second.id);
      assert.equal(retrieved.output_text, 'Your name is Ada.');
      const items = await client.responses.inputItems.list(second.id, { order: 'asc' });
      const texts = items.data.map((item) => JSON.stringify(item));
      assert.equal(texts.length, 3);
      assert.ok(texts[0]?.includes('My name is Ada.'));
      assert.ok(texts[2]?.includes('What is my name?'));

      await client.responses.delete(second.id);
      await assert.rejects(client.responses.retrieve(second.id), (error: unknown) => {
        assert.ok(error instanceof OpenAI.APIError);
        assert.equal(error.status, 404);
        return true;
      });
    });

    it('a streamed response is stored too, and store: false keeps nothing', async () => {
      target.queueText('streamed and kept');
      const stream = client.responses.stream({ model: target.model, input: 'keep this' });
      const final = await stream.finalResponse();
      const retrieved = await waitFor(() => client.responses.retrieve(final.id));
      assert.equal(retrieved.output_text, 'streamed and kept');

      target.queueText('not kept');
      const unstored = await client.responses.create({ model: target.model, input: 'forget this', store: false });
      await new Promise((resolve) => setTimeout(resolve, 50));
      await assert.rejects(client.responses.retrieve(unstored.id), { status: 404 });
    });
  });
}

describe('stored responses: references and errors', () => {
  it('an item_reference to a stored output item is resolved (the AI SDK’s multi-turn pattern)', async () => {
    anthropicUpstream.queueTurn({ content: [{ type: 'text', text: 'DONE' }] });
    const first = await client.responses.create({ model: 'anthropic/claude-sonnet-4-6', input: 'Say DONE' });
    const message = first.output[0];
    assert.ok(message !== undefined && message.type === 'message');
    await waitFor(() => client.responses.retrieve(first.id));
    await client.responses.create({
      model: 'anthropic/claude-sonnet-4-6',
      input: [
        { role: 'user', content: 'Say DONE' },
        { type: 'item_reference', id: message.id },
        { role: 'user', content: 'Again' },
      ],
    });
    const messages = (anthropicUpstream.lastRequest.body as { messages: Array<{ role: string }> }).messages;
    assert.deepEqual(
      messages.map((entry) => entry.role),
      ['user', 'assistant', 'user'],
    );
  });

  it('an unknown previous_response_id is a 404 in OpenAI’s shape', async () => {
    await assert.rejects(
      client.responses.create({ model: 'anthropic/claude-sonnet-4-6', input: 'hi', previous_response_id: 'resp_nope' }),
      (error: unknown) => {
        assert.ok(error instanceof OpenAI.APIError);
        assert.equal(error.status, 404);
        assert.equal(error.code, 'response_not_found');
        return true;
      },
    );
  });
});

/** Stored responses are written after the answer; reads retry briefly until the write lands. */
async function waitFor<T>(read: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await read();
    } catch (error) {
      if (attempt >= 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

describe('the /v1/responses edges Codex touches', () => {
  it('a WebSocket upgrade GET gets a plain 404, not 426', async () => {
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const request = httpRequest(`${gateway.url}/v1/responses`, {
        headers: {
          connection: 'Upgrade',
          upgrade: 'websocket',
          'sec-websocket-version': '13',
          'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
        },
      });
      request.on('response', (response) => {
        response.resume();
        resolve(response.statusCode);
      });
      request.on('upgrade', () => resolve(101));
      request.on('error', reject);
      request.end();
    });
    assert.equal(status, 404);
  });

  it('POST /v1/responses/compact is a clean 404 in OpenAI’s error shape', async () => {
    const response = await fetch(`${gateway.url}/v1/responses/compact`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"model":"openai/gpt-5.4","input":[]}',
    });
    assert.equal(response.status, 404);
    const body = (await response.json()) as { error?: { message?: string } };
    assert.equal(typeof body.error?.message, 'string');
  });

  it('a Chat Completions body is a 400 naming the field', async () => {
    const response = await fetch(`${gateway.url}/v1/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'anthropic/claude-sonnet-4-6', messages: [{ role: 'user', content: 'hi' }] }),
    });
    assert.equal(response.status, 400);
    const body = (await response.json()) as { error?: { param?: string } };
    assert.equal(body.error?.param, 'messages');
  });
});

describe('the strict Responses mock takes what Codex sends to the real API', () => {
  it('tool_search (client-run) and web_search pass through to an OpenAI upstream', async () => {
    const response = await client.responses.create({
      model: 'openai/gpt-5.4',
      input: 'hi',
      store: false,
      tools: [
        weatherTool,
        { type: 'web_search' },
        // Codex's client-executed tool; the SDK's types do not know it yet.
        {
          type: 'tool_search',
          execution: 'client',
          description: 'find tools',
          parameters: {},
        } as unknown as OpenAI.Responses.Tool,
      ],
    });
    assert.equal(response.output_text, 'You said: hi');
  });
});

describe('a conversation that moves from a translated provider to OpenAI', () => {
  it("drops the gateway's reasoning items OpenAI could not read, and keeps the rest", async () => {
    anthropicUpstream.queueTurn({
      content: [
        { type: 'thinking', thinking: 'hmm', signature: 'anthropic-sig' },
        { type: 'tool_use', id: 'toolu_move', name: 'get_weather', input: { city: 'Paris' } },
      ],
      stopReason: 'tool_use',
    });
    const first = await client.responses.create({
      model: 'anthropic/claude-sonnet-4-6',
      input: 'Weather?',
      tools: [weatherTool],
      reasoning: { effort: 'low' },
      max_output_tokens: 4000,
      store: false,
    });
    assert.ok(first.output.some((item) => item.type === 'reasoning'));
    const call = first.output.find((item) => item.type === 'function_call');
    assert.ok(call !== undefined && call.type === 'function_call');
    openaiUpstream.queueTurn({ text: 'Sunny.' });
    const second = await client.responses.create({
      model: 'openai/gpt-5.4',
      input: [
        { role: 'user', content: 'Weather?' },
        ...(first.output as unknown as OpenAI.Responses.ResponseInputItem[]),
        { type: 'function_call_output', call_id: call.call_id, output: 'sunny' },
      ],
      tools: [weatherTool],
      store: false,
    });
    assert.equal(second.output_text, 'Sunny.');
    const input = (openaiUpstream.lastRequest.body as { input: JsonObject[] }).input;
    assert.deepEqual(
      input.map((item) => item['type'] ?? 'message'),
      ['message', 'function_call', 'function_call_output'],
    );
  });
});
