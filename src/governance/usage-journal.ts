import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, unlink, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { UsageRow } from '../store/store-records.ts';
import { encodeUsageLine } from './usage-journal-line.ts';
import type { UsageJournalSink } from './usage-recorder.ts';

/** Journal files: `<pid>-<token>-<sequence>.usage.jsonl`; the pid says which process owns it. */
export const journalFilePattern = /^(\d+)-[0-9a-f]+-\w+\.usage\.jsonl$/;

interface Segment {
  path: string;
  rows: number;
  settled: number;
  fd: number | undefined;
  open: boolean;
}

/**
 * An append-only local journal of usage rows, so that a crash (kill -9, OOM) loses at most the calls
 * still in flight: each row is appended when its call ends, and replayed into the store at the next
 * start (`replayUsageJournals`) unless the store already has it. The recorder rotates to a new segment
 * file before each write to the store and settles rows as the store commits them; a segment whose rows
 * are all settled is deleted. Each process writes its own files (worker processes never share one).
 */
export class UsageJournal implements UsageJournalSink {
  readonly #directory: string;
  readonly #prefix: string;
  readonly #onError: (error: unknown) => void;
  #sequence = 0;
  #segments: Segment[] = [];
  /** After a failed write (disk full…) the journal stops; what it holds stays for the next start. */
  #failed = false;

  constructor(options: { directory: string; onError: (error: unknown) => void }) {
    this.#directory = options.directory;
    this.#onError = options.onError;
    this.#prefix = `${process.pid}-${randomBytes(6).toString('hex')}`;
    mkdirSync(options.directory, { recursive: true });
  }

  /**
   * The row is in the kernel (a `write(2)`) when this returns, which is what survives a SIGKILL: a
   * crash right after a call's answer went out loses only the calls whose `finish` had not yet run.
   * The write is synchronous on purpose: an asynchronous one waits in libuv's thread pool, where a kill
   * loses it, and a write deferred to the end of the event-loop turn left room for the process to be
   * descheduled between the answer and the write on a loaded host (rows lost in the crash test).
   * Appending one line to the page cache costs a system call of a few microseconds; no fsync, so a
   * power cut is not covered.
   */
  append(row: UsageRow): void {
    if (this.#failed) return;
    const segment = this.#current();
    segment.rows += 1;
    try {
      segment.fd ??= openSync(segment.path, 'a');
      const line = encodeUsageLine(row);
      const bytes = Buffer.byteLength(line);
      // A short write (disk full) leaves a torn line, which the replay skips; then the journal stops.
      if (writeSync(segment.fd, line) !== bytes) throw new Error(`usage journal: short write to ${segment.path}`);
    } catch (error) {
      this.#failed = true;
      this.#onError(error);
    }
  }

  settle(rows: number): void {
    if (this.#failed) return;
    let left = rows;
    for (const segment of this.#segments) {
      if (left === 0) break;
      const take = Math.min(left, segment.rows - segment.settled);
      segment.settled += take;
      left -= take;
    }
    for (let first = this.#segments[0]; first?.open === false && this.#done(first); first = this.#segments[0]) {
      this.#segments.shift();
      unlink(first.path, (error) => {
        if (error !== null && error.code !== 'ENOENT') this.#onError(error);
      });
    }
  }

  rotate(): void {
    if (this.#failed) return;
    const current = this.#segments.at(-1);
    if (current === undefined || !current.open || current.rows === 0) return;
    this.#closeFile(current);
    current.open = false;
  }

  /** Closes the files; segments with rows not yet in the store stay on disk. */
  close(): void {
    if (this.#failed) return;
    for (const segment of this.#segments) {
      this.#closeFile(segment);
      segment.open = false;
      if (!this.#done(segment)) continue;
      try {
        unlinkSync(segment.path);
      } catch (error) {
        if (!(error instanceof Error && 'code' in error && error.code === 'ENOENT')) this.#onError(error);
      }
    }
    this.#segments = this.#segments.filter((segment) => !this.#done(segment));
  }

  #done(segment: Segment): boolean {
    return segment.settled >= segment.rows;
  }

  #current(): Segment {
    const last = this.#segments.at(-1);
    if (last?.open === true) return last;
    this.#sequence += 1;
    const segment: Segment = {
      path: join(this.#directory, `${this.#prefix}-${this.#sequence}.usage.jsonl`),
      rows: 0,
      settled: 0,
      fd: undefined,
      open: true,
    };
    this.#segments.push(segment);
    return segment;
  }

  #closeFile(segment: Segment): void {
    if (segment.fd === undefined) return;
    try {
      closeSync(segment.fd);
    } catch (error) {
      this.#onError(error);
    }
    segment.fd = undefined;
  }
}
