import type { EventSourceMessage } from 'eventsource-parser';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GatewayError } from '../../errors/gateway-error.ts';
import type { ChatRequest } from '../../formats/internal/chat-request.ts';
import type { ChatResponse } from '../../formats/internal/chat-response.ts';
import type { StreamPart } from '../../formats/internal/stream-part.ts';
import type { Warning } from '../../formats/internal/warning.ts';
import type { WireFormat } from '../../formats/internal/wire-format.ts';
import type { JsonObject } from '../../formats/shared/json-reader.ts';
import type { FirstContentGate } from '../../gateway/await-first-content.ts';
import type { ChatOutcome, Gateway, ModelTarget, PassthroughBody } from '../../gateway/gateway.ts';
import type { ResolvedModel } from '../../gateway/model-resolver.ts';
import type { RequestRecord } from '../../gateway/request-record.ts';
import type { Governance } from '../../governance/governance.ts';
import { priceResponse, setGatewayHeaders } from '../gateway-headers.ts';
import { admitRequest } from '../governance/admit-request.ts';
import { type StreamErrorEncoder, sendEventStream } from '../sse/send-event-stream.ts';
import { cacheRequestOf } from './cache-request-of.ts';
import { encodeStreamParts } from './encode-stream-parts.ts';

/** One chat call as a surface's route hands it over: the caller's body, the model it names, stream or not. */
export interface SurfaceCall<Body extends JsonObject = JsonObject> {
  request: FastifyRequest;
  body: Body;
  model: string;
  stream: boolean;
}

/** How a surface passes its own format through to a provider of the same format, and reads the answer. */
export interface PassthroughCodec<State, Body extends JsonObject = JsonObject> {
  /** The caller's body with `model` rewritten (and the caller's bytes, when they can be kept). */
  build(call: SurfaceCall<Body>, state: State, resolved: ResolvedModel, warnings: Warning[]): PassthroughBody;
  /** Tells preamble and error events apart before the first content. */
  gate(model: string): FirstContentGate<EventSourceMessage>;
  /** Reads usage and the finish reason of a whole answer onto the record (a 502 when it is unreadable). */
  recordUsage(body: Buffer, record: RequestRecord): void;
  /**
   * Relays the upstream's events as the caller's SSE text, reading usage, finish reason and errors
   * (positional: the relay's own options object is the one built per stream).
   */
  relay(
    events: AsyncIterable<EventSourceMessage>,
    record: RequestRecord,
    state: State,
    signal: AbortSignal,
  ): AsyncIterable<string>;
}

/** How a surface writes canonical stream parts and frames its streams. */
export interface StreamCodec<State, Body extends JsonObject = JsonObject> {
  /** A new encoder for one stream: each part → the caller's text ('' for nothing). */
  encoder(call: SurfaceCall<Body>, state: State): (part: StreamPart) => string;
  /** The stream's closing error event, should the gateway cut it. */
  errorEncoder(state: State): StreamErrorEncoder;
  /** Wraps the encoded text (Gemini: SSE or one JSON array); absent: sent as it is. */
  frame?(chunks: AsyncIterable<string>, state: State): AsyncIterable<string>;
  contentType?(state: State): string;
}

/**
 * A chat surface as a declaration: its codec (parse to canonical, encode back, pass its own format
 * through) and the few facts its route reads from the caller. `serveChat` does the rest, the same way
 * for every surface.
 */
export interface ChatSurface<State, Body extends JsonObject = JsonObject> {
  readonly surface: WireFormat | 'simple';
  /** Per-request facts read once, before dispatch (OpenAI: whether the caller asked for stream usage). */
  begin(call: SurfaceCall<Body>): State;
  /** The output cap the caller asked for, for admission. */
  outputLimit(call: SurfaceCall<Body>): number | undefined;
  /** The caller's headers an upstream of the same family receives. */
  forwardedHeaders(call: SurfaceCall<Body>): Readonly<Record<string, string>>;
  /** How the caller names its target, and the model admission is checked against; default: `call.model`. */
  target?(call: SurfaceCall<Body>): ModelTarget;
  admissionModel?(call: SurfaceCall<Body>): string;
  toCanonical(call: SurfaceCall<Body>, state: State, resolved: ResolvedModel, warnings: Warning[]): ChatRequest;
  /** A translated answer in the caller's shape: JSON text, or a value for the route's response schema. */
  encodeResponse(response: ChatResponse, call: SurfaceCall<Body>, state: State): string | object;
  readonly passthrough?: PassthroughCodec<State, Body>;
  readonly stream?: StreamCodec<State, Body>;
}

const noHeaders: Readonly<Record<string, string>> = Object.freeze({});

/** No caller headers travel upstream (every surface but Anthropic's). */
export function noForwardedHeaders(): Readonly<Record<string, string>> {
  return noHeaders;
}

/**
 * Serves one chat call on any surface: admission, dispatch, the four outcomes, the gateway's headers,
 * and usage and finish reason recorded in one place (here for whole answers, in the relay or
 * `encodeStreamParts` for streams).
 */
export async function serveChat<State, Body extends JsonObject>(
  surface: ChatSurface<State, Body>,
  call: SurfaceCall<Body>,
  reply: FastifyReply,
  services: { gateway: Gateway; governance: Governance },
): Promise<FastifyReply> {
  const { request, body, stream } = call;
  const { gateway, governance } = services;
  const { record } = request;
  record.model = call.model;
  record.stream = stream;
  const state = surface.begin(call);
  await admitRequest(governance, request, reply, {
    model: surface.admissionModel?.(call) ?? call.model,
    maxOutputTokens: surface.outputLimit(call),
  });
  const { passthrough } = surface;
  const outcome = await gateway.dispatchChat({
    surface: surface.surface,
    target: surface.target?.(call) ?? { model: call.model },
    stream,
    record,
    signal: request.callerSignal,
    forwardedHeaders: surface.forwardedHeaders(call),
    cache: cacheRequestOf(gateway, request, body),
    toCanonical: (resolved, warnings) => surface.toCanonical(call, state, resolved, warnings),
    toPassthrough:
      passthrough === undefined
        ? undefined
        : (resolved, warnings) => passthrough.build(call, state, resolved, warnings),
    passthroughGate: passthrough?.gate(call.model),
  });
  setGatewayHeaders(reply, record);
  return sendOutcome(surface, outcome, { call, state, reply, governance });
}

function sendOutcome<State, Body extends JsonObject>(
  surface: ChatSurface<State, Body>,
  outcome: ChatOutcome,
  options: { call: SurfaceCall<Body>; state: State; reply: FastifyReply; governance: Governance },
): FastifyReply {
  const { call, state, reply } = options;
  const { record } = call.request;
  switch (outcome.kind) {
    case 'response': {
      record.usage = outcome.response.usage;
      record.finishReason = outcome.response.finishReason;
      priceResponse(reply, record, options.governance);
      const encoded = surface.encodeResponse(outcome.response, call, state);
      return typeof encoded === 'string' ? reply.type('application/json').send(encoded) : reply.send(encoded);
    }
    case 'forwarded':
      passthroughOf(surface, outcome.kind).recordUsage(outcome.response.body, record);
      priceResponse(reply, record, options.governance);
      return reply.type('application/json').send(outcome.response.body);
    case 'forwarded-stream': {
      const events = passthroughOf(surface, outcome.kind).relay(
        outcome.events,
        record,
        state,
        call.request.callerSignal,
      );
      return sendStream(surface, reply, events, options);
    }
    case 'stream': {
      const codec = streamOf(surface, outcome.kind);
      return sendStream(surface, reply, encodeStreamParts(outcome.parts, codec.encoder(call, state), record), options);
    }
  }
}

function sendStream<State, Body extends JsonObject>(
  surface: ChatSurface<State, Body>,
  reply: FastifyReply,
  chunks: AsyncIterable<string>,
  options: { call: SurfaceCall<Body>; state: State },
): FastifyReply {
  const codec = streamOf(surface, 'stream');
  const { state } = options;
  const framed = codec.frame === undefined ? chunks : codec.frame(chunks, state);
  return sendEventStream(
    reply,
    framed,
    options.call.request.record,
    codec.errorEncoder(state),
    codec.contentType?.(state),
  );
}

function passthroughOf<State, Body extends JsonObject>(
  surface: ChatSurface<State, Body>,
  kind: string,
): PassthroughCodec<State, Body> {
  if (surface.passthrough === undefined) throw unexpectedOutcome(surface, kind);
  return surface.passthrough;
}

function streamOf<State, Body extends JsonObject>(
  surface: ChatSurface<State, Body>,
  kind: string,
): StreamCodec<State, Body> {
  if (surface.stream === undefined) throw unexpectedOutcome(surface, kind);
  return surface.stream;
}

function unexpectedOutcome(surface: { surface: string }, kind: string): GatewayError {
  return new GatewayError('internal_error', `A ${surface.surface} call gave a ${kind} outcome it cannot send.`);
}
