import { extractAnthropicError } from '../../formats/anthropic/anthropic-error.ts';
import { convertToAnthropicRequest } from '../../formats/anthropic/convert-to-anthropic-request.ts';
import { mapAnthropicResponse, parseAnthropicMessage } from '../../formats/anthropic/map-anthropic-response.ts';
import type { ChatRequest } from '../../formats/internal/chat-request.ts';
import type { ChatResponse } from '../../formats/internal/chat-response.ts';
import type { StreamPart } from '../../formats/internal/stream-part.ts';
import type { WireFormat } from '../../formats/internal/wire-format.ts';
import type { CallContext, ForwardOperation, ForwardRequest, ForwardResponse, Provider } from '../provider.ts';
import type { ProviderDependencies, ProviderSettings } from '../provider-definition.ts';
import { readSseEvents } from '../shared/read-sse-events.ts';
import { unsupportedOperation } from '../shared/unsupported-operation.ts';
import { UpstreamEndpoint } from '../shared/upstream-endpoint.ts';
import { withTargetParams } from '../shared/with-target-params.ts';
import { decodeAnthropicStream } from './anthropic-stream.ts';

export const defaultAnthropicVersion = '2023-06-01';

const paths: Partial<Record<ForwardOperation, string>> = {
  chat: '/v1/messages',
  'count-tokens': '/v1/messages/count_tokens',
};

/** Headers an Anthropic caller may pass through to an Anthropic upstream. Never credentials. */
const forwardableHeaders = ['anthropic-version', 'anthropic-beta'] as const;

/**
 * Anthropic Messages. Authenticates with `x-api-key`; sends the configured `anthropic-version` on
 * translated calls and the caller's own on passthrough calls, whose body was shaped for it.
 */
export class AnthropicProvider implements Provider {
  readonly name: string;
  readonly type: string;
  readonly wireFormat = 'anthropic-messages' as const;
  readonly #version: string;
  readonly #defaultMaxTokens: number;
  readonly #endpoint: UpstreamEndpoint;

  constructor(settings: ProviderSettings, dependencies: ProviderDependencies) {
    this.name = settings.name;
    this.type = settings.type;
    this.#version = settings.anthropicVersion ?? defaultAnthropicVersion;
    this.#defaultMaxTokens = settings.defaultMaxTokens;
    const credentials: Record<string, string> = settings.apiKey === undefined ? {} : { 'x-api-key': settings.apiKey };
    this.#endpoint = new UpstreamEndpoint({
      settings,
      pools: dependencies.pools,
      headers: { 'anthropic-version': this.#version, ...credentials, ...settings.headers },
      extractError: extractAnthropicError,
    });
  }

  forwards(surface: WireFormat, operation: ForwardOperation): boolean {
    return surface === this.wireFormat && paths[operation] !== undefined;
  }

  async chat(request: ChatRequest, context: CallContext): Promise<ChatResponse> {
    const body = this.#convert(request, context, false);
    const response = await this.#endpoint.postBuffered({
      path: '/v1/messages',
      body: JSON.stringify(withTargetParams(body, context.extraBody)),
      signal: context.signal,
      headers: betaHeader(context),
      timeouts: context.timeouts,
      traceparent: context.traceparent,
    });
    return mapAnthropicResponse(parseAnthropicMessage(response.body.toString('utf8'), this.name));
  }

  async streamChat(request: ChatRequest, context: CallContext): Promise<AsyncIterable<StreamPart>> {
    const body = this.#convert(request, context, true);
    const response = await this.#endpoint.postStream({
      path: '/v1/messages',
      body: JSON.stringify(withTargetParams(body, context.extraBody)),
      signal: context.signal,
      headers: betaHeader(context),
      timeouts: context.timeouts,
      traceparent: context.traceparent,
    });
    return decodeAnthropicStream(readSseEvents(response.body), {
      provider: this.name,
      signal: context.signal,
    });
  }

  async forward(request: ForwardRequest, context: CallContext): Promise<ForwardResponse> {
    const path = paths[request.operation];
    if (path === undefined) {
      throw unsupportedOperation(this.name, request.operation);
    }
    const headers: Record<string, string> = {};
    for (const name of forwardableHeaders) {
      const value = context.forwardedHeaders[name];
      if (value !== undefined) headers[name] = value;
    }
    const call = {
      path,
      body: request.text ?? JSON.stringify(request.body),
      signal: context.signal,
      headers,
      timeouts: context.timeouts,
      traceparent: context.traceparent,
    };
    if (request.stream) {
      const response = await this.#endpoint.postStream(call);
      return {
        kind: 'stream',
        statusCode: response.statusCode,
        headers: response.headers,
        body: response.body,
      };
    }
    return { kind: 'buffered', ...(await this.#endpoint.postBuffered(call)) };
  }

  #convert(request: ChatRequest, context: CallContext, stream: boolean) {
    return convertToAnthropicRequest(request, {
      anthropicVersion: this.#version,
      defaultMaxTokens: this.#defaultMaxTokens,
      stream,
      warnings: context.warnings,
    });
  }
}

function betaHeader(context: CallContext): Record<string, string> | undefined {
  const beta = context.forwardedHeaders['anthropic-beta'];
  return beta === undefined ? undefined : { 'anthropic-beta': beta };
}
