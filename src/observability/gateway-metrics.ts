import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { CacheCounters } from '../gateway/cache/cache-counters.ts';
import type { RequestRecord } from '../gateway/request-record.ts';
import { LabelGuard } from './label-guard.ts';
import { type CounterChild, CounterFamily, type HistogramChild, HistogramFamily } from './metric-families.ts';

/** What the usage writer reports (`UsageRecorder#stats`), as counts since start. */
export interface UsageWriterStats {
  queued: number;
  written: number;
  dropped: number;
  rejected: number;
  cleaned: number;
  failedBatches: number;
  lastWriteAgeSeconds: number;
}

/** Seconds; from a fast passthrough to a long generation. */
const durationBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

interface RequestSeries {
  requests: CounterChild;
  duration: HistogramChild;
  ttft: HistogramChild;
}

/** The children of one provider instance and upstream model. */
interface UpstreamSeries {
  input: CounterChild;
  output: CounterChild;
  cost: CounterChild;
  ok: CounterChild;
  latency: HistogramChild;
}

/**
 * The gateway's Prometheus metrics (own registry, every name prefixed `llm_proxy_`). Labels are
 * bounded: routes are route templates, statuses and error codes come from fixed sets, and model names
 * pass a `LabelGuard`; key ids and raw input never become labels. A request costs a few map lookups
 * and additions: the labelled children of its series are built once and kept (`metric-families.ts`).
 */
export class GatewayMetrics {
  readonly registry = new Registry();
  readonly #models = new LabelGuard(200);
  /** Route → status → provider → model. */
  readonly #series = new Map<string, Map<number, Map<string, Map<string, RequestSeries>>>>();
  /** Provider → model. */
  readonly #upstreamSeries = new Map<string, Map<string, UpstreamSeries>>();
  readonly #requests: CounterFamily;
  readonly #duration: HistogramFamily;
  readonly #ttft: HistogramFamily;
  readonly #attempts: CounterFamily;
  readonly #upstream: HistogramFamily;
  readonly #tokens: CounterFamily;
  readonly #cost: CounterFamily;
  readonly #retries: CounterFamily;
  readonly #fallbacks: CounterFamily;
  readonly #cooldowns: CounterFamily;
  readonly #errors: CounterFamily;
  #inFlight = 0;
  #render: () => Promise<string> = () => this.registry.metrics();

  constructor() {
    const registry = this.registry;
    collectDefaultMetrics({ register: registry, prefix: 'llm_proxy_' });
    this.#requests = new CounterFamily(
      registry,
      'llm_proxy_requests_total',
      'Requests answered, by route template, model asked for, provider instance and HTTP status (499: the caller left).',
      ['route', 'model', 'provider', 'status'],
    );
    this.#duration = new HistogramFamily(
      registry,
      'llm_proxy_request_duration_seconds',
      'Time from request to the end of the response, streams included.',
      ['route', 'model', 'provider'],
      durationBuckets,
    );
    this.#ttft = new HistogramFamily(
      registry,
      'llm_proxy_time_to_first_token_seconds',
      'Streams: time from request to the first event sent to the caller.',
      ['route', 'model', 'provider'],
      durationBuckets,
    );
    this.#attempts = new CounterFamily(
      registry,
      'llm_proxy_upstream_attempts_total',
      'Upstream attempts by provider instance, upstream model and outcome (ok or the error code).',
      ['provider', 'model', 'outcome'],
    );
    this.#upstream = new HistogramFamily(
      registry,
      'llm_proxy_upstream_duration_seconds',
      'Upstream attempt latency: to the whole answer, or for streams to their first content.',
      ['provider', 'model'],
      durationBuckets,
    );
    this.#tokens = new CounterFamily(
      registry,
      'llm_proxy_tokens_total',
      'Tokens by provider instance, upstream model and type (input, output, cached_input, cache_write, reasoning).',
      ['provider', 'model', 'type'],
    );
    this.#cost = new CounterFamily(
      registry,
      'llm_proxy_cost_usd_total',
      'Cost in USD of answered calls whose model has a price.',
      ['provider', 'model'],
    );
    this.#retries = new CounterFamily(
      registry,
      'llm_proxy_retries_total',
      'Attempts beyond the first, by model asked for.',
      ['model'],
    );
    this.#fallbacks = new CounterFamily(
      registry,
      'llm_proxy_fallbacks_total',
      'Fallback groups entered, by model asked for.',
      ['model'],
    );
    this.#cooldowns = new CounterFamily(
      registry,
      'llm_proxy_cooldowns_total',
      'Targets (provider/model) put in cool-down, here (local) or announced by another instance (remote).',
      ['target', 'origin'],
    );
    this.#errors = new CounterFamily(
      registry,
      'llm_proxy_errors_total',
      'Error answers by route and error code; rate_limited and budget_exceeded are the governance rejections.',
      ['route', 'code'],
    );
    const inFlight = () => this.#inFlight;
    new Gauge({
      name: 'llm_proxy_in_flight_requests',
      help: 'Requests being served (streams included).',
      registers: [registry],
      collect() {
        this.set(inFlight());
      },
    });
  }

  /** The usage writer's gauges, read when `/metrics` is scraped (the request path never updates them). */
  watchUsageWriter(read: () => UsageWriterStats): void {
    const registers = [this.registry];
    const gauges: Array<[name: string, help: string, value: (stats: UsageWriterStats) => number]> = [
      ['llm_proxy_usage_queue_depth', 'Usage rows waiting to be written to the store.', (stats) => stats.queued],
      [
        'llm_proxy_usage_rows_dropped',
        'Usage rows dropped because the queue was full (since start).',
        (stats) => stats.dropped,
      ],
      [
        'llm_proxy_usage_rows_rejected',
        'Usage rows the store refused even with their text cleaned, dropped (since start).',
        (stats) => stats.rejected,
      ],
      [
        'llm_proxy_usage_rows_cleaned',
        'Usage rows written once NUL or lone surrogates were removed from their text (since start).',
        (stats) => stats.cleaned,
      ],
      ['llm_proxy_usage_rows_written', 'Usage rows written to the store (since start).', (stats) => stats.written],
      [
        'llm_proxy_usage_batches_failed',
        'Usage batches the store refused or did not answer (since start).',
        (stats) => stats.failedBatches,
      ],
      [
        'llm_proxy_usage_last_write_age_seconds',
        'Seconds since usage rows were last written to the store (or since start).',
        (stats) => stats.lastWriteAgeSeconds,
      ],
    ];
    for (const [name, help, value] of gauges) {
      new Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(value(read()));
        },
      });
    }
  }

  /** Admission gauges and refusals, read when `/metrics` is scraped. */
  watchAdmission(gate: {
    inFlight: number;
    queued: number;
    dropRatio: number;
    shed: Readonly<Record<string, number>>;
  }): void {
    const registers = [this.registry];
    new Gauge({
      name: 'llm_proxy_admission_queue_depth',
      help: 'Requests waiting for an admission slot.',
      registers,
      collect() {
        this.set(gate.queued);
      },
    });
    new Gauge({
      name: 'llm_proxy_admission_drop_ratio',
      help: 'Share of new requests refused because the event loop lags (server.max_event_loop_delay_ms).',
      registers,
      collect() {
        this.set(gate.dropRatio);
      },
    });
    const shed = new CounterFamily(
      this.registry,
      'llm_proxy_admission_shed_total',
      'Requests refused with 503 overloaded, by reason: full (no slot, queue full), queue_timeout, event_loop.',
      ['reason'],
    );
    shed.beforeCollect(() => {
      for (const [reason, count] of Object.entries(gate.shed)) shed.child(reason).value = count;
    });
  }

  /** Response cache counters and the memory cache's size, read when `/metrics` is scraped. */
  watchCache(counters: CacheCounters, bytes: () => number | undefined): void {
    const lookups = new CounterFamily(
      this.registry,
      'llm_proxy_cache_lookups_total',
      'Response cache lookups by result (hit, miss); no-store requests are not looked up.',
      ['result'],
    );
    lookups.beforeCollect(() => {
      lookups.child('hit').value = counters.hits;
      lookups.child('miss').value = counters.misses;
    });
    const stored = new CounterFamily(
      this.registry,
      'llm_proxy_cache_stored_bytes_total',
      'Bytes of answers stored in the response cache.',
      [],
    );
    stored.beforeCollect(() => {
      stored.child().value = counters.storedBytes;
    });
    const evictions = new CounterFamily(
      this.registry,
      'llm_proxy_cache_evictions_total',
      'Entries the memory response cache dropped to stay within cache.max_bytes.',
      [],
    );
    evictions.beforeCollect(() => {
      evictions.child().value = counters.evictions;
    });
    new Gauge({
      name: 'llm_proxy_cache_bytes',
      help: 'Bytes held by the memory response cache (0 for redis: Redis reports its own).',
      registers: [this.registry],
      collect() {
        this.set(bytes() ?? 0);
      },
    });
  }

  requestStarted(): void {
    this.#inFlight += 1;
  }

  /** One finished (or abandoned) request, from its record. */
  requestEnded(record: RequestRecord, route: string, status: number): void {
    this.#inFlight -= 1;
    const model = this.#models.value(record.model);
    const provider = record.provider ?? 'none';
    const series = this.#seriesOf(route, model, provider, status);
    series.requests.inc();
    series.duration.observe((performance.now() - record.startedAt) / 1000);
    if (record.stream && record.firstByteAt !== undefined)
      series.ttft.observe((record.firstByteAt - record.startedAt) / 1000);
    if (record.errorCode !== undefined) this.#errors.child(route, record.errorCode).inc();
    if (record.attempts > 1) this.#retries.child(model).inc(record.attempts - 1);
    if (record.fallbacks > 0) this.#fallbacks.child(model).inc(record.fallbacks);
    const usage = record.usage;
    if (usage !== undefined && record.provider !== undefined) {
      const model = this.#models.value(record.upstreamModel);
      const upstream = this.#upstreamOf(record.provider, model);
      if (usage.inputTokens > 0) upstream.input.inc(usage.inputTokens);
      if (usage.outputTokens > 0) upstream.output.inc(usage.outputTokens);
      if (record.costUsd !== undefined && record.costUsd > 0) upstream.cost.inc(record.costUsd);
      const provider = record.provider;
      if (usage.cacheReadTokens) this.#tokens.child(provider, model, 'cached_input').inc(usage.cacheReadTokens);
      if (usage.cacheWriteTokens) this.#tokens.child(provider, model, 'cache_write').inc(usage.cacheWriteTokens);
      if (usage.reasoningTokens) this.#tokens.child(provider, model, 'reasoning').inc(usage.reasoningTokens);
    }
  }

  /** A request refused before routing (admission's early path): counted as a 503 `overloaded`. */
  refused(route: string): void {
    this.#seriesOf(route, 'none', 'none', 503).requests.inc();
    this.#errors.child(route, 'overloaded').inc();
  }

  attemptEnded(provider: string, model: string, seconds: number, outcome: string): void {
    const upstreamModel = this.#models.value(model);
    const upstream = this.#upstreamOf(provider, upstreamModel);
    upstream.latency.observe(seconds);
    if (outcome === 'ok') upstream.ok.inc();
    else this.#attempts.child(provider, upstreamModel, outcome).inc();
  }

  cooldownStarted(target: string, local: boolean): void {
    this.#cooldowns.child(this.#models.value(target), local ? 'local' : 'remote').inc();
  }

  /** The Prometheus text of `/metrics`: this process's registry, or what `renderThrough` set. */
  render(): Promise<string> {
    return this.#render();
  }

  /** In a `serve --workers` worker: `/metrics` answers for the whole pool (`cluster-metrics.ts`). */
  renderThrough(render: () => Promise<string>): void {
    this.#render = render;
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  #upstreamOf(provider: string, model: string): UpstreamSeries {
    const byModel = inner(this.#upstreamSeries, provider);
    let series = byModel.get(model);
    if (series === undefined) {
      series = {
        input: this.#tokens.child(provider, model, 'input'),
        output: this.#tokens.child(provider, model, 'output'),
        cost: this.#cost.child(provider, model),
        ok: this.#attempts.child(provider, model, 'ok'),
        latency: this.#upstream.child(provider, model),
      };
      byModel.set(model, series);
    }
    return series;
  }

  #seriesOf(route: string, model: string, provider: string, status: number): RequestSeries {
    const byModel = inner(inner(inner(this.#series, route), status), provider);
    let series = byModel.get(model);
    if (series === undefined) {
      series = {
        requests: this.#requests.child(route, model, provider, String(status)),
        duration: this.#duration.child(route, model, provider),
        ttft: this.#ttft.child(route, model, provider),
      };
      byModel.set(model, series);
    }
    return series;
  }
}

/**
 * The map under `key`, made on first use. Series are found through nested maps rather than a joined
 * key, so that no string is built (and hashed) per request.
 */
function inner<K, K2, V>(map: Map<K, Map<K2, V>>, key: K): Map<K2, V> {
  let found = map.get(key);
  if (found === undefined) {
    found = new Map();
    map.set(key, found);
  }
  return found;
}
