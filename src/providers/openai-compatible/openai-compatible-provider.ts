import type { ChatRequest } from '../../formats/internal/chat-request.ts';
import type { ChatResponse } from '../../formats/internal/chat-response.ts';
import type { StreamPart } from '../../formats/internal/stream-part.ts';
import type { WireFormat } from '../../formats/internal/wire-format.ts';
import { convertToOpenAIChatRequest } from '../../formats/openai/convert-to-openai-chat-request.ts';
import { mapOpenAIChatResponse, parseOpenAIChatResponse } from '../../formats/openai/map-openai-chat-response.ts';
import { extractOpenAIError } from '../../formats/openai/openai-error.ts';
import type { CallContext, ForwardOperation, ForwardRequest, ForwardResponse, Provider } from '../provider.ts';
import type { ProviderDependencies, ProviderSettings } from '../provider-definition.ts';
import { readSseEvents } from '../shared/read-sse-events.ts';
import type { UpstreamResponse } from '../shared/send-upstream-request.ts';
import { unsupportedOperation } from '../shared/unsupported-operation.ts';
import { type BufferedUpstreamResponse, UpstreamEndpoint } from '../shared/upstream-endpoint.ts';
import { withTargetParams } from '../shared/with-target-params.ts';
import { decodeOpenAIChatStream } from './openai-chat-stream.ts';
import {
  applyQuirks,
  type OpenAICompatibleOperation,
  type OpenAICompatibleQuirks,
} from './openai-compatible-quirks.ts';
import { ResponsesApiClient } from './responses-api-client.ts';

const defaultPaths: Record<OpenAICompatibleOperation, string> = {
  chat: '/chat/completions',
  embeddings: '/embeddings',
  responses: '/responses',
};

function isCompatibleOperation(operation: ForwardOperation): operation is OpenAICompatibleOperation {
  return operation === 'chat' || operation === 'embeddings' || operation === 'responses';
}

/**
 * Any API that speaks OpenAI Chat Completions: OpenAI itself, DeepSeek, and every compatible preset.
 * Differences live in `OpenAICompatibleQuirks`, not in subclasses.
 */
export class OpenAICompatibleProvider implements Provider {
  readonly name: string;
  readonly type: string;
  /** `openai-responses` for an `api: responses` instance: Chat Completions callers are then translated too. */
  readonly wireFormat: 'openai-chat' | 'openai-responses';
  readonly #quirks: OpenAICompatibleQuirks;
  readonly #endpoint: UpstreamEndpoint;
  /** `api: responses`: translated calls go to `/v1/responses` (models offered only there). */
  readonly #responses: boolean;
  readonly #responsesClient: ResponsesApiClient;

  constructor(settings: ProviderSettings, dependencies: ProviderDependencies, quirks: OpenAICompatibleQuirks) {
    this.name = settings.name;
    this.type = settings.type;
    this.#quirks = quirks;
    const authorization: Record<string, string> =
      settings.apiKey === undefined
        ? {}
        : (quirks.authHeaders?.(settings.apiKey) ?? { authorization: `Bearer ${settings.apiKey}` });
    this.#endpoint = new UpstreamEndpoint({
      settings,
      pools: dependencies.pools,
      headers: { ...authorization, ...settings.headers },
      extractError: extractOpenAIError,
    });
    this.#responses = settings.api === 'responses' && this.#offers('responses');
    this.wireFormat = this.#responses ? 'openai-responses' : 'openai-chat';
    this.#responsesClient = new ResponsesApiClient({
      provider: this.name,
      endpoint: this.#endpoint,
      path: (model) => this.#path('responses', model),
    });
  }

  /**
   * Its own format (Chat Completions, or Responses for an instance on that API), and Responses calls
   * for an API that offers `/responses`, whatever this instance's own format.
   */
  forwards(surface: WireFormat, operation: ForwardOperation): boolean {
    if (operation === 'responses') return surface === 'openai-responses' && this.#offers(operation);
    return surface === this.wireFormat && this.#offers(operation);
  }

  /** Whether the API offers this operation (presets say; OpenAI's own offers Responses too). */
  #offers(operation: ForwardOperation): boolean {
    return isCompatibleOperation(operation) && (this.#quirks.operations ?? ['chat', 'embeddings']).includes(operation);
  }

  /** Whether a translated call goes to `/v1/responses`: the target's `api`, else the instance's. */
  #onResponses(context: CallContext): boolean {
    if (context.api === undefined) return this.#responses;
    return context.api === 'responses' && this.#offers('responses');
  }

  #path(operation: OpenAICompatibleOperation, model: string): string {
    return this.#quirks.pathFor?.(operation, model) ?? defaultPaths[operation];
  }

  async chat(request: ChatRequest, context: CallContext): Promise<ChatResponse> {
    if (this.#onResponses(context)) return this.#responsesClient.chat(request, context);
    const body = convertToOpenAIChatRequest(request, {
      quirks: this.#quirks,
      stream: false,
      warnings: context.warnings,
    });
    const sent = applyQuirks(body as unknown as Record<string, unknown>, this.#quirks, context.warnings);
    const response = await this.#postBuffered(
      this.#path('chat', request.model),
      JSON.stringify(withTargetParams(sent, context.extraBody)),
      context,
    );
    return mapOpenAIChatResponse(parseOpenAIChatResponse(response.body.toString('utf8'), this.name), this.name);
  }

  async streamChat(request: ChatRequest, context: CallContext): Promise<AsyncIterable<StreamPart>> {
    if (this.#onResponses(context)) return this.#responsesClient.streamChat(request, context);
    const body = convertToOpenAIChatRequest(request, {
      quirks: this.#quirks,
      stream: true,
      warnings: context.warnings,
    });
    const sent = applyQuirks(body as unknown as Record<string, unknown>, this.#quirks, context.warnings);
    const response = await this.#postStream(
      this.#path('chat', request.model),
      JSON.stringify(withTargetParams(sent, context.extraBody)),
      context,
    );
    return decodeOpenAIChatStream(readSseEvents(response.body), {
      provider: this.name,
      signal: context.signal,
    });
  }

  async forward(request: ForwardRequest, context: CallContext): Promise<ForwardResponse> {
    const { operation } = request;
    if (!isCompatibleOperation(operation) || !this.#offers(operation)) throw unsupportedOperation(this.name, operation);
    const model = typeof request.body['model'] === 'string' ? request.body['model'] : '';
    const path = this.#path(operation, model);
    // A Responses body has none of the Chat fields the quirks adapt: it goes as the caller sent it.
    const sent =
      operation === 'responses'
        ? request.body
        : applyQuirks(request.body, this.#quirks, context.warnings, { forwarding: true });
    // The caller's own text when the quirks changed nothing; it is exactly `request.body` as JSON.
    const body = sent === request.body && request.text !== undefined ? request.text : JSON.stringify(sent);
    if (request.stream) {
      const response = await this.#postStream(path, body, context);
      return {
        kind: 'stream',
        statusCode: response.statusCode,
        headers: response.headers,
        body: response.body,
      };
    }
    return { kind: 'buffered', ...(await this.#postBuffered(path, body, context)) };
  }

  #postBuffered(path: string, body: string, context: CallContext): Promise<BufferedUpstreamResponse> {
    return this.#endpoint.postBuffered({
      path,
      body,
      signal: context.signal,
      timeouts: context.timeouts,
      traceparent: context.traceparent,
    });
  }

  #postStream(path: string, body: string, context: CallContext): Promise<UpstreamResponse> {
    return this.#endpoint.postStream({
      path,
      body,
      signal: context.signal,
      timeouts: context.timeouts,
      traceparent: context.traceparent,
    });
  }
}
