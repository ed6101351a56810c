import type { ResponseStore, StoredResponse } from './response-store.ts';

/** How often expired responses are swept, at most. */
const purgeIntervalMs = 60 * 60 * 1000;

/**
 * The response store for `databaseUrl` (the gateway's own database), opened on first use: a gateway
 * whose callers never store a response never opens it. Sweeps expired responses at most hourly,
 * after a save. A read that misses waits for this process's saves still in flight and looks again: a
 * client continues a conversation the moment it has the answer, which may be before its row is written.
 */
export class LazyResponseStore implements ResponseStore {
  readonly #databaseUrl: string;
  #store: Promise<ResponseStore> | undefined;
  #lastPurge = 0;
  readonly #saving = new Set<Promise<void>>();

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

  save(response: StoredResponse): Promise<void> {
    const saving = this.#save(response);
    this.#saving.add(saving);
    const settle = (): void => {
      this.#saving.delete(saving);
    };
    saving.then(settle, settle);
    return saving;
  }

  async #save(response: StoredResponse): Promise<void> {
    const store = await this.#open();
    await store.save(response);
    const now = Date.now();
    if (now - this.#lastPurge > purgeIntervalMs) {
      this.#lastPurge = now;
      await store.purgeExpired(now);
    }
  }

  async get(owner: string, id: string): Promise<{ response: string; inputItems: string } | undefined> {
    const found = await (await this.#open()).get(owner, id);
    if (found !== undefined || !(await this.#settled())) return found;
    return (await this.#open()).get(owner, id);
  }

  async items(owner: string, ids: readonly string[]): Promise<Map<string, string>> {
    const found = await (await this.#open()).items(owner, ids);
    if (found.size === ids.length || !(await this.#settled())) return found;
    return (await this.#open()).items(owner, ids);
  }

  /** Waits for the saves in flight; false when there were none (a second look would find nothing new). */
  async #settled(): Promise<boolean> {
    if (this.#saving.size === 0) return false;
    await Promise.allSettled([...this.#saving]);
    return true;
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
