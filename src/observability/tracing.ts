import type { IncomingHttpHeaders } from 'node:http';
import type { Attributes, Context, Span, Tracer } from '@opentelemetry/api';
import type { TracerProvider } from '@opentelemetry/sdk-trace';
import type { RequestRecord } from '../gateway/request-record.ts';

/** Where a provider instance's spans say they went (`gen_ai.provider.name`, `server.address`). */
export interface ProviderTraceInfo {
  type: string;
  address: string;
  port: number;
}

export interface AttemptSpan {
  readonly traceparent: string;
  end(errorCode: string | undefined): void;
}

type OtelApi = typeof import('@opentelemetry/api');

/** `gen_ai.operation.name` of each model route. */
const operations: Readonly<Record<string, string>> = {
  '/chat': 'chat',
  '/v1/chat/completions': 'chat',
  '/v1/messages': 'chat',
  '/v1/responses': 'chat',
  '/v1/embeddings': 'embeddings',
  '/v1/messages/count_tokens': 'count_tokens',
};

interface RequestSpan {
  span: Span;
  operation: string | undefined;
}

/**
 * OpenTelemetry traces over OTLP/HTTP: a SERVER span per request (continuing the caller's W3C
 * `traceparent`) and a CLIENT span per upstream attempt beneath it, whose context is sent upstream.
 * Attributes follow the GenAI semantic conventions. Contexts are passed explicitly (no global context
 * manager), and the SDK is loaded only when an endpoint is configured: off, tracing costs nothing.
 */
export class Tracing {
  readonly #api: OtelApi;
  readonly #tracer: Tracer;
  readonly #provider: TracerProvider;
  readonly #propagator: { inject: OtelPropagator['inject']; extract: OtelPropagator['extract'] };
  readonly #spans = new WeakMap<RequestRecord, RequestSpan>();
  readonly #providers: (instance: string) => ProviderTraceInfo | undefined;

  private constructor(options: {
    api: OtelApi;
    provider: TracerProvider;
    propagator: OtelPropagator;
    version: string;
    providers: (instance: string) => ProviderTraceInfo | undefined;
  }) {
    this.#api = options.api;
    this.#provider = options.provider;
    this.#tracer = options.provider.getTracer('llm-proxy', options.version);
    this.#propagator = options.propagator;
    this.#providers = options.providers;
  }

  static async start(options: {
    endpoint: string;
    serviceName: string;
    version: string;
    providers: (instance: string) => ProviderTraceInfo | undefined;
  }): Promise<Tracing> {
    const [api, sdk, exporter, resources, core] = await Promise.all([
      import('@opentelemetry/api'),
      import('@opentelemetry/sdk-trace'),
      import('@opentelemetry/exporter-trace-otlp-http'),
      import('@opentelemetry/resources'),
      import('@opentelemetry/core'),
    ]);
    const provider = new sdk.TracerProvider({
      resource: resources.resourceFromAttributes({
        'service.name': options.serviceName,
        'service.version': options.version,
      }),
      // Spans leave in batches, off the request path, at most a second after they end.
      spanProcessors: [
        new sdk.BatchSpanProcessor({
          exporter: new exporter.OTLPTraceExporter({ url: options.endpoint }),
          scheduledDelayMillis: 1000,
        }),
      ],
    });
    return new Tracing({
      api,
      provider,
      propagator: new core.W3CTraceContextPropagator(),
      version: options.version,
      providers: options.providers,
    });
  }

  /** Opens the request's SERVER span, a child of the caller's `traceparent` when it sent one. */
  startRequest(record: RequestRecord, headers: IncomingHttpHeaders, method: string, route: string): void {
    const api = this.#api;
    const parent = headers['traceparent'] === undefined ? api.ROOT_CONTEXT : this.#extract(headers);
    const span = this.#tracer.startSpan(
      `${method} ${route}`,
      {
        kind: api.SpanKind.SERVER,
        attributes: { 'http.request.method': method, 'http.route': route, 'llm_proxy.request_id': record.requestId },
      },
      parent,
    );
    this.#spans.set(record, { span, operation: operations[route] });
  }

  /** Opens a CLIENT span for one upstream attempt under the request's span. */
  startAttempt(record: RequestRecord, instance: string, model: string): AttemptSpan | undefined {
    const request = this.#spans.get(record);
    if (request === undefined) return undefined;
    const operation = request.operation ?? 'chat';
    const api = this.#api;
    const info = this.#providers(instance);
    const attributes: Attributes = {
      'gen_ai.operation.name': operation,
      'gen_ai.provider.name': info?.type ?? instance,
      'gen_ai.system': info?.type ?? instance,
      'gen_ai.request.model': model,
      'llm_proxy.provider_instance': instance,
    };
    if (info !== undefined) {
      attributes['server.address'] = info.address;
      attributes['server.port'] = info.port;
    }
    const span = this.#tracer.startSpan(
      `${operation} ${model}`,
      { kind: api.SpanKind.CLIENT, attributes },
      api.trace.setSpan(api.ROOT_CONTEXT, request.span),
    );
    const carrier: Record<string, string> = {};
    this.#propagator.inject(api.trace.setSpan(api.ROOT_CONTEXT, span), carrier, api.defaultTextMapSetter);
    return {
      traceparent: carrier['traceparent'] ?? '',
      end: (errorCode) => {
        if (errorCode !== undefined) {
          span.setAttribute('error.type', errorCode);
          span.setStatus({ code: api.SpanStatusCode.ERROR });
        }
        span.end();
      },
    };
  }

  /** Closes the request's span with what the request turned out to be. */
  endRequest(record: RequestRecord, status: number): void {
    const request = this.#spans.get(record);
    if (request === undefined) return;
    this.#spans.delete(record);
    const { span, operation } = request;
    const attributes: Attributes = { 'http.response.status_code': status, 'llm_proxy.attempts': record.attempts };
    if (operation !== undefined) attributes['gen_ai.operation.name'] = operation;
    if (record.model !== undefined) attributes['gen_ai.request.model'] = record.model;
    if (record.upstreamModel !== undefined) attributes['gen_ai.response.model'] = record.upstreamModel;
    if (record.provider !== undefined) {
      const type = this.#providers(record.provider)?.type ?? record.provider;
      attributes['gen_ai.provider.name'] = type;
      attributes['gen_ai.system'] = type;
    }
    if (record.usage !== undefined) {
      attributes['gen_ai.usage.input_tokens'] = record.usage.inputTokens;
      attributes['gen_ai.usage.output_tokens'] = record.usage.outputTokens;
    }
    if (record.finishReason !== undefined) attributes['gen_ai.response.finish_reasons'] = [record.finishReason];
    if (record.keyId !== null) attributes['llm_proxy.key_id'] = record.keyId;
    if (record.costUsd !== undefined) attributes['llm_proxy.cost_usd'] = record.costUsd;
    if (record.errorCode !== undefined) attributes['error.type'] = record.errorCode;
    span.setAttributes(attributes);
    if (status >= 500) span.setStatus({ code: this.#api.SpanStatusCode.ERROR });
    span.end();
  }

  /** Sends the spans still buffered; part of a graceful shutdown. */
  async close(): Promise<void> {
    await this.#provider.shutdown();
  }

  #extract(headers: IncomingHttpHeaders): Context {
    return this.#propagator.extract(this.#api.ROOT_CONTEXT, headers, this.#api.defaultTextMapGetter);
  }
}

type OtelPropagator = InstanceType<typeof import('@opentelemetry/core')['W3CTraceContextPropagator']>;
