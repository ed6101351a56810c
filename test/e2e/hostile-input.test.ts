import assert from 'node:assert/strict';
import { monitorEventLoopDelay } from 'node:perf_hooks';
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

  it('provider_not_configured was a 500 any caller could cause: a 404, like a model not found, in every shape', async () => {
    for (const [path, { shape, body }] of Object.entries(routes)) {
      const named = path === '/chat' ? { ...body, provider: 'deepseek' } : { ...body, model: 'deepseek/deepseek-chat' };
      if (path === '/v1/embeddings') named.model = 'ollama/nomic-embed-text';
      const response = await postJson(`${gateway.url}${path}`, named);
      assert.equal(response.status, 404, `${path}: ${response.text}`);
      if (shape === 'anthropic') assert.equal((response.json.error as { type: string }).type, 'not_found_error');
      else assert.equal((response.json.error as { code: string }).code, 'provider_not_configured');
    }
  });

  it('a non-Latin-1 unknown field name in x-llm-proxy-warnings gave a 500, or a stream that hung: the name is percent-encoded', async () => {
    const cases = [
      { path: '/v1/messages', body: { ...routes['/v1/messages'].body, model: 'openai/gpt-4o' } },
      {
        path: '/v1/chat/completions',
        body: { ...routes['/v1/chat/completions'].body, model: 'anthropic/claude-sonnet-4-6' },
      },
    ];
    for (const { path, body } of cases) {
      for (const stream of [false, true]) {
        const response = await fetch(`${gateway.url}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ ...body, stream, ключ: 1, '\u0007bell': 2 }),
          signal: AbortSignal.timeout(10_000),
        });
        const text = await response.text();
        assert.equal(response.status, 200, `${path} stream=${stream}: ${text}`);
        const warnings = response.headers.get('x-llm-proxy-warnings') ?? '';
        assert.match(warnings, new RegExp(encodeURI('ключ')), `${path} stream=${stream}: ${warnings}`);
        assert.match(warnings, /%07bell/);
        if (stream) assert.match(text, /\[DONE\]|message_stop/);
      }
    }
  });

  it('a huge model name was echoed into a 30 KB x-llm-proxy-model header (HeadersOverflowError): a 400 naming model on every route', async () => {
    openai.reset();
    anthropic.reset();
    for (const model of ['é'.repeat(5_000), 'x'.repeat(100_000), `openai/${'g'.repeat(300)}`]) {
      for (const [path, { shape, body }] of Object.entries(routes)) {
        const response = await postJson(`${gateway.url}${path}`, { ...body, model });
        assertBadRequest(response, shape, /\bmodel\b.*256/);
        if (shape !== 'anthropic') assert.equal((response.json.error as { param: string }).param, 'model');
      }
    }
    assert.equal(openai.requests.length + anthropic.requests.length, 0, 'nothing reached an upstream');
  });

  it('a body starting with a byte-order mark was forwarded with it: the mark is dropped once, at parse', async () => {
    openai.reset();
    anthropic.reset();
    const completions = await postJson(
      `${gateway.url}/v1/chat/completions`,
      `\ufeff${JSON.stringify(routes['/v1/chat/completions'].body)}`,
    );
    assert.equal(completions.status, 200, completions.text);
    const messages = await postJson(
      `${gateway.url}/v1/messages`,
      `\ufeff${JSON.stringify(routes['/v1/messages'].body)}`,
    );
    assert.equal(messages.status, 200, messages.text);
    const forwarded = [...openai.requests, ...anthropic.requests].map((request) => request.rawBody);
    assert.equal(forwarded.length, 2);
    for (const rawBody of forwarded) assert.notEqual(rawBody.charCodeAt(0), 0xfeff, rawBody.slice(0, 40));
  });

  it('count_tokens froze the gateway for 9 s on 100,000 characters without a space: answered without blocking the event loop', async () => {
    // The tokenizer's tables load on first use: loaded before the clock starts.
    const warm = await postJson(`${gateway.url}/v1/messages/count_tokens`, {
      ...routes['/v1/messages/count_tokens'].body,
      model: 'openai/gpt-4o',
    });
    assert.equal(warm.status, 200, warm.text);
    // The gateway runs in this process: its event loop is the test's, and a freeze shows as a delay.
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    const counted = await postJson(`${gateway.url}/v1/messages/count_tokens`, {
      model: 'openai/gpt-4o',
      system: 'x'.repeat(100_000),
      messages: [{ role: 'user', content: 'hi' }],
    });
    loopDelay.disable();
    const longestBlockMs = loopDelay.max / 1e6;
    assert.equal(counted.status, 200, counted.text);
    const tokens = counted.json['input_tokens'] as number;
    assert.ok(tokens > 100_000 / 256 && tokens <= 100_000, `${tokens} tokens`);
    // A freeze, not a performance bound: the quadratic count held the event loop for about 9 s.
    assert.ok(longestBlockMs < 2_000, `the event loop was blocked for ${Math.round(longestBlockMs)} ms`);
  });
});
