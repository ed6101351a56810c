import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { GatewayError } from '../../errors/gateway-error.ts';
import { readOpenAIUsage } from '../../formats/openai/convert-openai-usage.ts';
import type { JsonObject } from '../../formats/shared/json-reader.ts';
import type { Gateway } from '../../gateway/gateway.ts';
import type { Governance } from '../../governance/governance.ts';
import { priceResponse, setGatewayHeaders } from '../gateway-headers.ts';
import { admitRequest } from '../governance/admit-request.ts';
import { ModelNameSchema } from '../shared/model-name-schema.ts';
import { readTrailingObject } from '../shared/read-trailing-object.ts';
import { OpenAIErrorSchema } from './openai-schemas.ts';

/** The upstream's answer, passed through as is (documented here, never re-serialised). */
const EmbeddingsResponseSchema = Type.Object({
  object: Type.Literal('list'),
  data: Type.Array(
    Type.Object({
      object: Type.Literal('embedding'),
      index: Type.Integer(),
      embedding: Type.Union([Type.Array(Type.Number()), Type.String({ description: 'base64, when asked for' })]),
    }),
  ),
  model: Type.String(),
  usage: Type.Object({ prompt_tokens: Type.Integer(), total_tokens: Type.Integer() }),
});

/** `POST /v1/embeddings`: passed through to OpenAI-format providers, usage read on the way back. */
export function registerEmbeddingsRoute(app: FastifyInstance, gateway: Gateway, governance: Governance): void {
  app.post<{ Body: JsonObject & { model: string } }>(
    '/v1/embeddings',
    {
      config: { errorShape: 'openai', governed: true, admitted: true },
      schema: {
        summary: 'OpenAI Embeddings, for OpenAI-format providers.',
        tags: ['openai'],
        body: Type.Object({
          model: ModelNameSchema(),
          input: Type.Union([Type.String(), Type.Array(Type.Unknown())]),
        }),
        response: { 200: EmbeddingsResponseSchema, '4xx': OpenAIErrorSchema, '5xx': OpenAIErrorSchema },
      },
    },
    async function embeddings(request, reply) {
      const { record } = request;
      record.model = request.body.model;
      await admitRequest(governance, request, reply, { model: request.body.model, maxOutputTokens: 0 });
      const response = await gateway.forward({
        surface: 'openai-chat',
        operation: 'embeddings',
        model: request.body.model,
        body: request.body,
        record,
        signal: request.callerSignal,
        forwardedHeaders: {},
        cacheControl: gateway.cache === undefined ? undefined : (request.headers['cache-control'] ?? ''),
      });
      if (response.kind !== 'buffered')
        throw new GatewayError('internal_error', 'An embeddings call gave a streamed response.');
      setGatewayHeaders(reply, record);
      record.usage = readOpenAIUsage(readTrailingObject(response.body.toString('utf8'), 'usage'));
      priceResponse(reply, record, governance);
      return reply.type('application/json').send(response.body);
    },
  );
}
