import type { Redis } from 'ioredis';

/**
 * A Redis client for shared gateway state. Commands fail fast while the connection is down instead
 * of queueing (`enableOfflineQueue: false`), so a Redis outage degrades shared state to local state
 * rather than stalling requests; the client reconnects in the background. ioredis is loaded on first
 * use: a gateway without Redis does not carry it in memory.
 */
export async function connectRedis(url: string, options: { name: string; autoPipelining?: boolean }): Promise<Redis> {
  const { Redis } = await import('ioredis');
  const client = new Redis(url, {
    connectionName: `llm-proxy-${options.name}`,
    connectTimeout: 2_000,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    lazyConnect: true,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
    // Commands issued in the same tick go out in one write: the limits client sends two per request.
    enableAutoPipelining: options.autoPipelining === true,
  });
  await client.connect();
  return client;
}

/**
 * Closes a client: QUIT when connected; when Redis is unreachable QUIT fails at once (no offline queue)
 * and `disconnect` stops the reconnection timer, which would otherwise keep a stopping process alive.
 */
export async function closeRedis(client: Redis): Promise<void> {
  try {
    await client.quit();
  } catch {
    client.disconnect();
  }
}
