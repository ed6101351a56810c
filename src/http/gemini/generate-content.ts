import type { FastifyReply, FastifyRequest } from 'fastify';
import { encodeGeminiResponse } from '../../formats/gemini/encode-gemini-response.ts';
import { GeminiStreamEncoder } from '../../formats/gemini/encode-gemini-stream.ts';
import { parseGeminiRequest } from '../../formats/gemini/parse-gemini-request.ts';
import { renderGoogleError } from '../../formats/gemini/render-google-error.ts';
import { isObject, type JsonObject } from '../../formats/shared/json-reader.ts';
import type { Gateway } from '../../gateway/gateway.ts';
import type { Governance } from '../../governance/governance.ts';
import { outputLimitOf } from '../governance/admit-request.ts';
import { type ChatSurface, noForwardedHeaders, serveChat } from '../shared/serve-chat.ts';
import { geminiPassthroughGate, recordGeminiResponseUsage, relayGeminiStream } from './gemini-passthrough.ts';
import { frameGeminiStream, geminiStreamContentType, geminiStreamErrorEncoder } from './gemini-stream-framing.ts';

/** Per call: whether the caller asked for `?alt=sse` (else a stream is one JSON array sent piece by piece). */
type ServerSentEvents = boolean;

/** The Gemini API as a chat surface: its codec in formats/gemini/, its passthrough relay and stream framing. */
const geminiSurface: ChatSurface<ServerSentEvents> = {
  surface: 'gemini',
  begin: ({ request }) => (request.query as Record<string, unknown> | undefined)?.['alt'] === 'sse',
  outputLimit: ({ body }) =>
    outputLimitOf(isObject(body['generationConfig']) ? body['generationConfig'] : {}, ['maxOutputTokens']),
  forwardedHeaders: noForwardedHeaders,
  toCanonical: ({ body }, _sse, resolved, warnings) => parseGeminiRequest(body, resolved.upstreamModel, warnings),
  encodeResponse: (response, { model }) => JSON.stringify(encodeGeminiResponse(response, model)),
  passthrough: {
    build: ({ request, body }, _sse, resolved) => ({
      body: { ...body, model: resolved.upstreamModel },
      text: request.bodyText || undefined,
    }),
    gate: geminiPassthroughGate,
    recordUsage: recordGeminiResponseUsage,
    relay: (events, record, _sse, signal) =>
      relayGeminiStream(events, { record, provider: record.provider ?? 'upstream', signal }),
  },
  stream: {
    encoder: ({ model }) => {
      const encoder = new GeminiStreamEncoder({ model, renderError: renderGoogleError });
      return (part) => {
        const chunk = encoder.encode(part);
        return chunk === undefined ? '' : JSON.stringify(chunk);
      };
    },
    errorEncoder: geminiStreamErrorEncoder,
    frame: frameGeminiStream,
    contentType: geminiStreamContentType,
  },
};

/**
 * `generateContent` and `streamGenerateContent` for one model: Gemini providers get the caller's body
 * (the model in the path), every other provider a translation through the canonical format; answers
 * come back in Gemini's shape either way.
 */
export function generateContent(options: {
  request: FastifyRequest;
  reply: FastifyReply;
  body: JsonObject;
  model: string;
  stream: boolean;
  gateway: Gateway;
  governance: Governance;
}): Promise<FastifyReply> {
  const { request, reply, body, model, stream } = options;
  return serveChat(geminiSurface, { request, body, model, stream }, reply, options);
}
