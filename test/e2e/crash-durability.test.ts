import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, it } from 'node:test';
import { Pool } from 'undici';
import { sleep } from '../support/mock-upstream-server.ts';
import { createPostgresSchema } from '../support/postgres-schema.ts';
import { spawnGateway } from '../support/spawn-gateway.ts';

/** Calls answered this long before the kill must have their row; later ones may still be on their way. */
const momentMs = 100;
const concurrency = 24;
/** The load runs this long at least, and until this many calls were answered (a loaded machine is slow). */
const loadMs = 2_000;
const enoughCalls = 200;
const longestLoadMs = 20_000;

/**
 * Two ways to hold rows at the kill. With no write to the store during the load, every row depends on
 * the journal (the crash would lose them all without it: the regression). With a write every 50 rows,
 * journal segments are rotated and deleted all through the load, and the kill lands among them.
 */
const nothingWrittenBeforeTheKill =
  'governance:\n  usage_flush_interval_ms: 60000\n  usage_batch_size: 10000\n  usage_queue_size: 20000\n';
const writtenInSmallBatches = 'governance:\n  usage_flush_interval_ms: 60000\n  usage_batch_size: 50\n';

interface Answered {
  requestId: string;
  at: number;
}

/**
 * Calls `mock/echo` at steady concurrency until the gateway stops answering (or `stop` is aborted);
 * every 200 with its time.
 */
function loadUntilDown(url: string, stop: AbortSignal, answered: Answered[]): Promise<void> {
  const pool = new Pool(url, { connections: concurrency });
  let sequence = 0;
  const body = JSON.stringify({ model: 'mock/echo', messages: [{ role: 'user', content: 'hi' }] });
  const caller = async (): Promise<void> => {
    while (!stop.aborted) {
      sequence += 1;
      const requestId = `crash-${process.pid}-${sequence}`;
      try {
        const response = await pool.request({
          path: '/v1/chat/completions',
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-request-id': requestId },
          body,
        });
        await response.body.dump();
        if (response.statusCode === 200) answered.push({ requestId, at: performance.now() });
      } catch {
        return;
      }
    }
  };
  return Promise.all(Array.from({ length: concurrency }, caller)).then(() => pool.destroy());
}

/**
 * kill -9 under load, restart, and compare: the rows the store holds after the restart against the
 * calls answered 200 before the kill.
 */
async function crashAndRestart(
  env: Record<string, string>,
  yaml: string,
  storedIds: () => Promise<string[]>,
): Promise<{ answered: number; due: number; stored: number; missing: string[]; duplicates: number }> {
  const gateway = await spawnGateway({ env, yaml });
  const stop = new AbortController();
  const answered: Answered[] = [];
  const load = loadUntilDown(gateway.url, stop.signal, answered);
  const started = performance.now();
  await sleep(loadMs);
  while (answered.length < enoughCalls && performance.now() - started < longestLoadMs) await sleep(50);
  const killedAt = performance.now();
  const exited = once(gateway.child, 'exit');
  gateway.child.kill('SIGKILL');
  stop.abort();
  await exited;
  await load;
  // The restart replays the journal before it listens.
  const restarted = await spawnGateway({ env, yaml });
  await restarted.stop();
  const stored = await storedIds();
  const storedSet = new Set(stored);
  const due = answered.filter((call) => call.at < killedAt - momentMs);
  return {
    answered: answered.length,
    stored: stored.length,
    due: due.length,
    missing: due.filter((call) => !storedSet.has(call.requestId)).map((call) => call.requestId),
    duplicates: stored.length - storedSet.size,
  };
}

describe('kill -9 loses no usage row of a completed call (issue 26 item 4)', () => {
  it('SQLite: every call answered 200 before the kill has its row after the restart, once', async (t) => {
    const file = join(mkdtempSync(join(tmpdir(), 'llm-proxy-crash-')), 'gateway.sqlite');
    const result = await crashAndRestart({ DATABASE_URL: `sqlite:${file}` }, nothingWrittenBeforeTheKill, async () => {
      const database = new DatabaseSync(file, { readOnly: true });
      try {
        return database
          .prepare("SELECT request_id FROM usage_records WHERE request_id LIKE 'crash-%'")
          .all()
          .map((row) => String(row['request_id']));
      } finally {
        database.close();
      }
    });
    t.diagnostic(JSON.stringify({ ...result, missing: result.missing.length }));
    assert.ok(result.due > 100, `enough load to mean something: ${result.due} calls answered`);
    assert.deepEqual(result.missing, [], `${result.missing.length} of ${result.due} answered calls have no row`);
    assert.equal(result.duplicates, 0);
  });

  for (const [name, yaml] of [
    ['', nothingWrittenBeforeTheKill],
    [', journal segments rotated and deleted all through the load', writtenInSmallBatches],
  ] as const) {
    it(`Postgres${name}: every call answered 200 before the kill has its row after the restart, once`, async (t) => {
      const database = await createPostgresSchema();
      try {
        const journal = join(mkdtempSync(join(tmpdir(), 'llm-proxy-crash-')), 'journal');
        const env = { DATABASE_URL: database.url, LLM_PROXY_USAGE_JOURNAL: journal };
        const result = await crashAndRestart(env, yaml, async () =>
          (await database.query("SELECT request_id FROM {schema}.usage_records WHERE request_id LIKE 'crash-%'")).map(
            (row) => String(row['request_id']),
          ),
        );
        t.diagnostic(JSON.stringify({ ...result, missing: result.missing.length }));
        assert.ok(result.due > 100, `enough load to mean something: ${result.due} calls answered`);
        assert.deepEqual(result.missing, [], `${result.missing.length} of ${result.due} answered calls have no row`);
        assert.equal(result.duplicates, 0);
      } finally {
        await database.drop();
      }
    });
  }
});
