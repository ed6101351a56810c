import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
import { invalidResponse } from '../../errors/upstream-error.ts';
import type { ProviderSettings } from '../provider-definition.ts';
import { BodyTooLarge, type BufferedAnswer, dispatchBuffered } from './dispatch-buffered.ts';
import { maxResponseBytes, readBodyBytes } from './read-body.ts';
import { redactSecrets } from './redact-secrets.ts';
import {
  sendUpstreamRequest,
  toUpstreamFailure,
  type UpstreamErrorDetails,
  type UpstreamResponse,
  upstreamErrorFromBody,
} from './send-upstream-request.ts';
import type { UpstreamPools } from './upstream-pools.ts';
import type { UpstreamTimeouts } from './upstream-timeouts.ts';

export interface BufferedUpstreamResponse {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface EndpointCall {
  /** Path below the base URL (`/chat/completions`). */
  path: string;
  body: string;
  /** The caller's signal; the endpoint adds its own deadlines. */
  signal: AbortSignal;
  /** Per-call headers (`anthropic-beta`), merged over the fixed ones. */
  headers?: Readonly<Record<string, string>> | undefined;
  /** Per-target overrides of the provider's timeouts. */
  timeouts?: Partial<UpstreamTimeouts> | undefined;
  /** W3C trace context to send upstream (tracing on). */
  traceparent?: string | undefined;
  /** The content type a stream must have (default `text/event-stream`; Bedrock's is binary). */
  streamContentType?: string;
}

/**
 * One provider instance's upstream: base URL, pool, fixed headers (credentials included, built once),
 * timeouts and error extractor. Providers call `postBuffered` or `postStream` and get typed errors back.
 */
export class UpstreamEndpoint {
  readonly #provider: string;
  readonly #dispatcher: Dispatcher;
  readonly #basePath: string;
  readonly #headers: Readonly<Record<string, string>>;
  readonly #settings: ProviderSettings;
  readonly #secrets: readonly string[];
  readonly #extractError: (body: unknown) => UpstreamErrorDetails;

  constructor(options: {
    settings: ProviderSettings;
    pools: UpstreamPools;
    headers: Readonly<Record<string, string>>;
    extractError: (body: unknown) => UpstreamErrorDetails;
  }) {
    const url = new URL(options.settings.baseUrl);
    this.#provider = options.settings.name;
    this.#dispatcher = options.pools.forOrigin(url.origin);
    this.#basePath = url.pathname.replace(/\/+$/, '');
    this.#headers = { 'content-type': 'application/json', ...options.headers };
    this.#settings = options.settings;
    this.#secrets = options.settings.apiKey === undefined ? [] : [options.settings.apiKey];
    this.#extractError = options.extractError;
  }

  /** A non-streaming call: headers within the first-byte timeout, the whole body within the total. */
  async postBuffered(call: EndpointCall): Promise<BufferedUpstreamResponse> {
    const { firstByteMs, totalMs } = this.#timeouts(call);
    let answer: BufferedAnswer;
    try {
      answer = await dispatchBuffered(this.#dispatcher, {
        path: this.#basePath + call.path,
        headers: this.#headersFor(call),
        body: call.body,
        signal: call.signal,
        headersTimeoutMs: Math.min(firstByteMs, totalMs),
        totalTimeoutMs: totalMs,
        maxBytes: maxResponseBytes,
      });
    } catch (error) {
      if (error instanceof BodyTooLarge) throw invalidResponse(this.#provider, error.message);
      throw toUpstreamFailure(error, this.#provider, call.signal);
    }
    if (answer.statusCode < 200 || answer.statusCode >= 300) {
      throw upstreamErrorFromBody(
        { statusCode: answer.statusCode, headers: answer.headers, text: answer.body.toString('utf8') },
        {
          provider: this.#provider,
          secrets: this.#secrets,
          extractError: this.#extractError,
        },
      );
    }
    return answer;
  }

  /**
   * A streaming call: resolves when a 2xx `text/event-stream` answer has begun. The first-byte timeout
   * bounds the wait for headers; the idle timeout bounds each silence between chunks afterwards (the
   * gateway bounds the wait for the first event itself).
   */
  async postStream(call: EndpointCall): Promise<UpstreamResponse> {
    const { firstByteMs, streamIdleMs } = this.#timeouts(call);
    const response = await this.#send(call, call.signal, firstByteMs, streamIdleMs);
    const contentType = response.headers['content-type'];
    const expected = call.streamContentType ?? 'text/event-stream';
    if (typeof contentType === 'string' && !contentType.includes(expected)) {
      // Some upstreams answer a stream request with a JSON error and a 2xx status.
      const body = await readBodyBytes(response.body, { provider: this.#provider, limit: 64 * 1024 });
      const text = body.toString('utf8');
      let detail = `expected an event stream, got ${contentType}`;
      try {
        const message = this.#extractError(JSON.parse(text)).message;
        if (message !== undefined) detail = redactSecrets(message, this.#secrets);
      } catch {
        // Not JSON either; the content type says enough.
      }
      throw invalidResponse(this.#provider, detail);
    }
    return response;
  }

  #timeouts(call: EndpointCall): UpstreamTimeouts {
    return call.timeouts === undefined ? this.#settings.timeouts : { ...this.#settings.timeouts, ...call.timeouts };
  }

  /** The fixed headers, plus the call's own and its trace context when it has them (built once otherwise). */
  #headersFor(call: EndpointCall): Readonly<Record<string, string>> {
    if (call.headers === undefined && call.traceparent === undefined) return this.#headers;
    const headers = { ...this.#headers, ...call.headers };
    if (call.traceparent !== undefined) headers['traceparent'] = call.traceparent;
    return headers;
  }

  #send(call: EndpointCall, signal: AbortSignal, headersTimeoutMs: number, bodyTimeoutMs: number) {
    return sendUpstreamRequest({
      provider: this.#provider,
      dispatcher: this.#dispatcher,
      path: this.#basePath + call.path,
      headers: { ...this.#headersFor(call) },
      body: call.body,
      signal,
      headersTimeoutMs,
      bodyTimeoutMs,
      secrets: this.#secrets,
      extractError: this.#extractError,
    });
  }
}
