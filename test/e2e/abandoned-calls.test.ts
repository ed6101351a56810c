import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { adminCaller } from '../support/admin-caller.ts';
import { MockOpenAIUpstream } from '../support/mock-openai-upstream.ts';
import { sleep } from '../support/mock-upstream-server.ts';
import { startTestGateway, type TestGateway } from '../support/start-test-gateway.ts';
import { testKeys } from '../support/test-keys.ts';

const masterKey = 'mk-abandoned-master-key-3f9c2e71b0';
type Json = Record<string, unknown>;

const chunk = (text: string) =>
  `data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{"content":"${text}"},"finish_reason":null}]}\n\n`;

/**
 * #26 item 1: a call its caller abandons is settled at once — parallel slot, reservations and
 * admission slot released, a usage row and a log line with status 499 and the usage known so far —
 * with in-memory limits and with Redis limits.
 */
for (const limits of ['in-memory', 'Redis'] as const) {
  describe(`a call the caller abandons is settled at once (${limits} limits)`, () => {
    const upstream = new MockOpenAIUpstream(testKeys.openai);
    let gateway: TestGateway;

    const admin = adminCaller(() => gateway.url, masterKey);
    const call = (key: string, body: Json, signal?: AbortSignal) =>
      fetch(`${gateway.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({ model: 'openai/gpt-4o', messages: [{ role: 'user', content: 'hi' }], ...body }),
        ...(signal === undefined ? {} : { signal }),
      });
    const usageOf = async (id: string) => {
      const usage = await admin(`/admin/usage?key_id=${id}&group_by=key`);
      return (usage['data'] as Json[])[0];
    };
    const departedLines = (id: string) =>
      gateway.logs
        .map((line) => JSON.parse(line) as Json)
        .filter((line) => line['msg'] === 'request' && line['keyId'] === id && line['status'] === 499);

    before(async () => {
      await upstream.start();
      gateway = await startTestGateway({
        yaml: 'governance:\n  usage_flush_interval_ms: 50\nrouting:\n  retries: 0\n',
        env: {
          LLM_PROXY_MASTER_KEY: masterKey,
          OPENAI_API_KEY: testKeys.openai,
          OPENAI_BASE_URL: upstream.baseUrl,
          ...(limits === 'Redis' ? { REDIS_URL: 'redis://127.0.0.1:6379' } : {}),
        },
      });
    });
    after(async () => {
      await gateway.close();
      await upstream.close();
    });

    it('two streams dropped after their first chunk free the key’s parallel slots and are recorded as 499 with their output', async () => {
      const created = await admin('/admin/keys', { name: 'abandon-stream', max_parallel: 2, max_budget_usd: 10 });
      const key = String(created['key']);
      const id = String(created['id']);
      for (let index = 0; index < 2; index++) {
        upstream.enqueue({
          sse: Array.from({ length: 50 }, (_, position) => chunk(`word${position} `)),
          gapMs: 30,
          end: false,
        });
        const controller = new AbortController();
        const response = await call(key, { stream: true }, controller.signal);
        assert.equal(response.status, 200);
        const reader = response.body?.getReader();
        await reader?.read();
        await sleep(100);
        controller.abort();
      }
      await sleep(100);
      const next = await call(key, {});
      assert.equal(next.status, 200, `the key is free again: ${await next.text()}`);
      await sleep(400);
      const row = await usageOf(id);
      assert.equal(row?.['requests'], 3);
      assert.ok(Number(row?.['output_tokens']) > 2, `the streamed output is metered: ${JSON.stringify(row)}`);
      const lines = departedLines(id);
      assert.equal(lines.length, 2, 'one log line per abandoned stream, with status 499');
      for (const line of lines) {
        assert.ok(Number(line['outputTokens']) > 0, JSON.stringify(line));
        assert.ok(Number(line['inputTokens']) > 0, JSON.stringify(line));
      }
    });

    it('two non-streaming calls aborted while waiting upstream free the key at once and are recorded as 499', async () => {
      const created = await admin('/admin/keys', { name: 'abandon-wait', max_parallel: 2 });
      const key = String(created['key']);
      const id = String(created['id']);
      upstream.enqueue({ delayMs: 2000 }, { delayMs: 2000 });
      const requestsBefore = upstream.requests.length;
      const controllers = [new AbortController(), new AbortController()];
      const pending = controllers.map((controller) => call(key, {}, controller.signal).catch(() => undefined));
      while (upstream.requests.length < requestsBefore + 2) await sleep(10);
      for (const controller of controllers) controller.abort();
      await Promise.all(pending);
      await sleep(100);
      const next = await call(key, {});
      assert.equal(next.status, 200, `the key is free again: ${await next.text()}`);
      await sleep(400);
      const row = await usageOf(id);
      assert.equal(row?.['requests'], 3);
      assert.equal(departedLines(id).length, 2, 'one log line per abandoned call, with status 499');
    });
  });
}
