import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, it } from 'node:test';
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store.ts';
import type { UsageRow } from '../../../src/store/store-records.ts';

/** A row whose every field differs from the other rows' and from its neighbours' columns. */
function usageRow(index: number): UsageRow {
  const odd = index % 2 === 1;
  return {
    requestId: `req-${index}`,
    keyId: odd ? null : `key-${index % 7}`,
    model: `model-${index}`,
    provider: odd ? 'openai' : null,
    upstreamModel: `upstream-${index}`,
    route: index % 3 === 0 ? '/v1/chat/completions' : '/v1/messages',
    stream: odd,
    status: 200 + index,
    errorCode: odd ? `error-${index}` : null,
    inputTokens: index * 10 + 1,
    outputTokens: index * 10 + 2,
    cachedTokens: index * 10 + 3,
    cacheWriteTokens: index * 10 + 4,
    reasoningTokens: index * 10 + 5,
    costUsd: odd ? null : index / 1000,
    latencyMs: index + 0.25,
    ttftMs: odd ? index + 0.5 : null,
    attempts: (index % 4) + 1,
    startedAt: 1_767_000_000_000 + index,
    finishedAt: 1_767_000_000_100 + index,
    cacheHit: index % 3 === 1,
  };
}

describe('SqliteStore usage rows', () => {
  it('stores every field of every row, in order, across full and part statements', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'llm-proxy-sqlite-'));
    const path = join(dir, 'store.sqlite');
    const store = new SqliteStore(path);
    try {
      await store.migrate();
      // 123 rows: two statements of 50 rows and one of 23; then a batch of 7: each size its own statement.
      const rows = Array.from({ length: 130 }, (_, index) => usageRow(index));
      await store.insertUsage(rows.slice(0, 123));
      await store.insertUsage(rows.slice(123));
      const db = new DatabaseSync(path, { readOnly: true });
      const stored = db.prepare('SELECT * FROM usage_records ORDER BY id').all();
      db.close();
      assert.equal(stored.length, rows.length);
      for (const [index, row] of rows.entries()) {
        assert.deepEqual(
          { ...stored[index], id: undefined },
          {
            id: undefined,
            request_id: row.requestId,
            key_id: row.keyId,
            model: row.model,
            provider: row.provider,
            upstream_model: row.upstreamModel,
            route: row.route,
            stream: row.stream ? 1 : 0,
            status: row.status,
            error_code: row.errorCode,
            input_tokens: row.inputTokens,
            output_tokens: row.outputTokens,
            cached_tokens: row.cachedTokens,
            cache_write_tokens: row.cacheWriteTokens,
            reasoning_tokens: row.reasoningTokens,
            cost_usd: row.costUsd,
            latency_ms: row.latencyMs,
            ttft_ms: row.ttftMs,
            attempts: row.attempts,
            started_at: row.startedAt,
            finished_at: row.finishedAt,
            cache_hit: row.cacheHit ? 1 : 0,
          },
          `row ${index}`,
        );
      }
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('SqliteStore key rows', () => {
  it('a key holding an integer beyond 2^53 (PATCH rpm_limit 9007199254740993, before the API bounded it) still reads', async () => {
    const store = new SqliteStore(':memory:');
    await store.migrate();
    try {
      const now = 1_767_000_000_000;
      await store.insertKey({
        id: 'key_big',
        name: 'big',
        keyHash: 'hash-big',
        keyPrefix: 'sk-llmp-big',
        models: null,
        rpmLimit: 2 ** 53, // what JSON.parse makes of 9007199254740993
        tpmLimit: null,
        maxParallel: null,
        maxBudgetUsd: null,
        budgetPeriod: null,
        expiresAt: null,
        metadata: null,
        createdAt: now,
        updatedAt: now,
        revokedAt: null,
      });
      const [listed] = await store.listKeys({ limit: 10 });
      assert.equal(listed?.rpmLimit, 2 ** 53);
      assert.equal(listed?.createdAt, now);
      assert.equal((await store.getKey('key_big'))?.rpmLimit, 2 ** 53);
      assert.equal((await store.findKeyByHash('hash-big'))?.name, 'big');
    } finally {
      await store.close();
    }
  });
});
