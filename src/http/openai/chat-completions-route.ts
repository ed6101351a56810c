import type { FastifyInstance } from 'fastify';
import { encodeOpenAIChatResponse } from '../../formats/openai/encode-openai-chat-response.ts';
import { encodeOpenAIStreamError, OpenAIChatStreamEncoder } from '../../formats/openai/encode-openai-chat-stream.ts';
import { parseOpenAIChatRequest } from '../../formats/openai/parse-openai-chat-request.ts';
import type { JsonObject } from '../../formats/shared/json-reader.ts';
import type { Gateway } from '../../gateway/gateway.ts';
import type { Governance } from '../../governance/governance.ts';
import { outputLimitOf } from '../governance/admit-request.ts';
import { type ChatSurface, noForwardedHeaders, serveChat } from '../shared/serve-chat.ts';
import {
  buildOpenAIPassthroughBody,
  callerWantsStreamUsage,
  openAIPassthroughGate,
  recordOpenAIResponseUsage,
  relayOpenAIStream,
} from './openai-passthrough.ts';
import { OpenAIChatBodySchema, OpenAIChatCompletionSchema, OpenAIErrorSchema } from './openai-schemas.ts';

/** Per call: whether the caller asked for the stream's usage chunk (else it is removed on the way back). */
type IncludeUsage = boolean;

/** OpenAI Chat Completions as a chat surface: its codec in formats/openai/, its passthrough relay. */
const openAIChatSurface: ChatSurface<IncludeUsage, JsonObject & { model: string }> = {
  surface: 'openai-chat',
  begin: ({ body, stream }) => stream && callerWantsStreamUsage(body),
  outputLimit: ({ body }) => outputLimitOf(body, ['max_completion_tokens', 'max_tokens']),
  forwardedHeaders: noForwardedHeaders,
  toCanonical: ({ body }, _includeUsage, resolved, warnings) =>
    parseOpenAIChatRequest(body, resolved.upstreamModel, warnings),
  encodeResponse: (response) => JSON.stringify(encodeOpenAIChatResponse(response)),
  passthrough: {
    build: ({ request, body, stream }, _includeUsage, resolved, warnings) =>
      buildOpenAIPassthroughBody(body, request.bodyText, resolved, stream, warnings),
    gate: openAIPassthroughGate,
    recordUsage: recordOpenAIResponseUsage,
    relay: (events, record, includeUsage, signal) =>
      relayOpenAIStream(events, {
        record,
        stripUsageChunk: !includeUsage,
        provider: record.provider ?? 'upstream',
        signal,
      }),
  },
  stream: {
    encoder: ({ model }, includeUsage) => {
      const encoder = new OpenAIChatStreamEncoder({ model, includeUsage });
      return (part) => encoder.encode(part);
    },
    errorEncoder: () => encodeOpenAIStreamError,
  },
};

/**
 * `POST /v1/chat/completions`: OpenAI Chat Completions to any provider. OpenAI-format providers get the
 * caller's body with only `model` rewritten and their answer relayed as it comes; other providers
 * go through the canonical format.
 */
export function registerChatCompletionsRoute(app: FastifyInstance, gateway: Gateway, governance: Governance): void {
  const services = { gateway, governance };
  app.post<{ Body: JsonObject & { model: string } }>(
    '/v1/chat/completions',
    {
      config: { errorShape: 'openai', governed: true, admitted: true },
      schema: {
        summary: 'OpenAI Chat Completions, streaming or not, to any configured provider.',
        tags: ['openai'],
        body: OpenAIChatBodySchema,
        response: { 200: OpenAIChatCompletionSchema, '4xx': OpenAIErrorSchema, '5xx': OpenAIErrorSchema },
      },
    },
    function chatCompletions(request, reply) {
      const { body } = request;
      return serveChat(
        openAIChatSurface,
        { request, body, model: body.model, stream: body['stream'] === true },
        reply,
        services,
      );
    },
  );
}
