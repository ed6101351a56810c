import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import { awayFromWindowEdge } from '../support/limit-window.ts';
import { MockOpenAIUpstream } from '../support/mock-openai-upstream.ts';
import { parsePrometheusText, type Sample, sampleSum } from '../support/prometheus-text.ts';
import { postJson, startTestGateway, type TestGateway } from '../support/start-test-gateway.ts';
import { findLeakedKey, testKeys } from '../support/test-keys.ts';

const masterKey = 'sk-master-metrics-test-0123456789';
const metricsToken = 'metrics-token-5d1e8a';
const chatRoute = '/v1/chat/completions';

const openai = new MockOpenAIUpstream(testKeys.openai);
let gateway: TestGateway;
let client: OpenAI;

async function scrape(): Promise<Sample[]> {
  const response = await fetch(`${gateway.url}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } });
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  const text = await response.text();
  assert.equal(findLeakedKey(text), undefined);
  assert.equal(text.includes(masterKey), false);
  return parsePrometheusText(text);
}

before(async () => {
  await openai.start();
  gateway = await startTestGateway({
    yaml: `
routing:
  backoff_initial_ms: 10
  backoff_max_ms: 20
  cooldown_failures: 1000
models:
  retrying:
    targets: [{ provider: openai, model: gpt-4o }]
    retries: 1
`,
    env: {
      OPENAI_API_KEY: testKeys.openai,
      OPENAI_BASE_URL: openai.baseUrl,
      LLM_PROXY_MASTER_KEY: masterKey,
      LLM_PROXY_METRICS_TOKEN: metricsToken,
    },
  });
  client = new OpenAI({ apiKey: masterKey, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
});

after(async () => {
  await gateway.close();
  await openai.close();
});

describe('GET /metrics', () => {
  it('asks for its token when one is set', async () => {
    assert.equal((await fetch(`${gateway.url}/metrics`)).status, 401);
    const wrong = await fetch(`${gateway.url}/metrics`, { headers: { authorization: 'Bearer nope' } });
    assert.equal(wrong.status, 401);
  });

  it('is Prometheus text with process metrics and every gateway family, prefixed llm_proxy_', async () => {
    const samples = await scrape();
    const names = new Set(samples.map((sample) => sample.name));
    for (const name of [
      'llm_proxy_process_cpu_user_seconds_total',
      'llm_proxy_nodejs_eventloop_lag_p99_seconds',
      'llm_proxy_in_flight_requests',
      'llm_proxy_usage_queue_depth',
      'llm_proxy_usage_rows_dropped',
    ])
      assert.ok(names.has(name), `${name} is exported`);
    assert.ok(samples.every((sample) => sample.name.startsWith('llm_proxy_')));
  });

  it('counts a request: by route, model, provider and status, with its duration and tokens', async () => {
    const before = await scrape();
    await client.chat.completions.create({ model: 'openai/gpt-4o', messages: [{ role: 'user', content: 'hi' }] });
    const after = await scrape();
    const series = { route: chatRoute, model: 'openai/gpt-4o', provider: 'openai', status: '200' };
    const delta = (name: string, labels: Record<string, string>) =>
      sampleSum(after, name, labels) - sampleSum(before, name, labels);
    assert.equal(delta('llm_proxy_requests_total', series), 1);
    assert.equal(delta('llm_proxy_request_duration_seconds_count', { route: chatRoute, model: 'openai/gpt-4o' }), 1);
    assert.ok(delta('llm_proxy_tokens_total', { provider: 'openai', model: 'gpt-4o', type: 'input' }) > 0);
    assert.ok(delta('llm_proxy_tokens_total', { provider: 'openai', model: 'gpt-4o', type: 'output' }) > 0);
    assert.ok(delta('llm_proxy_cost_usd_total', { provider: 'openai', model: 'gpt-4o' }) > 0);
    assert.equal(delta('llm_proxy_upstream_attempts_total', { provider: 'openai', outcome: 'ok' }), 1);
    assert.equal(delta('llm_proxy_upstream_duration_seconds_count', { provider: 'openai', model: 'gpt-4o' }), 1);
    assert.equal(sampleSum(after, 'llm_proxy_in_flight_requests'), 0);
  });

  it('times a stream to its first token', async () => {
    const before = await scrape();
    const stream = await client.chat.completions.create({
      model: 'openai/gpt-4o',
      stream: true,
      messages: [{ role: 'user', content: 'hello there' }],
    });
    for await (const _chunk of stream) {
      // drained
    }
    const after = await scrape();
    const labels = { route: chatRoute, model: 'openai/gpt-4o' };
    assert.equal(
      sampleSum(after, 'llm_proxy_time_to_first_token_seconds_count', labels) -
        sampleSum(before, 'llm_proxy_time_to_first_token_seconds_count', labels),
      1,
    );
  });

  it('counts a caller that leaves mid-stream as 499, and leaves nothing in flight', async () => {
    const before = await scrape();
    const chunk = (content: string) =>
      `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o', choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\n\n`;
    // The upstream keeps the stream open; the caller reads one event and goes away.
    openai.enqueue({ sse: [chunk('Hel'), chunk('lo')], gapMs: 5, end: false });
    const controller = new AbortController();
    const response = await fetch(`${gateway.url}${chatRoute}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${masterKey}` },
      body: JSON.stringify({ model: 'openai/gpt-4o', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
      signal: controller.signal,
    });
    const reader = response.body?.getReader();
    assert.ok(reader);
    await reader.read();
    controller.abort();
    const abandoned = { route: chatRoute, model: 'openai/gpt-4o', status: '499' };
    let after = await scrape();
    for (
      let tries = 0;
      tries < 50 &&
      sampleSum(after, 'llm_proxy_requests_total', abandoned) ===
        sampleSum(before, 'llm_proxy_requests_total', abandoned);
      tries++
    ) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      after = await scrape();
    }
    assert.equal(
      sampleSum(after, 'llm_proxy_requests_total', abandoned) -
        sampleSum(before, 'llm_proxy_requests_total', abandoned),
      1,
    );
    assert.equal(sampleSum(after, 'llm_proxy_in_flight_requests'), 0);
  });

  it('counts a retry and the failed attempt behind it', async () => {
    const before = await scrape();
    openai.enqueue({ status: 503, body: { error: { message: 'overloaded', type: 'server_error', code: null } } });
    await client.chat.completions.create({ model: 'retrying', messages: [{ role: 'user', content: 'hi' }] });
    const after = await scrape();
    const delta = (name: string, labels: Record<string, string>) =>
      sampleSum(after, name, labels) - sampleSum(before, name, labels);
    assert.equal(delta('llm_proxy_retries_total', { model: 'retrying' }), 1);
    assert.equal(delta('llm_proxy_upstream_attempts_total', { provider: 'openai', outcome: 'upstream_error' }), 1);
    assert.equal(delta('llm_proxy_requests_total', { model: 'retrying', status: '200' }), 1);
  });

  it('counts a rate-limit rejection by its error code', async () => {
    const created = await postJson(
      `${gateway.url}/admin/keys`,
      { name: 'one-a-minute', rpm_limit: 1 },
      { authorization: `Bearer ${masterKey}` },
    );
    const key = String(created.json['key']);
    await awayFromWindowEdge();
    const before = await scrape();
    const body = { model: 'openai/gpt-4o', messages: [{ role: 'user', content: 'hi' }] };
    assert.equal((await postJson(`${gateway.url}${chatRoute}`, body, { authorization: `Bearer ${key}` })).status, 200);
    assert.equal((await postJson(`${gateway.url}${chatRoute}`, body, { authorization: `Bearer ${key}` })).status, 429);
    const after = await scrape();
    const delta = (name: string, labels: Record<string, string>) =>
      sampleSum(after, name, labels) - sampleSum(before, name, labels);
    assert.equal(delta('llm_proxy_errors_total', { route: chatRoute, code: 'rate_limited' }), 1);
    assert.equal(delta('llm_proxy_requests_total', { route: chatRoute, status: '429' }), 1);
    const text = await (
      await fetch(`${gateway.url}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } })
    ).text();
    assert.equal(text.includes(key), false, 'no key in any label');
  });

  it('counts a budget rejection by its error code', async () => {
    const created = await postJson(
      `${gateway.url}/admin/keys`,
      { name: 'tiny-budget', max_budget_usd: 0.000001 },
      { authorization: `Bearer ${masterKey}` },
    );
    const key = String(created.json['key']);
    const before = await scrape();
    const body = { model: 'openai/gpt-4o', messages: [{ role: 'user', content: 'spend it all' }] };
    const statuses: number[] = [];
    for (let index = 0; index < 3; index++)
      statuses.push((await postJson(`${gateway.url}${chatRoute}`, body, { authorization: `Bearer ${key}` })).status);
    const refused = statuses.filter((status) => status === 402).length;
    assert.ok(refused >= 1, `the budget ran out (${statuses.join(', ')})`);
    const after = await scrape();
    const delta = (name: string, labels: Record<string, string>) =>
      sampleSum(after, name, labels) - sampleSum(before, name, labels);
    assert.equal(delta('llm_proxy_errors_total', { route: chatRoute, code: 'budget_exceeded' }), refused);
    assert.equal(delta('llm_proxy_requests_total', { route: chatRoute, status: '402' }), refused);
  });
});
