import type { FastifyInstance, FastifyReply } from 'fastify';
import type { GatewayError } from '../../errors/gateway-error.ts';
import { encodeResponsesResponse } from '../../formats/openai-responses/encode-responses-response.ts';
import { ResponsesStreamEncoder } from '../../formats/openai-responses/encode-responses-stream.ts';
import { parseResponsesRequest } from '../../formats/openai-responses/parse-responses-request.ts';
import type { ResponseEnvelope } from '../../formats/openai-responses/responses-envelope.ts';
import { responsesId } from '../../formats/openai-responses/responses-ids.ts';
import type { ResponsesToolNames } from '../../formats/openai-responses/responses-tool-names.ts';
import { isObject, type JsonObject } from '../../formats/shared/json-reader.ts';
import type { ChatOutcome, Gateway } from '../../gateway/gateway.ts';
import type { RequestRecord } from '../../gateway/request-record.ts';
import type { Governance } from '../../governance/governance.ts';
import type { ResponseStore } from '../../store/responses/response-store.ts';
import { priceResponse, setGatewayHeaders } from '../gateway-headers.ts';
import { admitRequest, outputLimitOf } from '../governance/admit-request.ts';
import { OpenAIErrorSchema } from '../openai/openai-schemas.ts';
import { cacheRequestOf } from '../shared/cache-request-of.ts';
import { encodeStreamParts } from '../shared/encode-stream-parts.ts';
import { sendEventStream } from '../sse/send-event-stream.ts';
import { continuesConversation, expandConversation, inputItems } from './expand-conversation.ts';
import { responseOwner } from './response-owner.ts';
import {
  buildResponsesPassthroughBody,
  encodeRelayFailure,
  type RelayProgress,
  recordResponseObject,
  relayResponsesStream,
  responsesPassthroughGate,
} from './responses-passthrough.ts';
import { ResponseObjectSchema, ResponsesBodySchema } from './responses-schemas.ts';
import { saveResponse } from './save-response.ts';
import { registerStoredResponsesRoutes } from './stored-responses-routes.ts';

/**
 * `POST /v1/responses`: the OpenAI Responses API to any provider. Providers that offer it (OpenAI) get
 * the caller's body with only `model` rewritten; every other provider goes through the canonical format.
 * Codex's WebSocket probe (`GET`) and `/v1/responses/compact` get the plain not-found 404 (not 426), so
 * Codex falls back to HTTP at once.
 */
export function registerResponsesRoutes(
  app: FastifyInstance,
  gateway: Gateway,
  governance: Governance,
  storage: { store: ResponseStore; retentionDays: number },
): void {
  registerStoredResponsesRoutes(app, storage.store);
  app.post<{ Body: JsonObject & { model: string } }>(
    '/v1/responses',
    {
      config: { errorShape: 'openai', governed: true, admitted: true },
      schema: {
        summary: 'OpenAI Responses, streaming or not, to any configured provider.',
        tags: ['openai'],
        body: ResponsesBodySchema,
        response: { 200: ResponseObjectSchema, '4xx': OpenAIErrorSchema, '5xx': OpenAIErrorSchema },
      },
    },
    async function responses(request, reply) {
      const { record } = request;
      const owner = responseOwner(request.principal);
      const conversation = continuesConversation(request.body)
        ? await expandConversation(request.body, storage.store, owner)
        : { body: request.body, input: undefined, changed: false };
      const body = conversation.body;
      const stream = body['stream'] === true;
      record.model = body.model;
      record.stream = stream;
      await admitRequest(governance, request, reply, {
        model: body.model,
        maxOutputTokens: outputLimitOf(body, ['max_output_tokens']),
      });
      const envelope: ResponseEnvelope = {
        id: responsesId('resp'),
        createdAt: Math.floor(Date.now() / 1000),
        model: body.model,
        body,
        previousResponseId:
          typeof request.body['previous_response_id'] === 'string' ? request.body['previous_response_id'] : null,
      };
      let toolNames: ResponsesToolNames = new Map();
      const outcome = await gateway.dispatchChat({
        surface: 'openai-responses',
        target: { model: body.model },
        stream,
        record,
        signal: request.callerSignal,
        forwardedHeaders: {},
        cache: cacheRequestOf(gateway, request, body),
        toCanonical: (resolved, warnings) => {
          const parsed = parseResponsesRequest(body, resolved.upstreamModel, warnings);
          toolNames = parsed.toolNames;
          return parsed.request;
        },
        toPassthrough: (resolved) =>
          buildResponsesPassthroughBody(body, conversation.changed ? undefined : request.bodyText, resolved),
        passthroughOperation: 'responses',
        passthroughGate: responsesPassthroughGate(body.model),
      });
      setGatewayHeaders(reply, record);
      const save =
        body['store'] === false
          ? undefined
          : (response: JsonObject, text?: string): void =>
              saveResponse({
                store: storage.store,
                owner,
                response,
                text,
                input: conversation.input ?? inputItems(body['input']),
                retentionDays: storage.retentionDays,
                log: request.log,
              });
      return sendOutcome(reply, outcome, {
        record,
        envelope,
        toolNames,
        signal: request.callerSignal,
        governance,
        save,
      });
    },
  );
}

function sendOutcome(
  reply: FastifyReply,
  outcome: ChatOutcome,
  options: {
    record: RequestRecord;
    envelope: ResponseEnvelope;
    toolNames: ResponsesToolNames;
    signal: AbortSignal;
    governance: Governance;
    /** Stores the finished response; undefined with `store: false`. */
    save: ((response: JsonObject, text?: string) => void) | undefined;
  },
): FastifyReply {
  const { save } = options;
  const { record } = options;
  switch (outcome.kind) {
    case 'forwarded-stream': {
      const progress: RelayProgress = { sequence: -1, lastResponse: undefined };
      const events = relayResponsesStream(outcome.events, {
        record,
        provider: record.provider ?? 'upstream',
        signal: options.signal,
        onFinal: (response) => save?.(response),
        previousResponseId: options.envelope.previousResponseId,
        progress,
      });
      return sendEventStream(reply, events, record, (error) => encodeRelayFailure(error, progress));
    }
    case 'forwarded': {
      const upstreamText = outcome.response.body.toString('utf8');
      const response = parseObject(upstreamText);
      recordResponseObject(response, record);
      priceResponse(reply, record, options.governance);
      const previousId = options.envelope.previousResponseId;
      if (response === undefined || previousId === null) {
        reply.type('application/json').send(outcome.response.body);
        if (response !== undefined) save?.(response, upstreamText);
        return reply;
      }
      // The gateway expanded the caller's previous_response_id; the answer names it as the caller sent it.
      response['previous_response_id'] = previousId;
      const text = JSON.stringify(response);
      reply.type('application/json').send(text);
      save?.(response, text);
      return reply;
    }
    case 'response': {
      record.usage = outcome.response.usage;
      record.finishReason = outcome.response.finishReason;
      priceResponse(reply, record, options.governance);
      const response = encodeResponsesResponse(outcome.response, options.envelope, options.toolNames);
      const text = JSON.stringify(response);
      reply.type('application/json').send(text);
      save?.(response, text);
      return reply;
    }
    case 'stream': {
      const encoder = new ResponsesStreamEncoder(options.envelope, options.toolNames);
      const events = encodeStreamParts(outcome.parts, (part) => encoder.encode(part), record);
      const encodeError = (error: GatewayError): string => encoder.encode({ type: 'error', error });
      return sendEventStream(
        reply,
        save === undefined ? events : saveWhenDone(events, encoder, save),
        record,
        encodeError,
      );
    }
  }
}

function parseObject(text: string): JsonObject | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Passes a translated stream on, then stores the response it ended with. */
async function* saveWhenDone(
  events: AsyncIterable<string>,
  encoder: ResponsesStreamEncoder,
  save: (response: JsonObject) => void,
): AsyncGenerator<string> {
  yield* events;
  if (encoder.final !== undefined) save(encoder.final);
}
