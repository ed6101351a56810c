import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { replayUsageJournals } from '../../../src/governance/replay-usage-journals.ts';
import { UsageJournal } from '../../../src/governance/usage-journal.ts';
import { decodeUsageLine, encodeUsageLine } from '../../../src/governance/usage-journal-line.ts';
import { openStore } from '../../../src/store/open-store.ts';
import type { UsageRow } from '../../../src/store/store-records.ts';
import { sleep } from '../../support/mock-upstream-server.ts';

const row = (index: number, fields: Partial<UsageRow> = {}): UsageRow => ({
  requestId: `r${index}`,
  keyId: 'key-1',
  model: 'gpt-4o',
  provider: 'openai',
  upstreamModel: 'gpt-4o-2024-08-06',
  route: '/v1/chat/completions',
  stream: index % 2 === 0,
  status: 200,
  errorCode: null,
  inputTokens: 10 + index,
  outputTokens: 5,
  cachedTokens: 1,
  cacheWriteTokens: 0,
  reasoningTokens: 2,
  costUsd: 0.000125,
  latencyMs: 12.5,
  ttftMs: index % 2 === 0 ? 3.25 : null,
  attempts: 1,
  startedAt: 1_700_000_000_000 + index,
  finishedAt: 1_700_000_000_100 + index,
  cacheHit: index % 3 === 0,
  ...fields,
});

const journalDirectory = () => join(mkdtempSync(join(tmpdir(), 'llm-proxy-journal-test-')), 'journal');
const journalFiles = (directory: string) => readdirSync(directory).filter((name) => name.endsWith('.usage.jsonl'));

/** A pid that no process has any more. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '0']);
  return child.pid ?? 0;
}

describe('usage journal (issue 26 item 4)', () => {
  it('a line gives back the row, text with NUL and lone surrogates included; a torn line is no row', () => {
    for (const original of [row(1), row(2), row(3, { model: 'x\u0000\ud800', costUsd: null, keyId: null })])
      assert.deepEqual(decodeUsageLine(encodeUsageLine(original)), original);
    const line = encodeUsageLine(row(4));
    assert.equal(decodeUsageLine(line.slice(0, 40)), undefined);
    assert.equal(decodeUsageLine('[1,2,3]'), undefined);
  });

  it('a row is in the file when append returns; a segment goes once the store has all its rows', async () => {
    const directory = journalDirectory();
    const journal = new UsageJournal({ directory, onError: (error) => assert.fail(String(error)) });
    journal.append(row(1));
    journal.append(row(2));
    const [first] = journalFiles(directory);
    assert.ok(first !== undefined);
    assert.equal(readFileSync(join(directory, first), 'utf8').split('\n').length - 1, 2);
    journal.rotate();
    journal.append(row(3));
    journal.settle(1);
    await sleep(20);
    assert.equal(journalFiles(directory).length, 2, 'the first segment still has a row not in the store');
    journal.settle(1);
    await sleep(20);
    assert.equal(journalFiles(directory).length, 1, 'the first segment is gone');
    journal.settle(1);
    journal.close();
    assert.deepEqual(journalFiles(directory), [], 'every row settled: nothing left at close');
  });

  it('rows not yet in the store stay at close, and are replayed once into the store by the next start, never twice', async () => {
    const directory = journalDirectory();
    const store = await openStore('sqlite::memory:');
    try {
      const journal = new UsageJournal({ directory, onError: (error) => assert.fail(String(error)) });
      for (let index = 0; index < 3; index++) journal.append(row(index));
      journal.close();
      assert.equal(journalFiles(directory).length, 1);
      // The crashed process had written the first row before dying.
      await store.insertUsage([row(0)]);
      // Our own pid on a file we did not write this run: a container restart reuses pids.
      const outcome = await replayUsageJournals({ directory, store, onError: () => {} });
      assert.deepEqual(outcome, { files: 1, written: 2, alreadyStored: 1, dropped: 0 });
      assert.deepEqual(journalFiles(directory), []);
      const [total] = await store.aggregateUsage({ groupBy: 'model', limit: 10, offset: 0 });
      assert.equal(total?.requests, 3);
      assert.equal(total?.inputTokens, 10 + 11 + 12);
    } finally {
      await store.close();
    }
  });

  it("replays the files of processes that are gone, never those of a running one (another worker's)", async () => {
    const directory = journalDirectory();
    const store = await openStore('sqlite::memory:');
    try {
      new UsageJournal({ directory, onError: () => {} }).close();
      const live = `${process.ppid}-abcdef-1.usage.jsonl`;
      const dead = `${deadPid()}-abcdef-1.usage.jsonl`;
      writeFileSync(join(directory, live), encodeUsageLine(row(1)));
      writeFileSync(join(directory, dead), `${encodeUsageLine(row(2))}${encodeUsageLine(row(3)).slice(0, 30)}`);
      const outcome = await replayUsageJournals({ directory, store, onError: () => {} });
      assert.deepEqual(outcome, { files: 1, written: 1, alreadyStored: 0, dropped: 1 });
      assert.deepEqual(journalFiles(directory), [live]);
    } finally {
      await store.close();
    }
  });
});
