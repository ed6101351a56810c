import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';

/** OpenAPI document of every route at `/openapi.json`, Swagger UI at `/docs`. Register before routes. */
export async function registerOpenApi(app: FastifyInstance, version: string): Promise<void> {
  await app.register(swagger, {
    // Model ids hold slashes (`openai/gpt-4o`), so these routes are wildcards; the document names them.
    // On the Gemini routes' POST the segment is `{model}:{method}` (`gemini-2.5-flash:generateContent`).
    transform: ({ schema, url }) =>
      url.endsWith('/models/*')
        ? {
            schema: {
              ...schema,
              params: Type.Object({ model: Type.String({ description: 'A model id, slashes included.' }) }),
            },
            url: url.replace(/\*$/, '{model}'),
          }
        : { schema, url },
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'llm-proxy',
        version,
        description: 'A self-hosted LLM gateway: OpenAI- and Anthropic-compatible APIs in front of any provider.',
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, function openApiDocument() {
    return app.swagger();
  });
}
