import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MockOpenAIUpstream } from '../support/mock-openai-upstream.ts';
import { postJson, startTestGateway, type TestGateway } from '../support/start-test-gateway.ts';
import { testKeys } from '../support/test-keys.ts';

const masterKey = 'sk-master-cors-test-0123456789';
const app = 'https://app.example.com';

/** A browser's preflight for a POST with the headers the OpenAI and Anthropic SDKs send. */
function preflight(url: string, origin: string): Promise<Response> {
  return fetch(url, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers':
        'authorization, content-type, x-stainless-os, x-stainless-retry-count, anthropic-version, anthropic-beta, anthropic-dangerous-direct-browser-access, openai-organization, x-api-key, cookie-monster',
    },
  });
}

describe('CORS: OPTIONS was a 404, so browser apps could not call the gateway with a key', () => {
  const openai = new MockOpenAIUpstream(testKeys.openai);
  let gateway: TestGateway;
  let closed: TestGateway;

  before(async () => {
    await openai.start();
    const env = { OPENAI_API_KEY: testKeys.openai, OPENAI_BASE_URL: openai.baseUrl, LLM_PROXY_MASTER_KEY: masterKey };
    gateway = await startTestGateway({
      env,
      yaml: `server:\n  cors:\n    origins: ['${app}', 'http://localhost:5173']\n`,
    });
    closed = await startTestGateway({ env });
  });
  after(async () => {
    await Promise.all([gateway.close(), closed.close()]);
    await openai.close();
  });

  it('answers an allowed origin’s preflight with the methods and the SDK headers, never credentials', async () => {
    const response = await preflight(`${gateway.url}/v1/chat/completions`, app);
    assert.equal(response.status, 204);
    assert.equal(response.headers.get('access-control-allow-origin'), app);
    assert.match(response.headers.get('access-control-allow-methods') ?? '', /POST/);
    const allowed = (response.headers.get('access-control-allow-headers') ?? '').split(', ');
    for (const name of ['authorization', 'content-type', 'x-stainless-os', 'anthropic-version', 'x-api-key'])
      assert.ok(allowed.includes(name), `${name} is allowed`);
    assert.equal(allowed.includes('cookie-monster'), false, 'headers no SDK sends are not');
    assert.equal(response.headers.get('access-control-allow-credentials'), null);
    assert.ok(Number(response.headers.get('access-control-max-age')) > 0);
  });

  it('gives an allowed origin the answer and the gateway headers, errors included', async () => {
    const call = await postJson(
      `${gateway.url}/v1/chat/completions`,
      { model: 'openai/gpt-4o', messages: [{ role: 'user', content: 'hi' }] },
      { origin: app, authorization: `Bearer ${masterKey}` },
    );
    assert.equal(call.status, 200, call.text);
    assert.equal(call.headers.get('access-control-allow-origin'), app);
    const exposed = call.headers.get('access-control-expose-headers') ?? '';
    for (const name of [
      'x-llm-proxy-cost-usd',
      'x-llm-proxy-provider',
      'x-ratelimit-remaining-requests',
      'retry-after',
      'x-llm-proxy-cache',
      'age',
    ])
      assert.match(exposed, new RegExp(name));
    assert.equal(call.headers.get('access-control-allow-credentials'), null);
    const refused = await postJson(`${gateway.url}/v1/chat/completions`, {}, { origin: app });
    assert.equal(refused.status, 401);
    assert.equal(refused.headers.get('access-control-allow-origin'), app, 'a browser app can read why');
  });

  it('gives any other origin nothing to go on', async () => {
    const response = await preflight(`${gateway.url}/v1/chat/completions`, 'https://evil.example');
    assert.equal(response.headers.get('access-control-allow-origin'), null);
    assert.equal(response.headers.get('access-control-allow-headers'), null);
    const call = await postJson(`${gateway.url}/v1/models`, {}, { origin: 'https://evil.example' });
    assert.equal(call.headers.get('access-control-allow-origin'), null);
  });

  it('is off by default: no origin is allowed, OPTIONS stays unrouted', async () => {
    const response = await preflight(`${closed.url}/v1/chat/completions`, app);
    assert.equal(response.status, 404);
    assert.equal(response.headers.get('access-control-allow-origin'), null);
  });
});
