import type { FastifyRequest } from 'fastify';
import type { CacheRequest } from '../../gateway/cache/response-cache.ts';
import type { Gateway } from '../../gateway/gateway.ts';

/** What the response cache reads of a request; undefined (nothing built) when the cache is off. */
export function cacheRequestOf(
  gateway: Gateway,
  request: FastifyRequest,
  body: Readonly<Record<string, unknown>>,
): CacheRequest | undefined {
  if (gateway.cache === undefined) return undefined;
  return { body, control: request.headers['cache-control'] };
}
