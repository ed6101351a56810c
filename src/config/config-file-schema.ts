import { type Static, Type } from 'typebox';

const strict = { additionalProperties: false } as const;
const PositiveInteger = Type.Integer({ minimum: 1 });
const Url = Type.String({ pattern: '^https?://' });

const ProviderEntry = Type.Object(
  {
    /** Implementation type; defaults to the entry's name for built-in names (`openai`, `anthropic`…). */
    type: Type.Optional(Type.String()),
    api_key: Type.Optional(Type.String()),
    base_url: Type.Optional(Url),
    headers: Type.Optional(Type.Record(Type.String(), Type.String())),
    timeout_ms: Type.Optional(PositiveInteger),
    first_byte_timeout_ms: Type.Optional(PositiveInteger),
    stream_idle_timeout_ms: Type.Optional(PositiveInteger),
    anthropic_version: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' })),
    /** Azure OpenAI: the deployment URL form's `api-version` (unset: the v1 URL form). */
    api_version: Type.Optional(Type.String({ minLength: 1 })),
    /** AWS Bedrock: the region (default `AWS_REGION`). */
    region: Type.Optional(Type.String({ pattern: '^[a-z]{2}(-[a-z]+)+-\\d+$' })),
    default_max_tokens: Type.Optional(PositiveInteger),
    /** OpenAI: `responses` calls the model on `/v1/responses` (Responses-only models such as `-pro`, `codex`). */
    api: Type.Optional(Type.Union([Type.Literal('chat'), Type.Literal('responses')])),
  },
  strict,
);

const Strategy = Type.Union(
  ['weighted', 'round-robin', 'least-in-flight', 'lowest-latency'].map((name) => Type.Literal(name)),
);

const TargetEntry = Type.Object(
  {
    provider: Type.String(),
    model: Type.String({ minLength: 1 }),
    /** Share of traffic under the weighted strategy (default 1). */
    weight: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
    /** Cap on output tokens for this model; larger requests are lowered to it, with a warning. */
    max_output_tokens: Type.Optional(PositiveInteger),
    timeout_ms: Type.Optional(PositiveInteger),
    first_byte_timeout_ms: Type.Optional(PositiveInteger),
    stream_idle_timeout_ms: Type.Optional(PositiveInteger),
    /** Extra fields merged into the upstream request body (in the provider's own format). */
    params: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    /** OpenAI targets: `responses` calls this model on `/v1/responses` (models offered only there). */
    api: Type.Optional(Type.Union([Type.Literal('chat'), Type.Literal('responses')])),
  },
  strict,
);

const ModelEntry = Type.Union([
  Type.String({ pattern: '^[^/]+/.+' }),
  TargetEntry,
  Type.Object(
    {
      targets: Type.Array(TargetEntry, { minItems: 1 }),
      strategy: Type.Optional(Strategy),
      retries: Type.Optional(Type.Integer({ minimum: 0, maximum: 10 })),
      /** Groups tried in order once this group's attempts are spent. */
      fallbacks: Type.Optional(Type.Array(Type.String())),
      /** Groups tried when a target says the input does not fit its context window. */
      context_window_fallbacks: Type.Optional(Type.Array(Type.String())),
      max_output_tokens: Type.Optional(PositiveInteger),
      /** Requests per minute for the whole group, all callers together. */
      rpm_limit: Type.Optional(PositiveInteger),
      /** Tokens per minute for the whole group, all callers together. */
      tpm_limit: Type.Optional(PositiveInteger),
    },
    strict,
  ),
]);

/** The YAML configuration file. Every section is optional; env vars fill what it leaves out. */
export const ConfigFileSchema = Type.Object(
  {
    server: Type.Optional(
      Type.Object(
        {
          host: Type.Optional(Type.String({ minLength: 1 })),
          port: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535 })),
          body_limit_bytes: Type.Optional(PositiveInteger),
          /** How long SIGTERM waits for in-flight requests and streams before closing them. */
          shutdown_timeout_ms: Type.Optional(PositiveInteger),
          /** Requests (streams included) one process serves at once; more wait in the queue, then get 503. */
          max_in_flight: Type.Optional(PositiveInteger),
          /** Requests that may wait for a slot (0: none). */
          queue_size: Type.Optional(Type.Integer({ minimum: 0 })),
          /** How long a request may wait for a slot. */
          queue_timeout_ms: Type.Optional(PositiveInteger),
          /** Mean event-loop delay over 0.5 s above which admission tightens (0: off). */
          max_event_loop_delay_ms: Type.Optional(Type.Integer({ minimum: 0 })),
          /** A client must send its request headers within this (slow-loris protection). */
          headers_timeout_ms: Type.Optional(PositiveInteger),
          /** A client must send its whole request within this. */
          request_timeout_ms: Type.Optional(PositiveInteger),
          /** Idle keep-alive connections are closed after this (advertised in `Keep-Alive: timeout=`). */
          keep_alive_timeout_ms: Type.Optional(PositiveInteger),
          /** A stream whose client reads nothing for this long is ended (its upstream released). */
          stream_write_timeout_ms: Type.Optional(PositiveInteger),
          /** Browser access (CORS): the origins allowed to call the gateway; none by default. */
          cors: Type.Optional(Type.Object({ origins: Type.Array(Type.String()) }, strict)),
          /** A stream longer than this (bytes sent to the client) is ended with an error event. */
          max_stream_bytes: Type.Optional(PositiveInteger),
          /** The web dashboard at `/ui` (default true; it needs a master key). */
          ui: Type.Optional(Type.Boolean()),
          log_level: Type.Optional(
            Type.Union(
              ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((level) => Type.Literal(level)),
            ),
          ),
        },
        strict,
      ),
    ),
    upstream: Type.Optional(
      Type.Object(
        {
          timeout_ms: Type.Optional(PositiveInteger),
          first_byte_timeout_ms: Type.Optional(PositiveInteger),
          connect_timeout_ms: Type.Optional(PositiveInteger),
          stream_idle_timeout_ms: Type.Optional(PositiveInteger),
          connections_per_origin: Type.Optional(PositiveInteger),
          default_max_tokens: Type.Optional(PositiveInteger),
        },
        strict,
      ),
    ),
    routing: Type.Optional(
      Type.Object(
        {
          strategy: Type.Optional(Strategy),
          retries: Type.Optional(Type.Integer({ minimum: 0, maximum: 10 })),
          backoff_initial_ms: Type.Optional(PositiveInteger),
          backoff_max_ms: Type.Optional(PositiveInteger),
          retry_after_max_ms: Type.Optional(PositiveInteger),
          deadline_ms: Type.Optional(PositiveInteger),
          cooldown_failures: Type.Optional(PositiveInteger),
          cooldown_window_ms: Type.Optional(PositiveInteger),
          cooldown_ms: Type.Optional(PositiveInteger),
        },
        strict,
      ),
    ),
    governance: Type.Optional(
      Type.Object(
        {
          /** The key with every right; setting it closes the gateway to callers without a key. */
          master_key: Type.Optional(Type.String()),
          /** `sqlite:PATH` (default `sqlite:./data/llm-proxy.sqlite`) or `postgres://…`. */
          database_url: Type.Optional(Type.String({ pattern: '^(sqlite:|postgres(ql)?://)' })),
          usage_records: Type.Optional(Type.Boolean()),
          usage_queue_size: Type.Optional(PositiveInteger),
          usage_batch_size: Type.Optional(PositiveInteger),
          usage_flush_interval_ms: Type.Optional(PositiveInteger),
          /** Rows waiting this long unwritten make readiness fail (default 30,000). */
          usage_stall_ms: Type.Optional(PositiveInteger),
          /** Directory of the crash journal of usage rows, or `off` (default: next to the SQLite file). */
          usage_journal: Type.Optional(Type.String({ minLength: 1 })),
          key_cache_ttl_ms: Type.Optional(PositiveInteger),
          /** Output tokens reserved (for TPM and budgets) when a request states no maximum. */
          default_output_tokens: Type.Optional(PositiveInteger),
          /** Days a stored Responses API answer (`store` absent or true) is kept (default 30). */
          responses_retention_days: Type.Optional(PositiveInteger),
          /** Days usage rows (the dashboard's request log) are kept (default 30). */
          usage_retention_days: Type.Optional(PositiveInteger),
          /** Days the redacted bodies stored with `observability.log_bodies` are kept (default 7). */
          body_retention_days: Type.Optional(PositiveInteger),
          /** Whether a key with a budget may call a model without a known price (default `deny`). */
          unpriced_models: Type.Optional(Type.Union([Type.Literal('deny'), Type.Literal('allow')])),
        },
        strict,
      ),
    ),
    /** The exact response cache (docs/caching.md); off by default. */
    cache: Type.Optional(
      Type.Object(
        {
          mode: Type.Optional(Type.Union([Type.Literal('off'), Type.Literal('memory'), Type.Literal('redis')])),
          /** How long an entry is served (default one hour). */
          ttl_ms: Type.Optional(PositiveInteger),
          /** The memory cache's bound on the bytes of its entries (default 64 MiB); least recently used go first. */
          max_bytes: Type.Optional(PositiveInteger),
          /** `key` (default): each gateway key has its own entries; `global`: every caller shares them. */
          scope: Type.Optional(Type.Union([Type.Literal('key'), Type.Literal('global')])),
        },
        strict,
      ),
    ),
    observability: Type.Optional(
      Type.Object(
        {
          /** `GET /metrics` in Prometheus text format (default true). */
          metrics: Type.Optional(Type.Boolean()),
          /** When set, `/metrics` asks for `Authorization: Bearer <token>`. */
          metrics_token: Type.Optional(Type.String({ minLength: 1 })),
          /** Log each request's body and each non-streamed answer (redacted, truncated). Off by default. */
          log_bodies: Type.Optional(Type.Boolean()),
        },
        strict,
      ),
    ),
    /** USD per million tokens, by `provider/model`, `provider/*` or `type/model`; extends the built-in table. */
    pricing: Type.Optional(
      Type.Record(
        Type.String({ pattern: '^[^/]+/.+$' }),
        Type.Object(
          {
            input: Type.Number({ minimum: 0 }),
            output: Type.Number({ minimum: 0 }),
            cached_input: Type.Optional(Type.Number({ minimum: 0 })),
            cache_write: Type.Optional(Type.Number({ minimum: 0 })),
          },
          strict,
        ),
      ),
    ),
    redis: Type.Optional(Type.Object({ url: Type.Optional(Type.String({ pattern: '^rediss?://' })) }, strict)),
    providers: Type.Optional(Type.Record(Type.String({ pattern: '^[a-zA-Z0-9_.-]+$' }), ProviderEntry)),
    models: Type.Optional(Type.Record(Type.String({ minLength: 1 }), ModelEntry)),
  },
  strict,
);

export type ConfigFile = Static<typeof ConfigFileSchema>;
