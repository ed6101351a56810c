import { LRUCache } from 'lru-cache';
import type { CacheEntry, CacheEvents, CacheStore } from './cache-store.ts';

/**
 * The response cache in process memory: an LRU bounded by the bytes of its entries (`max_bytes`), each
 * expiring after `ttl_ms`. Evictions for room are counted; expiries are not.
 */
export class MemoryCacheStore implements CacheStore {
  readonly #entries: LRUCache<string, CacheEntry>;

  constructor(options: { maxBytes: number; ttlMs: number; events: CacheEvents }) {
    this.#entries = new LRUCache<string, CacheEntry>({
      maxSize: options.maxBytes,
      ttl: options.ttlMs,
      sizeCalculation: (entry, key) => entry.value.length * 2 + key.length * 2 + 64,
      dispose: (_entry, _key, reason) => {
        if (reason === 'evict') options.events.evicted();
      },
    });
  }

  async get(key: string): Promise<CacheEntry | undefined> {
    return this.#entries.get(key);
  }

  async set(key: string, entry: CacheEntry): Promise<void> {
    this.#entries.set(key, entry);
  }

  async clear(): Promise<number> {
    const size = this.#entries.size;
    this.#entries.clear();
    return size;
  }

  bytes(): number {
    return this.#entries.calculatedSize;
  }

  async close(): Promise<void> {}
}
