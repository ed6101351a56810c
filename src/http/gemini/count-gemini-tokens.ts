import type { FastifyReply, FastifyRequest } from 'fastify';
import { parseGeminiRequest } from '../../formats/gemini/parse-gemini-request.ts';
import { estimateInputTokens } from '../../formats/internal/estimate-input-tokens.ts';
import { isObject, type JsonObject } from '../../formats/shared/json-reader.ts';
import type { Gateway } from '../../gateway/gateway.ts';
import type { Governance } from '../../governance/governance.ts';
import { setGatewayHeaders } from '../gateway-headers.ts';
import { admitRequest } from '../governance/admit-request.ts';

/**
 * `countTokens`: counted by a Gemini target, estimated offline for any other (marked by
 * `x-llm-proxy-token-count: estimate`), the target picked as for `generateContent`. Gemini CLI calls
 * it before each turn.
 * @see https://ai.google.dev/api/tokens#method:-models.counttokens
 */
export async function countGeminiTokens(options: {
  request: FastifyRequest;
  reply: FastifyReply;
  body: JsonObject;
  model: string;
  gateway: Gateway;
  governance: Governance;
}): Promise<FastifyReply> {
  const { request, reply, body, model, gateway, governance } = options;
  const { record } = request;
  record.model = model;
  await admitRequest(governance, request, reply, { model, maxOutputTokens: 0, countsTokens: false });
  // `{generateContentRequest: {…}}` counts a whole request; `{contents}` just the turns.
  const counted = isObject(body['generateContentRequest']) ? body['generateContentRequest'] : body;
  const outcome = await gateway.countTokens({
    surface: 'gemini',
    model,
    body,
    record,
    signal: request.callerSignal,
    forwardedHeaders: {},
    estimate: async (resolved, warnings) =>
      estimateInputTokens(parseGeminiRequest(counted, resolved.upstreamModel, warnings)),
  });
  setGatewayHeaders(reply, record);
  if (outcome.kind === 'counted') return reply.type('application/json').send(outcome.response.body);
  reply.header('x-llm-proxy-token-count', 'estimate');
  return reply.type('application/json').send(JSON.stringify({ totalTokens: outcome.inputTokens }));
}
