import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { ApiError, type Content, type FunctionDeclaration, GoogleGenAI, Type } from '@google/genai';
import { MockAnthropicUpstream } from '../support/mock-anthropic-upstream.ts';
import { MockGeminiUpstream } from '../support/mock-gemini-upstream.ts';
import { MockOpenAIUpstream } from '../support/mock-openai-upstream.ts';
import { startTestGateway, type TestGateway } from '../support/start-test-gateway.ts';
import { testKeys } from '../support/test-keys.ts';

type JsonObject = Record<string, unknown>;

/**
 * The official `@google/genai` SDK pointed at the gateway (`httpOptions.baseUrl`), on a Gemini, an
 * OpenAI-format and an Anthropic model: text, streaming, a tool round trip, countTokens, embeddings,
 * an upstream 429 in Google's error shape, and the gateway key in each place the SDK or curl puts it.
 */
const geminiKey = 'AIzaTestKey0123456789abcdefghijklmnopqrs';
const masterKey = 'sk-gateway-master-gemini-in-0123456789';
const gemini = new MockGeminiUpstream(geminiKey);
const openai = new MockOpenAIUpstream(testKeys.openai);
const anthropic = new MockAnthropicUpstream(testKeys.anthropic);
let gateway: TestGateway;

function client(apiVersion: string): GoogleGenAI {
  return new GoogleGenAI({ apiKey: masterKey, apiVersion, httpOptions: { baseUrl: gateway.url } });
}

before(async () => {
  await Promise.all([gemini.start(), openai.start(), anthropic.start()]);
  gateway = await startTestGateway({
    yaml: [
      'routing:',
      '  retries: 0',
      'models:',
      '  steady: anthropic/claude-sonnet-4-5',
      '  flaky:',
      '    targets:',
      '      - { provider: openai, model: gpt-4o-mini }',
      '    fallbacks: [steady]',
      '',
    ].join('\n'),
    env: {
      LLM_PROXY_MASTER_KEY: masterKey,
      GEMINI_API_KEY: geminiKey,
      GEMINI_BASE_URL: gemini.baseUrl,
      OPENAI_API_KEY: testKeys.openai,
      OPENAI_BASE_URL: openai.baseUrl,
      ANTHROPIC_API_KEY: testKeys.anthropic,
      ANTHROPIC_BASE_URL: anthropic.baseUrl,
    },
  });
});

after(async () => {
  await gateway.close();
  await Promise.all([gemini.close(), openai.close(), anthropic.close()]);
});

beforeEach(() => {
  gateway.gateway.health.reset();
  for (const upstream of [gemini, openai, anthropic]) upstream.reset();
  gemini.turns.length = 0;
  openai.turns.length = 0;
  anthropic.turns.length = 0;
});

/** Declared as Gemini callers do: the SDK's upper-case `Type` enum (`OBJECT`, `STRING`). */
const weather: FunctionDeclaration = {
  name: 'get_weather',
  description: 'Current weather for a city',
  parameters: { type: Type.OBJECT, properties: { city: { type: Type.STRING } }, required: ['city'] },
};

const models = [
  { label: 'Gemini (passthrough)', model: 'gemini-2.5-flash', upstream: () => gemini },
  { label: 'OpenAI-format', model: 'openai/gpt-4o-mini', upstream: () => openai },
  { label: 'Anthropic', model: 'anthropic/claude-sonnet-4-5', upstream: () => anthropic },
] as const;

for (const { label, model, upstream } of models) {
  describe(`@google/genai → gateway → ${label}`, () => {
    it('generateContent: text, system instruction, usage', async () => {
      const ai = client('v1beta');
      const response = await ai.models.generateContent({
        model,
        contents: 'hello',
        config: { systemInstruction: 'Be brief.', maxOutputTokens: 100, temperature: 0.2 },
      });
      assert.equal(response.text, 'You said: hello');
      assert.equal(response.candidates?.[0]?.finishReason, 'STOP');
      assert.ok((response.usageMetadata?.promptTokenCount ?? 0) > 0);
      const sent = upstream().lastRequest;
      assert.equal(JSON.stringify(sent.headers).includes(masterKey), false, 'the gateway key never goes upstream');
    });

    it('streamGenerateContent (SSE), on the SDK default API version /v1', async () => {
      const ai = client('v1');
      const stream = await ai.models.generateContentStream({ model, contents: 'stream me please' });
      let text = '';
      let finish: string | undefined;
      for await (const chunk of stream) {
        text += chunk.text ?? '';
        finish = chunk.candidates?.[0]?.finishReason ?? finish;
      }
      assert.equal(text, 'You said: stream me please');
      assert.equal(finish, 'STOP');
    });

    it('a tool round trip: functionCall → functionResponse → final text', async () => {
      const ai = client('v1beta');
      if (upstream() === gemini)
        gemini.queueTurn({ functionCalls: [{ name: 'get_weather', args: { city: 'Paris' } }] });
      else if (upstream() === openai)
        openai.queueTurn({ toolCalls: [{ id: 'call_w1', name: 'get_weather', arguments: '{"city":"Paris"}' }] });
      else
        anthropic.queueTurn({
          content: [{ type: 'tool_use', id: 'toolu_w1', name: 'get_weather', input: { city: 'Paris' } }],
          stopReason: 'tool_use',
        });
      const config = { tools: [{ functionDeclarations: [weather] }] };
      const contents: Content[] = [{ role: 'user', parts: [{ text: 'Weather in Paris?' }] }];
      const first = await ai.models.generateContent({ model, contents, config });
      const call = first.functionCalls?.[0];
      assert.equal(call?.name, 'get_weather');
      assert.deepEqual(call?.args, { city: 'Paris' });
      const modelTurn = first.candidates?.[0]?.content;
      assert.ok(modelTurn !== undefined);
      contents.push(modelTurn, {
        role: 'user',
        parts: [
          {
            functionResponse: {
              ...(call?.id === undefined ? {} : { id: call.id }),
              name: 'get_weather',
              response: { result: 'sunny, 21 C' },
            },
          },
        ],
      });
      const second = await ai.models.generateContent({ model, contents, config });
      assert.equal(second.text, 'Tool said: sunny, 21 C');
      const sent = upstream().lastRequest.body as JsonObject;
      if (upstream() === gemini) {
        // Passed through: Gemini's own schema spelling, and the thought signature the model turn carried.
        const tools = sent['tools'] as Array<{ functionDeclarations: Array<{ parameters: JsonObject }> }>;
        assert.equal(tools[0]?.functionDeclarations[0]?.parameters['type'], 'OBJECT');
        const turns = sent['contents'] as Array<{ parts: JsonObject[] }>;
        assert.equal(turns[1]?.parts[0]?.['thoughtSignature'], gemini.issuedSignatures.at(-1));
      } else if (upstream() === openai) {
        const tools = sent['tools'] as Array<{ function: { parameters: JsonObject } }>;
        assert.deepEqual(tools[0]?.function.parameters, {
          type: 'object',
          properties: { city: { type: 'string' } },
          required: ['city'],
        });
        const messages = sent['messages'] as JsonObject[];
        assert.deepEqual(messages.at(-1), { role: 'tool', tool_call_id: 'call_w1', content: 'sunny, 21 C' });
      } else {
        const tools = sent['tools'] as Array<{ input_schema: JsonObject }>;
        assert.equal(tools[0]?.input_schema['type'], 'object');
        const messages = sent['messages'] as Array<{ content: JsonObject[] }>;
        assert.equal(messages.at(-1)?.content[0]?.['tool_use_id'], 'toolu_w1');
      }
    });

    it('countTokens', async () => {
      const ai = client('v1beta');
      const counted = await ai.models.countTokens({ model, contents: 'count these words' });
      assert.ok((counted.totalTokens ?? 0) > 0);
    });

    it('an upstream 429 reaches the SDK as a 429 RESOURCE_EXHAUSTED', async () => {
      const ai = client('v1beta');
      upstream().enqueue({ status: 429, headers: { 'retry-after': '7' }, body: rateLimitBody(upstream()) });
      await assert.rejects(ai.models.generateContent({ model, contents: 'hi' }), (error: unknown) => {
        assert.ok(error instanceof ApiError);
        assert.equal(error.status, 429);
        assert.match(error.message, /RESOURCE_EXHAUSTED/);
        return true;
      });
    });
  });
}

function rateLimitBody(upstream: MockGeminiUpstream | MockOpenAIUpstream | MockAnthropicUpstream): JsonObject {
  if (upstream === gemini) return { error: { code: 429, message: 'Quota exceeded', status: 'RESOURCE_EXHAUSTED' } };
  if (upstream === openai)
    return { error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' } };
  return { type: 'error', error: { type: 'rate_limit_error', message: 'Rate limited' } };
}

describe('@google/genai embeddings', () => {
  it('embedContent and batchEmbedContents on Gemini, passed through', async () => {
    const ai = client('v1beta');
    const one = await ai.models.embedContent({ model: 'gemini-embedding-001', contents: 'hello' });
    assert.ok((one.embeddings?.[0]?.values?.length ?? 0) > 0);
    const many = await ai.models.embedContent({ model: 'gemini-embedding-001', contents: ['a', 'b'] });
    assert.equal(many.embeddings?.length, 2);
    assert.match(gemini.lastRequest.path, /gemini-embedding-001:batchEmbedContents$/);
  });

  it('on an OpenAI-format model, through OpenAI embeddings', async () => {
    const ai = client('v1beta');
    const many = await ai.models.embedContent({ model: 'openai/text-embedding-3-small', contents: ['a', 'b'] });
    assert.equal(many.embeddings?.length, 2);
    assert.ok((many.embeddings?.[0]?.values?.length ?? 0) > 0);
    assert.equal(openai.lastRequest.path, '/v1/embeddings');
    assert.deepEqual((openai.lastRequest.body as JsonObject)['input'], ['a', 'b']);
  });
});

describe('the gateway key on Gemini routes', () => {
  const body = JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }] });
  const url = () => `${gateway.url}/v1beta/models/gemini-2.5-flash:generateContent`;
  const post = (target: string, headers: Record<string, string>) =>
    fetch(target, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

  it('is read from x-goog-api-key, ?key= and Authorization: Bearer (with an empty x-goog-api-key)', async () => {
    assert.equal((await post(url(), { 'x-goog-api-key': masterKey })).status, 200);
    assert.equal((await post(`${url()}?key=${masterKey}`, {})).status, 200);
    assert.equal((await post(url(), { 'x-goog-api-key': '', authorization: `Bearer ${masterKey}` })).status, 200);
    for (const request of gemini.requests) {
      assert.equal(request.headers['x-goog-api-key'], geminiKey);
      assert.equal(request.headers.authorization, undefined);
      assert.equal(request.path.includes(masterKey), false);
    }
  });

  it('without one: 401 UNAUTHENTICATED in Google’s error shape', async () => {
    const response = await post(url(), {});
    assert.equal(response.status, 401);
    const answer = (await response.json()) as { error: JsonObject };
    assert.equal(answer.error['code'], 401);
    assert.equal(answer.error['status'], 'UNAUTHENTICATED');
    assert.equal(typeof answer.error['message'], 'string');
  });

  for (const model of ['openai/gpt-4o-mini', 'gemini-2.5-flash']) {
    it(`streamGenerateContent without alt=sse answers one JSON array (${model})`, async () => {
      const response = await post(`${gateway.url}/v1beta/models/${model}:streamGenerateContent`, {
        'x-goog-api-key': masterKey,
      });
      assert.equal(response.status, 200);
      assert.match(response.headers.get('content-type') ?? '', /application\/json/);
      const chunks = (await response.json()) as Array<{
        candidates: Array<{ content: { parts: Array<{ text?: string }> } }>;
      }>;
      const text = chunks
        .map((chunk) => chunk.candidates[0]?.content.parts.map((part) => part.text ?? '').join(''))
        .join('');
      assert.equal(text, 'You said: hi');
      assert.ok(chunks.length > 1, 'sent piece by piece');
    });
  }

  it('safetySettings off Gemini are named in x-llm-proxy-warnings', async () => {
    const response = await fetch(`${gateway.url}/v1beta/models/openai/gpt-4o-mini:generateContent`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-goog-api-key': masterKey },
      body: JSON.stringify({
        contents: [{ role: 'user', parts: [{ text: 'hi' }] }],
        safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }],
      }),
    });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('x-llm-proxy-warnings') ?? '', /safetySettings/);
  });

  it('GET /v1beta/models lists models in Google’s shape', async () => {
    const response = await fetch(`${gateway.url}/v1beta/models`, { headers: { 'x-goog-api-key': masterKey } });
    assert.equal(response.status, 200);
    const answer = (await response.json()) as { models: Array<{ name: string }> };
    assert.ok(answer.models.some((item) => item.name === 'models/gemini/gemini-2.5-flash'));
  });
});

describe('@google/genai model list', () => {
  for (const apiVersion of ['v1beta', 'v1']) {
    it(`models.list and models.get on /${apiVersion}`, async () => {
      const ai = client(apiVersion);
      const names: string[] = [];
      for await (const model of await ai.models.list()) names.push(model.name ?? '');
      assert.ok(names.includes('models/gemini/gemini-2.5-flash'), names.join(', '));
      const one = await ai.models.get({ model: 'openai/gpt-4o-mini' });
      assert.equal(one.name, 'models/openai/gpt-4o-mini');
    });
  }
});

describe('metering and the request log on Gemini routes', () => {
  /** The request-log line of the last Gemini call (written once the response has gone). */
  async function lastLogLine(): Promise<JsonObject> {
    for (let tries = 0; tries < 50; tries++) {
      const line = gateway.logs.findLast((text) => text.includes('"route":"/v1beta/models/*"'));
      if (line !== undefined) return JSON.parse(line) as JsonObject;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error('no request-log line');
  }

  for (const { label, model } of models) {
    it(`a stream to ${label} is logged with its usage, finish reason and provider`, async () => {
      gateway.logs.length = 0;
      const ai = client('v1beta');
      for await (const _chunk of await ai.models.generateContentStream({ model, contents: 'count me' })) {
        // drained
      }
      const line = await lastLogLine();
      assert.equal(line['status'], 200);
      assert.equal(line['model'], model);
      assert.equal(line['stream'], true);
      assert.equal(line['passthrough'], label.startsWith('Gemini') ? true : undefined);
      assert.ok((line['inputTokens'] as number) > 0, JSON.stringify(line));
      assert.ok((line['outputTokens'] as number) > 0, JSON.stringify(line));
      assert.equal(line['finishReason'], 'stop');
    });
  }
});

describe('routing on Gemini routes', () => {
  it('an alias falls back to its next model when the first upstream fails', async () => {
    const ai = client('v1beta');
    openai.enqueue({ status: 503, body: { error: { message: 'overloaded', type: 'server_error', code: null } } });
    const response = await ai.models.generateContent({ model: 'flaky', contents: 'hi' });
    assert.equal(response.text, 'You said: hi');
    assert.equal(openai.requests.length, 1);
    assert.equal(anthropic.requests.length, 1);
  });
});
