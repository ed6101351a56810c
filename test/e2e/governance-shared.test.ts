import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { awayFromWindowEdge } from '../support/limit-window.ts';
import { MockOpenAIUpstream } from '../support/mock-openai-upstream.ts';
import { sleep } from '../support/mock-upstream-server.ts';
import { createPostgresSchema } from '../support/postgres-schema.ts';
import { startTestGateway, type TestGateway } from '../support/start-test-gateway.ts';
import { testKeys } from '../support/test-keys.ts';

const masterKey = 'mk-shared-master-key-5e3d1c9b7a';
const redisUrl = 'redis://127.0.0.1:6379';
type Json = Record<string, unknown>;

describe('governance shared by two instances (Postgres + Redis)', () => {
  const upstream = new MockOpenAIUpstream(testKeys.openai);
  let database: Awaited<ReturnType<typeof createPostgresSchema>>;
  let first: TestGateway;
  let second: TestGateway;

  const admin = async (gateway: TestGateway, method: string, path: string, body?: unknown) => {
    const response = await fetch(`${gateway.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${masterKey}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, json: (await response.json()) as Json };
  };
  const createKey = async (fields: Json) => {
    const created = await admin(first, 'POST', '/admin/keys', { name: 'shared', ...fields });
    assert.equal(created.status, 201);
    return { id: String(created.json['id']), key: String(created.json['key']) };
  };
  const chat = (gateway: TestGateway, key: string, body: string) =>
    fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body,
    });

  before(async () => {
    await upstream.start();
    database = await createPostgresSchema();
    const env = {
      LLM_PROXY_MASTER_KEY: masterKey,
      DATABASE_URL: database.url,
      REDIS_URL: redisUrl,
      OPENAI_API_KEY: testKeys.openai,
      OPENAI_BASE_URL: upstream.baseUrl,
    };
    const yaml = 'routing:\n  retries: 0\ngovernance:\n  usage_flush_interval_ms: 50\n';
    first = await startTestGateway({ env, yaml });
    second = await startTestGateway({ env, yaml });
  });
  after(async () => {
    await Promise.all([first.close(), second.close()]);
    await database.drop();
    await upstream.close();
  });

  it('applies the versioned schema in Postgres once, for both instances', async () => {
    const versions = await database.query('SELECT version FROM {schema}.schema_migrations');
    assert.deepEqual(
      versions.map((row) => row['version']),
      [1, 2, 3, 4],
    );
  });

  it('key lifecycle in Postgres; a key revoked on one instance is refused by the other within a second', async () => {
    const { id, key } = await createKey({ name: 'to-revoke', metadata: { owner: 'x' } });
    const body = JSON.stringify({ model: 'openai/gpt-4o', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal((await chat(second, key, body)).status, 200, 'the second instance knows (and caches) the key');
    const listed = await admin(second, 'GET', '/admin/keys');
    assert.ok((listed.json['data'] as Json[]).some((item) => item['id'] === id));
    assert.equal((await admin(second, 'PATCH', `/admin/keys/${id}`, { name: 'renamed' })).json['name'], 'renamed');
    assert.equal((await admin(first, 'DELETE', `/admin/keys/${id}`)).status, 200);
    const revokedAt = performance.now();
    let status = 200;
    while (status === 200 && performance.now() - revokedAt < 1000) {
      status = (await chat(second, key, body)).status;
      if (status === 200) await sleep(20);
    }
    assert.equal(status, 401, 'the revoked key still worked on the second instance after a second');
    const stored = await database.query('SELECT key_hash, key_prefix FROM {schema}.api_keys WHERE id = $1', [id]);
    assert.notEqual(stored[0]?.['key_hash'], key);
    assert.equal(
      JSON.stringify(await database.query('SELECT * FROM {schema}.api_keys')).includes(key),
      false,
      'no key in clear in Postgres',
    );
  });

  it('RPM is exact across both instances under a concurrent burst', async () => {
    const { key } = await createKey({ rpm_limit: 20 });
    await awayFromWindowEdge();
    const body = JSON.stringify({ model: 'openai/gpt-4o', messages: [{ role: 'user', content: 'burst' }] });
    const statuses = await Promise.all(
      Array.from({ length: 60 }, (_, index) =>
        chat(index % 2 === 0 ? first : second, key, body).then(async (response) => {
          await response.text();
          return response.status;
        }),
      ),
    );
    assert.equal(statuses.filter((status) => status === 200).length, 20);
    assert.equal(statuses.filter((status) => status === 429).length, 40);
  });

  it('TPM is exact across both instances under a concurrent burst', async () => {
    const body = JSON.stringify({
      model: 'openai/gpt-4o',
      max_tokens: 1000,
      messages: [{ role: 'user', content: 'tokens' }],
    });
    const reservation = Math.ceil(Buffer.byteLength(body) / 4) + 1000;
    const { key } = await createKey({ tpm_limit: reservation * 7 + 10 });
    // A slow upstream: nothing settles (and frees tokens) while the burst is admitted, even on a busy CI
    // machine where admitting thirty requests through two instances can take longer than 400 ms.
    for (let index = 0; index < 30; index++) upstream.enqueue({ delayMs: 2_000 });
    await awayFromWindowEdge();
    const statuses = await Promise.all(
      Array.from({ length: 30 }, (_, index) =>
        chat(index % 2 === 0 ? first : second, key, body).then(async (response) => {
          await response.text();
          return response.status;
        }),
      ),
    );
    upstream.reset();
    assert.equal(statuses.filter((status) => status === 200).length, 7);
    assert.equal(statuses.filter((status) => status === 429).length, 23);
  });

  it('a budget under a concurrent burst is overshot by no more than the in-flight reservations allow', async () => {
    // Each request reserves about $0.01 (1,000 output tokens at $10/M); each really costs ≈ $0.0053.
    const { id, key } = await createKey({ max_budget_usd: 0.05, budget_period: 'monthly' });
    const body = JSON.stringify({
      model: 'openai/gpt-4o',
      max_tokens: 1000,
      messages: [{ role: 'user', content: 'budget' }],
    });
    for (let index = 0; index < 20; index++) upstream.enqueue({ delayMs: 300 });
    for (let index = 0; index < 20; index++)
      upstream.queueTurn({ content: 'x', usage: { prompt_tokens: 100, completion_tokens: 500 } });
    const statuses = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        chat(index % 2 === 0 ? first : second, key, body).then(async (response) => {
          await response.text();
          return response.status;
        }),
      ),
    );
    upstream.reset();
    upstream.turns.length = 0;
    const admitted = statuses.filter((status) => status === 200).length;
    assert.equal(admitted, 4, 'four reservations of ~$0.0101 fit in $0.05, a fifth does not');
    assert.equal(statuses.filter((status) => status === 402).length, 16);
    await sleep(200);
    const spent = await database.query(
      'SELECT COALESCE(SUM(cost_usd), 0) AS spent FROM {schema}.usage_records WHERE key_id = $1',
      [id],
    );
    assert.ok(Number(spent[0]?.['spent']) <= 0.05, `spent ${String(spent[0]?.['spent'])} within the budget`);
  });

  it('a dashboard sign-in made on one instance holds on the other; a sign-out on one ends it on both', async () => {
    const signIn = await fetch(`${first.url}/ui/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ key: masterKey }).toString(),
      redirect: 'manual',
    });
    assert.equal(signIn.status, 303);
    const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    assert.match(cookie, /^llm_proxy_ui=.{40,}/);
    const logs = (gateway: TestGateway) => fetch(`${gateway.url}/admin/logs?limit=1`, { headers: { cookie } });
    assert.equal((await logs(second)).status, 200, 'the second instance knows the sign-in');
    assert.equal((await fetch(`${second.url}/ui`, { headers: { cookie }, redirect: 'manual' })).status, 200);
    const signOut = await fetch(`${first.url}/ui/sign-out`, {
      method: 'POST',
      headers: { cookie, 'x-llm-proxy-csrf': '1' },
      redirect: 'manual',
    });
    assert.equal(signOut.status, 204);
    assert.equal((await logs(first)).status, 401, 'signed out where it was made, at once');
    // The second instance remembers a confirmed sign-in for a second at most.
    const signedOutAt = performance.now();
    let status = 200;
    while (status === 200 && performance.now() - signedOutAt < 2000) {
      status = (await logs(second)).status;
      if (status === 200) await sleep(50);
    }
    assert.equal(status, 401, 'the second instance still took the sign-in two seconds after the sign-out');
  });
});

describe('usage rows survive a SIGTERM (Postgres)', () => {
  const upstream = new MockOpenAIUpstream(testKeys.openai);
  before(() => upstream.start());
  after(() => upstream.close());

  it('stream and non-stream, success and failure: every row is written before the process exits', async () => {
    const database = await createPostgresSchema();
    const config = join(mkdtempSync(join(tmpdir(), 'llm-proxy-sigterm-')), 'config.yaml');
    // A long flush interval: rows stay queued until shutdown flushes them.
    writeFileSync(config, 'routing:\n  retries: 0\ngovernance:\n  usage_flush_interval_ms: 600000\n');
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const child = spawn(
      process.execPath,
      [
        join(import.meta.dirname, '..', '..', 'bin', 'llm-proxy.js'),
        'serve',
        '--port',
        String(port),
        '--config',
        config,
      ],
      {
        env: {
          PATH: process.env['PATH'] ?? '',
          DATABASE_URL: database.url,
          OPENAI_API_KEY: testKeys.openai,
          OPENAI_BASE_URL: upstream.baseUrl,
          LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    const exited = once(child, 'exit');
    try {
      let ready = false;
      for (let tries = 0; tries < 200 && !ready; tries++) {
        ready = await fetch(`http://127.0.0.1:${port}/`).then(
          () => true,
          () => false,
        );
        if (!ready) await sleep(50);
      }
      const call = async (stream: boolean) => {
        const response = await fetch(`http://127.0.0.1:${port}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'openai/gpt-4o', stream, messages: [{ role: 'user', content: 'row' }] }),
        });
        await response.text();
        return response.status;
      };
      assert.equal(await call(false), 200);
      assert.equal(await call(true), 200);
      upstream.enqueue({ status: 500, body: { error: { message: 'boom' } } });
      assert.equal(await call(false), 502);
      upstream.enqueue({ status: 503, body: { error: { message: 'busy' } } });
      assert.equal(await call(true), 502);
      child.kill('SIGTERM');
      const [code] = await exited;
      assert.equal(code, 0);
      const rows = await database.query('SELECT stream, status FROM {schema}.usage_records ORDER BY id');
      assert.deepEqual(
        rows.map((row) => [row['stream'], row['status']]),
        [
          [false, 200],
          [true, 200],
          [false, 502],
          [true, 502],
        ],
      );
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await database.drop();
    }
  });
});
