import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { MockBedrockUpstream } from '../support/mock-bedrock-upstream.ts';
import { postJson, startTestGateway, type TestGateway } from '../support/start-test-gateway.ts';

type JsonObject = Record<string, unknown>;

// AWS's own documentation example credentials (not a real account): the mock verifies SigV4 with them.
const credentials = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  region: 'eu-west-1',
};
const upstream = new MockBedrockUpstream(credentials);
const bearerUpstream = new MockBedrockUpstream(credentials, { bearer: 'bedrock-api-key-0123456789' });
const model = 'bedrock/anthropic.claude-sonnet-4-5-20250929-v1:0';

const weatherTool: OpenAI.Chat.ChatCompletionTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

let gateway: TestGateway;
let openai: OpenAI;
let anthropic: Anthropic;

before(async () => {
  await Promise.all([upstream.start(), bearerUpstream.start()]);
  gateway = await startTestGateway({
    yaml: `routing:\n  retries: 0\nproviders:\n  bedrock-keyed:\n    type: bedrock\n    api_key: bedrock-api-key-0123456789\n    base_url: ${bearerUpstream.baseUrl}\n`,
    env: {
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_REGION: credentials.region,
      BEDROCK_BASE_URL: upstream.baseUrl,
    },
  });
  openai = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'sk-caller', maxRetries: 0 });
  anthropic = new Anthropic({ baseURL: gateway.url, apiKey: 'sk-caller', maxRetries: 0 });
});

after(async () => {
  await gateway.close();
  await Promise.all([upstream.close(), bearerUpstream.close()]);
});

beforeEach(() => {
  gateway.gateway.health.reset();
  upstream.reset();
  upstream.turns.length = 0;
});

describe('openai SDK → gateway → Bedrock Converse (SigV4 verified by the mock)', () => {
  it('non-stream text, with the model id percent-encoded in the path', async () => {
    const completion = await openai.chat.completions.create({
      model,
      max_tokens: 50,
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'hello' },
      ],
    });
    assert.equal(completion.choices[0]?.message.content, 'You said: hello');
    assert.equal(completion.choices[0]?.finish_reason, 'stop');
    assert.equal(completion.usage?.prompt_tokens, 11);
    assert.equal(upstream.lastRequest.path, '/model/anthropic.claude-sonnet-4-5-20250929-v1%3A0/converse');
    const body = upstream.lastRequest.body as JsonObject;
    assert.deepEqual(body['system'], [{ text: 'Be brief.' }]);
    assert.deepEqual(body['inferenceConfig'], { maxTokens: 50 });
  });

  it('stream text from event-stream frames, usage from the metadata event after messageStop', async () => {
    const stream = await openai.chat.completions.create({
      model,
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'stream please' }],
    });
    const chunks: OpenAI.Chat.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    assert.equal(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join(''), 'You said: stream please');
    assert.ok(chunks.some((chunk) => chunk.choices[0]?.finish_reason === 'stop'));
    assert.equal(chunks.at(-1)?.usage?.completion_tokens, 6);
  });

  it('a tool call and the follow-up turn; OpenAI ids fitted to Bedrock’s rule and still matched', async () => {
    upstream.queueTurn({ toolUses: [{ name: 'get_weather', input: { city: 'Paris' } }] });
    const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Weather in Paris?' }];
    const first = await openai.chat.completions.create({ model, tools: [weatherTool], messages });
    assert.equal(first.choices[0]?.finish_reason, 'tool_calls');
    const [call] = first.choices[0]?.message.tool_calls ?? [];
    assert.ok(call?.type === 'function');
    assert.deepEqual(JSON.parse(call.function.arguments), { city: 'Paris' });
    // A caller may also bring its own ids from another provider, with characters Bedrock refuses.
    messages.push({
      role: 'assistant',
      content: null,
      tool_calls: [
        {
          id: 'call.other:provider/id',
          type: 'function',
          function: { name: 'get_weather', arguments: '{"city":"Lyon"}' },
        },
      ],
    });
    messages.push({ role: 'tool', tool_call_id: 'call.other:provider/id', content: 'cloudy' });
    messages.splice(1, 0, first.choices[0]?.message as OpenAI.Chat.ChatCompletionMessageParam, {
      role: 'tool',
      tool_call_id: call.id,
      content: '18°C',
    });
    messages.splice(3, 0, { role: 'user', content: 'And Lyon?' });
    const second = await openai.chat.completions.create({ model, tools: [weatherTool], messages });
    assert.equal(second.choices[0]?.message.content, 'Tool said: cloudy');
  });

  it('a streamed tool call (input in fragments), assembled by the SDK helper, then the follow-up', async () => {
    upstream.queueTurn({ text: 'Checking.', toolUses: [{ name: 'get_weather', input: { city: 'Oslo' } }] });
    const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Weather in Oslo?' }];
    const final = await openai.chat.completions.stream({ model, tools: [weatherTool], messages }).finalChatCompletion();
    const [call] = final.choices[0]?.message.tool_calls ?? [];
    assert.ok(call?.type === 'function');
    assert.deepEqual(JSON.parse(call.function.arguments), { city: 'Oslo' });
    assert.equal(final.choices[0]?.finish_reason, 'tool_calls');
    messages.push(final.choices[0]?.message as OpenAI.Chat.ChatCompletionMessageParam);
    messages.push({ role: 'tool', tool_call_id: call.id, content: 'snow' });
    const followUp = await openai.chat.completions
      .stream({ model, tools: [weatherTool], messages })
      .finalChatCompletion();
    assert.equal(followUp.choices[0]?.message.content, 'Tool said: snow');
  });

  it('an exception inside the 200 stream reaches the caller as an error, not a quiet end', async () => {
    upstream.queueTurn({ text: 'Partial answer', exception: 'modelStreamErrorException' });
    const response = await postJson(`${gateway.url}/v1/chat/completions`, {
      model,
      stream: true,
      messages: [{ role: 'user', content: 'hi' }],
    });
    assert.match(response.text, /"content":"Part"/);
    assert.match(response.text, /modelStreamErrorException/);
    assert.doesNotMatch(response.text, /"finish_reason":"stop"/);
  });

  it('a Bedrock API key is sent as a bearer token instead of a signature', async () => {
    const completion = await openai.chat.completions.create({
      model: 'bedrock-keyed/anthropic.claude-sonnet-4-5-20250929-v1:0',
      messages: [{ role: 'user', content: 'keyed' }],
    });
    assert.equal(completion.choices[0]?.message.content, 'You said: keyed');
    assert.equal(bearerUpstream.lastRequest.headers['x-amz-date'], undefined);
  });
});

describe('Bedrock errors and images', () => {
  it('an input too long is context_window_exceeded; throttling is a rate limit', async () => {
    const ask = () => openai.chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] });
    upstream.enqueue({
      status: 400,
      body: { message: 'Input is too long for requested model.' },
      headers: { 'x-amzn-errortype': 'ValidationException' },
    });
    await assert.rejects(
      ask(),
      (error: unknown) => error instanceof OpenAI.APIError && error.code === 'context_window_exceeded',
    );
    upstream.enqueue({ status: 429, body: { message: 'Too many requests, please wait before trying again.' } });
    await assert.rejects(ask(), (error: unknown) => error instanceof OpenAI.RateLimitError);
  });

  it('images go inline as bytes with their format', async () => {
    const pixel = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
    await openai.chat.completions.create({
      model,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url: `data:image/png;base64,${pixel}` } },
          ],
        },
      ],
    });
    const [message] = (upstream.lastRequest.body as JsonObject)['messages'] as Array<{ content: JsonObject[] }>;
    assert.deepEqual(message?.content[1], { image: { format: 'png', source: { bytes: pixel } } });
  });
});

describe('SigV4 is really checked', () => {
  it('a wrong secret is refused by the mock (403) and reported as the gateway’s credentials failing', async () => {
    const wrong = await startTestGateway({
      yaml: 'routing:\n  retries: 0\n',
      env: {
        AWS_ACCESS_KEY_ID: credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: 'not-the-secret',
        AWS_REGION: credentials.region,
        BEDROCK_BASE_URL: upstream.baseUrl,
      },
    });
    try {
      const answer = await postJson(`${wrong.url}/v1/chat/completions`, {
        model,
        messages: [{ role: 'user', content: 'hi' }],
      });
      assert.equal(answer.status, 502);
      assert.match(answer.text, /upstream_auth_failed/);
      assert.doesNotMatch(answer.text, /not-the-secret/);
    } finally {
      await wrong.close();
    }
  });
});

describe('@anthropic-ai/sdk → gateway → Bedrock', () => {
  it('a streamed tool use, then the follow-up turn with the tool result', async () => {
    upstream.queueTurn({ text: 'Checking.', toolUses: [{ name: 'get_weather', input: { city: 'Rome' } }] });
    const tools: Anthropic.Tool[] = [
      {
        name: 'get_weather',
        description: 'Current weather for a city',
        input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
      },
    ];
    const first = await anthropic.messages
      .stream({ model, max_tokens: 200, tools, messages: [{ role: 'user', content: 'Weather in Rome?' }] })
      .finalMessage();
    assert.equal(first.stop_reason, 'tool_use');
    const toolUse = first.content.find((block) => block.type === 'tool_use');
    assert.ok(toolUse?.type === 'tool_use');
    assert.deepEqual(toolUse.input, { city: 'Rome' });
    const second = await anthropic.messages.create({
      model,
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
  });
});
