import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { MockOpenAIUpstream } from '../support/mock-openai-upstream.ts';
import { type RawAnswer, rawPost, type SpawnedGateway, spawnGateway } from '../support/spawn-gateway.ts';
import { testKeys } from '../support/test-keys.ts';

const maxInFlight = 8;
const upstreamDelayMs = 1_500;
const chatBody = JSON.stringify({ model: 'openai/gpt-4o', messages: [{ role: 'user', content: 'hello' }] });

describe('overload: admission control in a gateway process', () => {
  const upstream = new MockOpenAIUpstream(testKeys.openai);
  let gateway: SpawnedGateway;

  before(async () => {
    await upstream.start();
    gateway = await spawnGateway({
      env: { OPENAI_API_KEY: testKeys.openai, OPENAI_BASE_URL: upstream.baseUrl },
      yaml: `server:\n  max_in_flight: ${maxInFlight}\n  queue_size: 4\n  queue_timeout_ms: 100\nrouting:\n  retries: 0\n`,
    });
  });

  after(async () => {
    await gateway.stop();
    await upstream.close();
  });

  /** Fills every slot with a slow call; resolves once they are all upstream, returns their answers. */
  async function fillSlots(): Promise<Promise<RawAnswer>[]> {
    for (let index = 0; index < maxInFlight; index++) upstream.enqueue({ delayMs: upstreamDelayMs });
    const seen = upstream.requests.length;
    const slow = Array.from({ length: maxInFlight }, () => rawPost(`${gateway.url}/v1/chat/completions`, chatBody));
    while (upstream.requests.length < seen + maxInFlight) await new Promise((resolve) => setTimeout(resolve, 10));
    return slow;
  }

  it('answers the excess of a burst at once with 503 and Retry-After, completes every admitted request, and stays live', async () => {
    // Warm up, then read the idle memory.
    for (let index = 0; index < 20; index++) await rawPost(`${gateway.url}/v1/chat/completions`, chatBody);
    const idleRss = gateway.rss();
    for (let index = 0; index < 40; index++) upstream.enqueue({ delayMs: upstreamDelayMs });
    const burst = Array.from({ length: 400 }, () => rawPost(`${gateway.url}/v1/chat/completions`, chatBody));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const started = performance.now();
    const live = await fetch(`${gateway.url}/health/live`);
    const liveMs = performance.now() - started;
    const answers = await Promise.all(burst);
    upstream.reset();
    assert.equal(live.status, 200);
    // The bound is loose: this process opens the 400 connections too, and the suite runs files in parallel.
    assert.ok(liveMs < upstreamDelayMs, `/health/live answered in ${liveMs.toFixed(0)} ms, while every slot was taken`);

    const admitted = answers.filter((answer) => answer.status === 200);
    const refused = answers.filter((answer) => answer.status === 503);
    assert.equal(admitted.length + refused.length, answers.length, 'every request got 200 or 503');
    assert.equal(
      admitted.length,
      maxInFlight,
      'exactly the bound was admitted (queued ones waited 100 ms, then gave up)',
    );
    for (const answer of admitted) assert.match(answer.body, /"chat\.completion"/);
    for (const answer of refused) {
      assert.equal(answer.headers['retry-after'], '1');
      const body = JSON.parse(answer.body) as { error: { type: string; code: string } };
      assert.deepEqual([body.error.type, body.error.code], ['server_error', 'overloaded']);
    }
    // Seen by the caller, 400 connections opened at once by this one process: a refusal never waits for a slot
    // (which frees only when an upstream answers, after upstreamDelayMs). Not a speed bound: a loaded machine
    // (the suite runs files in parallel) took 1.1 s to open and answer the 400.
    const slowest = Math.max(...refused.map((answer) => answer.elapsedMs));
    assert.ok(slowest < upstreamDelayMs, `the slowest refusal reached the caller in ${slowest.toFixed(0)} ms`);
    await new Promise((resolve) => setTimeout(resolve, 400));
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    const shed = (reason: string) =>
      Number(new RegExp(`llm_proxy_admission_shed_total\\{reason="${reason}"\\} (\\d+)`).exec(metrics)?.[1]);
    assert.equal(shed('full') + shed('queue_timeout'), refused.length);
    assert.ok(shed('full') > 300, 'most were refused at once');
    const overloadedErrors = Number(
      /llm_proxy_errors_total\{route="\/v1\/chat\/completions",code="overloaded"\} (\d+)/.exec(metrics)?.[1],
    );
    assert.equal(overloadedErrors, refused.length, 'every refusal is counted, early ones included');
    for (const answer of refused) assert.match(String(answer.headers['x-request-id']), /^[\w-]{36}$/);

    await new Promise((resolve) => setTimeout(resolve, 600));
    const afterRss = gateway.rss();
    assert.ok(
      afterRss < idleRss + 40 * 1024 * 1024,
      `memory back near idle: ${(idleRss / 2 ** 20).toFixed(0)} MB idle, ${(afterRss / 2 ** 20).toFixed(0)} MB after`,
    );
  });

  it('refuses in the caller’s API shape, before reading the body', async () => {
    const slow = await fillSlots();
    const anthropic = await rawPost(
      `${gateway.url}/v1/messages`,
      JSON.stringify({ model: 'anthropic/claude-sonnet-4-6', max_tokens: 10, messages: [] }),
      { 'anthropic-version': '2023-06-01' },
    );
    assert.equal(anthropic.status, 503);
    assert.equal((JSON.parse(anthropic.body) as { error: { type: string } }).error.type, 'overloaded_error');

    // Headers announcing 50 MB, and only the headers sent: the refusal does not wait for the body.
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(gateway.port, '127.0.0.1');
      let text = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => {
        text += chunk;
        if (text.includes('\r\n\r\n')) {
          socket.destroy();
          resolve(text);
        }
      });
      socket.on('error', reject);
      socket.setTimeout(10_000, () => {
        socket.destroy();
        reject(new Error('no answer'));
      });
      socket.write(
        'POST /v1/chat/completions HTTP/1.1\r\nHost: gateway\r\ncontent-type: application/json\r\ncontent-length: 52428800\r\n\r\n{"model":',
      );
    });
    assert.match(answer, /^HTTP\/1\.1 503 /);
    assert.match(answer, /retry-after: 1/i);
    for (const answer of await Promise.all(slow)) assert.equal(answer.status, 200);
  });

  it('refuses Gemini calls (a wildcard route, models/{model}:{method}) in Google’s shape, before reading the body', async () => {
    const slow = await fillSlots();
    // Headers announcing 50 MB, and only the headers sent: the refusal does not wait for the body.
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(gateway.port, '127.0.0.1');
      let text = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => {
        text += chunk;
        if (/\r\n\r\n[\s\S]*\}\}/.test(text)) {
          socket.destroy();
          resolve(text);
        }
      });
      socket.on('error', reject);
      socket.setTimeout(5_000, () => {
        socket.destroy();
        reject(new Error('no answer before the body was sent'));
      });
      socket.write(
        'POST /v1beta/models/openai/gpt-4o:generateContent HTTP/1.1\r\nHost: gateway\r\ncontent-type: application/json\r\ncontent-length: 52428800\r\n\r\n{"contents":',
      );
    });
    assert.match(answer, /^HTTP\/1\.1 503 /);
    assert.match(answer, /"status":"UNAVAILABLE"/);
    for (const answer of await Promise.all(slow)) assert.equal(answer.status, 200);
  });

  it('leaves model lists, health and metrics answerable while every slot is taken', async () => {
    const slow = await fillSlots();
    for (const path of ['/health/live', '/health/ready', '/metrics', '/v1/models'])
      assert.equal((await fetch(`${gateway.url}${path}`)).status, 200, path);
    for (const answer of await Promise.all(slow)) assert.equal(answer.status, 200);
  });
});
