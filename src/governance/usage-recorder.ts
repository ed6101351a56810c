import type { RequestDetailRow } from '../store/request-detail-records.ts';
import type { UsageRow } from '../store/store-records.ts';
import { cleanText } from './clean-usage-row.ts';
import { type UsageStore, writeUsageRows } from './write-usage-rows.ts';

/** Where each recorded row is also appended, so a crash cannot lose it (see `UsageJournal`). */
export interface UsageJournalSink {
  append(row: UsageRow): void;
  /** The oldest `rows` appended rows are in the store (or dropped): their segments may go. */
  settle(rows: number): void;
  /** Starts a new segment for the rows appended from now on. */
  rotate(): void;
  close(): void;
}

export interface UsageRecorderOptions {
  store: UsageStore;
  /** Rows held at most; past it new rows are dropped (and counted), never blocking a request. */
  queueSize: number;
  batchSize: number;
  flushIntervalMs: number;
  /** Rows waiting this long with nothing written make the writer `stalled` (readiness reports it); 30 s. */
  stallAfterMs?: number;
  journal?: UsageJournalSink | undefined;
  onError: (error: unknown) => void;
  now?: () => number;
}

/** The writer's counters since start, for `/metrics`. */
export interface UsageWriterStats {
  queued: number;
  written: number;
  /** Rows dropped because the queue was full. */
  dropped: number;
  /** Rows the store refused even with their text cleaned: dropped. */
  rejected: number;
  /** Rows written once their text was cleaned. */
  cleaned: number;
  failedBatches: number;
  /** Seconds since the last successful write (or since start). */
  lastWriteAgeSeconds: number;
}

/**
 * Writes usage rows off the response path: requests only push onto a bounded queue (and append to the
 * journal, when there is one); a timer writes batches, one statement (or transaction) each. A batch the
 * store refuses is taken apart so that a bad row is cleaned or dropped, never blocking the rows after it
 * (`writeUsageRows`); rows go back to the front of the queue only while the store is unreachable, and are
 * then retried on the next tick. `close` writes everything still queued, for shutdown.
 */
export class UsageRecorder {
  readonly #options: UsageRecorderOptions;
  readonly #now: () => number;
  #queue: UsageRow[] = [];
  /** Rows of the batch being written: out of the queue, not yet settled. */
  #writing = 0;
  #dropped = 0;
  #written = 0;
  #rejected = 0;
  #cleaned = 0;
  #failedBatches = 0;
  #lastWriteAt: number;
  /** The last time the writer made progress, or the queue turned non-empty. */
  #progressAt: number;
  /** Set when the store was unreachable: wait for the timer rather than retry on every new row. */
  #backingOff = false;
  #flushing: Promise<void> | undefined;
  readonly #timer: NodeJS.Timeout;

  constructor(options: UsageRecorderOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#lastWriteAt = this.#now();
    this.#progressAt = this.#lastWriteAt;
    this.#timer = setInterval(() => {
      this.#backingOff = false;
      void this.flush();
    }, options.flushIntervalMs);
    this.#timer.unref();
  }

  /** Rows waiting to be written (the batch being written included). */
  get queued(): number {
    return this.#queue.length + this.#writing;
  }

  /** Rows lost because the queue was full. */
  get dropped(): number {
    return this.#dropped;
  }

  get written(): number {
    return this.#written;
  }

  stats(): UsageWriterStats {
    return {
      queued: this.queued,
      written: this.#written,
      dropped: this.#dropped,
      rejected: this.#rejected,
      cleaned: this.#cleaned,
      failedBatches: this.#failedBatches,
      lastWriteAgeSeconds: (this.#now() - this.#lastWriteAt) / 1000,
    };
  }

  /**
   * How long rows have waited with nothing written, when that is longer than `stallAfterMs` (the store
   * is down, or refuses everything); undefined while the writer keeps up.
   */
  stalledForMs(): number | undefined {
    if (this.queued === 0) return undefined;
    const waited = this.#now() - this.#progressAt;
    return waited > (this.#options.stallAfterMs ?? 30_000) ? waited : undefined;
  }

  record(row: UsageRow): void {
    if (this.#queue.length >= this.#options.queueSize) {
      this.#dropped += 1;
      return;
    }
    if (this.#queue.length === 0 && this.#flushing === undefined) this.#progressAt = this.#now();
    this.#queue.push(row);
    this.#options.journal?.append(row);
    if (this.#queue.length >= this.#options.batchSize && this.#flushing === undefined && !this.#backingOff)
      void this.flush();
  }

  /** Writes what is queued, batch by batch; concurrent calls share one flush. */
  flush(): Promise<void> {
    this.#flushing ??= this.#drain().finally(() => {
      this.#flushing = undefined;
    });
    return this.#flushing;
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.flush();
    // Rows recorded while the last flush ran.
    if (this.#queue.length > 0) await this.flush();
    // Rows still queued (the store is down) stay in the journal, for the next start.
    this.#options.journal?.close();
  }

  /**
   * The attempts and bodies of the first `settled` rows of a batch, after the rows themselves: best effort,
   * since they are only for reading (a failure is reported and they are dropped; rows are never held back).
   */
  async #writeDetails(batch: readonly UsageRow[], settled: number): Promise<void> {
    const insert = this.#options.store.insertRequestDetails;
    if (insert === undefined) return;
    const details: RequestDetailRow[] = [];
    for (let index = 0; index < settled; index++) {
      const row = batch[index] as UsageRow;
      if (row.details !== undefined)
        details.push({ requestId: cleanText(row.requestId), startedAt: row.startedAt, ...row.details });
    }
    if (details.length === 0) return;
    try {
      await insert.call(this.#options.store, details);
    } catch (error) {
      this.#options.onError(error);
    }
  }

  async #drain(): Promise<void> {
    if (this.#queue.length === 0) return;
    // Rows recorded from now on go to a new segment, so the current one can go once this drain is done.
    this.#options.journal?.rotate();
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0, this.#options.batchSize);
      this.#writing = batch.length;
      const result = await writeUsageRows(this.#options.store, batch, this.#options.onError).finally(() => {
        this.#writing = 0;
      });
      this.#written += result.written;
      this.#cleaned += result.cleaned;
      this.#rejected += result.rejected;
      if (result.batchFailed) this.#failedBatches += 1;
      const settled = batch.length - result.remaining.length;
      if (settled > 0) {
        await this.#writeDetails(batch, settled);
        this.#progressAt = this.#now();
        if (result.written > 0) this.#lastWriteAt = this.#progressAt;
        this.#options.journal?.settle(settled);
      }
      if (result.remaining.length > 0) {
        // The store is unreachable: keep the rows, in order, and try again on the next tick.
        this.#queue = result.remaining.concat(this.#queue);
        this.#backingOff = true;
        return;
      }
    }
  }
}
