import type { FastifyInstance, FastifyReply } from 'fastify';
import { encodeOpenAIChatResponse } from '../../formats/openai/encode-openai-chat-response.ts';
import { encodeOpenAIStreamError, OpenAIChatStreamEncoder } from '../../formats/openai/encode-openai-chat-stream.ts';
import { parseOpenAIChatRequest } from '../../formats/openai/parse-openai-chat-request.ts';
import type { JsonObject } from '../../formats/shared/json-reader.ts';
import type { ChatOutcome, Gateway } from '../../gateway/gateway.ts';
import type { RequestRecord } from '../../gateway/request-record.ts';
import type { Governance } from '../../governance/governance.ts';
import { priceResponse, setGatewayHeaders } from '../gateway-headers.ts';
import { admitRequest, outputLimitOf } from '../governance/admit-request.ts';
import { cacheRequestOf } from '../shared/cache-request-of.ts';
import { encodeStreamParts } from '../shared/encode-stream-parts.ts';
import { sendEventStream } from '../sse/send-event-stream.ts';
import {
  buildOpenAIPassthroughBody,
  callerWantsStreamUsage,
  openAIPassthroughGate,
  recordOpenAIResponseUsage,
  relayOpenAIStream,
} from './openai-passthrough.ts';
import { OpenAIChatBodySchema, OpenAIChatCompletionSchema, OpenAIErrorSchema } from './openai-schemas.ts';

/**
 * `POST /v1/chat/completions`: OpenAI Chat Completions to any provider. OpenAI-format providers get the
 * caller's body with only `model` rewritten and their answer relayed as it comes; other providers
 * go through the canonical format.
 */
export function registerChatCompletionsRoute(app: FastifyInstance, gateway: Gateway, governance: Governance): void {
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
    async function chatCompletions(request, reply) {
      const body = request.body;
      const { record } = request;
      const stream = body['stream'] === true;
      const includeUsage = stream && callerWantsStreamUsage(body);
      record.model = body.model;
      record.stream = stream;
      await admitRequest(governance, request, reply, {
        model: body.model,
        maxOutputTokens: outputLimitOf(body, ['max_completion_tokens', 'max_tokens']),
      });
      const outcome = await gateway.dispatchChat({
        surface: 'openai-chat',
        target: { model: body.model },
        stream,
        record,
        signal: request.callerSignal,
        forwardedHeaders: {},
        cache: cacheRequestOf(gateway, request, body),
        toCanonical: (resolved, warnings) => parseOpenAIChatRequest(body, resolved.upstreamModel, warnings),
        toPassthrough: (resolved, warnings) =>
          buildOpenAIPassthroughBody(body, request.bodyText, resolved, stream, warnings),
        passthroughGate: openAIPassthroughGate(body.model),
      });
      setGatewayHeaders(reply, record);
      return sendOutcome(reply, outcome, {
        record,
        includeUsage,
        model: body.model,
        signal: request.callerSignal,
        governance,
      });
    },
  );
}

function sendOutcome(
  reply: FastifyReply,
  outcome: ChatOutcome,
  options: { record: RequestRecord; includeUsage: boolean; model: string; signal: AbortSignal; governance: Governance },
): FastifyReply {
  const { record } = options;
  switch (outcome.kind) {
    case 'forwarded-stream': {
      const events = relayOpenAIStream(outcome.events, {
        record,
        stripUsageChunk: !options.includeUsage,
        provider: record.provider ?? 'upstream',
        signal: options.signal,
      });
      return sendEventStream(reply, events, record, encodeOpenAIStreamError);
    }
    case 'forwarded':
      recordOpenAIResponseUsage(outcome.response.body, record);
      priceResponse(reply, record, options.governance);
      return reply.type('application/json').send(outcome.response.body);
    case 'response':
      record.usage = outcome.response.usage;
      record.finishReason = outcome.response.finishReason;
      priceResponse(reply, record, options.governance);
      return reply.type('application/json').send(JSON.stringify(encodeOpenAIChatResponse(outcome.response)));
    case 'stream': {
      const encoder = new OpenAIChatStreamEncoder({ model: options.model, includeUsage: options.includeUsage });
      return sendEventStream(
        reply,
        encodeStreamParts(outcome.parts, (part) => encoder.encode(part), record),
        record,
        encodeOpenAIStreamError,
      );
    }
  }
}
