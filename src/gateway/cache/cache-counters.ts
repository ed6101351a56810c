import type { CacheEvents } from './cache-store.ts';

/** The response cache's counts since start, read by `/metrics` when scraped. */
export class CacheCounters implements CacheEvents {
  hits = 0;
  misses = 0;
  /** Bytes of the entries stored (JSON text). */
  storedBytes = 0;
  /** Entries the memory cache dropped for room. */
  evictions = 0;

  lookup(outcome: 'hit' | 'miss'): void {
    if (outcome === 'hit') this.hits += 1;
    else this.misses += 1;
  }

  stored(bytes: number): void {
    this.storedBytes += bytes;
  }

  evicted(): void {
    this.evictions += 1;
  }
}
