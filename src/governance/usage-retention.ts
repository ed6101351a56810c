import type { GovernanceStore } from '../store/store-records.ts';

const dayMs = 86_400_000;
/** Rows deleted per statement: short transactions, no long lock on the table. */
const batchRows = 5_000;

/** Deletes up to `limit` rows dated before `before` (epoch ms) from one table; returns how many went. */
export type DeleteRowsBefore = (before: number, limit: number) => Promise<number>;

/**
 * Deletes usage rows (the request log) older than the retention, whole UTC days at a time: at start-up and
 * then every hour, rows of days before `today − retentionDays` go, through the time index, in batches.
 * `tables` names other tables kept as long (the requests' attempts), or instead (their bodies).
 */
export class UsageRetention {
  readonly #timer: NodeJS.Timeout;
  readonly #tables: readonly DeleteRowsBefore[];
  readonly #retentionDays: number;
  readonly #onError: (error: unknown) => void;
  readonly #now: () => number;
  #running: Promise<number> | undefined;

  constructor(options: {
    store: GovernanceStore;
    /** Default: the usage rows. */
    tables?: readonly DeleteRowsBefore[];
    retentionDays: number;
    onError: (error: unknown) => void;
    now?: () => number;
    intervalMs?: number;
  }) {
    const { store } = options;
    this.#tables = options.tables ?? [(before, limit) => store.deleteUsageBefore(before, limit)];
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
    for (const deleteBefore of this.#tables) {
      for (;;) {
        const deleted = await deleteBefore(cutoff, batchRows);
        total += deleted;
        if (deleted < batchRows) break;
      }
    }
    return total;
  }
}
