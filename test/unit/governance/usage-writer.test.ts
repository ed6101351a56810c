import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { cleanUsageRow } from '../../../src/governance/clean-usage-row.ts';
import { UsageRecorder } from '../../../src/governance/usage-recorder.ts';
import type { UsageStore } from '../../../src/governance/write-usage-rows.ts';
import { openStore } from '../../../src/store/open-store.ts';
import type { GovernanceStore, UsageRow } from '../../../src/store/store-records.ts';
import { createPostgresSchema } from '../../support/postgres-schema.ts';

const row = (index: number, fields: Partial<UsageRow> = {}): UsageRow => ({
  requestId: `r${index}`,
  keyId: null,
  model: 'm',
  provider: 'p',
  upstreamModel: 'm',
  route: '/v1/chat/completions',
  stream: false,
  status: 200,
  errorCode: null,
  inputTokens: 1,
  outputTokens: 1,
  cachedTokens: 0,
  cacheWriteTokens: 0,
  reasoningTokens: 0,
  costUsd: null,
  latencyMs: 1,
  ttftMs: null,
  attempts: 1,
  startedAt: 1_000 + index,
  finishedAt: 2_000 + index,
  cacheHit: false,
  ...fields,
});

/**
 * A store as strict as Postgres about text (no NUL), refusing rows with status 999, and able to go down
 * (then it fails as a whole: its error is no refused row).
 */
function fakeStore() {
  const written: UsageRow[] = [];
  const state = { down: false };
  const refused = (message: string) => Object.assign(new Error(message), { code: '22021' });
  const store: UsageStore = {
    async insertUsage(rows) {
      if (state.down) throw new Error('connection refused');
      if (rows.some((item) => JSON.stringify(item).includes('\\u0000')))
        throw refused('invalid byte sequence for encoding "UTF8": 0x00');
      if (rows.some((item) => item.status === 999)) throw refused('value out of range');
      written.push(...rows);
    },
    refusesRow: (error) => error instanceof Error && 'code' in error,
  };
  return { store, written, state };
}

const recorderOn = (store: UsageStore, extra: { now?: () => number; stallAfterMs?: number } = {}) =>
  new UsageRecorder({ store, queueSize: 1_000, batchSize: 100, flushIntervalMs: 60_000, onError: () => {}, ...extra });

describe('usage writer: one bad row never stops usage recording (issue 26 item 2)', () => {
  it('a model name holding NUL does not block its batch nor the rows after it: it is written cleaned', async () => {
    const { store, written } = fakeStore();
    const recorder = recorderOn(store);
    recorder.record(row(0));
    recorder.record(row(1, { model: 'x\u0000' }));
    recorder.record(row(2, { model: 'bad\ud800surrogate' }));
    await recorder.flush();
    recorder.record(row(3));
    await recorder.close();
    assert.deepEqual(
      written.map((item) => [item.requestId, item.model]),
      [
        ['r0', 'm'],
        ['r1', 'x'],
        ['r2', 'bad\ufffdsurrogate'],
        ['r3', 'm'],
      ],
    );
    const stats = recorder.stats();
    assert.equal(stats.queued, 0);
    assert.equal(stats.cleaned, 2);
    assert.equal(stats.failedBatches, 1);
    assert.equal(stats.rejected, 0);
  });

  it('a row the store refuses even cleaned is dropped and counted; the others of its batch are written', async () => {
    const { store, written } = fakeStore();
    const recorder = recorderOn(store);
    for (let index = 0; index < 5; index++) recorder.record(row(index, index === 2 ? { status: 999 } : {}));
    await recorder.close();
    assert.deepEqual(
      written.map((item) => item.requestId),
      ['r0', 'r1', 'r3', 'r4'],
    );
    assert.equal(recorder.stats().rejected, 1);
    assert.equal(recorder.queued, 0);
  });

  it('while the store is unreachable rows wait (none dropped), the writer reports a stall, then catches up', async () => {
    const { store, written, state } = fakeStore();
    let now = 0;
    const recorder = recorderOn(store, { now: () => now, stallAfterMs: 30_000 });
    state.down = true;
    for (let index = 0; index < 3; index++) recorder.record(row(index));
    await recorder.flush();
    assert.equal(recorder.queued, 3);
    assert.equal(recorder.stalledForMs(), undefined, 'not stalled before the bound');
    now = 31_000;
    await recorder.flush();
    assert.equal(recorder.stalledForMs(), 31_000);
    assert.equal(recorder.stats().failedBatches, 2);
    assert.equal(recorder.stats().lastWriteAgeSeconds, 31);
    assert.equal(written.length, 0);
    state.down = false;
    await recorder.flush();
    assert.equal(written.length, 3);
    assert.equal(recorder.stalledForMs(), undefined);
    assert.equal(recorder.stats().lastWriteAgeSeconds, 0);
    await recorder.close();
  });

  it('cleaning keeps a clean row as it is', () => {
    const clean = row(0);
    assert.equal(cleanUsageRow(clean), clean);
  });
});

for (const kind of ['postgres', 'sqlite'] as const) {
  describe(`usage writer on ${kind}: a bad row fed to the recorder directly (issue 26 item 2)`, () => {
    let store: GovernanceStore;
    let drop: (() => Promise<void>) | undefined;
    before(async () => {
      if (kind === 'postgres') {
        const schema = await createPostgresSchema();
        drop = () => schema.drop();
        store = await openStore(schema.url);
      } else {
        store = await openStore('sqlite::memory:');
      }
    });
    after(async () => {
      await store.close();
      await drop?.();
    });

    it('the rows of a batch holding NUL and a lone surrogate are all written, and later rows too', async () => {
      const recorder = new UsageRecorder({
        store,
        queueSize: 1_000,
        batchSize: 100,
        flushIntervalMs: 60_000,
        onError: () => {},
      });
      recorder.record(row(0, { requestId: 'before' }));
      recorder.record(row(1, { requestId: 'nul', model: 'x\u0000', errorCode: 'model_not_found' }));
      recorder.record(row(2, { requestId: 'surrogate', model: '\udc00y' }));
      await recorder.flush();
      recorder.record(row(3, { requestId: 'after' }));
      await recorder.close();
      assert.equal(recorder.queued, 0);
      const models = await store.aggregateUsage({ groupBy: 'model', limit: 10, offset: 0 });
      const names = models.map((item) => item.group).sort();
      // Postgres refuses NUL: it is stripped. SQLite stores the text as it is.
      if (kind === 'postgres') assert.deepEqual(names, ['m', 'x', '\ufffdy']);
      else assert.equal(names.length, 3);
      assert.equal(
        models.reduce((sum, item) => sum + item.requests, 0),
        4,
      );
    });
  });
}
