import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { ResponseCache } from '../../gateway/cache/response-cache.ts';
import { SimpleErrorSchema } from '../chat/chat-schemas.ts';

/** `DELETE /admin/cache`: empties the response cache (every instance's, with `redis`). Master key only. */
export function registerCacheRoute(app: FastifyInstance, cache: ResponseCache): void {
  app.delete(
    '/admin/cache',
    {
      config: { errorShape: 'simple', admin: true },
      schema: {
        summary: 'Empty the response cache.',
        tags: ['admin'],
        response: {
          200: Type.Object({ deleted: Type.Integer() }),
          '4xx': SimpleErrorSchema,
          '5xx': SimpleErrorSchema,
        },
      },
    },
    async function clearCache() {
      return { deleted: await cache.store.clear() };
    },
  );
}
