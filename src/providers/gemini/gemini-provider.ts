import { convertToGeminiRequest } from '../../formats/gemini/convert-to-gemini-request.ts';
import { toGeminiEmbeddingsRequest, toOpenAIEmbeddingsBody } from '../../formats/gemini/gemini-embeddings.ts';
import { extractGeminiError } from '../../formats/gemini/gemini-error.ts';
import { mapGeminiResponse } from '../../formats/gemini/map-gemini-response.ts';
import { parseGeminiResponse } from '../../formats/gemini/parse-gemini-response.ts';
import type { ChatRequest } from '../../formats/internal/chat-request.ts';
import type { ChatResponse } from '../../formats/internal/chat-response.ts';
import type { StreamPart } from '../../formats/internal/stream-part.ts';
import type { WireFormat } from '../../formats/internal/wire-format.ts';
import type { CallContext, ForwardOperation, ForwardRequest, ForwardResponse, Provider } from '../provider.ts';
import type { ProviderDependencies, ProviderSettings } from '../provider-definition.ts';
import { readSseEvents } from '../shared/read-sse-events.ts';
import { UpstreamEndpoint } from '../shared/upstream-endpoint.ts';
import { withTargetParams } from '../shared/with-target-params.ts';
import { nativeCall } from './gemini-native-call.ts';
import { decodeGeminiStream } from './gemini-stream.ts';

/**
 * Google Gemini (Generative Language API `v1beta`): `generateContent` and
 * `streamGenerateContent?alt=sse`, authenticated with `x-goog-api-key`. Gemini callers' bodies are
 * forwarded as they came, the model in the path; other callers are translated from the canonical
 * format, and OpenAI embeddings calls are answered through `batchEmbedContents`.
 */
export class GeminiProvider implements Provider {
  readonly name: string;
  readonly type: string;
  readonly wireFormat = 'gemini' as const;
  readonly #endpoint: UpstreamEndpoint;

  constructor(settings: ProviderSettings, dependencies: ProviderDependencies) {
    this.name = settings.name;
    this.type = settings.type;
    const credentials: Record<string, string> =
      settings.apiKey === undefined ? {} : { 'x-goog-api-key': settings.apiKey };
    this.#endpoint = new UpstreamEndpoint({
      settings,
      pools: dependencies.pools,
      headers: { ...credentials, ...settings.headers },
      extractError: extractGeminiError,
    });
  }

  /** Its own format for everything but Responses; OpenAI embeddings too, translated to `batchEmbedContents`. */
  forwards(surface: WireFormat, operation: ForwardOperation): boolean {
    if (surface === this.wireFormat) return operation !== 'responses';
    return surface === 'openai-chat' && operation === 'embeddings';
  }

  async forward(request: ForwardRequest, context: CallContext): Promise<ForwardResponse> {
    if (request.surface === 'gemini') return this.#forwardNative(request, context);
    const model = typeof request.body['model'] === 'string' ? request.body['model'] : '';
    const response = await this.#endpoint.postBuffered({
      path: `/models/${encodeURIComponent(model)}:batchEmbedContents`,
      body: JSON.stringify(withTargetParams(toGeminiEmbeddingsRequest(request.body, model), context.extraBody)),
      signal: context.signal,
      timeouts: context.timeouts,
      traceparent: context.traceparent,
    });
    return {
      kind: 'buffered',
      statusCode: response.statusCode,
      headers: response.headers,
      body: toOpenAIEmbeddingsBody(response.body, request.body, model, this.name),
    };
  }

  /** A Gemini caller's own body, unchanged but for the model, which goes in the path. */
  async #forwardNative(request: ForwardRequest, context: CallContext): Promise<ForwardResponse> {
    const { path, body } = nativeCall(request);
    const call = {
      path,
      body: request.text ?? JSON.stringify(body),
      signal: context.signal,
      timeouts: context.timeouts,
      traceparent: context.traceparent,
    };
    if (request.stream) {
      const response = await this.#endpoint.postStream(call);
      return { kind: 'stream', statusCode: response.statusCode, headers: response.headers, body: response.body };
    }
    const response = await this.#endpoint.postBuffered(call);
    return { kind: 'buffered', statusCode: response.statusCode, headers: response.headers, body: response.body };
  }

  async chat(request: ChatRequest, context: CallContext): Promise<ChatResponse> {
    const body = convertToGeminiRequest(request, context.warnings);
    const response = await this.#endpoint.postBuffered({
      path: `/models/${encodeURIComponent(request.model)}:generateContent`,
      body: JSON.stringify(withTargetParams(body, context.extraBody)),
      signal: context.signal,
      timeouts: context.timeouts,
      traceparent: context.traceparent,
    });
    return mapGeminiResponse(parseGeminiResponse(response.body.toString('utf8'), this.name), request.model);
  }

  async streamChat(request: ChatRequest, context: CallContext): Promise<AsyncIterable<StreamPart>> {
    const body = convertToGeminiRequest(request, context.warnings);
    const response = await this.#endpoint.postStream({
      path: `/models/${encodeURIComponent(request.model)}:streamGenerateContent?alt=sse`,
      body: JSON.stringify(withTargetParams(body, context.extraBody)),
      signal: context.signal,
      timeouts: context.timeouts,
      traceparent: context.traceparent,
    });
    return decodeGeminiStream(readSseEvents(response.body), {
      provider: this.name,
      model: request.model,
      signal: context.signal,
    });
  }
}
