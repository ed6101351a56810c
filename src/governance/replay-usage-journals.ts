import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { GovernanceStore } from '../store/store-records.ts';
import { usageIdentity } from '../store/usage-identity.ts';
import { cleanUsageRow } from './clean-usage-row.ts';
import { journalFilePattern } from './usage-journal.ts';
import { decodeUsageLine } from './usage-journal-line.ts';
import { type UsageStore, writeUsageRows } from './write-usage-rows.ts';

/** Rows looked up and written per statement while replaying. */
const replayChunkRows = 500;

export interface ReplayOutcome {
  files: number;
  /** Rows written to the store: calls a crash would otherwise have lost. */
  written: number;
  /** Rows the store already had (written before the crash, the segment not yet deleted). */
  alreadyStored: number;
  /** Lines that were not a row, and rows the store refused: dropped. */
  dropped: number;
}

/**
 * At start, before serving: the journal files of processes that are gone (a crash, a kill -9) go into
 * the store, each row unless the store already has it (same request id, start and end), and are then
 * deleted. A file is claimed by renaming it to this process's pid first, so that workers starting
 * together never replay one twice. Throws when the store stops answering; the claimed file then stays,
 * for the next start.
 */
export async function replayUsageJournals(options: {
  directory: string;
  store: UsageStore & Pick<GovernanceStore, 'findRecordedUsage'>;
  onError: (error: unknown) => void;
}): Promise<ReplayOutcome> {
  const { directory, store, onError } = options;
  const outcome: ReplayOutcome = { files: 0, written: 0, alreadyStored: 0, dropped: 0 };
  mkdirSync(directory, { recursive: true });
  const token = randomBytes(6).toString('hex');
  let claims = 0;
  for (const name of readdirSync(directory)) {
    const owner = journalFilePattern.exec(name)?.[1];
    if (owner === undefined) continue;
    const pid = Number(owner);
    if (pid !== process.pid && isRunning(pid)) continue;
    claims += 1;
    const claimed = join(directory, `${process.pid}-${token}-replay${claims}.usage.jsonl`);
    try {
      renameSync(join(directory, name), claimed);
    } catch (error) {
      if (error instanceof Error && 'code' in error && error.code === 'ENOENT') continue;
      throw error;
    }
    outcome.files += 1;
    const lines = readFileSync(claimed, 'utf8').split('\n');
    const rows = [];
    for (const line of lines) {
      if (line === '') continue;
      const row = decodeUsageLine(line);
      if (row === undefined) outcome.dropped += 1;
      else rows.push(cleanUsageRow(row));
    }
    for (let start = 0; start < rows.length; start += replayChunkRows) {
      const chunk = rows.slice(start, start + replayChunkRows);
      const stored = await store.findRecordedUsage(chunk);
      const missing = chunk.filter((row) => !stored.has(usageIdentity(row)));
      outcome.alreadyStored += chunk.length - missing.length;
      const result = await writeUsageRows(store, missing, onError);
      outcome.written += result.written;
      outcome.dropped += result.rejected;
      if (result.remaining.length > 0) throw new Error('the store stopped answering while replaying the usage journal');
    }
    unlinkSync(claimed);
  }
  return outcome;
}

/** Whether a process with this pid runs (on this host: the journal is a local directory). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return error instanceof Error && 'code' in error && error.code === 'EPERM';
  }
}
