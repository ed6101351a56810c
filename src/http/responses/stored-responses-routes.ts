import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { GatewayError } from '../../errors/gateway-error.ts';
import { isObject } from '../../formats/shared/json-reader.ts';
import type { ResponseStore } from '../../store/responses/response-store.ts';
import { OpenAIErrorSchema } from '../openai/openai-schemas.ts';
import { responseOwner } from './response-owner.ts';
import { ResponseObjectSchema } from './responses-schemas.ts';

const IdParams = Type.Object({ id: Type.String({ minLength: 1 }) });
const ListQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  order: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')])),
  after: Type.Optional(Type.String()),
});

/**
 * `GET /v1/responses/{id}`, `GET /v1/responses/{id}/input_items` and `DELETE /v1/responses/{id}` on
 * the gateway's own store, scoped to the caller's key: another key's id is a 404, as a missing one is.
 * @see https://platform.openai.com/docs/api-reference/responses/get
 */
export function registerStoredResponsesRoutes(app: FastifyInstance, store: ResponseStore): void {
  const notFound = (id: string): GatewayError =>
    new GatewayError('response_not_found', `Response with id '${id}' not found.`, { param: 'response_id' });
  const common = { config: { errorShape: 'openai' as const, governed: true } };

  app.get<{ Params: { id: string } }>(
    '/v1/responses/:id',
    {
      ...common,
      schema: {
        summary: 'A stored response (store absent or true), for its own key.',
        tags: ['openai'],
        params: IdParams,
        response: { 200: ResponseObjectSchema, '4xx': OpenAIErrorSchema },
      },
    },
    async function getResponse(request, reply) {
      const stored = await store.get(responseOwner(request.principal), request.params.id);
      if (stored === undefined) throw notFound(request.params.id);
      return reply.type('application/json').send(stored.response);
    },
  );

  app.get<{ Params: { id: string }; Querystring: { limit?: number; order?: 'asc' | 'desc'; after?: string } }>(
    '/v1/responses/:id/input_items',
    {
      ...common,
      schema: {
        summary: 'The input items a stored response answered.',
        tags: ['openai'],
        params: IdParams,
        querystring: ListQuery,
        response: {
          200: Type.Object(
            { object: Type.Literal('list'), data: Type.Array(Type.Unknown()) },
            { additionalProperties: true },
          ),
          '4xx': OpenAIErrorSchema,
        },
      },
    },
    async function listInputItems(request, reply) {
      const stored = await store.get(responseOwner(request.principal), request.params.id);
      if (stored === undefined) throw notFound(request.params.id);
      const parsed: unknown = JSON.parse(stored.inputItems);
      let items = (Array.isArray(parsed) ? parsed : []).map((item, index) => withId(item, request.params.id, index));
      if (request.query.order !== 'asc') items = items.reverse();
      const after = request.query.after;
      if (after !== undefined) items = items.slice(items.findIndex((item) => item['id'] === after) + 1);
      const limit = request.query.limit ?? 20;
      const data = items.slice(0, limit);
      const body = {
        object: 'list',
        data,
        first_id: data[0]?.['id'] ?? null,
        last_id: data.at(-1)?.['id'] ?? null,
        has_more: items.length > limit,
      };
      return reply.type('application/json').send(JSON.stringify(body));
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/v1/responses/:id',
    {
      ...common,
      schema: {
        summary: 'Deletes a stored response of the caller’s key.',
        tags: ['openai'],
        params: IdParams,
        response: {
          200: Type.Object({ id: Type.String(), object: Type.String(), deleted: Type.Boolean() }),
          '4xx': OpenAIErrorSchema,
        },
      },
    },
    async function deleteResponse(request, reply) {
      const deleted = await store.delete(responseOwner(request.principal), request.params.id);
      if (!deleted) throw notFound(request.params.id);
      return reply.send({ id: request.params.id, object: 'response', deleted: true });
    },
  );
}

/**
 * An input item as the list shows it: `type` always, and an `id` (the caller's, or one derived from the
 * response and the position, stable across reads).
 */
function withId(item: unknown, responseId: string, index: number): Record<string, unknown> {
  const value = isObject(item) ? item : {};
  const type = typeof value['type'] === 'string' ? value['type'] : 'message';
  const id =
    typeof value['id'] === 'string'
      ? value['id']
      : `${type === 'message' ? 'msg' : 'item'}_${responseId.replace(/^resp_/, '')}_${index}`;
  return { ...value, type, id };
}
