import { Redis } from 'ioredis';

/**
 * A Redis client for shared gateway state. Commands fail fast while the connection is down instead
 * of queueing (`enableOfflineQueue: false`), so a Redis outage degrades shared state to local state
 * rather than stalling requests; the client reconnects in the background.
 */
export async function connectRedis(url: string, options: { name: string }): Promise<Redis> {
  const client = new Redis(url, {
    connectionName: `llm-proxy-${options.name}`,
    connectTimeout: 2_000,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    lazyConnect: true,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
  });
  await client.connect();
  return client;
}
