import type { FastifyInstance, FastifyReply } from 'fastify';
import { encodeAnthropicMessage } from '../../formats/anthropic/encode-anthropic-message.ts';
import { AnthropicStreamEncoder, encodeAnthropicStreamError } from '../../formats/anthropic/encode-anthropic-stream.ts';
import { parseAnthropicMessagesRequest } from '../../formats/anthropic/parse-anthropic-messages-request.ts';
import { estimateInputTokens } from '../../formats/internal/estimate-input-tokens.ts';
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
  anthropicForwardedHeaders,
  anthropicPassthroughGate,
  buildAnthropicPassthroughBody,
  recordAnthropicResponseUsage,
  relayAnthropicStream,
} from './anthropic-passthrough.ts';
import { AnthropicErrorSchema, AnthropicMessageSchema, AnthropicMessagesBodySchema } from './anthropic-schemas.ts';

/**
 * `POST /v1/messages`: Anthropic Messages to any provider. Callers may authenticate with `x-api-key`
 * or `Authorization: Bearer`, with either API version; their key never goes upstream. Anthropic
 * providers get the body with only `model` rewritten (and the caller's `anthropic-version` and
 * `anthropic-beta`); others go through the canonical format.
 */
export function registerMessagesRoute(app: FastifyInstance, gateway: Gateway, governance: Governance): void {
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
    async function messages(request, reply) {
      const body = request.body;
      const { record } = request;
      const stream = body['stream'] === true;
      record.model = body.model;
      record.stream = stream;
      await admitRequest(governance, request, reply, {
        model: body.model,
        maxOutputTokens: outputLimitOf(body, ['max_tokens']),
      });
      let estimatedInputTokens = 0;
      const outcome = await gateway.dispatchChat({
        surface: 'anthropic-messages',
        target: { model: body.model },
        stream,
        record,
        signal: request.callerSignal,
        forwardedHeaders: anthropicForwardedHeaders(request.headers),
        cache: cacheRequestOf(gateway, request, body),
        toCanonical: (resolved, warnings) => {
          const canonical = parseAnthropicMessagesRequest(body, resolved.upstreamModel, warnings);
          estimatedInputTokens = estimateInputTokens(canonical);
          return canonical;
        },
        toPassthrough: (resolved, warnings) =>
          buildAnthropicPassthroughBody(body, request.bodyText, resolved, warnings),
        passthroughGate: anthropicPassthroughGate(body.model),
      });
      setGatewayHeaders(reply, record);
      return sendOutcome(reply, outcome, {
        record,
        model: body.model,
        estimatedInputTokens,
        signal: request.callerSignal,
        governance,
      });
    },
  );
}

function sendOutcome(
  reply: FastifyReply,
  outcome: ChatOutcome,
  options: {
    record: RequestRecord;
    model: string;
    estimatedInputTokens: number;
    signal: AbortSignal;
    governance: Governance;
  },
): FastifyReply {
  const { record } = options;
  switch (outcome.kind) {
    case 'forwarded-stream': {
      const events = relayAnthropicStream(outcome.events, {
        record,
        provider: record.provider ?? 'upstream',
        signal: options.signal,
      });
      return sendEventStream(reply, events, record, encodeAnthropicStreamError);
    }
    case 'forwarded':
      recordAnthropicResponseUsage(outcome.response.body, record);
      priceResponse(reply, record, options.governance);
      return reply.type('application/json').send(outcome.response.body);
    case 'response':
      record.usage = outcome.response.usage;
      record.finishReason = outcome.response.finishReason;
      priceResponse(reply, record, options.governance);
      return reply
        .type('application/json')
        .send(JSON.stringify(encodeAnthropicMessage(outcome.response, record.warnings)));
    case 'stream': {
      const encoder = new AnthropicStreamEncoder({
        model: options.model,
        estimatedInputTokens: options.estimatedInputTokens,
      });
      return sendEventStream(
        reply,
        encodeStreamParts(outcome.parts, (part) => encoder.encode(part), record),
        record,
        encodeAnthropicStreamError,
      );
    }
  }
}
