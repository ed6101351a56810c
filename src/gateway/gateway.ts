import type { GatewayConfig } from '../config/gateway-config.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import type { ChatRequest } from '../formats/internal/chat-request.ts';
import type { ChatResponse } from '../formats/internal/chat-response.ts';
import type { StreamPart } from '../formats/internal/stream-part.ts';
import type { WireFormat } from '../formats/internal/wire-format.ts';
import type { CallContext, ForwardOperation, ForwardResponse, Warning } from '../providers/provider.ts';
import { UpstreamPools } from '../providers/shared/upstream-pools.ts';
import { ModelResolver, type ResolvedModel } from './model-resolver.ts';
import { ProviderDirectory } from './provider-directory.ts';
import type { RequestRecord } from './request-record.ts';

/** How the caller named its model: a public name, or (the seed's `/chat`) a provider and a model. */
export type ModelTarget = { model: string } | { provider: string; model: string };

/** One chat call as an API surface hands it to the gateway. */
export interface ChatCall {
  /** The caller's wire format; `simple` (the seed's `/chat`) never takes the passthrough path. */
  surface: WireFormat | 'simple';
  target: ModelTarget;
  stream: boolean;
  record: RequestRecord;
  signal: AbortSignal;
  /** Caller headers the upstream of the same family may receive (`anthropic-beta`). */
  forwardedHeaders: Readonly<Record<string, string>>;
  /** Builds the canonical request; called only on the translated path. */
  toCanonical(resolved: ResolvedModel): ChatRequest;
  /** The caller's body with only `model` rewritten; called only on the passthrough path. */
  toPassthrough?(resolved: ResolvedModel): Record<string, unknown>;
}

export type ChatOutcome =
  | { kind: 'forwarded'; response: ForwardResponse }
  | { kind: 'response'; response: ChatResponse }
  | { kind: 'stream'; parts: AsyncIterable<StreamPart> };

/** A same-format non-chat call (embeddings, token counting). */
export interface ForwardCall {
  surface: WireFormat;
  operation: ForwardOperation;
  model: string;
  body: Record<string, unknown>;
  record: RequestRecord;
  signal: AbortSignal;
  forwardedHeaders: Readonly<Record<string, string>>;
}

/**
 * The pipeline between the API surfaces and the providers: resolves the model, chooses passthrough
 * or translation, and calls the provider. Built once at startup; holds the upstream pools.
 */
export class Gateway {
  readonly providers: ProviderDirectory;
  readonly models: ModelResolver;
  readonly #pools: UpstreamPools;

  constructor(config: GatewayConfig) {
    this.#pools = new UpstreamPools({
      connections: config.connectionsPerOrigin,
      connectTimeoutMs: config.connectTimeoutMs,
    });
    this.providers = new ProviderDirectory(config.providers, this.#pools);
    this.models = new ModelResolver(config.models, this.providers);
  }

  /** Resolves once the upstream has answered (for streams: once its first bytes are in). */
  async dispatchChat(call: ChatCall): Promise<ChatOutcome> {
    const { record } = call;
    const resolved =
      'provider' in call.target
        ? this.models.resolveExplicit(call.target.provider, call.target.model)
        : this.models.resolve(call.target.model);
    const { provider } = resolved;
    record.provider = provider.name;
    record.upstreamModel = resolved.upstreamModel;
    record.attempts += 1;
    const context = this.#context(call);
    if (call.toPassthrough !== undefined && provider.wireFormat === call.surface && provider.forward !== undefined) {
      record.passthrough = true;
      const body = call.toPassthrough(resolved);
      return {
        kind: 'forwarded',
        response: await provider.forward({ operation: 'chat', body, stream: call.stream }, context),
      };
    }
    const request = capOutputTokens(call.toCanonical(resolved), resolved, record.warnings);
    if (call.stream) return { kind: 'stream', parts: await provider.streamChat(request, context) };
    return { kind: 'response', response: await provider.chat(request, context) };
  }

  /** Forwards a same-format call to a provider that speaks the caller's format natively. */
  async forward(call: ForwardCall): Promise<ForwardResponse> {
    const resolved = this.models.resolve(call.model);
    const { provider, upstreamModel } = resolved;
    call.record.provider = provider.name;
    call.record.upstreamModel = upstreamModel;
    call.record.passthrough = true;
    call.record.attempts += 1;
    if (
      provider.forward === undefined ||
      provider.wireFormat !== call.surface ||
      !provider.supportsOperation(call.operation)
    ) {
      throw new GatewayError(
        'unsupported_operation',
        `Provider '${provider.name}' does not support ${call.operation}.`,
        {
          param: 'model',
        },
      );
    }
    const body = { ...call.body, model: upstreamModel };
    return provider.forward({ operation: call.operation, body, stream: false }, this.#context(call));
  }

  async close(): Promise<void> {
    await this.#pools.close();
  }

  #context(call: {
    record: RequestRecord;
    signal: AbortSignal;
    forwardedHeaders: Readonly<Record<string, string>>;
  }): CallContext {
    return {
      signal: call.signal,
      requestId: call.record.requestId,
      warnings: call.record.warnings,
      forwardedHeaders: call.forwardedHeaders,
    };
  }
}

/** Applies an alias's `max_output_tokens`: larger requests are lowered to it, and say so. */
function capOutputTokens(request: ChatRequest, resolved: ResolvedModel, warnings: Warning[]): ChatRequest {
  const cap = resolved.maxOutputTokens;
  if (cap === undefined || (request.maxOutputTokens !== undefined && request.maxOutputTokens <= cap)) return request;
  if (request.maxOutputTokens !== undefined) {
    warnings.push({
      parameter: 'max_tokens',
      message: `${request.maxOutputTokens} output tokens is above this model's limit; ${cap} was sent.`,
    });
  }
  return { ...request, maxOutputTokens: cap };
}
