import type { Redis } from 'ioredis';
import type { CacheEntry, CacheStore } from '../gateway/cache/cache-store.ts';
import { closeRedis, connectRedis } from './redis-client.ts';

const prefix = 'llm-proxy:cache:';

/**
 * The response cache in Redis, shared by every instance: one string per entry (`storedAt` and the answer
 * as JSON), expiring after the cache's TTL. Redis bounds its memory itself (`maxmemory`).
 */
export class RedisCacheStore implements CacheStore {
  readonly #redis: Redis;
  readonly #ttlMs: number;

  private constructor(redis: Redis, ttlMs: number) {
    this.#redis = redis;
    this.#ttlMs = ttlMs;
  }

  static async connect(url: string, ttlMs: number, onError: (error: unknown) => void): Promise<RedisCacheStore> {
    const redis = await connectRedis(url, { name: 'cache' });
    redis.on('error', onError);
    return new RedisCacheStore(redis, ttlMs);
  }

  async get(key: string): Promise<CacheEntry | undefined> {
    const text = await this.#redis.get(prefix + key);
    if (text === null) return undefined;
    const separator = text.indexOf('\n');
    return { storedAt: Number(text.slice(0, separator)), value: text.slice(separator + 1) };
  }

  async set(key: string, entry: CacheEntry): Promise<void> {
    await this.#redis.set(prefix + key, `${entry.storedAt}\n${entry.value}`, 'PX', this.#ttlMs);
  }

  async clear(): Promise<number> {
    let removed = 0;
    let cursor = '0';
    do {
      const [next, keys] = await this.#redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) removed += await this.#redis.unlink(...keys);
    } while (cursor !== '0');
    return removed;
  }

  bytes(): undefined {
    return undefined;
  }

  async close(): Promise<void> {
    await closeRedis(this.#redis);
  }
}
