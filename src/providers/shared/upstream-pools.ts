import { Pool } from 'undici';

export interface UpstreamPoolOptions {
  connectTimeoutMs: number;
  /** Connections per origin. */
  connections: number;
  /** How long an idle keep-alive socket is kept; shorter than providers' own idle cut-off. */
  keepAliveTimeoutMs: number;
}

export const defaultPoolOptions: UpstreamPoolOptions = {
  connectTimeoutMs: 10_000,
  connections: 1024,
  keepAliveTimeoutMs: 4_000,
};

/**
 * One keep-alive undici `Pool` per upstream origin, created on first use and shared by every provider
 * instance that talks to that origin. Closed once, at shutdown.
 */
export class UpstreamPools {
  readonly #pools = new Map<string, Pool>();
  readonly #options: UpstreamPoolOptions;

  constructor(options: Partial<UpstreamPoolOptions> = {}) {
    this.#options = { ...defaultPoolOptions, ...options };
  }

  /** The pool for `origin` (`https://api.openai.com`), created on first call. */
  forOrigin(origin: string): Pool {
    let pool = this.#pools.get(origin);
    if (pool === undefined) {
      pool = new Pool(origin, {
        connections: this.#options.connections,
        keepAliveTimeout: this.#options.keepAliveTimeoutMs,
        keepAliveMaxTimeout: Math.max(this.#options.keepAliveTimeoutMs, 60_000),
        connect: { timeout: this.#options.connectTimeoutMs },
      });
      this.#pools.set(origin, pool);
    }
    return pool;
  }

  async close(): Promise<void> {
    const pools = [...this.#pools.values()];
    this.#pools.clear();
    await Promise.all(pools.map((pool) => pool.close()));
  }
}
