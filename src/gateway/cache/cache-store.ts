/** One stored answer: its JSON text and when it was stored (epoch ms). */
export interface CacheEntry {
  storedAt: number;
  /** `CachedAnswer` as JSON. */
  value: string;
}

/**
 * Where the response cache keeps its entries: process memory (bounded LRU) or Redis (shared by every
 * instance). Both expire entries after the configured time.
 */
export interface CacheStore {
  get(key: string): Promise<CacheEntry | undefined>;
  set(key: string, entry: CacheEntry): Promise<void>;
  /** Empties the cache (`DELETE /admin/cache`); resolves to the number of entries removed when known. */
  clear(): Promise<number>;
  /** Bytes held now, when the store can tell cheaply. */
  bytes(): number | undefined;
  close(): Promise<void>;
}

/** What the cache tells metrics. */
export interface CacheEvents {
  lookup(outcome: 'hit' | 'miss'): void;
  stored(bytes: number): void;
  evicted(): void;
}
