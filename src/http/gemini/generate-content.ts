import type { FastifyReply, FastifyRequest } from 'fastify';
import { encodeGeminiResponse } from '../../formats/gemini/encode-gemini-response.ts';
import { GeminiStreamEncoder } from '../../formats/gemini/encode-gemini-stream.ts';
import { parseGeminiRequest } from '../../formats/gemini/parse-gemini-request.ts';
import { isObject, type JsonObject } from '../../formats/shared/json-reader.ts';
import type { Gateway } from '../../gateway/gateway.ts';
import type { Governance } from '../../governance/governance.ts';
import { renderGoogleError } from '../errors/render-google-error.ts';
import { priceResponse, setGatewayHeaders } from '../gateway-headers.ts';
import { admitRequest, outputLimitOf } from '../governance/admit-request.ts';
import { cacheRequestOf } from '../shared/cache-request-of.ts';
import { encodeStreamParts } from '../shared/encode-stream-parts.ts';
import { sendEventStream } from '../sse/send-event-stream.ts';
import { geminiPassthroughGate, recordGeminiResponseUsage, relayGeminiStream } from './gemini-passthrough.ts';
import { frameGeminiStream, geminiStreamContentType, geminiStreamErrorEncoder } from './gemini-stream-framing.ts';

/**
 * `generateContent` and `streamGenerateContent` for one model: Gemini providers get the caller's body
 * (the model in the path), every other provider a translation through the canonical format; answers
 * come back in Gemini's shape either way.
 */
export async function generateContent(options: {
  request: FastifyRequest;
  reply: FastifyReply;
  body: JsonObject;
  model: string;
  stream: boolean;
  gateway: Gateway;
  governance: Governance;
}): Promise<FastifyReply> {
  const { request, reply, body, model, stream, gateway, governance } = options;
  const { record } = request;
  record.model = model;
  record.stream = stream;
  const generation = isObject(body['generationConfig']) ? body['generationConfig'] : {};
  await admitRequest(governance, request, reply, {
    model,
    maxOutputTokens: outputLimitOf(generation, ['maxOutputTokens']),
  });
  const outcome = await gateway.dispatchChat({
    surface: 'gemini',
    target: { model },
    stream,
    record,
    signal: request.callerSignal,
    forwardedHeaders: {},
    toCanonical: (resolved, warnings) => parseGeminiRequest(body, resolved.upstreamModel, warnings),
    toPassthrough: (resolved) => ({
      body: { ...body, model: resolved.upstreamModel },
      text: request.bodyText || undefined,
    }),
    passthroughGate: geminiPassthroughGate(model),
    cache: cacheRequestOf(gateway, request, body),
  });
  setGatewayHeaders(reply, record);
  const sse = (request.query as Record<string, unknown> | undefined)?.['alt'] === 'sse';
  switch (outcome.kind) {
    case 'forwarded':
      recordGeminiResponseUsage(outcome.response.body, record);
      priceResponse(reply, record, governance);
      return reply.type('application/json').send(outcome.response.body);
    case 'response':
      record.usage = outcome.response.usage;
      record.finishReason = outcome.response.finishReason;
      priceResponse(reply, record, governance);
      return reply.type('application/json').send(JSON.stringify(encodeGeminiResponse(outcome.response, model)));
    case 'forwarded-stream': {
      const chunks = relayGeminiStream(outcome.events, {
        record,
        provider: record.provider ?? 'upstream',
        signal: request.callerSignal,
      });
      return sendEventStream(
        reply,
        frameGeminiStream(chunks, sse),
        record,
        geminiStreamErrorEncoder(sse),
        geminiStreamContentType(sse),
      );
    }
    case 'stream': {
      const encoder = new GeminiStreamEncoder({ model, renderError: renderGoogleError });
      const chunks = encodeStreamParts(
        outcome.parts,
        (part) => {
          const chunk = encoder.encode(part);
          return chunk === undefined ? '' : JSON.stringify(chunk);
        },
        record,
      );
      return sendEventStream(
        reply,
        frameGeminiStream(chunks, sse),
        record,
        geminiStreamErrorEncoder(sse),
        geminiStreamContentType(sse),
      );
    }
  }
}
