import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { MockGeminiUpstream } from '../support/mock-gemini-upstream.ts';
import { startTestGateway, type TestGateway } from '../support/start-test-gateway.ts';

type JsonObject = Record<string, unknown>;

const geminiKey = 'AIzaTestKey0123456789abcdefghijklmnopqrs';
const upstream = new MockGeminiUpstream(geminiKey);

/** A tool schema as OpenAI callers write it: strict mode's `additionalProperties` included. */
const weatherTool: OpenAI.Chat.ChatCompletionTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: {
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      properties: { city: { type: 'string' }, unit: { type: ['string', 'null'], enum: ['c', 'f', null] } },
      required: ['city'],
      additionalProperties: false,
    },
  },
};

let gateway: TestGateway;
let openai: OpenAI;
let anthropic: Anthropic;

before(async () => {
  await upstream.start();
  gateway = await startTestGateway({
    yaml: 'routing:\n  retries: 0\n',
    env: { GEMINI_API_KEY: geminiKey, GEMINI_BASE_URL: upstream.baseUrl },
  });
  openai = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'sk-caller', maxRetries: 0 });
  anthropic = new Anthropic({ baseURL: gateway.url, apiKey: 'sk-caller', maxRetries: 0 });
});

after(async () => {
  await gateway.close();
  await upstream.close();
});

beforeEach(() => {
  gateway.gateway.health.reset();
  upstream.reset();
  upstream.turns.length = 0;
});

const sentContents = () =>
  (upstream.lastRequest.body as JsonObject)['contents'] as Array<{ role: string; parts: JsonObject[] }>;

describe('openai SDK → gateway → Gemini', () => {
  it('non-stream text: system instruction, generation config, usage and finish reason', async () => {
    const completion = await openai.chat.completions.create({
      model: 'gemini/gemini-2.5-flash',
      max_tokens: 100,
      temperature: 0.2,
      stop: ['END'],
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'hello' },
      ],
    });
    assert.equal(completion.choices[0]?.message.content, 'You said: hello');
    assert.equal(completion.choices[0]?.finish_reason, 'stop');
    assert.equal(completion.usage?.prompt_tokens, 12);
    assert.equal(completion.usage?.completion_tokens, 7);
    const sent = upstream.lastRequest;
    assert.equal(sent.path, '/v1beta/models/gemini-2.5-flash:generateContent');
    assert.equal(sent.headers['x-goog-api-key'], geminiKey);
    const body = sent.body as JsonObject;
    assert.deepEqual(body['systemInstruction'], { parts: [{ text: 'Be brief.' }] });
    assert.deepEqual(body['generationConfig'], { maxOutputTokens: 100, temperature: 0.2, stopSequences: ['END'] });
  });

  it('stream text, chunk by chunk, with usage', async () => {
    const stream = await openai.chat.completions.create({
      model: 'gemini/gemini-2.5-flash',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'stream please' }],
    });
    const chunks: OpenAI.Chat.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    assert.equal(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join(''), 'You said: stream please');
    assert.ok(chunks.length > 4);
    assert.ok(chunks.some((chunk) => chunk.choices[0]?.finish_reason === 'stop'));
    assert.equal(chunks.at(-1)?.usage?.completion_tokens, 7);
    assert.match(upstream.lastRequest.path, /:streamGenerateContent\?alt=sse$/);
  });

  it('a tool call on Gemini 3 and the follow-up turn carrying its thoughtSignature back; schemas cut to the subset', async () => {
    upstream.queueTurn({ functionCalls: [{ name: 'get_weather', args: { city: 'Paris' } }] });
    const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Weather in Paris?' }];
    const first = await openai.chat.completions.create({
      model: 'gemini/gemini-3-pro-preview',
      tools: [weatherTool],
      messages,
    });
    const choice = first.choices[0];
    assert.equal(choice?.finish_reason, 'tool_calls', 'STOP with a functionCall part is a tool call');
    const [call] = choice?.message.tool_calls ?? [];
    assert.ok(call?.type === 'function');
    assert.deepEqual(JSON.parse(call.function.arguments), { city: 'Paris' });
    assert.match(call.id, /^[A-Za-z0-9_-]+$/);
    const declared = ((upstream.lastRequest.body as JsonObject)['tools'] as JsonObject[])[0]?.[
      'functionDeclarations'
    ] as JsonObject[];
    assert.deepEqual(declared[0]?.['parameters'], {
      type: 'object',
      properties: { city: { type: 'string' }, unit: { type: 'string', nullable: true, enum: ['c', 'f', null] } },
      required: ['city'],
    });
    if (choice?.message !== undefined) messages.push(choice.message);
    messages.push({ role: 'tool', tool_call_id: call.id, content: '18°C and sunny' });
    const second = await openai.chat.completions.create({
      model: 'gemini/gemini-3-pro-preview',
      tools: [weatherTool],
      messages,
    });
    assert.equal(second.choices[0]?.message.content, 'Tool said: 18°C and sunny');
    const contents = sentContents();
    assert.deepEqual(
      contents.map((content) => content.role),
      ['user', 'model', 'user'],
    );
    assert.equal(
      contents[1]?.parts[0]?.['thoughtSignature'],
      upstream.issuedSignatures.at(-1),
      'the signature, unchanged',
    );
    assert.deepEqual(contents[2]?.parts[0], {
      functionResponse: { name: 'get_weather', response: { result: '18°C and sunny' } },
    });
  });

  it('a streamed tool call, assembled by the SDK helper, then the follow-up turn', async () => {
    upstream.queueTurn({ functionCalls: [{ name: 'get_weather', args: { city: 'Oslo' } }] });
    const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Weather in Oslo?' }];
    const final = await openai.chat.completions
      .stream({ model: 'gemini/gemini-3-pro-preview', tools: [weatherTool], messages })
      .finalChatCompletion();
    const [call] = final.choices[0]?.message.tool_calls ?? [];
    assert.ok(call?.type === 'function');
    assert.equal(final.choices[0]?.finish_reason, 'tool_calls');
    messages.push(final.choices[0]?.message as OpenAI.Chat.ChatCompletionMessageParam);
    messages.push({ role: 'tool', tool_call_id: call.id, content: 'snow' });
    const followUp = await openai.chat.completions
      .stream({ model: 'gemini/gemini-3-pro-preview', tools: [weatherTool], messages })
      .finalChatCompletion();
    assert.equal(followUp.choices[0]?.message.content, 'Tool said: snow');
  });

  it('maps Gemini errors to the gateway’s codes', async () => {
    const bad = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'x', maxRetries: 0 });
    upstream.enqueue({
      status: 429,
      body: { error: { code: 429, message: 'Resource exhausted', status: 'RESOURCE_EXHAUSTED' } },
    });
    await assert.rejects(
      bad.chat.completions.create({ model: 'gemini/gemini-2.5-flash', messages: [{ role: 'user', content: 'hi' }] }),
      (error: unknown) => error instanceof OpenAI.RateLimitError,
    );
  });
});

describe('embeddings through Gemini', () => {
  it('answers an OpenAI embeddings call through batchEmbedContents, in OpenAI’s shape', async () => {
    const result = await openai.embeddings.create({
      model: 'gemini/gemini-embedding-001',
      input: ['first text', 'second'],
      dimensions: 4,
      encoding_format: 'float',
    });
    assert.equal(result.data.length, 2);
    assert.equal(result.data[1]?.index, 1);
    assert.equal(result.data[0]?.embedding.length, 4);
    assert.ok((result.usage.prompt_tokens ?? 0) > 0, 'an estimate, so budgets count embeddings');
    assert.equal(upstream.lastRequest.path, '/v1beta/models/gemini-embedding-001:batchEmbedContents');
    const sent = (upstream.lastRequest.body as JsonObject)['requests'] as JsonObject[];
    assert.deepEqual(sent[0], {
      model: 'models/gemini-embedding-001',
      content: { parts: [{ text: 'first text' }] },
      outputDimensionality: 4,
    });
  });
});

describe('@anthropic-ai/sdk → gateway → Gemini', () => {
  it('a streamed tool use, then the follow-up turn with the tool result', async () => {
    upstream.queueTurn({ text: 'Checking.', functionCalls: [{ name: 'get_weather', args: { city: 'Rome' } }] });
    const tools: Anthropic.Tool[] = [
      {
        name: 'get_weather',
        description: 'Current weather for a city',
        input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
      },
    ];
    const first = await anthropic.messages
      .stream({
        model: 'gemini/gemini-3-pro-preview',
        max_tokens: 200,
        tools,
        messages: [{ role: 'user', content: 'Weather in Rome?' }],
      })
      .finalMessage();
    assert.equal(first.stop_reason, 'tool_use');
    const toolUse = first.content.find((block) => block.type === 'tool_use');
    assert.ok(toolUse?.type === 'tool_use');
    assert.deepEqual(toolUse.input, { city: 'Rome' });
    const second = await anthropic.messages.create({
      model: 'gemini/gemini-3-pro-preview',
      max_tokens: 200,
      tools,
      messages: [
        { role: 'user', content: 'Weather in Rome?' },
        { role: 'assistant', content: first.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: toolUse.id, content: 'warm' }] },
      ],
    });
    const text = second.content.find((block) => block.type === 'text');
    assert.equal(text?.type === 'text' ? text.text : undefined, 'Tool said: warm');
    assert.equal(
      sentContents()[1]?.parts.find((part) => 'functionCall' in part)?.['thoughtSignature'],
      upstream.issuedSignatures.at(-1),
    );
  });
});
