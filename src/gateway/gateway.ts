import type { EventSourceMessage } from 'eventsource-parser';
import type { GatewayConfig } from '../config/gateway-config.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import type { ChatRequest } from '../formats/internal/chat-request.ts';
import type { ChatResponse } from '../formats/internal/chat-response.ts';
import type { StreamPart } from '../formats/internal/stream-part.ts';
import type { Warning } from '../formats/internal/warning.ts';
import type { WireFormat } from '../formats/internal/wire-format.ts';
import type { CallContext, ForwardOperation, ForwardResponse } from '../providers/provider.ts';
import { readSseEvents } from '../providers/shared/read-sse-events.ts';
import { unsupportedOperation } from '../providers/shared/unsupported-operation.ts';
import { UpstreamPools } from '../providers/shared/upstream-pools.ts';
import { withTargetParams } from '../providers/shared/with-target-params.ts';
import { type Attempt, AttemptRunner } from './attempt-runner.ts';
import { awaitFirstContent, type FirstContentGate } from './await-first-content.ts';
import type { CacheableOutcome, CacheRequest, ResponseCache } from './cache/response-cache.ts';
import { type GatewayObserver, silentObserver } from './gateway-observer.ts';
import type { ModelGroup } from './model-group.ts';
import { ModelResolver, type ResolvedModel } from './model-resolver.ts';
import { ProviderDirectory } from './provider-directory.ts';
import type { RequestRecord } from './request-record.ts';
import { TargetHealth } from './target-health.ts';
import { TargetPicker } from './target-picker.ts';

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
  /** Builds the canonical request for one attempt on the translated path. */
  toCanonical(resolved: ResolvedModel, warnings: Warning[]): ChatRequest;
  /** The caller's body with only `model` rewritten, for one attempt on the passthrough path. */
  toPassthrough?: ((resolved: ResolvedModel, warnings: Warning[]) => PassthroughBody) | undefined;
  /** Tells preamble and error events of the caller's own format apart, for passthrough streams. */
  passthroughGate?: FirstContentGate<EventSourceMessage> | undefined;
  /** The caller's body and `Cache-Control`, for the response cache; absent: the call is never cached. */
  cache?: CacheRequest | undefined;
  /**
   * The forward operation of the passthrough path. `chat` (the default) passes through to providers whose
   * wire format is the surface's; another (`responses`) to every provider that offers that operation.
   */
  passthroughOperation?: ForwardOperation;
}

/** A passthrough body, and the same as JSON text when the caller's bytes could be kept (`rewriteBodyModel`). */
export interface PassthroughBody {
  body: Record<string, unknown>;
  text: string | undefined;
}

export type ChatOutcome =
  | { kind: 'forwarded'; response: BufferedForward }
  | { kind: 'forwarded-stream'; events: AsyncIterable<EventSourceMessage> }
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
  /** The caller's `Cache-Control`, for the response cache (embeddings); absent: never cached. */
  cacheControl?: string | undefined;
}

/** The upstream's buffered answer to a forwarded call. */
export type BufferedForward = Extract<ForwardResponse, { kind: 'buffered' }>;

/**
 * `count_tokens`: counted by the picked target's provider when it counts natively (Anthropic), else
 * estimated offline by the surface — the target picked exactly as for `/v1/messages`.
 */
export interface CountTokensCall {
  /** The caller's format; a provider speaking it counts natively. Anthropic Messages when absent. */
  surface?: WireFormat | undefined;
  model: string;
  body: Record<string, unknown>;
  record: RequestRecord;
  signal: AbortSignal;
  forwardedHeaders: Readonly<Record<string, string>>;
  /** The offline estimate for a target whose provider cannot count; no upstream call. */
  estimate(resolved: ResolvedModel, warnings: Warning[]): Promise<number>;
}

export type CountTokensOutcome =
  | { kind: 'counted'; response: BufferedForward }
  | { kind: 'estimated'; inputTokens: number };

/** Canonical stream parts before content: only `message-start`. */
const canonicalGate: FirstContentGate<StreamPart> = {
  isPreamble: (part) => part.type === 'message-start',
  errorOf: (part) => (part.type === 'error' ? part.error : undefined),
};

/**
 * The pipeline between the API surfaces and the providers: resolves the model to a group, runs
 * attempts (retries, fallbacks, cool-downs) until one answers, choosing passthrough or translation per
 * attempt, and holds streams back until their first content so that every retry happens before the
 * caller has seen a byte. Built once at startup; holds the upstream pools and the targets' health.
 */
export class Gateway {
  readonly providers: ProviderDirectory;
  readonly models: ModelResolver;
  readonly health: TargetHealth;
  readonly #pools: UpstreamPools;
  readonly #runner: AttemptRunner;
  /** The response cache; undefined when it is off, and then nothing on the request path changes. */
  #cache: ResponseCache | undefined;

  constructor(config: GatewayConfig, observer: GatewayObserver = silentObserver) {
    this.#pools = new UpstreamPools({
      connections: config.connectionsPerOrigin,
      connectTimeoutMs: config.connectTimeoutMs,
    });
    this.providers = new ProviderDirectory(config.providers, this.#pools);
    this.models = new ModelResolver(config.models, this.providers, config.routing);
    this.health = new TargetHealth(config.routing, Date.now, (key, local) => observer.cooldownStarted(key, local));
    this.#runner = new AttemptRunner({
      policy: config.routing,
      health: this.health,
      picker: new TargetPicker(this.health),
      resolver: this.models,
      observer,
    });
  }

  /** Turns the response cache on (the composition root, from `cache:` / `LLM_PROXY_CACHE`). */
  useCache(cache: ResponseCache): void {
    this.#cache = cache;
  }

  get cache(): ResponseCache | undefined {
    return this.#cache;
  }

  /** Resolves once an attempt has answered (for streams: once its first content is in). */
  dispatchChat(call: ChatCall): Promise<ChatOutcome> {
    const group = this.#group(call.target);
    if (this.#cache !== undefined && call.cache !== undefined) return this.#cachedChat(this.#cache, call, group);
    return this.#runChat(call, group);
  }

  #runChat(call: ChatCall, group: ModelGroup): Promise<ChatOutcome> {
    return this.#runner.run({
      group,
      record: call.record,
      signal: call.signal,
      attempt: (attempt) => this.#attemptChat(call, attempt),
    });
  }

  /** The one place chat answers are looked up in and stored to the response cache. */
  async #cachedChat(cache: ResponseCache, call: ChatCall, group: ModelGroup): Promise<ChatOutcome> {
    const request = call.cache as CacheRequest;
    // The caller's API, and the same-family headers that reach the upstream (`anthropic-beta` can change the answer).
    const headers = Object.keys(call.forwardedHeaders).length === 0 ? '' : JSON.stringify(call.forwardedHeaders);
    const api = `${call.surface}:${call.passthroughOperation ?? 'chat'}${headers}`;
    const found = await cache.lookup(request, api, group.name, call.record);
    if (found.hit !== undefined) {
      const replayed = cache.replay(found.hit, call.stream);
      if (replayed !== undefined) return asChatOutcome(replayed);
      call.record.cache = 'MISS';
      call.record.cacheAgeSeconds = undefined;
    }
    const outcome = await this.#runChat(call, group);
    if (found.key === undefined) return outcome;
    return asChatOutcome(cache.capture(outcome, found.key, call.surface, call.record.provider ?? 'upstream'));
  }

  /** Forwards a same-format call to a provider that speaks the caller's format natively. */
  forward(call: ForwardCall): Promise<BufferedForward> {
    const group = this.models.resolve(call.model);
    if (this.#cache !== undefined && call.cacheControl !== undefined && call.operation === 'embeddings')
      return this.#cachedForward(this.#cache, call, group);
    return this.#runForward(call, group);
  }

  #runForward(call: ForwardCall, group: ModelGroup): Promise<BufferedForward> {
    return this.#runner.run({
      group,
      record: call.record,
      signal: call.signal,
      attempt: (attempt) => this.#forwardAttempt(call, attempt),
    });
  }

  async #cachedForward(cache: ResponseCache, call: ForwardCall, group: ModelGroup): Promise<BufferedForward> {
    const request = { body: call.body, control: call.cacheControl === '' ? undefined : call.cacheControl };
    const found = await cache.lookup(request, `${call.surface}:${call.operation}`, group.name, call.record);
    if (found.hit?.raw !== undefined) return cachedBody(found.hit.raw);
    const response = await this.#runForward(call, group);
    if (found.key !== undefined && response.statusCode >= 200 && response.statusCode < 300)
      cache.storeRaw(found.key, response.body);
    return response;
  }

  /** Counts a Messages request's input tokens at the target the group's strategy picks. */
  countTokens(call: CountTokensCall): Promise<CountTokensOutcome> {
    return this.#runner.run({
      group: this.models.resolve(call.model),
      record: call.record,
      signal: call.signal,
      attempt: async (attempt): Promise<CountTokensOutcome> => {
        const { provider } = attempt.resolved;
        const surface = call.surface ?? 'anthropic-messages';
        if (provider.forwards(surface, 'count-tokens')) {
          const forwardCall = { ...call, surface, operation: 'count-tokens' } as const;
          return { kind: 'counted', response: await this.#forwardAttempt(forwardCall, attempt) };
        }
        attempt.answeredLocally = true;
        attempt.release();
        const warnings: Warning[] = [];
        const inputTokens = await call.estimate(attempt.resolved, warnings);
        call.record.warnings = warnings;
        return { kind: 'estimated', inputTokens };
      },
    });
  }

  async #forwardAttempt(call: ForwardCall, attempt: Attempt): Promise<BufferedForward> {
    const { target, resolved, release, traceparent } = attempt;
    const { provider } = resolved;
    if (!provider.forwards(call.surface, call.operation)) throw unsupportedOperation(provider.name, call.operation);
    call.record.passthrough = true;
    // A provider that translates the call (Gemini embeddings) merges the params into its own body.
    const params = provider.wireFormat === call.surface ? target.params : undefined;
    const body = { ...withTargetParams(call.body, params), model: resolved.upstreamModel };
    try {
      const response = await provider.forward(
        { operation: call.operation, surface: call.surface, body, stream: false },
        this.#context(call, [], target, traceparent),
      );
      return buffered(response, provider.name);
    } finally {
      release();
    }
  }

  async close(): Promise<void> {
    await this.#pools.close();
  }

  #group(target: ModelTarget): ModelGroup {
    return 'provider' in target
      ? this.models.resolveExplicit(target.provider, target.model)
      : this.models.resolve(target.model);
  }

  async #attemptChat(call: ChatCall, attempt: Attempt): Promise<ChatOutcome> {
    const { target, resolved, release } = attempt;
    const { provider } = resolved;
    const warnings: Warning[] = [];
    const operation = call.passthroughOperation ?? 'chat';
    const toPassthrough =
      call.surface !== 'simple' &&
      provider.forwards(call.surface, operation) &&
      // A target on the Responses API is never sent a Chat Completions body, even by a same-format caller.
      (operation !== 'chat' || target.api !== 'responses')
        ? call.toPassthrough
        : undefined;
    call.record.passthrough = toPassthrough !== undefined;
    if (!call.stream) {
      const context = this.#context(call, warnings, target, attempt.traceparent);
      try {
        let outcome: ChatOutcome;
        if (toPassthrough !== undefined) {
          const forwarded = withParams(toPassthrough(resolved, warnings), target.params);
          const response = await provider.forward(
            { operation, surface: provider.wireFormat, ...forwarded, stream: false },
            context,
          );
          outcome = { kind: 'forwarded', response: buffered(response, provider.name) };
        } else {
          const request = capOutputTokens(call.toCanonical(resolved, warnings), resolved, warnings);
          outcome = { kind: 'response', response: await provider.chat(request, context) };
        }
        call.record.warnings = warnings;
        return outcome;
      } finally {
        release();
      }
    }
    // A stream's attempt has its own controller: a first-byte timeout ends this attempt, not the request.
    const controller = new AbortController();
    const onCallerGone = (): void => controller.abort(call.signal.reason);
    if (call.signal.aborted) onCallerGone();
    else call.signal.addEventListener('abort', onCallerGone, { once: true });
    const end = (): void => {
      call.signal.removeEventListener('abort', onCallerGone);
      release();
    };
    const context = this.#context({ ...call, signal: controller.signal }, warnings, target, attempt.traceparent);
    const firstByte = {
      provider: provider.name,
      timeoutMs: { ...this.providers.settings(provider.name)?.timeouts, ...target.timeouts }.firstByteMs ?? 30_000,
      abort: (reason: Error) => controller.abort(reason),
      signal: controller.signal,
      onEnd: end,
    };
    try {
      let outcome: ChatOutcome;
      if (toPassthrough !== undefined) {
        const forwarded = withParams(toPassthrough(resolved, warnings), target.params);
        const response = await provider.forward(
          { operation, surface: provider.wireFormat, ...forwarded, stream: true },
          context,
        );
        if (response.kind !== 'stream') {
          throw new GatewayError('upstream_error', `Provider '${provider.name}' answered a stream with a whole body.`);
        }
        const gate = call.passthroughGate ?? { isPreamble: () => false, errorOf: () => undefined };
        outcome = {
          kind: 'forwarded-stream',
          events: await awaitFirstContent(readSseEvents(response.body), { ...firstByte, gate }),
        };
      } else {
        const request = capOutputTokens(call.toCanonical(resolved, warnings), resolved, warnings);
        const parts = await provider.streamChat(request, context);
        outcome = { kind: 'stream', parts: await awaitFirstContent(parts, { ...firstByte, gate: canonicalGate }) };
      }
      call.record.warnings = warnings;
      return outcome;
    } catch (error) {
      end();
      throw error;
    }
  }

  #context(
    call: { record: RequestRecord; signal: AbortSignal; forwardedHeaders: Readonly<Record<string, string>> },
    warnings: Warning[],
    target: Pick<ModelGroup['targets'][number], 'timeouts' | 'params' | 'api'>,
    traceparent: string | undefined,
  ): CallContext {
    return {
      traceparent,
      signal: call.signal,
      requestId: call.record.requestId,
      warnings,
      forwardedHeaders: call.forwardedHeaders,
      timeouts: target.timeouts,
      extraBody: target.params,
      api: target.api,
    };
  }
}

/**
 * A target's params over the forwarded body; the caller's text no longer matches the body then, so it
 * is dropped.
 */
function withParams(
  forwarded: PassthroughBody,
  params: Readonly<Record<string, unknown>> | undefined,
): PassthroughBody {
  return params === undefined ? forwarded : { body: withTargetParams(forwarded.body, params), text: undefined };
}

/** Applies a target's `max_output_tokens`: larger requests are lowered to it, and say so. */
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

/** A cache entry's outcome in the gateway's own type (the cache keeps its types loose). */
function asChatOutcome(outcome: CacheableOutcome): ChatOutcome {
  return outcome.kind === 'forwarded' ? { kind: 'forwarded', response: cachedBody(outcome.response.body) } : outcome;
}

function cachedBody(body: Buffer | string): BufferedForward {
  return {
    kind: 'buffered',
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? Buffer.from(body) : body,
  };
}

/** A non-streaming forward's answer; a provider that answered with a stream broke its contract (typed, not a bare 500). */
function buffered(response: ForwardResponse, provider: string): BufferedForward {
  if (response.kind === 'buffered') return response;
  throw new GatewayError('upstream_error', `Provider '${provider}' answered a non-streaming call with a stream.`);
}
