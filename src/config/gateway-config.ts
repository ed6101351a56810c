import type { ProviderSettings } from '../providers/provider-definition.ts';
import type { UpstreamTimeouts } from '../providers/shared/upstream-timeouts.ts';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface ServerConfig {
  host: string;
  port: number;
  /** Largest request body accepted on the model routes. */
  bodyLimitBytes: number;
  logLevel: LogLevel;
  /** How long SIGTERM waits for in-flight requests and streams. */
  shutdownTimeoutMs: number;
  /** Admission control: requests served at once per process, and the short queue behind them. */
  maxInFlight: number;
  queueSize: number;
  queueTimeoutMs: number;
  /** Mean event-loop delay above which admission tightens; 0: not watched. */
  maxEventLoopDelayMs: number;
  /** Connection hygiene: slow-loris bounds and the keep-alive idle timeout. */
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  /** A stream's client must take data within this, or the stream ends. */
  streamWriteTimeoutMs: number;
  /** Browser origins allowed to call the gateway (CORS), exact `scheme://host[:port]` or `*`; empty: none. */
  corsOrigins: readonly string[];
  /** A stream that has sent this many bytes to its client is ended with an error event. */
  maxStreamBytes: number;
  /** The web dashboard at `/ui` (served only when a master key is set). */
  ui: boolean;
}

export type RoutingStrategy = 'weighted' | 'round-robin' | 'least-in-flight' | 'lowest-latency';

/** How attempts are retried, spaced and bounded, and when a failing target is skipped. */
export interface RoutingPolicy {
  strategy: RoutingStrategy;
  /** Retries after the first attempt within a group (so `retries + 1` attempts). */
  retries: number;
  /** Exponential backoff with full jitter: a random wait up to `initial · 2^n`, capped at `max`. */
  backoffInitialMs: number;
  backoffMaxMs: number;
  /** `Retry-After` is honoured up to this; a longer one sends the retry to another target instead. */
  retryAfterMaxMs: number;
  /** One deadline for the whole request, attempts and waits included. */
  deadlineMs: number;
  /** A target with this many failures within the window is skipped for `cooldownMs` (a 429 at once). */
  cooldownFailures: number;
  cooldownWindowMs: number;
  cooldownMs: number;
}

/** One place a model group can send a request. */
export interface ModelTarget {
  provider: string;
  model: string;
  weight: number;
  maxOutputTokens: number | undefined;
  timeouts: Partial<UpstreamTimeouts> | undefined;
  params: Readonly<Record<string, unknown>> | undefined;
  /** The API translated calls use on an OpenAI provider (`responses` for models offered only there). */
  api?: 'chat' | 'responses' | undefined;
}

/** A public model name: targets, how to choose among them, and what to fall back to. */
export interface ModelGroupConfig {
  name: string;
  targets: ModelTarget[];
  strategy: RoutingStrategy;
  retries: number;
  fallbacks: string[];
  contextWindowFallbacks: string[];
  /** Limits of the whole group, all callers together; null for none. */
  rpmLimit: number | null;
  tpmLimit: number | null;
}

/** The whole configuration, built once at startup from env, the YAML file and CLI flags. */
export interface GatewayConfig {
  server: ServerConfig;
  connectionsPerOrigin: number;
  connectTimeoutMs: number;
  /** Every provider instance, configured or not (a missing key is reported when it is used). */
  providers: ProviderSettings[];
  /** Configured model groups (aliases are groups of one target). */
  models: ModelGroupConfig[];
  routing: RoutingPolicy;
  /** Shared state (cool-downs, rate limits, budgets, key invalidation) lives in Redis when this is set. */
  redisUrl: string | undefined;
  governance: GovernanceConfig;
  observability: ObservabilityConfig;
  cache: CacheConfig;
  /** Price overrides and additions, USD per million tokens, keyed `provider/model`. */
  pricing: Record<string, { input: number; output: number; cachedInput: number; cacheWrite: number }>;
  /** Path of the YAML file read, if any. */
  configFile: string | undefined;
}

export interface CacheConfig {
  /** `off` (default), `memory` (per process) or `redis` (`REDIS_URL`, shared by every instance). */
  mode: 'off' | 'memory' | 'redis';
  ttlMs: number;
  /** Bound of the memory cache, in bytes. */
  maxBytes: number;
  /** `key`: entries per gateway key; `global`: shared by every caller. */
  scope: 'key' | 'global';
}

export interface ObservabilityConfig {
  metrics: boolean;
  /** Bearer token `/metrics` asks for; unset: open. */
  metricsToken: string | undefined;
  /** OTLP/HTTP traces endpoint (`…/v1/traces`); unset: tracing off, at no cost. */
  tracesEndpoint: string | undefined;
  /** `service.name` of the traces. */
  serviceName: string;
  /** Log request bodies and non-streamed answers, redacted and truncated (opt-in: they hold user data). */
  logBodies: boolean;
}

export interface GovernanceConfig {
  /** Unset: every API route is open (and the admin API is off). */
  masterKey: string | undefined;
  /** `sqlite:PATH` or `postgres://…`. */
  databaseUrl: string;
  usageRecords: boolean;
  usageQueueSize: number;
  usageBatchSize: number;
  usageFlushIntervalMs: number;
  /** Usage rows waiting this long with nothing written make `/health/ready` answer 503. */
  usageStallMs: number;
  /**
   * The directory of the usage journal (rows of ended calls, replayed after a crash); undefined: none
   * (an in-memory SQLite store, or `off`).
   */
  usageJournal: string | undefined;
  keyCacheTtlMs: number;
  defaultOutputTokens: number;
  /** Days a stored Responses API answer is kept. */
  responsesRetentionDays: number;
  /** Usage rows (the request log) older than this many days are deleted, a day at a time. */
  usageRetentionDays: number;
  /** Stored request bodies (with `observability.log_bodies`) older than this many days are deleted, a day at a time. */
  bodyRetentionDays: number;
  /** `deny`: a key with a budget may not call a model without a known price. */
  unpricedModels: 'deny' | 'allow';
}
