import type { GovernanceStore, UsageRow } from '../store/store-records.ts';

export interface UsageRecorderOptions {
  store: GovernanceStore;
  /** Rows held at most; past it new rows are dropped (and counted), never blocking a request. */
  queueSize: number;
  batchSize: number;
  flushIntervalMs: number;
  onError: (error: unknown) => void;
}

/**
 * Writes usage rows off the response path: requests only push onto a bounded queue; a timer writes
 * batches, one statement (or transaction) each. A failed batch goes back to the front of the queue to
 * be retried. `close` writes everything still queued, for shutdown.
 */
export class UsageRecorder {
  readonly #options: UsageRecorderOptions;
  #queue: UsageRow[] = [];
  #dropped = 0;
  #written = 0;
  #flushing: Promise<void> | undefined;
  readonly #timer: NodeJS.Timeout;

  constructor(options: UsageRecorderOptions) {
    this.#options = options;
    this.#timer = setInterval(() => void this.flush(), options.flushIntervalMs);
    this.#timer.unref();
  }

  /** Queued rows waiting to be written. */
  get queued(): number {
    return this.#queue.length;
  }

  /** Rows lost because the queue was full. */
  get dropped(): number {
    return this.#dropped;
  }

  get written(): number {
    return this.#written;
  }

  record(row: UsageRow): void {
    if (this.#queue.length >= this.#options.queueSize) {
      this.#dropped += 1;
      return;
    }
    this.#queue.push(row);
    if (this.#queue.length >= this.#options.batchSize && this.#flushing === undefined) void this.flush();
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
  }

  async #drain(): Promise<void> {
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0, this.#options.batchSize);
      try {
        await this.#options.store.insertUsage(batch);
        this.#written += batch.length;
      } catch (error) {
        this.#options.onError(error);
        const room = Math.max(0, this.#options.queueSize - this.#queue.length);
        this.#dropped += Math.max(0, batch.length - room);
        this.#queue = [...batch.slice(0, room), ...this.#queue];
        return;
      }
    }
  }
}
