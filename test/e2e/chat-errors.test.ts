import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { MockAnthropicUpstream } from '../support/mock-anthropic-upstream.ts';
import { MockOpenAIUpstream } from '../support/mock-openai-upstream.ts';
import { type JsonResponse, postJson, startTestGateway, type TestGateway } from '../support/start-test-gateway.ts';
import { findLeakedKey, testKeys } from '../support/test-keys.ts';

/** Every error answer is JSON in the seed shape, with a stable code and no key in it. */
function assertError(response: JsonResponse, status: number, code: string): string {
  assert.equal(response.status, status, response.text);
  assert.match(response.headers.get('content-type') ?? '', /application\/json/);
  const error = response.json.error as { code: string; message: string };
  assert.equal(error.code, code);
  assert.equal(response.json['detail'], error.message);
  assert.equal(findLeakedKey(response.text), undefined, 'the provider key leaked into the response');
  assert.doesNotMatch(response.text, /\bat .+\.ts:\d+/, 'a stack trace leaked into the response');
  return error.message;
}

describe('/chat error mapping', () => {
  let gateway: TestGateway;
  const openai = new MockOpenAIUpstream(testKeys.openai);
  const anthropic = new MockAnthropicUpstream(testKeys.anthropic);
  const chat = (body: unknown) => postJson(`${gateway.url}/chat`, body);
  const toOpenAI = { provider: 'openai', model: 'gpt-4o', prompt: 'hi' };

  before(async () => {
    await Promise.all([openai.start(), anthropic.start()]);
    gateway = await startTestGateway({
      // Retries are tested in resilience.test.ts; here one scripted failure must reach the caller as is.
      yaml: 'routing:\n  retries: 0\n',
      env: {
        OPENAI_API_KEY: testKeys.openai,
        OPENAI_BASE_URL: openai.baseUrl,
        ANTHROPIC_API_KEY: testKeys.anthropic,
        ANTHROPIC_BASE_URL: anthropic.baseUrl,
        LLM_PROXY_UPSTREAM_TIMEOUT_MS: '400',
      },
    });
  });
  after(async () => {
    await gateway.close();
    await Promise.all([openai.close(), anthropic.close()]);
    assert.equal(findLeakedKey(gateway.logs.join('\n')), undefined, 'a provider key leaked into the logs');
  });
  beforeEach(() => {
    gateway.gateway.health.reset();
    openai.reset();
    anthropic.reset();
  });

  it('malformed JSON → 400', async () => {
    const message = assertError(await chat('{"provider": "mock", '), 400, 'invalid_request');
    assert.match(message, /not valid JSON/);
  });

  it('an empty body, a prototype-poisoning key (plain or \\u-escaped) → 400; a byte-order mark is accepted', async () => {
    assertError(await chat(''), 400, 'invalid_request');
    for (const poisoned of [
      '{"provider":"openai","model":"gpt-4o","prompt":"hi","__proto__":{"admin":true}}',
      '{"provider":"openai","model":"gpt-4o","prompt":"hi","\\u005f_proto__":{"admin":true}}',
      '{"provider":"openai","model":"gpt-4o","prompt":"hi","constructor":{"prototype":{"admin":true}}}',
    ]) {
      const message = assertError(await chat(poisoned), 400, 'invalid_request');
      assert.match(message, /not valid JSON/);
    }
    // The words themselves inside strings are fine: only keys are refused.
    const innocent = await chat({ ...toOpenAI, prompt: 'what do "__proto__" and constructor do? caf\u00e9' });
    assert.equal(innocent.status, 200, innocent.text);
    const withBom = await chat(`\ufeff${JSON.stringify(toOpenAI)}`);
    assert.equal(withBom.status, 200, withBom.text);
  });

  it('a body that fails validation → 400 naming every bad field', async () => {
    const response = await chat({ provider: 'mock', prompt: 42 });
    const message = assertError(response, 400, 'invalid_request');
    assert.match(message, /body\.model is required/);
    assert.match(message, /body\.prompt must be string/);
    assert.equal((response.json.error as { param: string }).param, 'model');
  });

  it('a body that is not JSON at all → 415', async () => {
    const response = await fetch(`${gateway.url}/chat`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'hi',
    });
    assert.equal(response.status, 415);
    assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'unsupported_media_type');
  });

  it('an unknown provider → 400 listing the available providers', async () => {
    const message = assertError(await chat({ provider: 'nope', model: 'x', prompt: 'hi' }), 400, 'unknown_provider');
    assert.match(message, /nope/);
    assert.match(
      message,
      /anthropic, azure, bedrock, cerebras, deepinfra, deepseek, fireworks, gemini, groq, lmstudio, mistral, mock, ollama, openai, openai-compatible, openrouter, perplexity, together, vllm, xai/,
    );
  });

  it('a provider without its key → 404 naming the env var to set', async () => {
    const message = assertError(
      await chat({ provider: 'deepseek', model: 'deepseek-chat', prompt: 'hi' }),
      404,
      'provider_not_configured',
    );
    assert.match(message, /DEEPSEEK_API_KEY/);
  });

  it('upstream 401 → 502: our credentials are wrong, not the caller’s (and the echoed key is not passed on)', async () => {
    openai.enqueue({
      status: 401,
      body: {
        error: {
          message: `Incorrect API key provided: ${testKeys.openai}`,
          type: 'invalid_request_error',
          code: 'invalid_api_key',
        },
      },
    });
    const message = assertError(await chat(toOpenAI), 502, 'upstream_auth_failed');
    assert.match(message, /credentials/);
  });

  it('upstream 403 → 502', async () => {
    anthropic.enqueue({
      status: 403,
      body: { type: 'error', error: { type: 'permission_error', message: 'no access' } },
    });
    assertError(await chat({ provider: 'anthropic', model: 'claude-x', prompt: 'hi' }), 502, 'upstream_auth_failed');
  });

  it('upstream 400 → 400 with the upstream’s message, scrubbed of the key', async () => {
    openai.enqueue({
      status: 400,
      body: {
        error: {
          message: `Invalid value for 'temperature' (key ${testKeys.openai})`,
          type: 'invalid_request_error',
          code: 'invalid_value',
        },
      },
    });
    const message = assertError(await chat(toOpenAI), 400, 'upstream_invalid_request');
    assert.match(message, /Invalid value for 'temperature'/);
    assert.match(message, /\[redacted\]/);
  });

  it('an upstream context-length 400 → 400 typed context_window_exceeded, message kept', async () => {
    openai.enqueue({
      status: 400,
      body: {
        error: {
          message: "This model's maximum context length is 8192 tokens.",
          type: 'invalid_request_error',
          code: 'context_length_exceeded',
        },
      },
    });
    const message = assertError(await chat(toOpenAI), 400, 'context_window_exceeded');
    assert.match(message, /maximum context length is 8192 tokens/);
    anthropic.enqueue({
      status: 400,
      body: {
        type: 'error',
        error: { type: 'invalid_request_error', message: 'prompt is too long: 215304 tokens > 200000 maximum' },
      },
    });
    assertError(await chat({ provider: 'anthropic', model: 'claude-x', prompt: 'hi' }), 400, 'context_window_exceeded');
  });

  it('upstream 400 from Anthropic keeps Anthropic’s message', async () => {
    const response = await chat({ provider: 'anthropic', model: 'claude-x', prompt: '' });
    const message = assertError(response, 400, 'upstream_invalid_request');
    assert.match(message, /non-empty|at least one message/);
  });

  it('upstream 429 → 429 passing Retry-After', async () => {
    openai.enqueue({
      status: 429,
      headers: { 'retry-after': '17' },
      body: { error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' } },
    });
    const response = await chat(toOpenAI);
    assertError(response, 429, 'upstream_rate_limited');
    assert.equal(response.headers.get('retry-after'), '17');
  });

  for (const status of [500, 503, 529]) {
    it(`upstream ${status} → 502`, async () => {
      openai.enqueue({
        status,
        body: { error: { message: 'The server had an error', type: 'server_error', code: null } },
      });
      assertError(await chat(toOpenAI), 502, 'upstream_error');
    });
  }

  it('an unparseable upstream body → 502', async () => {
    openai.enqueue({ status: 200, body: '<html>gateway hiccup</html>' });
    const message = assertError(await chat(toOpenAI), 502, 'upstream_error');
    assert.match(message, /could not read/);
  });

  it('a 200 body of the wrong shape → 502 saying what was wrong', async () => {
    openai.enqueue({ status: 200, body: { choices: 'nope' } });
    const message = assertError(await chat(toOpenAI), 502, 'upstream_error');
    assert.match(message, /choices/);
  });

  it('an upstream slower than the timeout → 504', async () => {
    openai.enqueue({ delayMs: 1500 });
    const started = performance.now();
    assertError(await chat(toOpenAI), 504, 'upstream_timeout');
    assert.ok(performance.now() - started < 1400, 'the timeout did not cut the call short');
  });

  it('an upstream that resets the connection → 502', async () => {
    openai.enqueue({ reset: true });
    assertError(await chat(toOpenAI), 502, 'upstream_unreachable');
  });

  it('an unknown route → 404 in JSON', async () => {
    const response = await postJson(`${gateway.url}/nope`, {});
    assertError(response, 404, 'route_not_found');
  });
});

describe('/chat with an unreachable upstream', () => {
  it('connection refused → 502', async () => {
    const gateway = await startTestGateway({
      env: { OPENAI_API_KEY: testKeys.openai, OPENAI_BASE_URL: 'http://127.0.0.1:1/v1' },
    });
    try {
      assertError(
        await postJson(`${gateway.url}/chat`, { provider: 'openai', model: 'gpt-4o', prompt: 'hi' }),
        502,
        'upstream_unreachable',
      );
    } finally {
      await gateway.close();
    }
  });
});
