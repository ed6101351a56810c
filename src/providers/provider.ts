import type { IncomingHttpHeaders } from 'node:http';
import type { ChatRequest } from '../formats/internal/chat-request.ts';
import type { ChatResponse } from '../formats/internal/chat-response.ts';
import type { StreamPart } from '../formats/internal/stream-part.ts';
import type { Warning } from '../formats/internal/warning.ts';
import type { WireFormat } from '../formats/internal/wire-format.ts';
import type { UpstreamBody } from './shared/send-upstream-request.ts';
import type { UpstreamTimeouts } from './shared/upstream-timeouts.ts';

/** Per-call context handed to a provider by the gateway. */
export interface CallContext {
  /** Aborts when the caller disconnects. */
  signal: AbortSignal;
  requestId: string;
  /** Adapters push here what they had to drop or change. */
  warnings: Warning[];
  /** Caller headers meaningful to this provider's API family (`anthropic-beta`), never credentials. */
  forwardedHeaders: Readonly<Record<string, string>>;
  /** The target's overrides of the provider's timeouts. */
  timeouts?: Partial<UpstreamTimeouts> | undefined;
  /** Extra fields the target merges into the upstream body, in the provider's own format. */
  extraBody?: Readonly<Record<string, unknown>> | undefined;
  /** W3C trace context of the attempt, sent upstream as `traceparent` when tracing is on. */
  traceparent?: string | undefined;
  /** The target's choice of API for translated calls, where a provider offers two (OpenAI: `responses`). */
  api?: 'chat' | 'responses' | undefined;
}

/** `responses`: an OpenAI Responses API call (`/v1/responses`), forwarded by providers that offer it. */
export type ForwardOperation = 'chat' | 'embeddings' | 'count-tokens' | 'responses';

/** A same-format call: the caller's body, with only `model` rewritten, sent to the native endpoint. */
export interface ForwardRequest {
  operation: ForwardOperation;
  /** The caller's wire format, for a provider that forwards more than one (Gemini: its own, and OpenAI embeddings). */
  surface?: WireFormat | undefined;
  body: Record<string, unknown>;
  /** `body` already as JSON text (the caller's own bytes); a provider that sends `body` unchanged sends this. */
  text?: string | undefined;
  stream: boolean;
}

/** The upstream's 2xx answer to a forwarded call: buffered whole, or a live stream. */
export type ForwardResponse =
  | { kind: 'buffered'; statusCode: number; headers: IncomingHttpHeaders; body: Buffer }
  | { kind: 'stream'; statusCode: number; headers: IncomingHttpHeaders; body: UpstreamBody };

/**
 * The contract every provider implements. `chat` and `streamChat` speak the canonical format;
 * `forward` carries same-format traffic unchanged, for what `forwards` says it takes.
 * Every method throws `GatewayError`s (`UpstreamError` for upstream failures) before the first byte;
 * a stream reports later failures as an `error` part.
 */
export interface Provider {
  /** Instance name from config (`openai`, `my-azure`). */
  readonly name: string;
  /** Implementation type (`openai`, `anthropic`). */
  readonly type: string;
  readonly wireFormat: WireFormat | undefined;
  chat(request: ChatRequest, context: CallContext): Promise<ChatResponse>;
  /** Resolves once the upstream has answered 2xx; the iterable then yields parts as they arrive. */
  streamChat(request: ChatRequest, context: CallContext): Promise<AsyncIterable<StreamPart>>;
  /**
   * Whether `forward` takes `operation` arriving in `surface`'s format: its own format, passed through,
   * or one it translates itself (Gemini answers OpenAI embeddings calls). The gateway asks only this.
   */
  forwards(surface: WireFormat, operation: ForwardOperation): boolean;
  /** Same-format traffic; what `forwards` refuses is an `unsupported_operation` (`unsupportedOperation`). */
  forward(request: ForwardRequest, context: CallContext): Promise<ForwardResponse>;
}
