import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { parseAnthropicMessagesRequest } from '../../formats/anthropic/parse-anthropic-messages-request.ts';
import type { JsonObject } from '../../formats/shared/json-reader.ts';
import type { Gateway } from '../../gateway/gateway.ts';
import type { Governance } from '../../governance/governance.ts';
import { setGatewayHeaders } from '../gateway-headers.ts';
import { admitRequest } from '../governance/admit-request.ts';
import { anthropicForwardedHeaders } from './anthropic-passthrough.ts';
import { AnthropicCountTokensBodySchema, AnthropicErrorSchema } from './anthropic-schemas.ts';
import { countTokensEstimate } from './count-tokens-estimate.ts';

/**
 * `POST /v1/messages/count_tokens`, governed like `/v1/messages`: the key's model list, and its RPM
 * and parallel limits (not TPM or budget: counting costs no tokens upstream). The target is picked as
 * for `/v1/messages`; an Anthropic target counts exactly, any other gets an offline estimate, marked
 * by `x-llm-proxy-token-count: estimate`.
 */
export function registerCountTokensRoute(app: FastifyInstance, gateway: Gateway, governance: Governance): void {
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
      await admitRequest(governance, request, reply, { model: body.model, maxOutputTokens: 0, countsTokens: false });
      const outcome = await gateway.countTokens({
        model: body.model,
        body,
        record,
        signal: request.callerSignal,
        forwardedHeaders: anthropicForwardedHeaders(request.headers),
        estimate: (resolved, warnings) =>
          countTokensEstimate(parseAnthropicMessagesRequest(body, resolved.upstreamModel, warnings)),
      });
      setGatewayHeaders(reply, record);
      if (outcome.kind === 'counted') return reply.type('application/json').send(outcome.response.body);
      reply.header('x-llm-proxy-token-count', 'estimate');
      return reply.type('application/json').send(JSON.stringify({ input_tokens: outcome.inputTokens }));
    },
  );
}
