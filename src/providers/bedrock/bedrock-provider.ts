import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { convertToBedrockRequest } from '../../formats/bedrock/convert-to-bedrock-request.ts';
import { mapBedrockResponse } from '../../formats/bedrock/map-bedrock-response.ts';
import type { ChatRequest } from '../../formats/internal/chat-request.ts';
import type { ChatResponse } from '../../formats/internal/chat-response.ts';
import type { StreamPart } from '../../formats/internal/stream-part.ts';
import type { CallContext, ForwardRequest, ForwardResponse, Provider } from '../provider.ts';
import type { ProviderDependencies, ProviderSettings } from '../provider-definition.ts';
import type { UpstreamErrorDetails } from '../shared/send-upstream-request.ts';
import { unsupportedOperation } from '../shared/unsupported-operation.ts';
import { UpstreamEndpoint } from '../shared/upstream-endpoint.ts';
import { withTargetParams } from '../shared/with-target-params.ts';
import { decodeBedrockStream } from './bedrock-stream.ts';

/** `{"message": …}`, with the exception name in `__type` or `code` when present. */
function extractBedrockError(body: unknown): UpstreamErrorDetails {
  if (typeof body !== 'object' || body === null) return { message: undefined, type: undefined };
  const { message, Message, __type, code } = body as Record<string, unknown>;
  const text = typeof message === 'string' ? message : typeof Message === 'string' ? Message : undefined;
  const type = typeof __type === 'string' ? __type.split('#').at(-1) : typeof code === 'string' ? code : undefined;
  return { message: text, type };
}

/**
 * AWS Bedrock Runtime, Converse and ConverseStream. Calls are signed with SigV4 (`@smithy/signature-v4`,
 * service `bedrock`) from the standard AWS variables, or carry a Bedrock API key as a bearer token.
 * Streams are `application/vnd.amazon.eventstream` frames, decoded with `@smithy/core`'s codec.
 */
export class BedrockProvider implements Provider {
  readonly name: string;
  readonly type: string;
  readonly wireFormat = undefined;
  readonly #endpoint: UpstreamEndpoint;
  readonly #url: URL;
  readonly #signer: SignatureV4 | undefined;

  constructor(settings: ProviderSettings, dependencies: ProviderDependencies) {
    this.name = settings.name;
    this.type = settings.type;
    const region = settings.region ?? 'us-east-1';
    const base = settings.baseUrl === '' ? `https://bedrock-runtime.${region}.amazonaws.com` : settings.baseUrl;
    this.#url = new URL(base);
    const env = settings.env ?? {};
    const bearer = settings.apiKey;
    const accessKeyId = env['AWS_ACCESS_KEY_ID'];
    const secretAccessKey = env['AWS_SECRET_ACCESS_KEY'];
    this.#signer =
      bearer === undefined && accessKeyId !== undefined && secretAccessKey !== undefined
        ? new SignatureV4({
            service: 'bedrock',
            region,
            sha256: Hash.bind(null, 'sha256'),
            credentials: {
              accessKeyId,
              secretAccessKey,
              ...(env['AWS_SESSION_TOKEN'] === undefined ? {} : { sessionToken: env['AWS_SESSION_TOKEN'] }),
            },
          })
        : undefined;
    this.#endpoint = new UpstreamEndpoint({
      settings: { ...settings, baseUrl: base },
      pools: dependencies.pools,
      headers: { ...(bearer === undefined ? {} : { authorization: `Bearer ${bearer}` }), ...settings.headers },
      extractError: extractBedrockError,
    });
  }

  /** Converse has no same-format caller: every call is translated. */
  forwards(): boolean {
    return false;
  }

  forward(request: ForwardRequest): Promise<ForwardResponse> {
    return Promise.reject(unsupportedOperation(this.name, request.operation));
  }

  async chat(request: ChatRequest, context: CallContext): Promise<ChatResponse> {
    const body = JSON.stringify(
      withTargetParams(convertToBedrockRequest(request, context.warnings), context.extraBody),
    );
    const path = `/model/${encodeURIComponent(request.model)}/converse`;
    const response = await this.#endpoint.postBuffered({
      path,
      body,
      signal: context.signal,
      headers: await this.#sign(path, body, 'application/json'),
      timeouts: context.timeouts,
      traceparent: context.traceparent,
    });
    return mapBedrockResponse(response.body.toString('utf8'), request.model, this.name);
  }

  async streamChat(request: ChatRequest, context: CallContext): Promise<AsyncIterable<StreamPart>> {
    const body = JSON.stringify(
      withTargetParams(convertToBedrockRequest(request, context.warnings), context.extraBody),
    );
    const path = `/model/${encodeURIComponent(request.model)}/converse-stream`;
    const response = await this.#endpoint.postStream({
      path,
      body,
      signal: context.signal,
      headers: await this.#sign(path, body, 'application/vnd.amazon.eventstream'),
      timeouts: context.timeouts,
      traceparent: context.traceparent,
      streamContentType: 'application/vnd.amazon.eventstream',
    });
    return decodeBedrockStream(response.body, { provider: this.name, model: request.model, signal: context.signal });
  }

  /** SigV4 headers for one call (none with a bearer key): host, x-amz-date, content-type signed. */
  async #sign(path: string, body: string, accept: string): Promise<Record<string, string> | undefined> {
    if (this.#signer === undefined) return { accept };
    const basePath = this.#url.pathname.replace(/\/+$/, '');
    const signed = await this.#signer.sign({
      method: 'POST',
      protocol: this.#url.protocol,
      hostname: this.#url.hostname,
      ...(this.#url.port === '' ? {} : { port: Number(this.#url.port) }),
      path: basePath + path,
      headers: { host: this.#url.host, 'content-type': 'application/json', accept },
      body,
      query: {},
    });
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(signed.headers)) if (name !== 'host') headers[name] = String(value);
    return headers;
  }
}
