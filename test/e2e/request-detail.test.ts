import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { MockOpenAIUpstream } from '../support/mock-openai-upstream.ts';
import { startTestGateway, type TestGateway } from '../support/start-test-gateway.ts';
import { testKeys } from '../support/test-keys.ts';

const masterKey = 'sk-master-request-detail-0123456789';
const secretInPrompt = 'sk-live-abcdefghijklmnopqrstu';
const yaml = `routing:
  retries: 1
  backoff_initial_ms: 1
  backoff_max_ms: 2
governance:
  usage_flush_interval_ms: 20
models:
  primary:
    retries: 0
    targets:
      - { provider: openai, model: gpt-4o }
    fallbacks: [openai/gpt-4o-mini]
`;

interface Attempt {
  provider: string;
  model: string;
  outcome: string;
  status: number | null;
  error_code: string | null;
  latency_ms: number;
}

interface Detail {
  request_id: string;
  status: number;
  attempts: number;
  attempt_log: Attempt[] | null;
  request_body: string | null;
  response_body: string | null;
}

const upstream = new MockOpenAIUpstream(testKeys.openai);

async function chat(gateway: TestGateway, requestId: string, body: Record<string, unknown>): Promise<number> {
  const response = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${masterKey}`, 'x-request-id': requestId },
    body: JSON.stringify(body),
  });
  await response.text();
  return response.status;
}

/** The detail of a request, once its row is written (in the background, after the response). */
async function detailOf(gateway: TestGateway, requestId: string): Promise<{ status: number; body: Detail }> {
  for (let waited = 0; ; waited += 20) {
    const response = await fetch(`${gateway.url}/admin/logs/${encodeURIComponent(requestId)}`, {
      headers: { authorization: `Bearer ${masterKey}` },
    });
    const body = (await response.json()) as Detail;
    if (response.status !== 404 || waited > 3000) return { status: response.status, body };
    await sleep(20);
  }
}

const message = (content: string) => ({ model: 'openai/gpt-4o', messages: [{ role: 'user', content }] });

describe('GET /admin/logs/{request_id} with body logging on', () => {
  let gateway: TestGateway;

  before(async () => {
    await upstream.start();
    gateway = await startTestGateway({
      env: {
        OPENAI_API_KEY: testKeys.openai,
        OPENAI_BASE_URL: upstream.baseUrl,
        LLM_PROXY_MASTER_KEY: masterKey,
        LLM_PROXY_LOG_BODIES: 'true',
      },
      yaml,
    });
  });
  after(async () => {
    await gateway.close();
    await upstream.close();
  });

  it('keeps the redacted bodies of a plain call, and no attempts', async () => {
    assert.equal(await chat(gateway, 'detail-plain', message(`my key is ${secretInPrompt}`)), 200);
    const { status, body } = await detailOf(gateway, 'detail-plain');
    assert.equal(status, 200);
    assert.equal(body.request_id, 'detail-plain');
    assert.equal(body.attempt_log, null, 'one successful attempt stores no attempt list');
    assert.match(body.request_body ?? '', /my key is \[redacted\]/);
    assert.match(body.response_body ?? '', /You said: my key is \[redacted\]/);
    assert.ok(!JSON.stringify(body).includes(secretInPrompt));
  });

  it('keeps a stream as sent, and bounds a large body with a marker', async () => {
    const long = 'x'.repeat(20_000);
    assert.equal(await chat(gateway, 'detail-stream', { ...message(long), stream: true }), 200);
    const { body } = await detailOf(gateway, 'detail-stream');
    assert.match(body.response_body ?? '', /^data: /);
    assert.ok((body.request_body ?? '').length < 17_000);
    assert.match(body.request_body ?? '', /…\[truncated\]$/);
  });

  it('lists each attempt of a retried call: the failure, then the success', async () => {
    upstream.enqueue({ status: 500, body: { error: { message: 'boom', type: 'server_error' } } });
    assert.equal(await chat(gateway, 'detail-retried', message('again')), 200);
    const { body } = await detailOf(gateway, 'detail-retried');
    assert.equal(body.attempts, 2);
    assert.deepEqual(
      body.attempt_log?.map((attempt) => [attempt.provider, attempt.model, attempt.outcome, attempt.status]),
      [
        ['openai', 'gpt-4o', 'retried', 500],
        ['openai', 'gpt-4o', 'succeeded', 200],
      ],
    );
    assert.equal(typeof body.attempt_log?.[0]?.error_code, 'string');
    assert.ok((body.attempt_log?.[0]?.latency_ms ?? -1) >= 0);
  });

  it('tells a fallback from a retry, and keeps a single failed attempt', async () => {
    upstream.enqueue({ status: 503, body: { error: { message: 'down', type: 'server_error' } } });
    assert.equal(await chat(gateway, 'detail-fallback', { ...message('hi'), model: 'primary' }), 200);
    const fellBack = (await detailOf(gateway, 'detail-fallback')).body;
    assert.deepEqual(
      fellBack.attempt_log?.map((attempt) => [attempt.model, attempt.outcome]),
      [
        ['gpt-4o', 'fell_back'],
        ['gpt-4o-mini', 'succeeded'],
      ],
    );
    upstream.enqueue({ status: 400, body: { error: { message: 'bad', type: 'invalid_request_error' } } });
    assert.equal(await chat(gateway, 'detail-failed', message('no')), 400);
    const failed = (await detailOf(gateway, 'detail-failed')).body;
    assert.equal(failed.status, 400);
    assert.deepEqual(
      failed.attempt_log?.map((attempt) => [attempt.outcome, attempt.status]),
      [['failed', 400]],
    );
  });

  it('answers 404 for an unknown request id', async () => {
    const response = await fetch(`${gateway.url}/admin/logs/never-seen`, {
      headers: { authorization: `Bearer ${masterKey}` },
    });
    assert.equal(response.status, 404);
    const body = (await response.json()) as { error: { code?: string; type?: string; message: string } };
    assert.match(JSON.stringify(body), /request_not_found|No recorded request/);
  });

  it('is for the master key only', async () => {
    const response = await fetch(`${gateway.url}/admin/logs/detail-plain`);
    assert.equal(response.status, 401);
  });
});

describe('GET /admin/logs/{request_id} with body logging off', () => {
  let gateway: TestGateway;

  before(async () => {
    await upstream.start();
    gateway = await startTestGateway({
      env: { OPENAI_API_KEY: testKeys.openai, OPENAI_BASE_URL: upstream.baseUrl, LLM_PROXY_MASTER_KEY: masterKey },
      yaml,
    });
  });
  after(async () => {
    await gateway.close();
    await upstream.close();
  });

  it('keeps the attempts but no bodies', async () => {
    upstream.enqueue({ status: 500, body: { error: { message: 'boom', type: 'server_error' } } });
    assert.equal(await chat(gateway, 'quiet-retried', message('hello')), 200);
    const { body } = await detailOf(gateway, 'quiet-retried');
    assert.equal(body.attempt_log?.length, 2);
    assert.equal(body.request_body, null);
    assert.equal(body.response_body, null);
  });
});
