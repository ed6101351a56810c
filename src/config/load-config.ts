import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { compileChecker } from '../formats/shared/json-checker.ts';
import type { ProviderSettings } from '../providers/provider-definition.ts';
import { findProviderDefinition, providerDefinitions } from '../providers/registry.ts';
import { defaultUpstreamTimeouts, type UpstreamTimeouts } from '../providers/shared/upstream-timeouts.ts';
import { ConfigError } from './config-error.ts';
import { type ConfigFile, ConfigFileSchema } from './config-file-schema.ts';
import type {
  CacheConfig,
  GatewayConfig,
  GovernanceConfig,
  LogLevel,
  ModelGroupConfig,
  ModelTarget,
  ObservabilityConfig,
  RoutingPolicy,
} from './gateway-config.ts';
import { interpolateEnv } from './interpolate-env.ts';

type Env = Readonly<Record<string, string | undefined>>;

export interface LoadConfigOptions {
  env: Env;
  /** `--config FILE`; falls back to `LLM_PROXY_CONFIG`. */
  configFile?: string | undefined;
  /** CLI flags, which win over env and file. */
  host?: string | undefined;
  port?: number | undefined;
  readFile?: (path: string) => string;
}

const defaults = {
  host: '127.0.0.1',
  port: 4000,
  bodyLimitBytes: 32 * 1024 * 1024,
  logLevel: 'info' as LogLevel,
  // As many as admission lets in (server.max_in_flight), so that no admitted call waits unseen in a pool queue.
  connectionsPerOrigin: 1024,
  defaultMaxTokens: 4_096,
  shutdownTimeoutMs: 30_000,
};

/** Capacity and connection defaults (README, "Capacity and overload"). */
const capacityDefaults = {
  maxInFlight: 1024,
  queueSize: 128,
  queueTimeoutMs: 250,
  maxEventLoopDelayMs: 0,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 60_000,
  // Longer than the idle timeouts of the load balancers usually in front (60 s), so that they close first.
  keepAliveTimeoutMs: 75_000,
  streamWriteTimeoutMs: 60_000,
  // 100 MiB: some 400,000 tokens of OpenAI-format chunks, beyond any model's output limit today.
  maxStreamBytes: 100 * 1024 * 1024,
};

const defaultRouting: RoutingPolicy = {
  strategy: 'weighted',
  retries: 2,
  backoffInitialMs: 250,
  backoffMaxMs: 8_000,
  retryAfterMaxMs: 30_000,
  deadlineMs: 600_000,
  cooldownFailures: 3,
  cooldownWindowMs: 60_000,
  cooldownMs: 5_000,
};

const configFileChecker = compileChecker(ConfigFileSchema);
const logLevels = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

/**
 * Builds the gateway configuration. Precedence, highest first: CLI flags, environment, YAML file,
 * defaults. Throws `ConfigError` with a one-line message naming the bad field.
 */
export function loadConfig(options: LoadConfigOptions): GatewayConfig {
  const { env } = options;
  const configFile = options.configFile ?? nonEmpty(env['LLM_PROXY_CONFIG']);
  const file = configFile === undefined ? {} : readConfigFile(configFile, env, options.readFile);
  const upstream = file.upstream ?? {};
  const timeouts: UpstreamTimeouts = {
    connectMs: upstream.connect_timeout_ms ?? defaultUpstreamTimeouts.connectMs,
    totalMs: upstream.timeout_ms ?? envInteger(env, 'LLM_PROXY_UPSTREAM_TIMEOUT_MS') ?? defaultUpstreamTimeouts.totalMs,
    firstByteMs:
      upstream.first_byte_timeout_ms ??
      upstream.timeout_ms ??
      envInteger(env, 'LLM_PROXY_UPSTREAM_TIMEOUT_MS') ??
      defaultUpstreamTimeouts.firstByteMs,
    streamIdleMs: upstream.stream_idle_timeout_ms ?? defaultUpstreamTimeouts.streamIdleMs,
  };
  const providers = buildProviders(file, env, timeouts, upstream.default_max_tokens ?? defaults.defaultMaxTokens);
  const routing = buildRouting(file);
  const redisUrl = nonEmpty(env['REDIS_URL']);
  if (redisUrl !== undefined && !/^rediss?:\/\//.test(redisUrl))
    throw new ConfigError('REDIS_URL: must be a redis:// or rediss:// URL');
  const logLevel = nonEmpty(env['LOG_LEVEL']) ?? file.server?.log_level ?? defaults.logLevel;
  if (!logLevels.has(logLevel)) throw new ConfigError(`LOG_LEVEL: must be one of ${[...logLevels].join(', ')}`);
  return {
    server: {
      host: options.host ?? nonEmpty(env['HOST']) ?? file.server?.host ?? defaults.host,
      port: options.port ?? envPort(env) ?? file.server?.port ?? defaults.port,
      bodyLimitBytes: file.server?.body_limit_bytes ?? defaults.bodyLimitBytes,
      logLevel: logLevel as LogLevel,
      shutdownTimeoutMs: file.server?.shutdown_timeout_ms ?? defaults.shutdownTimeoutMs,
      corsOrigins: readCorsOrigins(env, file),
      ui: file.server?.ui ?? true,
      ...buildCapacity(file, env),
    },
    connectionsPerOrigin: upstream.connections_per_origin ?? defaults.connectionsPerOrigin,
    connectTimeoutMs: timeouts.connectMs,
    providers,
    models: buildGroups(file, providers, routing),
    routing,
    redisUrl: redisUrl ?? file.redis?.url,
    governance: buildGovernance(file, env),
    observability: buildObservability(file, env),
    cache: buildCache(file, env, redisUrl ?? file.redis?.url),
    pricing: Object.fromEntries(
      Object.entries(file.pricing ?? {}).map(([key, price]) => [
        key,
        {
          input: price.input,
          output: price.output,
          cachedInput: price.cached_input ?? price.input,
          cacheWrite: price.cache_write ?? price.input,
        },
      ]),
    ),
    configFile,
  };
}

function readConfigFile(path: string, env: Env, readFile = (file: string) => readFileSync(file, 'utf8')): ConfigFile {
  let text: string;
  try {
    text = readFile(path);
  } catch (error) {
    const reason = error instanceof Error && 'code' in error ? String(error.code) : 'unreadable';
    throw new ConfigError(`${path}: cannot read the config file (${reason})`);
  }
  let document: unknown;
  try {
    document = parseYaml(text) ?? {};
  } catch (error) {
    const reason = error instanceof Error ? (error.message.split('\n')[0] ?? '') : 'invalid YAML';
    throw new ConfigError(`${path}: invalid YAML: ${reason}`);
  }
  const value = interpolateEnv(document, env);
  if (!configFileChecker.check(value)) {
    throw new ConfigError(`${path}: ${describeFirstError(value)}`);
  }
  return value;
}

/** Turns the schema's first error into `providers.openai.base_url: must match pattern "^https?://"`. */
function describeFirstError(value: unknown): string {
  const raw = configFileChecker.firstError(value) ?? 'invalid configuration';
  const [pointer = '/', ...rest] = raw.split(': ');
  const field = pointer.replace(/^\//, '').replaceAll('/', '.') || 'config';
  return `${field}: ${rest.join(': ')}`;
}

function buildProviders(
  file: ConfigFile,
  env: Env,
  timeouts: UpstreamTimeouts,
  defaultMaxTokens: number,
): ProviderSettings[] {
  const byName = new Map<string, ProviderSettings>();
  const namedByModels = providersNamedByModels(file);
  for (const definition of providerDefinitions) {
    const baseUrl = definition.baseUrlEnv === undefined ? undefined : nonEmpty(env[definition.baseUrlEnv]);
    // A local server's default address serves only once the config names it (here or under `providers`).
    const defaultBaseUrl =
      definition.localServer === true && !namedByModels.has(definition.type) ? '' : definition.defaultBaseUrl;
    if (baseUrl !== undefined && !/^https?:\/\//.test(baseUrl)) {
      throw new ConfigError(`${definition.baseUrlEnv}: must be an http(s) URL`);
    }
    byName.set(definition.type, {
      name: definition.type,
      type: definition.type,
      apiKey: definition.apiKeyEnv === undefined ? undefined : nonEmpty(env[definition.apiKeyEnv]),
      baseUrl: baseUrl ?? defaultBaseUrl,
      headers: {},
      timeouts,
      anthropicVersion: undefined,
      apiVersion: definition.apiVersionEnv === undefined ? undefined : nonEmpty(env[definition.apiVersionEnv]),
      region: nonEmpty(env['AWS_REGION']) ?? nonEmpty(env['AWS_DEFAULT_REGION']),
      env: readEnv(definition.readsEnv, env),
      defaultMaxTokens,
    });
  }
  for (const [rawName, entry] of Object.entries(file.providers ?? {})) {
    const name = rawName.toLowerCase();
    const field = `providers.${rawName}`;
    const existing = byName.get(name);
    const type = (entry.type ?? existing?.type)?.toLowerCase();
    if (type === undefined) throw new ConfigError(`${field}.type: required for a provider that is not built in`);
    const definition = findProviderDefinition(type);
    if (definition === undefined) {
      const known = providerDefinitions.map((item) => item.type).join(', ');
      throw new ConfigError(`${field}.type: unknown provider type '${type}' (known: ${known})`);
    }
    const inherited = existing?.type === type ? existing : undefined;
    byName.set(name, {
      name,
      type,
      apiKey: entry.api_key === undefined ? inherited?.apiKey : nonEmpty(entry.api_key),
      baseUrl: entry.base_url ?? (inherited?.baseUrl || definition.defaultBaseUrl),
      headers: entry.headers ?? {},
      timeouts: {
        connectMs: timeouts.connectMs,
        totalMs: entry.timeout_ms ?? timeouts.totalMs,
        firstByteMs: entry.first_byte_timeout_ms ?? entry.timeout_ms ?? timeouts.firstByteMs,
        streamIdleMs: entry.stream_idle_timeout_ms ?? timeouts.streamIdleMs,
      },
      anthropicVersion: entry.anthropic_version,
      apiVersion: entry.api_version ?? inherited?.apiVersion,
      region: entry.region ?? inherited?.region ?? nonEmpty(env['AWS_REGION']) ?? nonEmpty(env['AWS_DEFAULT_REGION']),
      env: inherited?.env ?? readEnv(definition.readsEnv, env),
      defaultMaxTokens: entry.default_max_tokens ?? defaultMaxTokens,
      api: entry.api ?? inherited?.api,
    });
  }
  return [...byName.values()];
}

/** Provider names the `models` section routes to (`ollama/llama3`, `provider: vllm`), lower case. */
function providersNamedByModels(file: ConfigFile): Set<string> {
  const names = new Set<string>();
  for (const entry of Object.values(file.models ?? {})) {
    const targets =
      typeof entry === 'string'
        ? [{ provider: entry.slice(0, entry.indexOf('/')) }]
        : 'targets' in entry
          ? entry.targets
          : [entry];
    for (const target of targets) names.add(target.provider.toLowerCase());
  }
  return names;
}

/** The variables a provider definition reads beyond its key, as set. */
function readEnv(names: readonly string[] | undefined, env: Env): Record<string, string> {
  const values: Record<string, string> = {};
  for (const name of names ?? []) {
    const value = nonEmpty(env[name]);
    if (value !== undefined) values[name] = value;
  }
  return values;
}

function buildGovernance(file: ConfigFile, env: Env): GovernanceConfig {
  const governance = file.governance ?? {};
  const databaseUrl =
    nonEmpty(env['DATABASE_URL']) ?? nonEmpty(governance.database_url) ?? 'sqlite:./data/llm-proxy.sqlite';
  if (!/^(sqlite:|postgres(ql)?:\/\/)/.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL: must be sqlite:PATH or a postgres:// URL');
  }
  const masterKey = readMasterKey(env, governance.master_key);
  return {
    masterKey,
    databaseUrl,
    usageRecords: governance.usage_records ?? true,
    usageQueueSize: governance.usage_queue_size ?? 10_000,
    usageBatchSize: governance.usage_batch_size ?? 500,
    usageFlushIntervalMs: governance.usage_flush_interval_ms ?? 1_000,
    usageStallMs: governance.usage_stall_ms ?? 30_000,
    usageJournal: usageJournalDirectory(
      nonEmpty(env['LLM_PROXY_USAGE_JOURNAL']) ?? governance.usage_journal,
      databaseUrl,
    ),
    keyCacheTtlMs: governance.key_cache_ttl_ms ?? 30_000,
    defaultOutputTokens: governance.default_output_tokens ?? 4_096,
    responsesRetentionDays: governance.responses_retention_days ?? 30,
    usageRetentionDays: governance.usage_retention_days ?? 30,
    bodyRetentionDays: governance.body_retention_days ?? 7,
    unpricedModels: governance.unpriced_models ?? 'deny',
  };
}

/**
 * The master key from `LLM_PROXY_MASTER_KEY`, else `governance.master_key`. Unset in both: the gateway runs
 * open (start-governance.ts warns). Set but blank — `LLM_PROXY_MASTER_KEY=""`, or `master_key: ${VAR}` with
 * VAR unset — is a mistake that would otherwise open every route, so it refuses to start.
 */
function readMasterKey(env: Env, fromFile: string | undefined): string | undefined {
  const fromEnv = env['LLM_PROXY_MASTER_KEY'];
  const [field, raw] = fromEnv !== undefined ? ['LLM_PROXY_MASTER_KEY', fromEnv] : ['governance.master_key', fromFile];
  if (raw === undefined) return undefined;
  const masterKey = raw.trim();
  if (masterKey === '')
    throw new ConfigError(`${field}: set but blank; set a key of at least 16 characters, or unset it`);
  if (masterKey.length < 16) throw new ConfigError(`${field}: must be at least 16 characters`);
  return masterKey;
}

/**
 * The usage journal's directory: as configured (`off`: none); by default next to the SQLite file
 * (`<file>.usage-journal/`), none for an in-memory one, and for Postgres `./data/usage-journal-<hash of
 * the URL>/`, so that a journal is only ever replayed into the database it was written for.
 */
function usageJournalDirectory(configured: string | undefined, databaseUrl: string): string | undefined {
  if (configured === 'off') return undefined;
  if (configured !== undefined) return configured;
  if (databaseUrl.startsWith('sqlite:')) {
    const path = databaseUrl.slice('sqlite:'.length);
    return path === ':memory:' ? undefined : `${path}.usage-journal`;
  }
  return `./data/usage-journal-${createHash('sha256').update(databaseUrl).digest('hex').slice(0, 12)}`;
}

/** `LLM_PROXY_CACHE` over `cache.mode`; `redis` needs a Redis URL. */
function buildCache(file: ConfigFile, env: Env, redisUrl: string | undefined): CacheConfig {
  const section = file.cache ?? {};
  const fromEnv = nonEmpty(env['LLM_PROXY_CACHE']);
  if (fromEnv !== undefined && fromEnv !== 'off' && fromEnv !== 'memory' && fromEnv !== 'redis')
    throw new ConfigError('LLM_PROXY_CACHE: must be memory, redis or off');
  const mode = fromEnv ?? section.mode ?? 'off';
  if (mode === 'redis' && redisUrl === undefined)
    throw new ConfigError('cache mode redis: set REDIS_URL (or redis.url)');
  return {
    mode,
    ttlMs: section.ttl_ms ?? 3_600_000,
    maxBytes: section.max_bytes ?? 64 * 1024 * 1024,
    scope: section.scope ?? 'key',
  };
}

/**
 * Tracing follows the OpenTelemetry environment variables: `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` as is, or
 * `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/traces`; `OTEL_SDK_DISABLED=true` turns it off.
 */
function buildObservability(file: ConfigFile, env: Env): ObservabilityConfig {
  const section = file.observability ?? {};
  const base = nonEmpty(env['OTEL_EXPORTER_OTLP_ENDPOINT']);
  const tracesEndpoint =
    nonEmpty(env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT']) ??
    (base === undefined ? undefined : `${base.replace(/\/+$/, '')}/v1/traces`);
  if (tracesEndpoint !== undefined && !/^https?:\/\//.test(tracesEndpoint))
    throw new ConfigError('OTEL_EXPORTER_OTLP_ENDPOINT: must be an http(s) URL (OTLP/HTTP)');
  const logBodies = nonEmpty(env['LLM_PROXY_LOG_BODIES']);
  return {
    metrics: section.metrics ?? true,
    metricsToken: nonEmpty(env['LLM_PROXY_METRICS_TOKEN']) ?? section.metrics_token,
    tracesEndpoint: env['OTEL_SDK_DISABLED'] === 'true' ? undefined : tracesEndpoint,
    serviceName: nonEmpty(env['OTEL_SERVICE_NAME']) ?? 'llm-proxy',
    logBodies: logBodies === undefined ? (section.log_bodies ?? false) : logBodies === 'true',
  };
}

/**
 * `LLM_PROXY_CORS_ORIGINS` (comma-separated), else `server.cors.origins`: each `*` or an origin as a browser
 * sends it — `scheme://host[:port]`, no path, no trailing slash.
 */
function readCorsOrigins(env: Env, file: ConfigFile): string[] {
  const fromEnv = nonEmpty(env['LLM_PROXY_CORS_ORIGINS']);
  const [field, origins] =
    fromEnv !== undefined
      ? ['LLM_PROXY_CORS_ORIGINS', fromEnv.split(',').map((origin) => origin.trim())]
      : ['server.cors.origins', file.server?.cors?.origins ?? []];
  for (const origin of origins) {
    if (origin !== '*' && !/^https?:\/\/[^/?#\s]+$/.test(origin))
      throw new ConfigError(`${field}: '${origin}' is not an origin (scheme://host[:port], or *)`);
  }
  return origins.map((origin) => origin.toLowerCase());
}

function buildCapacity(file: ConfigFile, env: Env): typeof capacityDefaults {
  const server = file.server ?? {};
  const capacity = {
    maxInFlight: server.max_in_flight ?? capacityDefaults.maxInFlight,
    queueSize: server.queue_size ?? capacityDefaults.queueSize,
    queueTimeoutMs: server.queue_timeout_ms ?? capacityDefaults.queueTimeoutMs,
    maxEventLoopDelayMs: server.max_event_loop_delay_ms ?? capacityDefaults.maxEventLoopDelayMs,
    headersTimeoutMs: server.headers_timeout_ms ?? capacityDefaults.headersTimeoutMs,
    requestTimeoutMs: server.request_timeout_ms ?? capacityDefaults.requestTimeoutMs,
    keepAliveTimeoutMs: server.keep_alive_timeout_ms ?? capacityDefaults.keepAliveTimeoutMs,
    streamWriteTimeoutMs: server.stream_write_timeout_ms ?? capacityDefaults.streamWriteTimeoutMs,
    maxStreamBytes:
      envInteger(env, 'LLM_PROXY_MAX_STREAM_BYTES') ?? server.max_stream_bytes ?? capacityDefaults.maxStreamBytes,
  };
  if (capacity.headersTimeoutMs > capacity.requestTimeoutMs)
    throw new ConfigError('server.headers_timeout_ms: must not exceed server.request_timeout_ms');
  return capacity;
}

function buildRouting(file: ConfigFile): RoutingPolicy {
  const routing = file.routing ?? {};
  return {
    strategy: routing.strategy ?? defaultRouting.strategy,
    retries: routing.retries ?? defaultRouting.retries,
    backoffInitialMs: routing.backoff_initial_ms ?? defaultRouting.backoffInitialMs,
    backoffMaxMs: routing.backoff_max_ms ?? defaultRouting.backoffMaxMs,
    retryAfterMaxMs: routing.retry_after_max_ms ?? defaultRouting.retryAfterMaxMs,
    deadlineMs: routing.deadline_ms ?? defaultRouting.deadlineMs,
    cooldownFailures: routing.cooldown_failures ?? defaultRouting.cooldownFailures,
    cooldownWindowMs: routing.cooldown_window_ms ?? defaultRouting.cooldownWindowMs,
    cooldownMs: routing.cooldown_ms ?? defaultRouting.cooldownMs,
  };
}

type TargetEntry = Exclude<NonNullable<ConfigFile['models']>[string], string | { targets: unknown }>;

/** Every `models` entry is a group: a `provider/model` string or a single target is a group of one. */
function buildGroups(file: ConfigFile, providers: ProviderSettings[], routing: RoutingPolicy): ModelGroupConfig[] {
  const names = new Set(providers.map((provider) => provider.name));
  const entries = Object.entries(file.models ?? {});
  const groupNames = new Set(entries.map(([name]) => name));
  const singleTargetPolicy = {
    strategy: routing.strategy,
    retries: routing.retries,
    fallbacks: [],
    contextWindowFallbacks: [],
    rpmLimit: null,
    tpmLimit: null,
  };
  return entries.map(([name, entry]): ModelGroupConfig => {
    const field = `models.${name}`;
    const toTarget = (target: TargetEntry, where: string, groupCap?: number): ModelTarget => {
      const provider = target.provider.toLowerCase();
      if (!names.has(provider)) {
        throw new ConfigError(`${where}: unknown provider '${target.provider}' (known: ${[...names].join(', ')})`);
      }
      const timeouts = {
        ...(target.timeout_ms === undefined ? {} : { totalMs: target.timeout_ms }),
        ...(target.first_byte_timeout_ms === undefined ? {} : { firstByteMs: target.first_byte_timeout_ms }),
        ...(target.stream_idle_timeout_ms === undefined ? {} : { streamIdleMs: target.stream_idle_timeout_ms }),
      };
      return {
        provider,
        model: target.model,
        weight: target.weight ?? 1,
        maxOutputTokens: target.max_output_tokens ?? groupCap,
        timeouts: Object.keys(timeouts).length === 0 ? undefined : timeouts,
        params: target.params,
        ...(target.api === undefined ? {} : { api: target.api }),
      };
    };
    if (typeof entry === 'string') {
      const slash = entry.indexOf('/');
      const target = { provider: entry.slice(0, slash), model: entry.slice(slash + 1) };
      return { name, targets: [toTarget(target, field)], ...singleTargetPolicy };
    }
    if (!('targets' in entry)) {
      return { name, targets: [toTarget(entry, field)], ...singleTargetPolicy };
    }
    for (const [key, list] of [
      ['fallbacks', entry.fallbacks ?? []],
      ['context_window_fallbacks', entry.context_window_fallbacks ?? []],
    ] as const) {
      for (const fallback of list) {
        if (fallback === name) throw new ConfigError(`${field}.${key}: a group cannot fall back to itself`);
        if (!groupNames.has(fallback) && !/^[^/]+\/.+/.test(fallback)) {
          throw new ConfigError(`${field}.${key}: unknown model group '${fallback}'`);
        }
      }
    }
    return {
      name,
      targets: entry.targets.map((target, index) =>
        toTarget(target, `${field}.targets[${index}]`, entry.max_output_tokens),
      ),
      strategy: entry.strategy ?? routing.strategy,
      retries: entry.retries ?? routing.retries,
      fallbacks: entry.fallbacks ?? [],
      contextWindowFallbacks: entry.context_window_fallbacks ?? [],
      rpmLimit: entry.rpm_limit ?? null,
      tpmLimit: entry.tpm_limit ?? null,
    };
  });
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function envInteger(env: Env, name: string): number | undefined {
  const value = nonEmpty(env[name]);
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new ConfigError(`${name}: must be a positive integer`);
  return Number(value);
}

function envPort(env: Env): number | undefined {
  const value = nonEmpty(env['PORT']);
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new ConfigError('PORT: must be an integer from 0 to 65535');
  return port;
}
