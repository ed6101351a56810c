import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MockAnthropicUpstream } from '../support/mock-anthropic-upstream.ts';
import { MockOpenAIUpstream } from '../support/mock-openai-upstream.ts';
import { type JsonResponse, postJson, startTestGateway, type TestGateway } from '../support/start-test-gateway.ts';
import { testKeys } from '../support/test-keys.ts';

/** Each proxy route, a valid body for it, and how its errors are shaped. */
const routes = {
  '/chat': { shape: 'simple', body: { provider: 'openai', model: 'gpt-4o', prompt: 'hi' } },
  '/v1/chat/completions': {
    shape: 'openai',
    body: { model: 'openai/gpt-4o', messages: [{ role: 'user', content: 'hi' }] },
  },
  '/v1/embeddings': { shape: 'openai', body: { model: 'openai/text-embedding-3-small', input: 'hi' } },
  '/v1/messages': {
    shape: 'anthropic',
    body: { model: 'anthropic/claude-sonnet-4-5', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] },
  },
  '/v1/messages/count_tokens': {
    shape: 'anthropic',
    body: { model: 'anthropic/claude-sonnet-4-5', messages: [{ role: 'user', content: 'hi' }] },
  },
} as const;

/** A 400 in the route's own error shape, whose message matches. */
function assertBadRequest(response: JsonResponse, shape: string, message: RegExp): void {
  assert.equal(response.status, 400, response.text);
  assert.match(response.headers.get('content-type') ?? '', /application\/json/);
  const error = response.json.error as { message: string; type?: string; code?: string };
  assert.match(error.message, message);
  if (shape === 'anthropic') assert.equal(response.json['type'], 'error');
  if (shape === 'simple') assert.equal(response.json['detail'], error.message);
  if (shape === 'openai') assert.equal(error.type, 'invalid_request_error');
}

/** `{"a":[{"a":[…]}]}` `depth` levels deep, as text (JSON.stringify would overflow building it). */
function deepJson(depth: number, leaf = '1'): string {
  return '[{"a":'.repeat(depth / 2) + leaf + '}]'.repeat(depth / 2);
}

describe('hostile input on the proxy routes', () => {
  const openai = new MockOpenAIUpstream(testKeys.openai);
  const anthropic = new MockAnthropicUpstream(testKeys.anthropic);
  let gateway: TestGateway;

  before(async () => {
    await Promise.all([openai.start(), anthropic.start()]);
    gateway = await startTestGateway({
      env: {
        OPENAI_API_KEY: testKeys.openai,
        OPENAI_BASE_URL: openai.baseUrl,
        ANTHROPIC_API_KEY: testKeys.anthropic,
        ANTHROPIC_BASE_URL: anthropic.baseUrl,
      },
    });
  });
  after(async () => {
    await gateway.close();
    await Promise.all([openai.close(), anthropic.close()]);
  });

  it('10,000-deep JSON gave a 500 (JSON.stringify overflowed): a 400 in the route shape on every route', async () => {
    openai.reset();
    anthropic.reset();
    for (const [path, { shape, body }] of Object.entries(routes)) {
      for (const field of ['input', 'messages', 'extra']) {
        const text = JSON.stringify(body).replace(/^\{/, `{"${field}":${deepJson(10_000)},`);
        assertBadRequest(await postJson(`${gateway.url}${path}`, text), shape, /nested deeper than 128/);
      }
    }
    assert.equal(openai.requests.length + anthropic.requests.length, 0, 'nothing reached an upstream');
  });

  it('JSON nested up to the limit is accepted, brackets inside strings do not count', async () => {
    const { body } = routes['/v1/chat/completions'];
    const atLimit = JSON.stringify(body).replace(/^\{/, `{"metadata_deep":${deepJson(126)},`);
    assert.equal((await postJson(`${gateway.url}/v1/chat/completions`, atLimit)).status, 200);
    const bracketsInText = { ...body, messages: [{ role: 'user', content: '[{'.repeat(5_000) }] };
    assert.equal((await postJson(`${gateway.url}/v1/chat/completions`, bracketsInText)).status, 200);
    const escapedQuotes = {
      ...body,
      messages: [{ role: 'user', content: `\\"[{${'\\"'.repeat(300)}${'['.repeat(300)}` }],
    };
    assert.equal((await postJson(`${gateway.url}/v1/chat/completions`, escapedQuotes)).status, 200);
  });

  it("a lone surrogate in /chat's model gave a 500 (URIError): a 400 naming the field", async () => {
    const response = await postJson(`${gateway.url}/chat`, '{"provider":"openai","model":"gpt\\ud800","prompt":"hi"}');
    assertBadRequest(response, 'simple', /model/);
    assert.equal((response.json.error as { param: string }).param, 'model');
  });

  it('NUL or a lone surrogate in a recorded field reached the store: a 400 naming the field on every route', async () => {
    openai.reset();
    anthropic.reset();
    for (const [path, { shape, body }] of Object.entries(routes)) {
      for (const bad of ['\\u0000', '\\udc00', '\\ud83d']) {
        const text = JSON.stringify(body).replace(/"model":"/, `"model":"x${bad}`);
        const response = await postJson(`${gateway.url}${path}`, text);
        assertBadRequest(response, shape, /\bmodel\b.*(NUL|surrogate)/);
      }
    }
    const provider = await postJson(
      `${gateway.url}/chat`,
      '{"provider":"open\\u0000ai","model":"gpt-4o","prompt":"hi"}',
    );
    assertBadRequest(provider, 'simple', /\bprovider\b/);
    assert.equal(openai.requests.length + anthropic.requests.length, 0, 'nothing reached an upstream');
    // A paired surrogate (an emoji) is well-formed text: it passes the door (and is then an unknown model).
    const emoji = await postJson(`${gateway.url}/v1/chat/completions`, {
      ...routes['/v1/chat/completions'].body,
      model: 'openai/gpt-4o-😀',
    });
    assert.equal(emoji.status, 200, emoji.text);
  });

  it('a local provider with nothing configured is not configured (it used to call 127.0.0.1:11434)', async () => {
    for (const model of ['ollama/llama3', 'vllm/qwen3', 'lmstudio/qwen3']) {
      const response = await postJson(`${gateway.url}/v1/chat/completions`, {
        model,
        messages: [{ role: 'user', content: 'hi' }],
      });
      assert.equal((response.json.error as { code: string }).code, 'provider_not_configured', response.text);
      assert.match(response.text, /_BASE_URL/);
    }
  });
});
