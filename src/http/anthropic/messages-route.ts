import type { FastifyInstance } from 'fastify';
import { encodeAnthropicMessage } from '../../formats/anthropic/encode-anthropic-message.ts';
import { AnthropicStreamEncoder, encodeAnthropicStreamError } from '../../formats/anthropic/encode-anthropic-stream.ts';
import { parseAnthropicMessagesRequest } from '../../formats/anthropic/parse-anthropic-messages-request.ts';
import { estimateInputTokens } from '../../formats/internal/estimate-input-tokens.ts';
import type { JsonObject } from '../../formats/shared/json-reader.ts';
import type { Gateway } from '../../gateway/gateway.ts';
import type { Governance } from '../../governance/governance.ts';
import { outputLimitOf } from '../governance/admit-request.ts';
import { type ChatSurface, serveChat } from '../shared/serve-chat.ts';
import {
  anthropicForwardedHeaders,
  anthropicPassthroughGate,
  buildAnthropicPassthroughBody,
  recordAnthropicResponseUsage,
  relayAnthropicStream,
} from './anthropic-passthrough.ts';
import { AnthropicErrorSchema, AnthropicMessageSchema, AnthropicMessagesBodySchema } from './anthropic-schemas.ts';

/** Per call: the input estimated from the canonical request, for `message_start` of a translated stream. */
interface MessagesCallState {
  estimatedInputTokens: number;
}

/** Anthropic Messages as a chat surface: its codec in formats/anthropic/, its passthrough relay. */
const anthropicMessagesSurface: ChatSurface<MessagesCallState, JsonObject & { model: string }> = {
  surface: 'anthropic-messages',
  begin: () => ({ estimatedInputTokens: 0 }),
  outputLimit: ({ body }) => outputLimitOf(body, ['max_tokens']),
  forwardedHeaders: ({ request }) => anthropicForwardedHeaders(request.headers),
  toCanonical: ({ body }, state, resolved, warnings) => {
    const canonical = parseAnthropicMessagesRequest(body, resolved.upstreamModel, warnings);
    state.estimatedInputTokens = estimateInputTokens(canonical);
    return canonical;
  },
  encodeResponse: (response, { request }) => JSON.stringify(encodeAnthropicMessage(response, request.record.warnings)),
  passthrough: {
    build: ({ request, body }, _state, resolved, warnings) =>
      buildAnthropicPassthroughBody(body, request.bodyText, resolved, warnings),
    gate: anthropicPassthroughGate,
    recordUsage: recordAnthropicResponseUsage,
    relay: (events, record, _state, signal) =>
      relayAnthropicStream(events, { record, provider: record.provider ?? 'upstream', signal }),
  },
  stream: {
    encoder: ({ model }, { estimatedInputTokens }) => {
      const encoder = new AnthropicStreamEncoder({ model, estimatedInputTokens });
      return (part) => encoder.encode(part);
    },
    errorEncoder: () => encodeAnthropicStreamError,
  },
};

/**
 * `POST /v1/messages`: Anthropic Messages to any provider. Callers may authenticate with `x-api-key`
 * or `Authorization: Bearer`, with either API version; their key never goes upstream. Anthropic
 * providers get the body with only `model` rewritten (and the caller's `anthropic-version` and
 * `anthropic-beta`); others go through the canonical format.
 */
export function registerMessagesRoute(app: FastifyInstance, gateway: Gateway, governance: Governance): void {
  const services = { gateway, governance };
  app.post<{ Body: JsonObject & { model: string } }>(
    '/v1/messages',
    {
      config: { errorShape: 'anthropic', governed: true, admitted: true },
      schema: {
        summary: 'Anthropic Messages, streaming or not, to any configured provider.',
        tags: ['anthropic'],
        body: AnthropicMessagesBodySchema,
        response: { 200: AnthropicMessageSchema, '4xx': AnthropicErrorSchema, '5xx': AnthropicErrorSchema },
      },
    },
    function messages(request, reply) {
      const { body } = request;
      return serveChat(
        anthropicMessagesSurface,
        { request, body, model: body.model, stream: body['stream'] === true },
        reply,
        services,
      );
    },
  );
}
