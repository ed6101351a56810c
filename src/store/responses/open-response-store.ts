import type { ResponseStore, StoredResponse } from './response-store.ts';

/** How often expired responses are swept, at most. */
const purgeIntervalMs = 60 * 60 * 1000;

/**
 * The response store for `databaseUrl` (the gateway's own database), opened on first use: a gateway
 * whose callers never store a response never opens it. Sweeps expired responses at most hourly,
 * after a save.
 */
export class LazyResponseStore implements ResponseStore {
  readonly #databaseUrl: string;
  #store: Promise<ResponseStore> | undefined;
  #lastPurge = 0;

  constructor(databaseUrl: string) {
    this.#databaseUrl = databaseUrl;
  }

  #open(): Promise<ResponseStore> {
    this.#store ??= (async (): Promise<ResponseStore> => {
      if (/^postgres(ql)?:\/\//.test(this.#databaseUrl)) {
        return new (await import('./postgres-response-store.ts')).PostgresResponseStore(this.#databaseUrl);
      }
      return new (await import('./sqlite-response-store.ts')).SqliteResponseStore(
        this.#databaseUrl.replace(/^sqlite:/, ''),
      );
    })();
    return this.#store;
  }

  async save(response: StoredResponse): Promise<void> {
    const store = await this.#open();
    await store.save(response);
    const now = Date.now();
    if (now - this.#lastPurge > purgeIntervalMs) {
      this.#lastPurge = now;
      await store.purgeExpired(now);
    }
  }

  async get(owner: string, id: string): Promise<{ response: string; inputItems: string } | undefined> {
    return (await this.#open()).get(owner, id);
  }

  async items(owner: string, ids: readonly string[]): Promise<Map<string, string>> {
    return (await this.#open()).items(owner, ids);
  }

  async delete(owner: string, id: string): Promise<boolean> {
    return (await this.#open()).delete(owner, id);
  }

  async purgeExpired(now: number): Promise<void> {
    return (await this.#open()).purgeExpired(now);
  }

  async close(): Promise<void> {
    if (this.#store !== undefined) await (await this.#store).close();
  }
}
