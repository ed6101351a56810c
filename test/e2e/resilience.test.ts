import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { MockAnthropicUpstream } from '../support/mock-anthropic-upstream.ts';
import { MockOpenAIUpstream } from '../support/mock-openai-upstream.ts';
import { sleep } from '../support/mock-upstream-server.ts';
import { startTestGateway, type TestGateway } from '../support/start-test-gateway.ts';
import { testKeys } from '../support/test-keys.ts';

const config = `
routing:
  backoff_initial_ms: 20
  backoff_max_ms: 100
  retry_after_max_ms: 3000
  cooldown_failures: 1000
  cooldown_ms: 400
models:
  with-fallback:
    targets: [{ provider: openai, model: gpt-4o }]
    retries: 1
    fallbacks: [backup]
  backup: anthropic/claude-sonnet-4-6
  small-context:
    targets: [{ provider: openai, model: gpt-4o-mini }]
    retries: 0
    context_window_fallbacks: [large-context]
  large-context: anthropic/claude-opus-4-7
  slow-first-byte:
    targets: [{ provider: openai, model: gpt-4o, first_byte_timeout_ms: 300 }]
    retries: 0
  slow-total:
    targets: [{ provider: openai, model: gpt-4o, timeout_ms: 400 }]
    retries: 0
  slow-idle:
    targets: [{ provider: openai, model: gpt-4o, stream_idle_timeout_ms: 300 }]
    retries: 0
  with-params:
    targets: [{ provider: openai, model: gpt-4o, params: { service_tier: flex, seed: 7 } }]
`;

const openai = new MockOpenAIUpstream(testKeys.openai);
const anthropic = new MockAnthropicUpstream(testKeys.anthropic);
let gateway: TestGateway;
let client: OpenAI;

const down = {
  status: 503,
  body: { error: { message: 'The server is overloaded', type: 'server_error', code: null } },
};

before(async () => {
  await Promise.all([openai.start(), anthropic.start()]);
  gateway = await startTestGateway({
    yaml: config,
    env: {
      OPENAI_API_KEY: testKeys.openai,
      OPENAI_BASE_URL: openai.baseUrl,
      ANTHROPIC_API_KEY: testKeys.anthropic,
      ANTHROPIC_BASE_URL: anthropic.baseUrl,
    },
  });
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'caller', maxRetries: 0 });
});
after(async () => {
  await gateway.close();
  await Promise.all([openai.close(), anthropic.close()]);
});
beforeEach(() => {
  openai.reset();
  anthropic.reset();
  gateway.gateway.health.reset();
});

const ask = (model: string, content = 'hi') =>
  client.chat.completions.create({ model, messages: [{ role: 'user', content }] }).withResponse();

describe('retries', () => {
  it('retries a 503 and succeeds: x-llm-proxy-attempts is 3 after two 503s', async () => {
    openai.enqueue(down, down);
    const { data, response } = await ask('openai/gpt-4o');
    assert.equal(data.choices[0]?.message.content, 'You said: hi');
    assert.equal(response.headers.get('x-llm-proxy-attempts'), '3');
    assert.equal(openai.requests.length, 3);
    assert.equal(response.headers.get('x-llm-proxy-provider'), 'openai');
    assert.equal(response.headers.get('x-llm-proxy-model'), 'gpt-4o');
    assert.match(response.headers.get('x-llm-proxy-overhead-ms') ?? '', /^\d+\.\d{2}$/);
  });

  it('retries connection resets, 429 and 529 too', async () => {
    openai.enqueue({ reset: true }, { status: 429, body: { error: { message: 'slow', type: 'requests' } } });
    const { response } = await ask('openai/gpt-4o');
    assert.equal(response.headers.get('x-llm-proxy-attempts'), '3');
    gateway.gateway.health.reset();
    anthropic.enqueue({
      status: 529,
      body: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } },
    });
    const second = await ask('anthropic/claude-sonnet-4-6');
    assert.equal(second.response.headers.get('x-llm-proxy-attempts'), '2');
  });

  it('honours Retry-After and retry-after-ms', async () => {
    openai.enqueue({ status: 429, headers: { 'retry-after': '1' }, body: { error: { message: 'slow down' } } });
    let started = performance.now();
    await ask('openai/gpt-4o');
    assert.ok(performance.now() - started >= 950, 'waited for Retry-After: 1');
    gateway.gateway.health.reset();
    openai.enqueue({ status: 503, headers: { 'retry-after-ms': '400' }, body: { error: { message: 'busy' } } });
    started = performance.now();
    await ask('openai/gpt-4o');
    assert.ok(performance.now() - started >= 380, 'waited for retry-after-ms: 400');
  });

  it('does not retry a 400', async () => {
    openai.enqueue({
      status: 400,
      body: { error: { message: 'Invalid value for temperature', type: 'invalid_request_error' } },
    });
    await assert.rejects(ask('openai/gpt-4o'), (error: unknown) => error instanceof OpenAI.BadRequestError);
    assert.equal(openai.requests.length, 1);
  });

  it('gives up after the retries and reports the last failure', async () => {
    openai.enqueue(down, down, down, down);
    await assert.rejects(
      ask('openai/gpt-4o'),
      (error: unknown) => error instanceof OpenAI.InternalServerError && error.status === 502,
    );
    assert.equal(openai.requests.length, 3);
  });

  it('merges a target’s extra params into the upstream body', async () => {
    await ask('with-params');
    const sent = openai.lastRequest.body as Record<string, unknown>;
    assert.equal(sent['service_tier'], 'flex');
    assert.equal(sent['seed'], 7);
  });
});

describe('fallbacks', () => {
  it('falls back to another provider, translated, when a group’s attempts are spent', async () => {
    openai.enqueue(down, down);
    const { data, response } = await ask('with-fallback', 'fall back please');
    assert.equal(data.choices[0]?.message.content, 'You said: fall back please');
    assert.equal(response.headers.get('x-llm-proxy-provider'), 'anthropic');
    assert.equal(response.headers.get('x-llm-proxy-attempts'), '3');
    assert.equal(openai.requests.length, 2);
    assert.equal(anthropic.requests.length, 1);
    assert.equal((anthropic.lastRequest.body as { model: string }).model, 'claude-sonnet-4-6');
  });

  it('falls back for an Anthropic caller too (the OpenAI group translated, the backup passed through)', async () => {
    openai.enqueue(down, down);
    const anthropicClient = new Anthropic({ baseURL: gateway.url, apiKey: 'caller', maxRetries: 0 });
    const message = await anthropicClient.messages.create({
      model: 'with-fallback',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'either way' }],
    });
    assert.deepEqual(message.content, [{ type: 'text', text: 'You said: either way' }]);
  });

  it('jumps to the context-window fallback when the input is too long', async () => {
    openai.enqueue({
      status: 400,
      body: {
        error: {
          message: "This model's maximum context length is 128000 tokens.",
          type: 'invalid_request_error',
          code: 'context_length_exceeded',
        },
      },
    });
    const { data, response } = await ask('small-context', 'a very long prompt');
    assert.equal(data.choices[0]?.message.content, 'You said: a very long prompt');
    assert.equal(response.headers.get('x-llm-proxy-model'), 'claude-opus-4-7');
    assert.equal(openai.requests.length, 1, 'a context-window error is not retried on the same model');
  });

  it('a stream that fails before its first byte falls back; the caller sees one clean stream', async () => {
    openai.enqueue(
      { status: 503, body: { error: { message: 'busy' } } },
      {
        sse: [
          'data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}\n\n',
          'data: {"error":{"message":"overloaded","type":"server_error"}}\n\n',
        ],
      },
    );
    const stream = await client.chat.completions.create({
      model: 'with-fallback',
      stream: true,
      messages: [{ role: 'user', content: 'stream it' }],
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    assert.equal(text, 'You said: stream it');
    assert.equal(openai.requests.length, 2);
    assert.equal(anthropic.requests.length, 1);
  });

  it('a passthrough Anthropic stream with an overload right after message_start is retried, unseen', async () => {
    anthropic.enqueue({
      sse: [
        'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"m","content":[],"usage":{"input_tokens":1,"output_tokens":1}}}\n\n',
        'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n',
      ],
    });
    const anthropicClient = new Anthropic({ baseURL: gateway.url, apiKey: 'caller', maxRetries: 0 });
    const stream = anthropicClient.messages.stream({
      model: 'anthropic/claude-sonnet-4-6',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'again' }],
    });
    assert.equal(await stream.finalText(), 'You said: again');
    assert.equal(anthropic.requests.length, 2);
  });

  it('after the first byte, a failure is an in-stream error the SDK raises', async () => {
    openai.enqueue({
      sse: [
        'data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{"role":"assistant","content":"Half an ans"},"finish_reason":null}]}\n\n',
      ],
      reset: true,
    });
    const stream = await client.chat.completions.create({
      model: 'with-fallback',
      stream: true,
      messages: [{ role: 'user', content: 'x' }],
    });
    let text = '';
    await assert.rejects(async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    }, /broke off/);
    assert.equal(text, 'Half an ans');
    assert.equal(anthropic.requests.length, 0, 'no fallback once the caller has seen bytes');
  });
});

describe('timeouts', () => {
  it('first byte: an upstream silent past first_byte_timeout_ms is a 504', async () => {
    openai.enqueue({ delayMs: 1500 });
    const started = performance.now();
    await assert.rejects(
      ask('slow-first-byte'),
      (error: unknown) => error instanceof OpenAI.APIError && error.status === 504,
    );
    assert.ok(performance.now() - started < 1200);
  });

  it('first byte of a stream: headers in time but no event in time is a 504 too', async () => {
    openai.enqueue({ sse: [': keep-alive\n\n', ''], gapMs: 1500 });
    await assert.rejects(
      client.chat.completions.create({
        model: 'slow-first-byte',
        stream: true,
        messages: [{ role: 'user', content: 'x' }],
      }),
      (error: unknown) => error instanceof OpenAI.APIError && error.status === 504,
    );
  });

  it('total: a body still dripping past timeout_ms is a 504', async () => {
    openai.enqueue({ sse: ['{"id":', '"x",', '"choices":', '[]}'], gapMs: 300 });
    const started = performance.now();
    await assert.rejects(
      ask('slow-total'),
      (error: unknown) => error instanceof OpenAI.APIError && error.status === 504,
    );
    assert.ok(performance.now() - started < 900);
  });

  it('idle: a stream silent past stream_idle_timeout_ms ends with an in-stream timeout error', async () => {
    openai.enqueue({
      sse: [
        'data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{"role":"assistant","content":"Hi"},"finish_reason":null}]}\n\n',
        'data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{"content":" late"},"finish_reason":null}]}\n\n',
      ],
      gapMs: 1000,
    });
    const stream = await client.chat.completions.create({
      model: 'slow-idle',
      stream: true,
      messages: [{ role: 'user', content: 'x' }],
    });
    await assert.rejects(async () => {
      for await (const _chunk of stream) {
        // drain
      }
    }, /did not answer in time/);
  });
});

describe('cancellation', () => {
  it('a caller that disconnects before the answer aborts the upstream call within 100 ms', async () => {
    openai.enqueue({ delayMs: 3000 });
    const controller = new AbortController();
    const request = fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'openai/gpt-4o', messages: [{ role: 'user', content: 'cancel me' }] }),
      signal: controller.signal,
    }).catch(() => undefined);
    await waitFor(() => openai.requests.length >= 1);
    controller.abort();
    const abortedAt = performance.now();
    await waitFor(() => openai.aborted.length >= 1, 1000);
    assert.ok(
      performance.now() - abortedAt < 100,
      `the upstream saw the abort after ${Math.round(performance.now() - abortedAt)} ms`,
    );
    await request;
  });

  it('a caller that disconnects mid-stream aborts the upstream stream within 100 ms', async () => {
    const chunk = (text: string) =>
      `data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{"content":"${text}"},"finish_reason":null}]}\n\n`;
    openai.enqueue({ sse: Array.from({ length: 200 }, (_, index) => chunk(`w${index} `)), gapMs: 20 });
    const controller = new AbortController();
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'openai/gpt-4o', stream: true, messages: [{ role: 'user', content: 'x' }] }),
      signal: controller.signal,
    });
    const reader = response.body?.getReader();
    await reader?.read();
    controller.abort();
    const abortedAt = performance.now();
    await waitFor(() => openai.aborted.length >= 1, 1000);
    assert.ok(
      performance.now() - abortedAt < 100,
      `the upstream saw the abort after ${Math.round(performance.now() - abortedAt)} ms`,
    );
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const started = performance.now();
  while (!condition()) {
    if (performance.now() - started > timeoutMs) throw new Error('condition not met in time');
    await sleep(2);
  }
}
