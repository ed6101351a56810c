import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { MockAnthropicUpstream } from '../support/mock-anthropic-upstream.ts';
import { MockGeminiUpstream } from '../support/mock-gemini-upstream.ts';
import { MockOpenAIUpstream } from '../support/mock-openai-upstream.ts';
import { postJson, startTestGateway, type TestGateway } from '../support/start-test-gateway.ts';
import { testKeys } from '../support/test-keys.ts';

type Json = Record<string, unknown>;

const masterKey = 'mk-test-master-key-cache-3b5d7f9a';
const geminiKey = 'gemini-test-key-cache-6c1e';

describe('exact response cache (memory)', () => {
  const openaiUpstream = new MockOpenAIUpstream(testKeys.openai);
  const anthropicUpstream = new MockAnthropicUpstream(testKeys.anthropic);
  const geminiUpstream = new MockGeminiUpstream(geminiKey);
  let gateway: TestGateway;
  let alice: string;
  let bob: string;

  const upstreamCalls = () =>
    openaiUpstream.requests.length + anthropicUpstream.requests.length + geminiUpstream.requests.length;
  const post = (path: string, body: Json, headers: Record<string, string> = {}, key = alice) =>
    postJson(`${gateway.url}${path}`, body, { authorization: `Bearer ${key}`, ...headers });
  const unique = () => `Say something about ${randomUUID()}`;
  const createKey = async (name: string) => {
    const response = await post('/admin/keys', { name }, {}, masterKey);
    assert.equal(response.status, 201, response.text);
    return String(response.json['key']);
  };

  before(async () => {
    await Promise.all([openaiUpstream.start(), anthropicUpstream.start(), geminiUpstream.start()]);
    gateway = await startTestGateway({
      yaml: 'routing:\n  retries: 0\ncache:\n  mode: memory\n',
      env: {
        LLM_PROXY_MASTER_KEY: masterKey,
        OPENAI_API_KEY: testKeys.openai,
        OPENAI_BASE_URL: openaiUpstream.baseUrl,
        ANTHROPIC_API_KEY: testKeys.anthropic,
        ANTHROPIC_BASE_URL: anthropicUpstream.baseUrl,
        GEMINI_API_KEY: geminiKey,
        GEMINI_BASE_URL: geminiUpstream.baseUrl,
      },
    });
    alice = await createKey('alice');
    bob = await createKey('bob');
  });
  after(async () => {
    await gateway.close();
    await Promise.all([openaiUpstream.close(), anthropicUpstream.close(), geminiUpstream.close()]);
  });

  for (const model of ['gemini/gemini-2.5-flash', 'openai/gpt-4o']) {
    it(`Gemini generateContent → ${model}: the second identical request is a HIT, streamed or not`, async () => {
      const body = { contents: [{ role: 'user', parts: [{ text: unique() }] }] };
      const before = upstreamCalls();
      const first = await post(`/v1beta/models/${model}:generateContent`, body);
      assert.equal(first.status, 200, first.text);
      assert.equal(first.headers.get('x-llm-proxy-cache'), 'MISS');
      await new Promise((resolve) => setTimeout(resolve, 20));
      const second = await post(`/v1beta/models/${model}:generateContent`, body);
      assert.equal(second.status, 200, second.text);
      assert.equal(second.headers.get('x-llm-proxy-cache'), 'HIT');
      assert.deepEqual(partsOf(second.json), partsOf(first.json));
      const streamed = await post(`/v1beta/models/${model}:streamGenerateContent?alt=sse`, body);
      assert.equal(streamed.status, 200, streamed.text);
      assert.equal(streamed.headers.get('x-llm-proxy-cache'), 'HIT');
      assert.match(streamed.text, /^data: \{/);
      assert.equal(upstreamCalls() - before, 1);
    });
  }

  const surfaces: { name: string; path: string; body: (text: string) => Json }[] = [
    {
      name: 'OpenAI chat → OpenAI (passthrough)',
      path: '/v1/chat/completions',
      body: (text) => ({ model: 'openai/gpt-4o', messages: [{ role: 'user', content: text }] }),
    },
    {
      name: 'OpenAI chat → Anthropic (translated)',
      path: '/v1/chat/completions',
      body: (text) => ({ model: 'anthropic/claude-sonnet-4-6', messages: [{ role: 'user', content: text }] }),
    },
    {
      name: 'Anthropic messages → Anthropic (passthrough)',
      path: '/v1/messages',
      body: (text) => ({
        model: 'anthropic/claude-sonnet-4-6',
        max_tokens: 64,
        messages: [{ role: 'user', content: text }],
      }),
    },
    {
      name: 'Anthropic messages → OpenAI (translated)',
      path: '/v1/messages',
      body: (text) => ({ model: 'openai/gpt-4o', max_tokens: 64, messages: [{ role: 'user', content: text }] }),
    },
    {
      name: 'Responses → Anthropic (translated)',
      path: '/v1/responses',
      body: (text) => ({ model: 'anthropic/claude-sonnet-4-6', input: text, store: false }),
    },
  ];

  for (const surface of surfaces) {
    it(`${surface.name}: the second identical request is a HIT, the upstream called once`, async () => {
      const body = surface.body(unique());
      const before = upstreamCalls();
      const first = await post(surface.path, body);
      assert.equal(first.status, 200, first.text);
      assert.equal(first.headers.get('x-llm-proxy-cache'), 'MISS');
      await new Promise((resolve) => setImmediate(resolve));
      const second = await post(surface.path, { ...body, user: 'someone-else', metadata: { user_id: 'x' } });
      assert.equal(second.status, 200, second.text);
      assert.equal(second.headers.get('x-llm-proxy-cache'), 'HIT');
      assert.match(second.headers.get('age') ?? '', /^\d+$/);
      assert.equal(second.headers.get('x-llm-proxy-cost-usd'), (0).toFixed(8), 'a hit is free');
      assert.equal(upstreamCalls() - before, 1);
      assert.deepEqual(contentOf(second.json), contentOf(first.json));
    });
  }

  it('a hit is recorded in its usage row with the cache flag, free and without tokens', async () => {
    const body = { model: 'openai/gpt-4o', messages: [{ role: 'user', content: unique() }] };
    const miss = await post('/v1/chat/completions', body);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const hit = await post('/v1/chat/completions', body);
    assert.equal(hit.headers.get('x-llm-proxy-cache'), 'HIT');
    const rowOf = async (requestId: string | null): Promise<Json | undefined> => {
      for (let tries = 0; tries < 100; tries += 1) {
        const logs = await fetch(`${gateway.url}/admin/logs?limit=100`, {
          headers: { authorization: `Bearer ${masterKey}` },
        });
        const rows = ((await logs.json()) as { data: Json[] }).data;
        const found = rows.find((row) => row['request_id'] === requestId);
        if (found !== undefined) return found;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return undefined;
    };
    const missRow = await rowOf(miss.headers.get('x-request-id'));
    const hitRow = await rowOf(hit.headers.get('x-request-id'));
    assert.equal(missRow?.['cache_hit'], false);
    assert.equal(hitRow?.['cache_hit'], true);
    assert.equal(hitRow?.['input_tokens'], 0);
    assert.equal(hitRow?.['cost_usd'], 0);
  });

  it('a hit stored from a non-streamed answer is replayed as an OpenAI stream the official SDK reads', async () => {
    const text = unique();
    const body = { model: 'openai/gpt-4o', messages: [{ role: 'user' as const, content: text }] };
    const first = await post('/v1/chat/completions', body);
    await new Promise((resolve) => setImmediate(resolve));
    const before = upstreamCalls();
    const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: alice, maxRetries: 0 });
    const { data: stream, response } = await client.chat.completions
      .create({ ...body, stream: true, stream_options: { include_usage: true } })
      .withResponse();
    assert.equal(response.headers.get('x-llm-proxy-cache'), 'HIT');
    let streamed = '';
    let finish: string | null | undefined;
    let usage: unknown;
    for await (const chunk of stream) {
      streamed += chunk.choices[0]?.delta.content ?? '';
      finish ??= chunk.choices[0]?.finish_reason;
      if (chunk.usage) usage = chunk.usage;
    }
    assert.equal(streamed, contentOf(first.json));
    assert.equal(finish, 'stop');
    assert.ok(usage !== undefined, 'usage chunk replayed');
    assert.equal(upstreamCalls(), before);
  });

  it('a hit stored from a stream is replayed as an Anthropic stream the official SDK reads, and as JSON', async () => {
    const client = new Anthropic({ baseURL: gateway.url, apiKey: alice, maxRetries: 0 });
    const body = {
      model: 'anthropic/claude-sonnet-4-6',
      max_tokens: 64,
      messages: [{ role: 'user' as const, content: unique() }],
    };
    const first = await client.messages.stream(body).finalMessage();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const before = upstreamCalls();
    const { data: stream, response } = await client.messages.create({ ...body, stream: true }).withResponse();
    assert.equal(response.headers.get('x-llm-proxy-cache'), 'HIT');
    const kinds: string[] = [];
    let text = '';
    for await (const event of stream) {
      kinds.push(event.type);
      if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
    }
    assert.deepEqual(
      [kinds[0], kinds.at(-2), kinds.at(-1)],
      ['message_start', 'message_delta', 'message_stop'],
      kinds.join(' '),
    );
    assert.equal(text, first.content[0]?.type === 'text' ? first.content[0].text : '');
    const json = await client.messages.create(body);
    assert.deepEqual(json.content, first.content);
    assert.equal(upstreamCalls(), before);
  });

  it('an OpenAI passthrough stream is stored once complete, and replayed as JSON', async () => {
    const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: alice, maxRetries: 0 });
    const body = { model: 'openai/gpt-4o', messages: [{ role: 'user' as const, content: unique() }] };
    let streamed = '';
    for await (const chunk of await client.chat.completions.create({ ...body, stream: true }))
      streamed += chunk.choices[0]?.delta.content ?? '';
    await new Promise((resolve) => setTimeout(resolve, 20));
    const before = upstreamCalls();
    const { data: completion, response } = await client.chat.completions.create(body).withResponse();
    assert.equal(response.headers.get('x-llm-proxy-cache'), 'HIT');
    assert.equal(completion.choices[0]?.message.content, streamed);
    assert.equal(upstreamCalls(), before);
  });

  it('a stream the upstream cut is not stored', async () => {
    const body = { model: 'openai/gpt-4o', messages: [{ role: 'user', content: unique() }], stream: true };
    const chunk = (content: string) =>
      `data: ${JSON.stringify({
        id: 'chatcmpl-cut',
        object: 'chat.completion.chunk',
        created: 1,
        model: 'gpt-4o',
        choices: [{ index: 0, delta: { content }, finish_reason: null }],
      })}\n\n`;
    openaiUpstream.enqueue({ sse: [chunk('Half'), chunk(' an answer')], gapMs: 30, end: false, reset: true });
    const cut = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${alice}` },
      body: JSON.stringify(body),
    });
    const cutText = await cut.text();
    assert.equal(cut.headers.get('x-llm-proxy-cache'), 'MISS', `${cut.status} ${cutText}`);
    assert.match(cutText, /error/);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const again = await post('/v1/chat/completions', { ...body, stream: false });
    assert.equal(again.headers.get('x-llm-proxy-cache'), 'MISS');
  });

  it('Responses streamed from a hit: the SDK reads the full event grammar', async () => {
    const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: alice, maxRetries: 0 });
    const body = { model: 'anthropic/claude-sonnet-4-6', input: unique(), store: false };
    const first = await client.responses.create(body);
    await new Promise((resolve) => setImmediate(resolve));
    const before = upstreamCalls();
    const stream = await client.responses.create({ ...body, stream: true });
    let completed: OpenAI.Responses.Response | undefined;
    let text = '';
    for await (const event of stream) {
      if (event.type === 'response.output_text.delta') text += event.delta;
      if (event.type === 'response.completed') completed = event.response;
    }
    assert.equal(text, first.output_text);
    assert.equal(completed?.status, 'completed');
    assert.equal(upstreamCalls(), before);
  });

  it('/chat and /v1/embeddings hit too', async () => {
    const chatBody = { provider: 'openai', model: 'gpt-4o', prompt: unique() };
    const before = upstreamCalls();
    const first = await post('/chat', chatBody);
    const second = await post('/chat', chatBody);
    assert.equal(second.headers.get('x-llm-proxy-cache'), 'HIT');
    assert.equal(second.json['response'], first.json['response']);
    const embedBody = { model: 'openai/text-embedding-3-small', input: unique() };
    const firstEmbedding = await post('/v1/embeddings', embedBody);
    assert.equal(firstEmbedding.status, 200, firstEmbedding.text);
    const secondEmbedding = await post('/v1/embeddings', embedBody);
    assert.equal(secondEmbedding.headers.get('x-llm-proxy-cache'), 'HIT');
    assert.deepEqual(secondEmbedding.json, firstEmbedding.json);
    assert.equal(upstreamCalls() - before, 2);
  });

  it('a parameter that differs misses', async () => {
    const body = { model: 'openai/gpt-4o', messages: [{ role: 'user', content: unique() }], temperature: 0.2 };
    await post('/v1/chat/completions', body);
    const other = await post('/v1/chat/completions', { ...body, temperature: 0.3 });
    assert.equal(other.headers.get('x-llm-proxy-cache'), 'MISS');
    const tools = await post('/v1/chat/completions', {
      ...body,
      tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }],
    });
    assert.equal(tools.headers.get('x-llm-proxy-cache'), 'MISS');
  });

  it('Cache-Control: no-cache skips the lookup and stores; no-store neither; max-age bounds the age', async () => {
    const body = { model: 'openai/gpt-4o', messages: [{ role: 'user', content: unique() }] };
    const noStore = await post('/v1/chat/completions', body, { 'cache-control': 'no-store' });
    assert.equal(noStore.headers.get('x-llm-proxy-cache'), 'BYPASS');
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal((await post('/v1/chat/completions', body)).headers.get('x-llm-proxy-cache'), 'MISS', 'not stored');
    await new Promise((resolve) => setImmediate(resolve));
    const before = upstreamCalls();
    const noCache = await post('/v1/chat/completions', body, { 'cache-control': 'no-cache' });
    assert.equal(noCache.headers.get('x-llm-proxy-cache'), 'MISS');
    assert.equal(upstreamCalls() - before, 1, 'no-cache went upstream');
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const young = await post('/v1/chat/completions', body, { 'cache-control': 'max-age=0' });
    assert.equal(young.headers.get('x-llm-proxy-cache'), 'MISS', 'the entry is older than 0 s');
    await new Promise((resolve) => setImmediate(resolve));
    const fresh = await post('/v1/chat/completions', body, { 'cache-control': 'max-age=60' });
    assert.equal(fresh.headers.get('x-llm-proxy-cache'), 'HIT');
  });

  it('scope key: another key does not see the entry', async () => {
    const body = { model: 'openai/gpt-4o', messages: [{ role: 'user', content: unique() }] };
    await post('/v1/chat/completions', body, {}, alice);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal((await post('/v1/chat/completions', body, {}, bob)).headers.get('x-llm-proxy-cache'), 'MISS');
    assert.equal((await post('/v1/chat/completions', body, {}, alice)).headers.get('x-llm-proxy-cache'), 'HIT');
  });

  it('counts hits and misses in /metrics; DELETE /admin/cache empties it', async () => {
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    assert.match(metrics, /llm_proxy_cache_lookups_total\{result="hit"\} [1-9]/);
    assert.match(metrics, /llm_proxy_cache_lookups_total\{result="miss"\} [1-9]/);
    assert.match(metrics, /llm_proxy_cache_bytes [1-9]/);
    const body = { model: 'openai/gpt-4o', messages: [{ role: 'user', content: unique() }] };
    await post('/v1/chat/completions', body);
    const refused = await fetch(`${gateway.url}/admin/cache`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${alice}` },
    });
    assert.equal(refused.status, 403);
    const cleared = await fetch(`${gateway.url}/admin/cache`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${masterKey}` },
    });
    assert.equal(cleared.status, 200);
    assert.ok(Number(((await cleared.json()) as Json)['deleted']) > 0);
    assert.equal((await post('/v1/chat/completions', body)).headers.get('x-llm-proxy-cache'), 'MISS');
  });
});

/** The answer's text in any of the surfaces' shapes. */
/** A Gemini answer's first candidate's parts. */
function partsOf(json: Json): unknown {
  const candidates = json['candidates'] as { content: { parts: unknown } }[] | undefined;
  return candidates?.[0]?.content.parts;
}

function contentOf(json: Json): unknown {
  const choices = json['choices'] as { message: { content: unknown } }[] | undefined;
  if (choices !== undefined) return choices[0]?.message.content;
  if (json['type'] === 'message') return json['content'];
  if (json['object'] === 'response') return (json['output'] as Json[]).map((item) => item['content']);
  return json;
}
