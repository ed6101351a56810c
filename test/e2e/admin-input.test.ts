import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createPostgresSchema } from '../support/postgres-schema.ts';
import { startTestGateway, type TestGateway } from '../support/start-test-gateway.ts';

const masterKey = 'mk-admin-input-master-key-8c2f4e1a';
type Json = Record<string, unknown>;

interface AdminAnswer {
  status: number;
  json: Json;
  text: string;
}

/** The admin API's error: 400, `invalid_request`, the field at fault in `error.param`. */
function assertRefused(answer: AdminAnswer, param: string, what: string): void {
  assert.equal(answer.status, 400, `${what}: ${answer.status} ${answer.text}`);
  const error = answer.json['error'] as Json | undefined;
  assert.equal(error?.['code'], 'invalid_request', `${what}: ${answer.text}`);
  assert.equal(error?.['param'], param, `${what}: ${answer.text}`);
  assert.equal(typeof answer.json['detail'], 'string', what);
}

/** Nested objects `depth` deep, as JSON text (no JavaScript recursion to build or print it). */
function deepJson(depth: number): string {
  return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

/** Every check runs against both stores: their column types differ, the API's answers must not. */
for (const store of ['sqlite', 'postgres'] as const) {
  describe(`admin input cannot break the ${store} store (issue 26 items 7, 8, 9)`, () => {
    let gateway: TestGateway;
    let database: Awaited<ReturnType<typeof createPostgresSchema>> | undefined;

    /** Sends raw text (so lone surrogates and NUL escapes reach the gateway as written). */
    const admin = async (
      method: string,
      path: string,
      body?: string,
      headers: Record<string, string> = {},
    ): Promise<AdminAnswer> => {
      const response = await fetch(`${gateway.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${masterKey}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        ...(body === undefined ? {} : { body }),
      });
      const text = await response.text();
      let json: Json = {};
      try {
        json = JSON.parse(text) as Json;
      } catch {
        // Not JSON: the assertions on `json` say so.
      }
      return { status: response.status, json, text };
    };
    const createKey = async (fields: Json = {}): Promise<string> => {
      const created = await admin('POST', '/admin/keys', JSON.stringify({ name: 'input', ...fields }));
      assert.equal(created.status, 201, created.text);
      return String(created.json['id']);
    };
    /** The store still answers: the list and the key read back (a poisoned row made both a 500). */
    const assertStoreHealthy = async (id: string): Promise<void> => {
      const list = await admin('GET', '/admin/keys?limit=100');
      assert.equal(list.status, 200, list.text);
      const one = await admin('GET', `/admin/keys/${id}`);
      assert.equal(one.status, 200, one.text);
    };

    before(async () => {
      const env: Record<string, string> = { LLM_PROXY_MASTER_KEY: masterKey };
      if (store === 'postgres') {
        database = await createPostgresSchema();
        env['DATABASE_URL'] = database.url;
      }
      gateway = await startTestGateway({ env });
    });
    after(async () => {
      await gateway.close();
      await database?.drop();
    });

    it('PATCH rpm_limit 9007199254740993 is a 400 and the key list stays readable', async () => {
      const id = await createKey();
      const answer = await admin('PATCH', `/admin/keys/${id}`, '{"rpm_limit": 9007199254740993}');
      assertRefused(answer, 'rpm_limit', 'rpm_limit 2^53+1');
      await assertStoreHealthy(id);
    });

    it('integers beyond the stored column (rpm_limit, max_parallel ≥ 2^31; tpm_limit > 2^53 − 1) are a 400 naming the field', async () => {
      const id = await createKey();
      for (const [field, value] of [
        ['rpm_limit', '2147483648'],
        ['max_parallel', '2147483648'],
        ['tpm_limit', '9007199254740992'],
        ['rpm_limit', '1e400'],
        ['tpm_limit', '-1'],
        ['max_parallel', '0'],
        ['rpm_limit', '1.5'],
        ['rpm_limit', '"10"'],
        ['max_parallel', 'true'],
      ] as const) {
        assertRefused(
          await admin('POST', '/admin/keys', `{"name": "n", "${field}": ${value}}`),
          field,
          `create ${field}=${value}`,
        );
        assertRefused(
          await admin('PATCH', `/admin/keys/${id}`, `{"${field}": ${value}}`),
          field,
          `patch ${field}=${value}`,
        );
      }
      await assertStoreHealthy(id);
    });

    it('max_budget_usd at or above 1e10, non-positive, or below the stored precision is a 400', async () => {
      const id = await createKey();
      for (const value of ['1e10', '10000000000.5', '1e400', '0', '-1', '1e-11', '"5"']) {
        assertRefused(
          await admin('POST', '/admin/keys', `{"name": "n", "max_budget_usd": ${value}}`),
          'max_budget_usd',
          `create max_budget_usd=${value}`,
        );
        assertRefused(
          await admin('PATCH', `/admin/keys/${id}`, `{"max_budget_usd": ${value}}`),
          'max_budget_usd',
          `patch max_budget_usd=${value}`,
        );
      }
      await assertStoreHealthy(id);
    });

    it('the documented maxima are stored and read back exactly', async () => {
      const created = await admin(
        'POST',
        '/admin/keys',
        JSON.stringify({
          name: 'maxima',
          rpm_limit: 2_147_483_647,
          tpm_limit: Number.MAX_SAFE_INTEGER,
          max_parallel: 2_147_483_647,
          max_budget_usd: 9_999_999_999.99,
          expires_at: '9999-12-31T23:59:59.999Z',
        }),
      );
      assert.equal(created.status, 201, created.text);
      const read = await admin('GET', `/admin/keys/${String(created.json['id'])}`);
      assert.equal(read.status, 200, read.text);
      assert.equal(read.json['rpm_limit'], 2_147_483_647);
      assert.equal(read.json['tpm_limit'], Number.MAX_SAFE_INTEGER);
      assert.equal(read.json['max_parallel'], 2_147_483_647);
      assert.equal(read.json['max_budget_usd'], 9_999_999_999.99);
      assert.equal(read.json['expires_at'], '9999-12-31T23:59:59.999Z');
      const smallest = await admin('POST', '/admin/keys', '{"name": "smallest", "max_budget_usd": 1e-10}');
      assert.equal(smallest.status, 201, smallest.text);
      assert.equal(smallest.json['max_budget_usd'], 1e-10);
    });

    it('NUL in a key id, name, model, cursor or metadata is a 400 naming the field', async () => {
      const id = await createKey();
      assertRefused(await admin('GET', '/admin/keys/a%00b'), 'id', 'GET id with NUL');
      assertRefused(await admin('PATCH', '/admin/keys/a%00b', '{"name": "x"}'), 'id', 'PATCH id with NUL');
      assertRefused(await admin('DELETE', '/admin/keys/a%00b'), 'id', 'DELETE id with NUL');
      assertRefused(await admin('GET', '/admin/keys?after=a%00b'), 'after', 'cursor with NUL');
      assertRefused(await admin('POST', '/admin/keys', '{"name": "a\\u0000b"}'), 'name', 'name with NUL');
      assertRefused(await admin('PATCH', `/admin/keys/${id}`, '{"name": "a\\u0000b"}'), 'name', 'patch name with NUL');
      assertRefused(
        await admin('POST', '/admin/keys', '{"name": "n", "models": ["gpt-4o", "x\\u0000"]}'),
        'models[1]',
        'model with NUL',
      );
      assertRefused(
        await admin('POST', '/admin/keys', '{"name": "n", "metadata": {"team": "a\\u0000"}}'),
        'metadata.team',
        'metadata value with NUL',
      );
      assertRefused(
        await admin('PATCH', `/admin/keys/${id}`, '{"metadata": {"deep": [{"x": "\\u0000"}]}}'),
        'metadata.deep[0].x',
        'nested metadata value with NUL',
      );
      const keyWithNul = await admin('POST', '/admin/keys', '{"name": "n", "metadata": {"a\\u0000": 1}}');
      assert.equal(keyWithNul.status, 400, keyWithNul.text);
      assert.match(String((keyWithNul.json['error'] as Json)['param']), /^metadata/);
      assertRefused(await admin('GET', '/admin/usage?key_id=a%00'), 'key_id', 'usage key_id with NUL');
      assertRefused(await admin('GET', '/admin/usage?model=a%00'), 'model', 'usage model with NUL');
      await assertStoreHealthy(id);
    });

    it('a lone surrogate in any string is a 400 naming the field', async () => {
      const id = await createKey();
      assertRefused(await admin('POST', '/admin/keys', '{"name": "a\\ud800"}'), 'name', 'name');
      assertRefused(await admin('PATCH', `/admin/keys/${id}`, '{"name": "\\udc00x"}'), 'name', 'patch name');
      assertRefused(await admin('POST', '/admin/keys', '{"name": "n", "models": ["\\ud800"]}'), 'models[0]', 'model');
      assertRefused(
        await admin('POST', '/admin/keys', '{"name": "n", "metadata": {"k": ["ok", "\\ud83d"]}}'),
        'metadata.k[1]',
        'metadata',
      );
      // A well-formed pair is fine, and reads back the same.
      const emoji = await admin(
        'POST',
        '/admin/keys',
        '{"name": "\\ud83d\\ude00", "metadata": {"e": "\\ud83d\\ude00"}}',
      );
      assert.equal(emoji.status, 201, emoji.text);
      assert.equal(emoji.json['name'], '😀');
      await assertStoreHealthy(id);
    });

    it('a leap second is read as the next second; an impossible date is a 400, never a 500', async () => {
      const leap = await admin('POST', '/admin/keys', '{"name": "n", "expires_at": "2026-12-31T23:59:60Z"}');
      assert.equal(leap.status, 201, leap.text);
      assert.equal(leap.json['expires_at'], '2027-01-01T00:00:00.000Z');
      const patched = await admin(
        'PATCH',
        `/admin/keys/${String(leap.json['id'])}`,
        '{"expires_at": "2016-12-31T23:59:60.5Z"}',
      );
      assert.equal(patched.status, 200, patched.text);
      assert.equal(patched.json['expires_at'], '2017-01-01T00:00:00.500Z');
      const usage = await admin('GET', '/admin/usage?from=2026-06-30T23:59:60Z&to=2026-12-31T23:59:60Z');
      assert.equal(usage.status, 200, usage.text);
      for (const [path, param] of [
        ['/admin/usage?from=2026-02-30T00:00:00Z', 'from'],
        ['/admin/usage?to=2026-13-01T00:00:00Z', 'to'],
        ['/admin/usage?from=yesterday', 'from'],
        ['/admin/usage?from=2026-01-01T25:00:00Z', 'from'],
      ] as const) {
        assertRefused(await admin('GET', path), param, path);
      }
      for (const value of ['"2026-02-30T00:00:00Z"', '"2026-01-01"', '"+275760-09-13T00:00:00Z"', '0']) {
        assertRefused(
          await admin('POST', '/admin/keys', `{"name": "n", "expires_at": ${value}}`),
          'expires_at',
          `expires_at ${value}`,
        );
      }
    });

    it('absurd cursors, limits and offsets are a 400 or an empty page, never a 500', async () => {
      await createKey();
      const cursor = await admin('GET', `/admin/keys?after=${'\uffff'.repeat(50)}`);
      assert.equal(cursor.status, 200, cursor.text);
      assert.deepEqual(cursor.json['data'], []);
      assertRefused(await admin('GET', `/admin/keys?after=${'z'.repeat(101)}`), 'after', 'long cursor');
      for (const query of [
        'limit=0',
        'limit=101',
        'limit=99999999999999999999',
        'limit=-1',
        'limit=1e3',
        'limit=NaN',
      ]) {
        assertRefused(await admin('GET', `/admin/keys?${query}`), 'limit', query);
      }
      for (const query of ['limit=1001', 'limit=1.5', 'offset=-1', 'offset=99999999999999999999', 'offset=Infinity']) {
        const param = query.split('=')[0] as string;
        assertRefused(await admin('GET', `/admin/usage?${query}`), param, query);
      }
      const farPage = await admin('GET', '/admin/usage?offset=999999999&limit=1000');
      assert.equal(farPage.status, 200, farPage.text);
      assertRefused(await admin('GET', '/admin/usage?group_by=hour'), 'group_by', 'group_by');
      // Fastify's router refuses a path parameter over 100 characters before any route runs.
      const longId = await admin('GET', `/admin/keys/${'x'.repeat(101)}`);
      assert.equal(longId.status, 414, longId.text);
      const longestId = await admin('GET', `/admin/keys/${'x'.repeat(100)}`);
      assert.equal(longestId.status, 404, longestId.text);
    });

    it('10,000-deep metadata is a 400, not a 500', async () => {
      const id = await createKey();
      for (const [method, path, prefix] of [
        ['POST', '/admin/keys', '{"name": "deep", "metadata": {"m": '],
        ['PATCH', `/admin/keys/${id}`, '{"metadata": {"m": '],
      ] as const) {
        const answer = await admin(method, path, `${prefix}${deepJson(10_000)}}}`);
        // Refused by the metadata bound, or sooner by a body nesting limit: either way a 400 in the admin shape.
        assert.equal(answer.status, 400, `${method}: ${answer.status} ${answer.text}`);
        assert.equal((answer.json['error'] as Json | undefined)?.['code'], 'invalid_request', answer.text);
      }
      await assertStoreHealthy(id);
    });

    it('metadata is bounded in depth, size and keys', async () => {
      const id = await createKey();
      const ok = await admin(
        'PATCH',
        `/admin/keys/${id}`,
        JSON.stringify({ metadata: { a: { b: { c: { d: { e: 'fifth level' } } } } } }),
      );
      assert.equal(ok.status, 200, ok.text);
      const tooDeep = await admin('PATCH', `/admin/keys/${id}`, `{"metadata": ${deepJson(6)}}`);
      assertRefused(tooDeep, 'metadata', 'six levels');
      const tooBig = await admin(
        'PATCH',
        `/admin/keys/${id}`,
        JSON.stringify({ metadata: { blob: 'x'.repeat(20_000) } }),
      );
      assertRefused(tooBig, 'metadata', '20 kB');
      const manyKeys = Object.fromEntries(Array.from({ length: 51 }, (_, index) => [`k${index}`, index]));
      assertRefused(
        await admin('PATCH', `/admin/keys/${id}`, JSON.stringify({ metadata: manyKeys })),
        'metadata',
        '51 keys',
      );
      const nestedKeys = { a: Object.fromEntries(Array.from({ length: 600 }, (_, index) => [`k${index}`, index])) };
      assertRefused(
        await admin('PATCH', `/admin/keys/${id}`, JSON.stringify({ metadata: nestedKeys })),
        'metadata',
        '600 nested keys',
      );
      await assertStoreHealthy(id);
    });

    it('DELETE /admin/keys/:id with content-type: application/json and no body revokes the key', async () => {
      const id = await createKey();
      const revoked = await admin('DELETE', `/admin/keys/${id}`, undefined, { 'content-type': 'application/json' });
      assert.equal(revoked.status, 200, revoked.text);
      assert.equal(typeof revoked.json['revoked_at'], 'string');
      const listed = await admin('GET', '/admin/keys?limit=100', undefined, { 'content-type': 'application/json' });
      assert.equal(listed.status, 200, listed.text);
      // A route that needs a body still says so.
      const noBody = await admin('PATCH', `/admin/keys/${id}`, '');
      assert.equal(noBody.status, 400, noBody.text);
    });

    it('a key may allow any model name the proxy routes take (256 characters), and no longer one', async () => {
      const longest = `openai/${'m'.repeat(256 - 'openai/'.length)}`;
      const created = await admin('POST', '/admin/keys', JSON.stringify({ name: 'long-model', models: [longest] }));
      assert.equal(created.status, 201, created.text);
      const tooLong = await admin('POST', '/admin/keys', JSON.stringify({ name: 'too-long', models: [`${longest}m`] }));
      assertRefused(tooLong, 'models[0]', 'a 257-character model name');
    });
  });
}
