import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';

/** `GET /` (and `HEAD /`, which Claude Code sends as a reachability probe). */
export function registerRootRoute(app: FastifyInstance, version: string): void {
  app.get(
    '/',
    {
      schema: {
        summary: 'Service name and version.',
        tags: ['meta'],
        response: { 200: Type.Object({ name: Type.String(), version: Type.String(), docs: Type.String() }) },
      },
    },
    function root() {
      return { name: 'llm-proxy', version, docs: '/docs' };
    },
  );
}
