import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { MockOpenAIUpstream } from '../support/mock-openai-upstream.ts';
import { postJson, startTestGateway, type TestGateway } from '../support/start-test-gateway.ts';
import { testKeys } from '../support/test-keys.ts';

describe('exact response cache (redis): shared by every instance', () => {
  const upstream = new MockOpenAIUpstream(testKeys.openai);
  let first: TestGateway;
  let second: TestGateway;

  before(async () => {
    await upstream.start();
    const options = {
      yaml: 'routing:\n  retries: 0\ncache:\n  mode: redis\n  scope: global\n',
      env: {
        REDIS_URL: 'redis://127.0.0.1:6379',
        OPENAI_API_KEY: testKeys.openai,
        OPENAI_BASE_URL: upstream.baseUrl,
      },
    };
    first = await startTestGateway(options);
    second = await startTestGateway(options);
  });
  after(async () => {
    await Promise.all([first.close(), second.close()]);
    await upstream.close();
  });

  it('an answer stored by one instance is a HIT on the other, streamed or not', async () => {
    const body = { model: 'openai/gpt-4o', messages: [{ role: 'user', content: `Hello ${randomUUID()}` }] };
    const stored = await postJson(`${first.url}/v1/chat/completions`, body);
    assert.equal(stored.headers.get('x-llm-proxy-cache'), 'MISS');
    let hit = await postJson(`${second.url}/v1/chat/completions`, body);
    for (let wait = 0; hit.headers.get('x-llm-proxy-cache') !== 'HIT' && wait < 20; wait += 1) {
      // The store is written after the answer has gone: give it a moment.
      await new Promise((resolve) => setTimeout(resolve, 25));
      hit = await postJson(`${second.url}/v1/chat/completions`, body);
    }
    assert.equal(hit.headers.get('x-llm-proxy-cache'), 'HIT');
    assert.deepEqual(hit.json['choices'], stored.json['choices']);
    const streamed = await fetch(`${second.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...body, stream: true }),
    });
    assert.equal(streamed.headers.get('x-llm-proxy-cache'), 'HIT');
    const text = await streamed.text();
    assert.match(text, /data: \[DONE\]/);
    const upstreamCalls = upstream.requests.filter((request) =>
      request.rawBody.includes(String(body.messages[0]?.content)),
    );
    assert.equal(upstreamCalls.length, 1);
  });
});
