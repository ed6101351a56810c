import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MockOpenAIUpstream } from '../support/mock-openai-upstream.ts';
import { type RawExchangeResult, rawHttpExchange } from '../support/raw-http-exchange.ts';
import { postJson, startTestGateway, type TestGateway } from '../support/start-test-gateway.ts';
import { testKeys } from '../support/test-keys.ts';

const masterKey = 'sk-master-http-edges-0123456789';

/** A whole JSON error answer, no reset before it. */
function assertJsonAnswer(result: RawExchangeResult, status: number, code: string): Record<string, unknown> {
  assert.equal(result.errorCode, undefined, `the client saw ${result.errorCode} (wrote ${result.written} bytes)`);
  assert.equal(result.status, status, result.headers);
  assert.match(result.headers, /content-type: application\/json/i);
  const body = JSON.parse(result.body) as { error: { code?: string; type?: string } };
  assert.equal(body.error.code ?? body.error.type, code);
  return body;
}

describe('HTTP edges', () => {
  const openai = new MockOpenAIUpstream(testKeys.openai);
  let gateway: TestGateway;

  before(async () => {
    await openai.start();
    gateway = await startTestGateway({
      env: { OPENAI_API_KEY: testKeys.openai, OPENAI_BASE_URL: openai.baseUrl, LLM_PROXY_MASTER_KEY: masterKey },
    });
  });
  after(async () => {
    await gateway.close();
    await openai.close();
  });
  /** The gateway's error-level log lines: a client's mistake is not the gateway's error. */
  const errorLines = () => gateway.logs.filter((line) => /"level":(?:50|60)/.test(line));

  it("an oversize body's 413 was sometimes lost to a reset: a client that writes it all reads the 413 every time", async () => {
    for (let round = 0; round < 4; round++) {
      const bodyBytes = 4 * 1024 * 1024;
      const result = await rawHttpExchange({
        url: gateway.url,
        head: `POST /chat HTTP/1.1\r\nhost: gateway\r\nauthorization: Bearer ${masterKey}\r\ncontent-type: application/json\r\ncontent-length: ${bodyBytes}\r\n\r\n`,
        trailingBytes: bodyBytes,
        chunkBytes: 256 * 1024,
        pauseMs: 10,
      });
      assertJsonAnswer(result, 413, 'payload_too_large');
      assert.equal(result.written, bodyBytes);
    }
    // And through fetch (undici, as the OpenAI SDK uses), the body sent as fast as it goes.
    for (let round = 0; round < 3; round++) {
      const response = await fetch(`${gateway.url}/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${masterKey}` },
        body: Buffer.alloc(8 * 1024 * 1024, 'a'),
      });
      assert.equal(response.status, 413);
      assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'payload_too_large');
    }
  });

  it('a 1 MB header was once reset instead of 431: a 431 JSON answer, every time', async () => {
    for (let round = 0; round < 3; round++) {
      const result = await rawHttpExchange({
        url: gateway.url,
        head: 'GET /v1/models HTTP/1.1\r\nhost: gateway\r\nx-padding: ',
        trailingBytes: 1024 * 1024,
        tail: '\r\n\r\n',
      });
      assertJsonAnswer(result, 431, 'headers_too_large');
    }
  });

  it('CONNECT closed without an answer: a JSON 405', async () => {
    const result = await rawHttpExchange({
      url: gateway.url,
      head: 'CONNECT api.openai.com:443 HTTP/1.1\r\nhost: api.openai.com:443\r\n\r\n',
    });
    assertJsonAnswer(result, 405, 'method_not_allowed');
    assert.match(result.headers, /\r\nallow: /i);
  });

  it('Expect other than 100-continue got an empty 417: a JSON 417 in the route shape', async () => {
    const expect = (path: string) =>
      rawHttpExchange({
        url: gateway.url,
        head: `POST ${path} HTTP/1.1\r\nhost: gateway\r\nexpect: 200-ok\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}`,
      });
    assertJsonAnswer(await expect('/v1/chat/completions'), 417, 'expectation_failed');
    const anthropic = assertJsonAnswer(await expect('/v1/messages'), 417, 'invalid_request_error');
    assert.equal(anthropic['type'], 'error');
    assertJsonAnswer(await expect('/chat'), 417, 'expectation_failed');
  });

  it('a request Node cannot parse gets a JSON 400', async () => {
    assertJsonAnswer(await rawHttpExchange({ url: gateway.url, head: 'NONSENSE\r\n\r\n' }), 400, 'invalid_request');
  });

  it("/chat took 'OpenAI' while /v1/* refused 'OpenAI/…': provider names are case-insensitive on every route", async () => {
    const created = await postJson(
      `${gateway.url}/admin/keys`,
      { name: 'case', models: ['openai/gpt-4o'] },
      { authorization: `Bearer ${masterKey}` },
    );
    const auth = { authorization: `Bearer ${String(created.json['key'])}` };
    const chat = (provider: string, model: string) =>
      postJson(`${gateway.url}/chat`, { provider, model, prompt: 'hi' }, auth);
    const completions = (model: string) =>
      postJson(`${gateway.url}/v1/chat/completions`, { model, messages: [{ role: 'user', content: 'hi' }] }, auth);
    for (const provider of ['openai', 'OpenAI', 'OPENAI']) {
      assert.equal((await chat(provider, 'gpt-4o')).status, 200, provider);
      const response = await completions(`${provider}/gpt-4o`);
      assert.equal(response.status, 200, `${provider}/gpt-4o: ${response.text}`);
      assert.equal(response.headers.get('x-llm-proxy-provider'), 'openai');
    }
    // The model id itself stays case-sensitive, and the allow-list still holds on both routes.
    assert.equal((await chat('OpenAI', 'GPT-4o')).status, 403);
    assert.equal((await completions('OpenAI/GPT-4o')).status, 403);
  });

  it("QUERY with no body gave a 500 (Method 'QUERY' must provide a 'Content-Type'): a JSON 4xx for any method", async () => {
    const query = await rawHttpExchange({
      url: gateway.url,
      head: 'QUERY /health/live HTTP/1.1\r\nhost: gateway\r\n\r\n',
    });
    assertJsonAnswer(query, 415, 'unsupported_media_type');
    const auth = `authorization: Bearer ${masterKey}\r\n`;
    for (const method of ['QUERY', 'PROPFIND', 'PURGE', 'MKCOL', 'SEARCH', 'LOCK', 'TRACE', 'PUT']) {
      for (const path of ['/health/live', '/admin/keys', '/v1/chat/completions', '/chat']) {
        for (const contentType of ['', 'content-type: application/json\r\n', 'content-type: text/plain\r\n']) {
          const result = await rawHttpExchange({
            url: gateway.url,
            head: `${method} ${path} HTTP/1.1\r\nhost: gateway\r\n${auth}${contentType}content-length: 0\r\n\r\n`,
          });
          assert.equal(result.errorCode, undefined, `${method} ${path}`);
          assert.ok(
            result.status !== undefined && result.status >= 400 && result.status < 500,
            `${method} ${path} ${contentType}: ${result.status} ${result.body}`,
          );
          assert.match(result.headers, /content-type: application\/json/i, `${method} ${path}`);
        }
      }
    }
    assert.deepEqual(errorLines(), []);
  });

  it('a malformed chunked body was logged as an error ("unhandled error: aborted"): a 400 in the route shape, no error logged', async () => {
    const chunked = (path: string) =>
      rawHttpExchange({
        url: gateway.url,
        head: `POST ${path} HTTP/1.1\r\nhost: gateway\r\nauthorization: Bearer ${masterKey}\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n`,
      });
    assertJsonAnswer(await chunked('/v1/chat/completions'), 400, 'invalid_request');
    assert.equal(assertJsonAnswer(await chunked('/v1/messages'), 400, 'invalid_request_error')['type'], 'error');
    assertJsonAnswer(await chunked('/admin/keys'), 400, 'invalid_request');
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.deepEqual(errorLines(), []);
  });

  it("Fastify's own routing errors (bad percent-escape, over-long id) were in its shape, echoing the path: ours, in the route's shape", async () => {
    const get = (path: string) =>
      rawHttpExchange({
        url: gateway.url,
        head: `GET ${path} HTTP/1.1\r\nhost: gateway\r\nauthorization: Bearer ${masterKey}\r\n\r\n`,
      });
    const badUrl = await get('/v1/models/%ff-secret-path');
    const openaiShaped = assertJsonAnswer(badUrl, 400, 'invalid_request');
    assert.equal((openaiShaped['error'] as { type: string }).type, 'invalid_request_error');
    const longId = await get(`/admin/keys/${'k'.repeat(200)}`);
    assertJsonAnswer(longId, 414, 'uri_too_long');
    assert.match(longId.headers, /\r\nx-request-id: /i);
    for (const result of [badUrl, longId]) {
      assert.doesNotMatch(result.body, /secret-path|kkkkkkkk|FST_ERR/);
    }
    assert.deepEqual(errorLines(), []);
  });
});
