import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { UsageRetention } from '../../src/governance/usage-retention.ts';
import { PostgresStore } from '../../src/store/postgres/postgres-store.ts';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import type { GovernanceStore, UsageRow } from '../../src/store/store-records.ts';
import { createPostgresSchema } from '../support/postgres-schema.ts';

const dayMs = 86_400_000;
const now = Date.UTC(2026, 5, 15, 12, 30);

function row(overrides: Partial<UsageRow>): UsageRow {
  return {
    requestId: `req-${Math.random().toString(36).slice(2)}`,
    keyId: 'key-a',
    model: 'fast',
    provider: 'openai',
    upstreamModel: 'gpt-4o-mini',
    route: '/v1/chat/completions',
    stream: false,
    status: 200,
    errorCode: null,
    inputTokens: 10,
    outputTokens: 5,
    cachedTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
    costUsd: 0.001,
    latencyMs: 100,
    ttftMs: null,
    attempts: 1,
    startedAt: now,
    finishedAt: now + 100,
    cacheHit: false,
    ...overrides,
  };
}

/** The request log the dashboard reads, on each store: filters, cursor paging, series, days, retention. */
function requestLogContract(name: string, open: () => Promise<{ store: GovernanceStore; drop(): Promise<void> }>) {
  describe(`request log on ${name}`, () => {
    let store: GovernanceStore;
    let drop: () => Promise<void>;

    before(async () => {
      ({ store, drop } = await open());
      await store.migrate();
      await store.insertUsage([
        row({ startedAt: now - 40 * dayMs, keyId: 'key-old' }),
        row({ startedAt: now - 2 * dayMs, model: 'smart', provider: 'anthropic', latencyMs: 300 }),
        row({ startedAt: now - 90_000, status: 502, errorCode: 'upstream_error', costUsd: null }),
        row({ startedAt: now - 30_000, keyId: 'key-b', stream: true, ttftMs: 42.5 }),
        row({ startedAt: now - 10_000, status: 429, errorCode: 'rate_limited', latencyMs: 2 }),
      ]);
    });
    after(async () => {
      await store.close();
      await drop();
    });

    it('lists newest first and pages by cursor', async () => {
      const first = await store.listRequests({ limit: 2 });
      assert.deepEqual(
        first.map((item) => item.startedAt),
        [now - 10_000, now - 30_000],
      );
      const rest = await store.listRequests({ limit: 10, before: first.at(-1)?.id });
      assert.equal(rest.length, 3);
      assert.ok(rest.every((item) => item.id < (first.at(-1)?.id ?? 0)));
      const newer = await store.listRequests({ limit: 10, after: rest[0]?.id });
      assert.equal(newer.length, 2);
      assert.equal(first[1]?.stream, true);
      assert.equal(first[1]?.ttftMs, 42.5);
    });

    it('filters by status, model, key and time', async () => {
      assert.deepEqual(
        (await store.listRequests({ limit: 10, status: 'error' })).map((item) => item.status),
        [429, 502],
      );
      assert.equal((await store.listRequests({ limit: 10, status: 502 })).length, 1);
      assert.equal((await store.listRequests({ limit: 10, status: 'success' })).length, 3);
      assert.equal((await store.listRequests({ limit: 10, model: 'smart' })).length, 1);
      assert.equal((await store.listRequests({ limit: 10, keyId: 'key-b' })).length, 1);
      assert.equal((await store.listRequests({ limit: 10, from: now - 3 * dayMs, to: now - 60_000 })).length, 2);
    });

    it('sums per time bucket and per day and group', async () => {
      const buckets = await store.usageSeries({ from: now - 3_600_000, to: now + 3_600_000, bucketMs: 3_600_000 });
      assert.deepEqual(
        buckets.map((bucket) => [bucket.start, bucket.requests, bucket.errors]),
        [[Math.floor(now / 3_600_000) * 3_600_000, 3, 2]],
      );
      const latencies = await store.latencies({ from: now - 3 * dayMs, to: now + 1, limit: 10 });
      assert.equal(latencies.length, 4);
      const ofKey = await store.dailyUsage({ from: now - 7 * dayMs, to: now + 1, groupBy: 'model', keyId: 'key-b' });
      assert.deepEqual(
        ofKey.map((item) => [item.day, item.group, item.requests]),
        [['2026-06-15', 'fast', 1]],
      );
      const daily = await store.dailyUsage({ from: now - 7 * dayMs, to: now + 1, groupBy: 'provider' });
      assert.deepEqual(
        daily.map((item) => [item.day, item.group, item.requests]),
        [
          ['2026-06-13', 'anthropic', 1],
          ['2026-06-15', 'openai', 3],
        ],
      );
    });

    it('deletes rows past retention a day at a time, in batches', async () => {
      const retention = new UsageRetention({
        store,
        retentionDays: 30,
        now: () => now,
        onError: (error) => assert.fail(String(error)),
      });
      retention.close();
      assert.equal(await retention.run(), 1);
      assert.equal((await store.listRequests({ limit: 10, keyId: 'key-old' })).length, 0);
      assert.equal((await store.listRequests({ limit: 10 })).length, 4);
      assert.equal(await store.deleteUsageBefore(now, 2), 2);
    });

    it('finds a request by id with its attempts and bodies, each table with its own retention', async () => {
      const startedAt = now - 5_000;
      await store.insertUsage([row({ requestId: 'detailed', startedAt, attempts: 2 })]);
      const attempts = [
        {
          provider: 'openai',
          model: 'gpt-4o',
          outcome: 'retried' as const,
          status: 500,
          errorCode: 'upstream_error',
          latencyMs: 12.5,
        },
        {
          provider: 'openai',
          model: 'gpt-4o',
          outcome: 'succeeded' as const,
          status: 200,
          errorCode: null,
          latencyMs: 30,
        },
      ];
      await store.insertRequestDetails([
        { requestId: 'detailed', startedAt, requestBody: '{"a":1}', responseBody: 'ok', attempts },
        // Another request that reused the id earlier: not this row's details.
        { requestId: 'detailed', startedAt: startedAt - 1, requestBody: 'older', responseBody: null, attempts: null },
      ]);
      assert.equal((await store.listRequests({ limit: 10, requestId: 'detailed' })).length, 1);
      const found = await store.findRequest('detailed');
      assert.equal(found?.attempts, 2);
      assert.deepEqual(found?.details, { requestBody: '{"a":1}', responseBody: 'ok', attempts });
      assert.equal(await store.findRequest('never'), undefined);
      assert.equal(await store.deleteDetailsBefore('request_bodies', startedAt + 1, 10), 2);
      assert.deepEqual((await store.findRequest('detailed'))?.details, {
        requestBody: null,
        responseBody: null,
        attempts,
      });
      assert.equal(await store.deleteDetailsBefore('request_attempts', startedAt + 1, 10), 1);
      assert.equal((await store.findRequest('detailed'))?.details.attempts, null);
      // `governance.body_retention_days`: bodies by day, through their own time index.
      await store.insertRequestDetails([
        { requestId: 'old-body', startedAt: now - 8 * dayMs, requestBody: 'x', responseBody: null, attempts: null },
        { requestId: 'new-body', startedAt: now - 6 * dayMs, requestBody: 'y', responseBody: null, attempts: null },
      ]);
      const bodies = new UsageRetention({
        store,
        tables: [(before, limit) => store.deleteDetailsBefore('request_bodies', before, limit)],
        retentionDays: 7,
        now: () => now,
        onError: (error) => assert.fail(String(error)),
      });
      bodies.close();
      assert.equal(await bodies.run(), 1);
    });

    it('keeps dashboard sign-ins by token hash until deleted', async () => {
      await store.insertUiSession('hash-a', Date.now() + 60_000);
      await store.insertUiSession('hash-expired', Date.now() - 1);
      assert.ok(((await store.findUiSession('hash-a')) ?? 0) > Date.now());
      await store.insertUiSession('hash-b', Date.now() + 60_000);
      assert.equal(await store.findUiSession('hash-expired'), undefined, 'expired sign-ins go at the next sign-in');
      await store.deleteUiSession('hash-a');
      assert.equal(await store.findUiSession('hash-a'), undefined);
      assert.notEqual(await store.findUiSession('hash-b'), undefined);
    });
  });
}

requestLogContract('SQLite', async () => ({ store: new SqliteStore(':memory:'), drop: async () => {} }));
requestLogContract('Postgres', async () => {
  const schema = await createPostgresSchema();
  return { store: new PostgresStore(schema.url), drop: () => schema.drop() };
});
