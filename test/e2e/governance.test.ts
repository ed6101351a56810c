import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { awayFromWindowEdge } from '../support/limit-window.ts';
import { MockAnthropicUpstream } from '../support/mock-anthropic-upstream.ts';
import { MockOpenAIUpstream } from '../support/mock-openai-upstream.ts';
import { sleep } from '../support/mock-upstream-server.ts';
import { postJson, startTestGateway, type TestGateway } from '../support/start-test-gateway.ts';
import { findLeakedKey, testKeys } from '../support/test-keys.ts';

const masterKey = 'mk-test-master-key-7c1e9a2b4d6f8013';
type Json = Record<string, unknown>;

describe('governance (SQLite)', () => {
  const openai = new MockOpenAIUpstream(testKeys.openai);
  const anthropic = new MockAnthropicUpstream(testKeys.anthropic);
  const databaseFile = join(mkdtempSync(join(tmpdir(), 'llm-proxy-gov-')), 'gateway.sqlite');
  const createdKeys: string[] = [];
  let gateway: TestGateway;

  const admin = async (method: string, path: string, body?: unknown, key = masterKey) => {
    const response = await fetch(`${gateway.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, json: (await response.json()) as Json, headers: response.headers };
  };
  const createKey = async (fields: Json) => {
    const created = await admin('POST', '/admin/keys', { name: 'test', ...fields });
    assert.equal(created.status, 201, JSON.stringify(created.json));
    createdKeys.push(String(created.json['key']));
    return { id: String(created.json['id']), key: String(created.json['key']), view: created.json };
  };
  const chat = (key: string, body: Json = {}) =>
    postJson(
      `${gateway.url}/v1/chat/completions`,
      { model: 'openai/gpt-4o', messages: [{ role: 'user', content: 'hi' }], ...body },
      { authorization: `Bearer ${key}` },
    );

  before(async () => {
    await Promise.all([openai.start(), anthropic.start()]);
    gateway = await startTestGateway({
      yaml: 'governance:\n  usage_flush_interval_ms: 50\nrouting:\n  retries: 0\nmodels:\n  fast: openai/gpt-4o-mini\n  shared-limit:\n    targets: [{ provider: openai, model: gpt-4o }]\n    rpm_limit: 2\n',
      env: {
        LLM_PROXY_MASTER_KEY: masterKey,
        DATABASE_URL: `sqlite:${databaseFile}`,
        OPENAI_API_KEY: testKeys.openai,
        OPENAI_BASE_URL: openai.baseUrl,
        ANTHROPIC_API_KEY: testKeys.anthropic,
        ANTHROPIC_BASE_URL: anthropic.baseUrl,
      },
    });
  });
  after(async () => {
    await gateway.close();
    await Promise.all([openai.close(), anthropic.close()]);
  });

  it('refuses API calls without a valid key, in each API’s own shape', async () => {
    const openaiClient = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'sk-wrong', maxRetries: 0 });
    await assert.rejects(
      openaiClient.chat.completions.create({ model: 'openai/gpt-4o', messages: [{ role: 'user', content: 'x' }] }),
      OpenAI.AuthenticationError,
    );
    const anthropicClient = new Anthropic({ baseURL: gateway.url, apiKey: 'sk-wrong', maxRetries: 0 });
    await assert.rejects(
      anthropicClient.messages.create({
        model: 'openai/gpt-4o',
        max_tokens: 5,
        messages: [{ role: 'user', content: 'x' }],
      }),
      Anthropic.AuthenticationError,
    );
    const simple = await postJson(`${gateway.url}/chat`, { provider: 'mock', model: 'echo', prompt: 'x' });
    assert.equal(simple.status, 401);
    assert.equal((simple.json.error as Json)['code'], 'authentication_required');
    assert.equal(openai.requests.length, 0, 'nothing reached the upstream');
  });

  it('lets the master key and virtual keys in, by Bearer or x-api-key', async () => {
    assert.equal((await chat(masterKey)).status, 200);
    const { key } = await createKey({});
    assert.equal((await chat(key)).status, 200);
    const anthropicClient = new Anthropic({ baseURL: gateway.url, apiKey: key, maxRetries: 0 });
    const byApiKeyHeader = await fetch(`${gateway.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key, 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({
        model: 'anthropic/claude-sonnet-4-6',
        max_tokens: 10,
        messages: [{ role: 'user', content: 'x' }],
      }),
    });
    assert.equal(byApiKeyHeader.status, 200);
    const message = await anthropicClient.messages.create({
      model: 'anthropic/claude-sonnet-4-6',
      max_tokens: 5,
      messages: [{ role: 'user', content: 'y' }],
    });
    assert.equal(message.type, 'message');
  });

  it('key lifecycle: create (secret shown once), list and read (never the secret), change, revoke', async () => {
    const { id, key, view } = await createKey({
      name: 'team-a',
      models: ['openai/*'],
      rpm_limit: 100,
      metadata: { team: 'a' },
    });
    assert.match(key, /^sk-llmp-/);
    assert.equal(view['key_prefix'], key.slice(0, 12));
    assert.deepEqual(view['models'], ['openai/*']);
    const listed = await admin('GET', '/admin/keys?limit=100');
    assert.equal(listed.status, 200);
    const text = JSON.stringify(listed.json);
    assert.equal(text.includes(key), false, 'the list never shows a secret');
    assert.equal(text.includes('key_hash'), false);
    assert.ok((listed.json['data'] as Json[]).some((item) => item['id'] === id));
    const read = await admin('GET', `/admin/keys/${id}`);
    assert.equal(read.json['name'], 'team-a');
    assert.equal('key' in read.json, false);
    const changed = await admin('PATCH', `/admin/keys/${id}`, { name: 'team-a2', rpm_limit: null });
    assert.equal(changed.json['name'], 'team-a2');
    assert.equal(changed.json['rpm_limit'], null);
    assert.equal((await chat(key)).status, 200);
    const revoked = await admin('DELETE', `/admin/keys/${id}`);
    assert.ok(typeof revoked.json['revoked_at'] === 'string');
    const refused = await chat(key);
    assert.equal(refused.status, 401);
    assert.match(String((refused.json.error as Json)['message']), /revoked/);
    assert.equal((await admin('GET', '/admin/keys/key_nope')).status, 404);
    assert.equal(
      (await admin('POST', '/admin/keys', { name: 'x', rpm_limt: 5 })).status,
      400,
      'a typo is refused, not ignored',
    );
  });

  it('pages through keys with a cursor', async () => {
    for (let index = 0; index < 3; index++) await createKey({ name: `page-${index}` });
    const first = await admin('GET', '/admin/keys?limit=2');
    assert.equal((first.json['data'] as Json[]).length, 2);
    assert.ok(typeof first.json['next_cursor'] === 'string');
    const second = await admin('GET', `/admin/keys?limit=2&after=${String(first.json['next_cursor'])}`);
    assert.notDeepEqual(second.json['data'], first.json['data']);
    assert.equal((await admin('GET', '/admin/keys?limit=5000')).status, 400, 'page sizes are bounded');
  });

  it('admin routes refuse virtual keys and callers without a key', async () => {
    const { key } = await createKey({});
    for (const [method, path] of [
      ['GET', '/admin/keys'],
      ['POST', '/admin/keys'],
      ['GET', '/admin/usage'],
    ] as const) {
      const withVirtualKey = await admin(method, path, method === 'POST' ? { name: 'escalate' } : undefined, key);
      assert.equal(withVirtualKey.status, 403, `${method} ${path}`);
      assert.equal((withVirtualKey.json['error'] as Json)['code'], 'admin_required');
      const withoutKey = await fetch(`${gateway.url}${path}`, { method });
      assert.equal(withoutKey.status, 401);
    }
  });

  it('a key restricted to some models gets 403 for others; an expired key 401', async () => {
    const { key } = await createKey({ models: ['fast', 'anthropic/*'] });
    assert.equal((await chat(key, { model: 'fast' })).status, 200);
    const refused = await chat(key, { model: 'openai/gpt-4o' });
    assert.equal(refused.status, 403);
    assert.equal((refused.json.error as Json)['code'], 'model_not_allowed');
    const expired = await createKey({ expires_at: new Date(Date.now() - 1000).toISOString() });
    const late = await chat(expired.key);
    assert.equal(late.status, 401);
    assert.match(String((late.json.error as Json)['message']), /expired/);
  });

  it('RPM: the limit+1th request in a minute is a 429 with Retry-After and x-ratelimit-* headers', async () => {
    const { key } = await createKey({ rpm_limit: 3 });
    await awayFromWindowEdge();
    const answers = [];
    for (let index = 0; index < 4; index++) answers.push(await chat(key));
    assert.deepEqual(
      answers.map((answer) => answer.status),
      [200, 200, 200, 429],
    );
    assert.equal(answers[0]?.headers.get('x-ratelimit-limit-requests'), '3');
    assert.equal(answers[1]?.headers.get('x-ratelimit-remaining-requests'), '1');
    const limited = answers[3];
    assert.ok(limited !== undefined);
    assert.ok(Number(limited.headers.get('retry-after')) >= 1);
    assert.equal((limited.json['error'] as Json)['code'], 'rate_limited');
    assert.equal((limited.json['error'] as Json)['type'], 'rate_limit_error');
    const anthropicShape = await postJson(
      `${gateway.url}/v1/messages`,
      { model: 'openai/gpt-4o', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] },
      { 'x-api-key': key, 'anthropic-version': '2023-06-01' },
    );
    assert.equal(anthropicShape.status, 429);
    assert.equal((anthropicShape.json.error as Json)['type'], 'rate_limit_error');
  });

  it('a model group’s own limit holds for every caller, the master key included', async () => {
    const answers = [];
    await awayFromWindowEdge();
    for (let index = 0; index < 3; index++) answers.push(await chat(masterKey, { model: 'shared-limit' }));
    assert.deepEqual(
      answers.map((answer) => answer.status),
      [200, 200, 429],
    );
    const refused = answers[2];
    assert.ok(refused !== undefined);
    assert.match(String((refused.json['error'] as Json)['message']), /shared-limit/);
  });

  it('TPM: a request whose reservation does not fit is a 429 naming the reason', async () => {
    const { key } = await createKey({ tpm_limit: 500 });
    await awayFromWindowEdge();
    assert.equal((await chat(key, { max_tokens: 100 })).status, 200);
    const tooBig = await chat(key, { max_tokens: 5000 });
    assert.equal(tooBig.status, 429);
    assert.match(String((tooBig.json['error'] as Json)['message']), /larger than the key's limit of 500 tokens/);
  });

  it('prices calls: x-llm-proxy-cost-usd on non-stream answers', async () => {
    openai.queueTurn({ content: 'priced', usage: { prompt_tokens: 1_000_000, completion_tokens: 100_000 } });
    const answer = await chat(masterKey);
    assert.equal(answer.headers.get('x-llm-proxy-cost-usd'), (2.5 + 1).toFixed(8));
  });

  it('budget: once spent, the key gets 402 budget_exceeded (not retried by the SDKs)', async () => {
    const { key } = await createKey({ max_budget_usd: 0.05, budget_period: 'daily' });
    openai.queueTurn({ content: 'pricey', usage: { prompt_tokens: 10_000, completion_tokens: 4_000 } });
    // Reserved: ~4,000 output tokens at $10/M ≈ $0.04 (fits); actual: 10k in + 4k out = $0.065.
    assert.equal((await chat(key, { max_tokens: 4000 })).status, 200);
    await sleep(50);
    const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: key });
    const started = performance.now();
    await assert.rejects(
      client.chat.completions.create({
        model: 'openai/gpt-4o',
        max_tokens: 10,
        messages: [{ role: 'user', content: 'x' }],
      }),
      (error: unknown) => {
        assert.ok(error instanceof OpenAI.APIError);
        assert.equal(error.status, 402);
        assert.equal(error.code, 'budget_exceeded');
        return true;
      },
    );
    assert.ok(performance.now() - started < 1000, 'the SDK did not retry it');
  });

  it('records one usage row per call — stream and not, success and failure — aggregated by the usage API', async () => {
    const { id, key } = await createKey({ name: 'usage' });
    assert.equal((await chat(key)).status, 200);
    const stream = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ model: 'openai/gpt-4o', stream: true, messages: [{ role: 'user', content: 'stream' }] }),
    });
    await stream.text();
    openai.enqueue({ status: 500, body: { error: { message: 'boom' } } });
    assert.equal((await chat(key)).status, 502);
    await sleep(200);
    const usage = await admin('GET', `/admin/usage?key_id=${id}&group_by=key`);
    const [row] = usage.json['data'] as Json[];
    assert.equal(row?.['group'], id);
    assert.equal(row?.['requests'], 3);
    assert.equal(row?.['errors'], 1);
    assert.ok(Number(row?.['input_tokens']) > 0);
    assert.ok(Number(row?.['cost_usd']) > 0);
    const byModel = await admin('GET', '/admin/usage?group_by=model');
    assert.ok((byModel.json['data'] as Json[]).some((item) => item['group'] === 'openai/gpt-4o'));
    const byDay = await admin(
      'GET',
      `/admin/usage?group_by=day&from=${new Date(Date.now() - 86_400_000).toISOString()}`,
    );
    assert.equal((byDay.json['data'] as Json[])[0]?.['group'], new Date().toISOString().slice(0, 10));
  });

  it('no key appears in the logs or in clear in the database', async () => {
    await sleep(100);
    const logs = gateway.logs.join('\n');
    assert.equal(findLeakedKey(logs), undefined);
    assert.equal(logs.includes(masterKey), false);
    for (const key of createdKeys) assert.equal(logs.includes(key), false, 'a gateway key is in the logs');
    const database =
      readFileSync(databaseFile).toString('latin1') +
      readFileSync(`${databaseFile}-wal`, { flag: 'a+' }).toString('latin1');
    assert.ok(createdKeys.length > 5);
    for (const key of createdKeys)
      assert.equal(database.includes(key), false, 'a gateway key is in the database in clear');
    assert.equal(database.includes(masterKey), false);
  });
});
