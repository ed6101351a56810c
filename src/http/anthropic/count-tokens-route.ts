import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { Gateway } from '../../gateway/gateway.ts';
import { setGatewayHeaders } from '../gateway-headers.ts';
import type { JsonObject } from '../shared/json-reader.ts';
import { anthropicForwardedHeaders } from './anthropic-passthrough.ts';
import { AnthropicCountTokensBodySchema, AnthropicErrorSchema } from './anthropic-schemas.ts';
import { countTokensEstimate } from './count-tokens-estimate.ts';
import { parseAnthropicMessagesRequest } from './parse-anthropic-messages-request.ts';

/**
 * `POST /v1/messages/count_tokens`: forwarded to Anthropic upstreams; for other providers an offline
 * estimate, marked by `x-llm-proxy-token-count: estimate`.
 */
export function registerCountTokensRoute(app: FastifyInstance, gateway: Gateway): void {
  app.post<{ Body: JsonObject & { model: string } }>(
    '/v1/messages/count_tokens',
    {
      config: { errorShape: 'anthropic', governed: true, admitted: true },
      schema: {
        summary: 'Count the input tokens of a Messages request (exact for Anthropic, estimated otherwise).',
        tags: ['anthropic'],
        body: AnthropicCountTokensBodySchema,
        response: {
          200: Type.Object({ input_tokens: Type.Integer() }),
          '4xx': AnthropicErrorSchema,
          '5xx': AnthropicErrorSchema,
        },
      },
    },
    async function countTokens(request, reply) {
      const { body, record } = request;
      record.model = body.model;
      const [first] = gateway.models.resolve(body.model).targets;
      if (first === undefined) throw new Error('a model group without targets');
      const provider = gateway.models.provider(first.provider);
      const upstreamModel = first.model;
      if (provider.wireFormat === 'anthropic-messages' && provider.supportsOperation('count-tokens')) {
        const response = await gateway.forward({
          surface: 'anthropic-messages',
          operation: 'count-tokens',
          model: body.model,
          body,
          record,
          signal: request.callerSignal,
          forwardedHeaders: anthropicForwardedHeaders(request.headers),
        });
        setGatewayHeaders(reply, record);
        if (response.kind === 'buffered') return reply.type('application/json').send(response.body);
        throw new Error('count_tokens never streams');
      }
      record.provider = provider.name;
      record.upstreamModel = upstreamModel;
      const canonical = parseAnthropicMessagesRequest(body, upstreamModel, record.warnings);
      setGatewayHeaders(reply, record);
      reply.header('x-llm-proxy-token-count', 'estimate');
      return reply
        .type('application/json')
        .send(JSON.stringify({ input_tokens: await countTokensEstimate(canonical) }));
    },
  );
}
