import type { Redis } from 'ioredis';
import { closeRedis, connectRedis } from './redis-client.ts';

const channelName = 'llm-proxy:keys';

/**
 * Tells every gateway instance that a key changed (created, edited, revoked), by its hash, so each
 * drops it from its cache at once: a revoked key stops working everywhere within a second.
 */
export class RedisKeyInvalidation {
  readonly #publisher: Redis;
  readonly #subscriber: Redis;
  readonly #onError: (error: unknown) => void;

  private constructor(publisher: Redis, subscriber: Redis, onError: (error: unknown) => void) {
    this.#publisher = publisher;
    this.#subscriber = subscriber;
    this.#onError = onError;
  }

  static async connect(
    url: string,
    onInvalidated: (keyHash: string) => void,
    onError: (error: unknown) => void,
  ): Promise<RedisKeyInvalidation> {
    const publisher = await connectRedis(url, { name: 'keys' });
    const subscriber = await connectRedis(url, { name: 'keys-subscriber' });
    publisher.on('error', onError);
    subscriber.on('error', onError);
    subscriber.on('message', (_channel: string, keyHash: string) => {
      if (/^[0-9a-f]{64}$/.test(keyHash)) onInvalidated(keyHash);
    });
    await subscriber.subscribe(channelName);
    return new RedisKeyInvalidation(publisher, subscriber, onError);
  }

  publish(keyHash: string): void {
    this.#publisher.publish(channelName, keyHash).catch(this.#onError);
  }

  async close(): Promise<void> {
    await Promise.all([closeRedis(this.#subscriber), closeRedis(this.#publisher)]);
  }
}
