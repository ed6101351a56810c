import type { GovernanceStore } from '../store/store-records.ts';

const dayMs = 86_400_000;
/** Rows deleted per statement: short transactions, no long lock on the table. */
const batchRows = 5_000;

/**
 * Deletes usage rows (the request log) older than the retention, whole UTC days at a time: at start-up and
 * then every hour, rows of days before `today − retentionDays` go, through the time index, in batches.
 */
export class UsageRetention {
  readonly #timer: NodeJS.Timeout;
  readonly #store: GovernanceStore;
  readonly #retentionDays: number;
  readonly #onError: (error: unknown) => void;
  readonly #now: () => number;
  #running: Promise<number> | undefined;

  constructor(options: {
    store: GovernanceStore;
    retentionDays: number;
    onError: (error: unknown) => void;
    now?: () => number;
    intervalMs?: number;
  }) {
    this.#store = options.store;
    this.#retentionDays = options.retentionDays;
    this.#onError = options.onError;
    this.#now = options.now ?? Date.now;
    this.#timer = setInterval(() => void this.run(), options.intervalMs ?? 3_600_000);
    this.#timer.unref();
  }

  /** Deletes what is past retention; returns how many rows went. */
  run(): Promise<number> {
    this.#running ??= this.#deleteExpired()
      .catch((error: unknown) => {
        this.#onError(error);
        return 0;
      })
      .finally(() => {
        this.#running = undefined;
      });
    return this.#running;
  }

  close(): void {
    clearInterval(this.#timer);
  }

  async #deleteExpired(): Promise<number> {
    const cutoff = (Math.floor(this.#now() / dayMs) - this.#retentionDays) * dayMs;
    let total = 0;
    for (;;) {
      const deleted = await this.#store.deleteUsageBefore(cutoff, batchRows);
      total += deleted;
      if (deleted < batchRows) return total;
    }
  }
}
