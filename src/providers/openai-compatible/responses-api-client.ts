import type { ChatRequest } from '../../formats/internal/chat-request.ts';
import type { ChatResponse } from '../../formats/internal/chat-response.ts';
import type { StreamPart } from '../../formats/internal/stream-part.ts';
import { buildResponsesRequest } from '../../formats/openai-responses/build-responses-request.ts';
import { ResponsesStreamDecoder } from '../../formats/openai-responses/decode-responses-stream.ts';
import { mapResponsesResponse } from '../../formats/openai-responses/map-responses-response.ts';
import type { CallContext } from '../provider.ts';
import { driveStreamDecoder } from '../shared/drive-stream-decoder.ts';
import { readSseEvents } from '../shared/read-sse-events.ts';
import type { UpstreamEndpoint } from '../shared/upstream-endpoint.ts';

/**
 * Canonical calls on OpenAI's Responses API (`api: responses`), so that Chat Completions, Anthropic and
 * `/chat` callers reach models offered only there. Stateless: the whole conversation each call.
 */
export class ResponsesApiClient {
  readonly #provider: string;
  readonly #endpoint: UpstreamEndpoint;
  readonly #path: (model: string) => string;

  constructor(options: { provider: string; endpoint: UpstreamEndpoint; path: (model: string) => string }) {
    this.#provider = options.provider;
    this.#endpoint = options.endpoint;
    this.#path = options.path;
  }

  async chat(request: ChatRequest, context: CallContext): Promise<ChatResponse> {
    const body = {
      ...buildResponsesRequest(request, { stream: false, warnings: context.warnings }),
      ...context.extraBody,
    };
    const response = await this.#endpoint.postBuffered({
      path: this.#path(request.model),
      body: JSON.stringify(body),
      signal: context.signal,
      timeouts: context.timeouts,
      traceparent: context.traceparent,
    });
    return mapResponsesResponse(response.body.toString('utf8'), this.#provider);
  }

  async streamChat(request: ChatRequest, context: CallContext): Promise<AsyncIterable<StreamPart>> {
    const body = {
      ...buildResponsesRequest(request, { stream: true, warnings: context.warnings }),
      ...context.extraBody,
    };
    const response = await this.#endpoint.postStream({
      path: this.#path(request.model),
      body: JSON.stringify(body),
      signal: context.signal,
      timeouts: context.timeouts,
      traceparent: context.traceparent,
    });
    const decoder = new ResponsesStreamDecoder(this.#provider);
    return driveStreamDecoder(readSseEvents(response.body), decoder, (event) => decoder.push(event), {
      provider: this.#provider,
      signal: context.signal,
    });
  }
}
