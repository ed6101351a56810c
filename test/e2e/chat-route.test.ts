import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { MockAnthropicUpstream } from '../support/mock-anthropic-upstream.ts';
import { MockOpenAIUpstream } from '../support/mock-openai-upstream.ts';
import { postJson, startTestGateway, type TestGateway } from '../support/start-test-gateway.ts';
import { findLeakedKey, testKeys } from '../support/test-keys.ts';

describe('POST /chat (the seed contract)', () => {
  let gateway: TestGateway;
  const openai = new MockOpenAIUpstream(testKeys.openai);
  const deepseek = new MockOpenAIUpstream(testKeys.deepseek);
  const anthropic = new MockAnthropicUpstream(testKeys.anthropic);

  before(async () => {
    await Promise.all([openai.start(), deepseek.start(), anthropic.start()]);
    gateway = await startTestGateway({
      env: {
        OPENAI_API_KEY: testKeys.openai,
        OPENAI_BASE_URL: openai.baseUrl,
        ANTHROPIC_API_KEY: testKeys.anthropic,
        ANTHROPIC_BASE_URL: anthropic.baseUrl,
        DEEPSEEK_API_KEY: testKeys.deepseek,
        DEEPSEEK_BASE_URL: deepseek.origin,
      },
    });
  });
  after(async () => {
    await gateway.close();
    await Promise.all([openai.close(), deepseek.close(), anthropic.close()]);
  });
  beforeEach(() => {
    openai.reset();
    deepseek.reset();
    anthropic.reset();
  });

  it('answers the mock provider offline, in the seed shape', async () => {
    const response = await postJson(`${gateway.url}/chat`, { provider: 'mock', model: 'echo', prompt: 'hi' });
    assert.equal(response.status, 200);
    assert.deepEqual(response.json, { provider: 'mock', model: 'echo', response: 'hi' });
  });

  it('reaches OpenAI with its key as Bearer, the model, and the prompt as one user message', async () => {
    const response = await postJson(`${gateway.url}/chat`, {
      provider: 'openai',
      model: 'gpt-4o',
      prompt: 'Tell me a joke',
    });
    assert.equal(response.status, 200);
    assert.deepEqual(response.json, {
      provider: 'openai',
      model: 'gpt-4o',
      response: 'You said: Tell me a joke',
    });
    const sent = openai.lastRequest;
    assert.equal(sent.path, '/v1/chat/completions');
    assert.equal(sent.headers.authorization, `Bearer ${testKeys.openai}`);
    assert.deepEqual(sent.body, { model: 'gpt-4o', messages: [{ role: 'user', content: 'Tell me a joke' }] });
  });

  it('reaches Anthropic with x-api-key, anthropic-version and a default max_tokens', async () => {
    const response = await postJson(`${gateway.url}/chat`, {
      provider: 'anthropic',
      model: 'claude-sonnet-5',
      prompt: 'Hello',
    });
    assert.equal(response.status, 200);
    assert.deepEqual(response.json, {
      provider: 'anthropic',
      model: 'claude-sonnet-5',
      response: 'You said: Hello',
    });
    const sent = anthropic.lastRequest;
    assert.equal(sent.path, '/v1/messages');
    assert.equal(sent.headers['x-api-key'], testKeys.anthropic);
    assert.equal(sent.headers['anthropic-version'], '2023-06-01');
    assert.equal(sent.headers.authorization, undefined);
    assert.deepEqual(sent.body, {
      model: 'claude-sonnet-5',
      max_tokens: 4096,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello' }] }],
    });
  });

  it('reaches DeepSeek through the OpenAI-compatible base', async () => {
    const response = await postJson(`${gateway.url}/chat`, {
      provider: 'deepseek',
      model: 'deepseek-chat',
      prompt: 'Hi there',
    });
    assert.equal(response.status, 200);
    assert.equal(response.json['response'], 'You said: Hi there');
    assert.equal(deepseek.lastRequest.path, '/chat/completions');
    assert.equal(deepseek.lastRequest.headers.authorization, `Bearer ${testKeys.deepseek}`);
  });

  it('takes provider names in any case and echoes them as given', async () => {
    const response = await postJson(`${gateway.url}/chat`, {
      provider: 'OpenAI',
      model: 'gpt-4o',
      prompt: 'x',
    });
    assert.equal(response.status, 200);
    assert.equal(response.json['provider'], 'OpenAI');
    const mock = await postJson(`${gateway.url}/chat`, { provider: 'MOCK', model: 'echo', prompt: 'y' });
    assert.equal(mock.json['response'], 'y');
  });

  it('echoes a caller request id and makes one otherwise', async () => {
    const given = await postJson(
      `${gateway.url}/chat`,
      { provider: 'mock', model: 'm', prompt: 'p' },
      { 'x-request-id': 'abc-123' },
    );
    assert.equal(given.headers.get('x-request-id'), 'abc-123');
    const made = await postJson(`${gateway.url}/chat`, { provider: 'mock', model: 'm', prompt: 'p' });
    assert.match(made.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
    const unsafe = await postJson(
      `${gateway.url}/chat`,
      { provider: 'mock', model: 'm', prompt: 'p' },
      { 'x-request-id': 'a b\tc' },
    );
    assert.notEqual(unsafe.headers.get('x-request-id'), 'a b\tc');
  });

  it('logs one line per request with id, provider, model, status and latency, and no prompt or key', async () => {
    const before = gateway.logs.length;
    await postJson(
      `${gateway.url}/chat`,
      { provider: 'openai', model: 'gpt-4o', prompt: 'secret prompt text' },
      { 'x-request-id': 'log-check-1' },
    );
    await new Promise((resolve) => setImmediate(resolve));
    const lines = gateway.logs.slice(before).map((line) => JSON.parse(line));
    const requestLines = lines.filter((line) => line.requestId === 'log-check-1');
    assert.equal(requestLines.length, 1);
    const [line] = requestLines;
    assert.equal(line.status, 200);
    assert.equal(line.provider, 'openai');
    assert.equal(line.model, 'gpt-4o');
    assert.equal(typeof line.latencyMs, 'number');
    const all = gateway.logs.join('\n');
    assert.equal(all.includes('secret prompt text'), false);
    assert.equal(findLeakedKey(all), undefined);
  });

  it('documents every route in /openapi.json and serves Swagger UI at /docs', async () => {
    const document = (await (await fetch(`${gateway.url}/openapi.json`)).json()) as {
      paths: Record<string, unknown>;
    };
    assert.ok(document.paths['/chat']);
    const docs = await fetch(`${gateway.url}/docs`, { redirect: 'follow' });
    assert.equal(docs.status, 200);
    assert.match(await docs.text(), /swagger/i);
  });
});
