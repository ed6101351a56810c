import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sleep } from '../support/mock-upstream-server.ts';
import { createPostgresSchema } from '../support/postgres-schema.ts';
import { parsePrometheusText, sampleSum } from '../support/prometheus-text.ts';
import { postJson, startTestGateway, type TestGateway } from '../support/start-test-gateway.ts';

type Database = Awaited<ReturnType<typeof createPostgresSchema>>;

/** Polls until `probe` holds, for at most `ms`. */
async function eventually(probe: () => Promise<boolean>, ms = 5_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await probe()) return true;
    await sleep(25);
  }
  return probe();
}

async function metric(gateway: TestGateway, name: string): Promise<number> {
  const text = await (await fetch(`${gateway.url}/metrics`)).text();
  return sampleSum(parsePrometheusText(text), name);
}

async function ready(gateway: TestGateway): Promise<{ status: number; checks: Record<string, string> }> {
  const response = await fetch(`${gateway.url}/health/ready`);
  const body = (await response.json()) as { checks: Record<string, string> };
  return { status: response.status, checks: body.checks };
}

describe('Postgres: one request no longer stops all usage recording (issue 26 item 2)', () => {
  let database: Database;
  let gateway: TestGateway;
  const rowsOf = (requestId: string) =>
    database.query('SELECT model, status FROM {schema}.usage_records WHERE request_id = $1', [requestId]);
  const call = (requestId: string, model: string) =>
    postJson(
      `${gateway.url}/v1/chat/completions`,
      { model, messages: [{ role: 'user', content: 'hi' }] },
      { 'x-request-id': requestId },
    );

  before(async () => {
    database = await createPostgresSchema();
    gateway = await startTestGateway({
      env: { DATABASE_URL: database.url },
      yaml: 'governance:\n  usage_flush_interval_ms: 50\n  usage_stall_ms: 300\n',
    });
  });
  after(async () => {
    await gateway.close();
    await database.drop();
  });

  it('a model name holding NUL, on a refused call, does not keep later rows out of the store', async () => {
    const poisoned = await call('nul-model', 'x\u0000');
    assert.ok(poisoned.status >= 400 && poisoned.status < 500, `a 4xx, got ${poisoned.status}`);
    assert.equal((await call('after-nul', 'mock/echo')).status, 200);
    assert.ok(await eventually(async () => (await rowsOf('after-nul')).length === 1), 'the later row is written');
    // Whether the NUL call has a row depends on where it is refused; if it has one, its text is clean.
    for (const row of await rowsOf('nul-model')) assert.equal(String(row['model']).includes('\u0000'), false);
    assert.equal(await metric(gateway, 'llm_proxy_usage_queue_depth'), 0);
    assert.equal((await ready(gateway)).status, 200);
  });

  it('a writer that cannot write makes readiness 503 with the reason, shows it in /metrics, and recovers', async () => {
    // The database answers pings but refuses every insert, as a full disk would.
    await database.query(`CREATE FUNCTION {schema}.refuse_inserts() RETURNS trigger AS $$
      BEGIN RAISE EXCEPTION 'could not extend file' USING ERRCODE = '53100'; END $$ LANGUAGE plpgsql`);
    await database.query(`CREATE TRIGGER refuse_inserts BEFORE INSERT ON {schema}.usage_records
      FOR EACH STATEMENT EXECUTE FUNCTION {schema}.refuse_inserts()`);
    const failedBefore = await metric(gateway, 'llm_proxy_usage_batches_failed');
    assert.equal((await call('while-full', 'mock/echo')).status, 200);
    assert.ok(await eventually(async () => (await ready(gateway)).status === 503), 'readiness turns 503');
    const answer = await ready(gateway);
    assert.match(answer.checks['postgres'] ?? '', /^usage writer stalled: 1 rows waiting, nothing written for \d+ s$/);
    assert.equal(await metric(gateway, 'llm_proxy_usage_queue_depth'), 1);
    assert.ok((await metric(gateway, 'llm_proxy_usage_batches_failed')) > failedBefore);
    assert.equal(await metric(gateway, 'llm_proxy_usage_rows_rejected'), 0, 'no row is dropped for a store fault');
    assert.ok((await metric(gateway, 'llm_proxy_usage_last_write_age_seconds')) >= 0.3);
    await database.query('DROP TRIGGER refuse_inserts ON {schema}.usage_records');
    assert.ok(await eventually(async () => (await rowsOf('while-full')).length === 1), 'the waiting row is written');
    assert.ok(await eventually(async () => (await ready(gateway)).status === 200), 'ready again');
  });
});

describe('SQLite: a model name holding NUL is recorded like any other (issue 26 item 2)', () => {
  it('writes the NUL call and the calls after it', async () => {
    const gateway = await startTestGateway({ yaml: 'governance:\n  usage_flush_interval_ms: 50\n' });
    try {
      const messages = [{ role: 'user', content: 'hi' }];
      await postJson(`${gateway.url}/v1/chat/completions`, { model: 'x\u0000', messages });
      assert.equal(
        (await postJson(`${gateway.url}/v1/chat/completions`, { model: 'mock/echo', messages })).status,
        200,
      );
      const recorder = gateway.governance.recorder;
      assert.ok(recorder !== undefined);
      assert.ok(await eventually(async () => recorder.queued === 0 && recorder.written >= 1));
      assert.equal(recorder.stats().rejected, 0);
    } finally {
      await gateway.close();
    }
  });
});
