import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { MockOpenAIUpstream } from '../support/mock-openai-upstream.ts';
import { sleep } from '../support/mock-upstream-server.ts';
import { postJson, startTestGateway, type TestGateway } from '../support/start-test-gateway.ts';
import { testKeys } from '../support/test-keys.ts';

const redisUrl = 'redis://127.0.0.1:6379';
const down = { status: 503, body: { error: { message: 'down', type: 'server_error' } } };

/** `flaky` is OpenAI (mock A), `steady` is DeepSeek (mock B): two targets of one group. */
function groupConfig(extra = ''): string {
  return `
routing:
  backoff_initial_ms: 5
  backoff_max_ms: 10
  cooldown_failures: 2
  cooldown_window_ms: 10000
  cooldown_ms: 500
models:
  pair:
    strategy: round-robin
    retries: 1
    targets:
      - { provider: openai, model: flaky }
      - { provider: deepseek, model: steady }
  solo:
    targets: [{ provider: openai, model: solo }]
    retries: 0
${extra}`;
}

describe('cool-down (circuit breaker) in one instance', () => {
  const flaky = new MockOpenAIUpstream(testKeys.openai);
  const steady = new MockOpenAIUpstream(testKeys.deepseek);
  let gateway: TestGateway;
  const ask = (model = 'pair') =>
    postJson(`${gateway.url}/v1/chat/completions`, { model, messages: [{ role: 'user', content: 'hi' }] });

  before(async () => {
    await Promise.all([flaky.start(), steady.start()]);
    gateway = await startTestGateway({
      yaml: groupConfig(),
      env: {
        OPENAI_API_KEY: testKeys.openai,
        OPENAI_BASE_URL: flaky.baseUrl,
        DEEPSEEK_API_KEY: testKeys.deepseek,
        DEEPSEEK_BASE_URL: steady.origin,
      },
    });
  });
  after(async () => {
    await gateway.close();
    await Promise.all([flaky.close(), steady.close()]);
  });

  it('skips a target after N failures, then probes it once after the cool-down and recovers', async () => {
    flaky.enqueue(down, down);
    // Two requests reach the flaky target (each then retries on the steady one and succeeds).
    for (let index = 0; index < 4; index++) assert.equal((await ask()).status, 200);
    assert.equal(flaky.requests.length, 2);
    // Cooling: everything goes to the steady target; the flaky one sees nothing.
    for (let index = 0; index < 6; index++) {
      const response = await ask();
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('x-llm-proxy-provider'), 'deepseek');
    }
    assert.equal(flaky.requests.length, 2);
    // After the cool-down one request probes the target; it is healthy again, so traffic returns.
    await sleep(550);
    for (let index = 0; index < 4; index++) assert.equal((await ask()).status, 200);
    assert.ok(flaky.requests.length >= 4, `the recovered target serves again (${flaky.requests.length} requests)`);
  });

  it('a 429 cools a target at once; with nothing else to try the caller gets a quick 503 with Retry-After', async () => {
    flaky.enqueue({
      status: 429,
      headers: { 'retry-after': '20' },
      body: { error: { message: 'slow down', type: 'requests' } },
    });
    const limited = await ask('solo');
    assert.equal(limited.status, 429);
    const started = performance.now();
    const cooling = await ask('solo');
    assert.equal(cooling.status, 503);
    assert.equal((cooling.json.error as { code: string }).code, 'upstream_cooling_down');
    assert.ok(Number(cooling.headers.get('retry-after')) >= 19);
    assert.ok(performance.now() - started < 200, 'answered at once, without calling the upstream');
    assert.equal(flaky.requests.filter((request) => (request.body as { model: string }).model === 'solo').length, 1);
  });
});

describe('cool-downs shared through Redis between two instances', () => {
  const upstream = new MockOpenAIUpstream(testKeys.openai);
  let first: TestGateway;
  let second: TestGateway;
  let redis: Redis;
  const model = `shared-${process.pid}-${Date.now()}`;

  before(async () => {
    await upstream.start();
    redis = new Redis(redisUrl);
    const env = { OPENAI_API_KEY: testKeys.openai, OPENAI_BASE_URL: upstream.baseUrl, REDIS_URL: redisUrl };
    const yaml = `routing:\n  cooldown_failures: 1\n  cooldown_ms: 600\nmodels:\n  shared:\n    targets: [{ provider: openai, model: ${model} }]\n    retries: 0\n`;
    first = await startTestGateway({ env, yaml });
    second = await startTestGateway({ env, yaml });
  });
  after(async () => {
    await Promise.all([first.close(), second.close()]);
    await redis.quit();
    await upstream.close();
  });

  it('a target tripped on one instance is skipped by the other within a second, and probed by only one after', async () => {
    upstream.enqueue(down);
    const ask = (gateway: TestGateway) =>
      postJson(`${gateway.url}/v1/chat/completions`, { model: 'shared', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal((await ask(first)).status, 502);
    await sleep(100);
    const skipped = await ask(second);
    assert.equal(skipped.status, 503, 'the second instance knows the target is cooling');
    assert.equal(upstream.requests.length, 1);
    assert.ok((await redis.pttl(`llm-proxy:cooldown:openai/${model}`)) > 0, 'the cool-down is stored in Redis');
    await sleep(650);
    const [a, b] = await Promise.all([ask(first), ask(second)]);
    assert.deepEqual([a.status, b.status].sort(), [200, 503], 'one instance probed, the other kept skipping');
    assert.equal(upstream.requests.length, 2);
  });
});
