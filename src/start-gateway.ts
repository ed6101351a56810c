import cluster from 'node:cluster';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { GatewayConfig } from './config/gateway-config.ts';
import { AdmissionGate } from './gateway/admission-gate.ts';
import { CacheCounters } from './gateway/cache/cache-counters.ts';
import type { CacheStore } from './gateway/cache/cache-store.ts';
import { MemoryCacheStore } from './gateway/cache/memory-cache-store.ts';
import { ResponseCache } from './gateway/cache/response-cache.ts';
import { Gateway } from './gateway/gateway.ts';
import { watchEventLoop } from './gateway/watch-event-loop.ts';
import { buildApp } from './http/build-app.ts';
import { NotReadyError, type ReadinessCheck } from './http/health/health-routes.ts';
import { clusterMetricsRenderer } from './observability/cluster-metrics.ts';
import { GatewayMetrics } from './observability/gateway-metrics.ts';
import { GatewayObservability } from './observability/gateway-observability.ts';
import { type ProviderTraceInfo, Tracing } from './observability/tracing.ts';
import { type GovernanceStack, startGovernance } from './start-governance.ts';
import { RedisCacheStore } from './state/redis-cache-store.ts';
import { RedisCooldownChannel } from './state/redis-cooldown-channel.ts';

export interface RunningGateway {
  app: FastifyInstance;
  gateway: Gateway;
  governance: GovernanceStack;
  /** `http://host:port` the server listens on. */
  url: string;
  /**
   * Stops accepting connections, lets in-flight requests and streams finish (up to
   * `server.shutdown_timeout_ms`, after which the remaining connections are closed), then closes the
   * upstream pools.
   */
  close(): Promise<void>;
}

/** The composition root: builds the gateway and its HTTP app from config, and listens. */
export async function startGateway(options: {
  config: GatewayConfig;
  logger: Logger;
  version: string;
  /** Bind with SO_REUSEPORT (Linux), so that several worker processes share the port. */
  reusePort?: boolean;
}): Promise<RunningGateway> {
  const { config, logger, version } = options;
  const metrics = config.observability.metrics ? new GatewayMetrics() : undefined;
  if (metrics !== undefined && cluster.isWorker) metrics.renderThrough(clusterMetricsRenderer(metrics.registry));
  const observability = new GatewayObservability({
    metrics,
    tracing:
      config.observability.tracesEndpoint === undefined
        ? undefined
        : await Tracing.start({
            endpoint: config.observability.tracesEndpoint,
            serviceName: config.observability.serviceName,
            version,
            providers: providerTraceInfo(config),
          }),
  });
  const gateway = new Gateway(config, observability);
  const cooldowns =
    config.redisUrl === undefined
      ? undefined
      : await RedisCooldownChannel.attach(config.redisUrl, gateway.health, (error) =>
          logger.warn({ err: error }, 'redis (shared cool-downs) error; using local state'),
        );
  const cacheCounters = config.cache.mode === 'off' ? undefined : new CacheCounters();
  const cacheStore = await openCacheStore(config, cacheCounters, logger);
  if (cacheStore !== undefined && cacheCounters !== undefined) {
    gateway.useCache(
      new ResponseCache({
        store: cacheStore,
        scope: config.cache.scope,
        events: cacheCounters,
        onError: (error) => logger.warn({ err: error }, 'response cache error; answering without it'),
      }),
    );
    metrics?.watchCache(cacheCounters, () => cacheStore.bytes());
  }
  const stack = await startGovernance(config, gateway, logger);
  const { server } = config;
  const admission = new AdmissionGate({
    maxInFlight: server.maxInFlight,
    queueSize: server.queueSize,
    queueTimeoutMs: server.queueTimeoutMs,
  });
  const loopWatch = server.maxEventLoopDelayMs > 0 ? watchEventLoop(admission, server.maxEventLoopDelayMs) : undefined;
  observability.metrics?.watchAdmission(admission);
  const recorder = stack.recorder;
  if (recorder !== undefined) observability.metrics?.watchUsageWriter(() => recorder.stats());
  const readiness: ReadinessCheck[] = [];
  const { store, pingRedis } = stack;
  if (store !== undefined)
    readiness.push({
      name: store.kind,
      async check() {
        await store.ping();
        if (recorder !== undefined) checkUsageWriter(recorder);
      },
    });
  if (pingRedis !== undefined) readiness.push({ name: 'redis', check: pingRedis });
  const app = await buildApp({
    observability,
    admission,
    readiness,
    config,
    gateway,
    logger,
    version,
    governance: stack.governance,
    keyAdmin: stack.keyAdmin,
    store: stack.store,
  });
  // Fastify passes the options on to net.Server#listen, whose `reusePort` its types do not list yet.
  // `exclusive` makes a cluster worker bind its own socket instead of asking the primary for one.
  const listenOptions = { host: config.server.host, port: config.server.port, reusePort: options.reusePort === true };
  await app.listen(options.reusePort === true ? { ...listenOptions, exclusive: true } : listenOptions);
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.server.port;
  const host = config.server.host.includes(':') ? `[${config.server.host}]` : config.server.host;
  let closing: Promise<void> | undefined;
  return {
    app,
    gateway,
    governance: stack,
    url: `http://${host}:${port}`,
    close() {
      closing ??= (async () => {
        const force = setTimeout(() => app.server.closeAllConnections(), config.server.shutdownTimeoutMs);
        try {
          await app.close();
        } finally {
          clearTimeout(force);
        }
        loopWatch?.stop();
        await gateway.close();
        await stack.close();
        await cooldowns?.close();
        await cacheStore?.close();
        await observability.close();
      })();
      return closing;
    },
  };
}

/** The response cache's store: memory (bounded LRU) or Redis; undefined when the cache is off. */
async function openCacheStore(
  config: GatewayConfig,
  events: CacheCounters | undefined,
  logger: Logger,
): Promise<CacheStore | undefined> {
  const { mode, ttlMs, maxBytes } = config.cache;
  if (mode === 'off' || events === undefined) return undefined;
  if (mode === 'memory') return new MemoryCacheStore({ maxBytes, ttlMs, events });
  return RedisCacheStore.connect(config.redisUrl ?? '', ttlMs, (error) =>
    logger.warn({ err: error }, 'redis (response cache) error; answering without it'),
  );
}

/** Fails while usage rows wait unwritten past `governance.usage_stall_ms` (the store down, or refusing them). */
function checkUsageWriter(recorder: NonNullable<GovernanceStack['recorder']>): void {
  const stalledMs = recorder.stalledForMs();
  if (stalledMs === undefined) return;
  throw new NotReadyError(
    `usage writer stalled: ${recorder.queued} rows waiting, nothing written for ${Math.round(stalledMs / 1000)} s`,
  );
}

/** Per provider instance: its type and upstream host, for the attempt spans. */
function providerTraceInfo(config: GatewayConfig): (instance: string) => ProviderTraceInfo | undefined {
  const byName = new Map<string, ProviderTraceInfo>();
  for (const settings of config.providers) {
    try {
      const url = new URL(settings.baseUrl);
      const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
      byName.set(settings.name, { type: settings.type, address: url.hostname, port });
    } catch {
      byName.set(settings.name, { type: settings.type, address: '', port: 0 });
    }
  }
  return (instance) => byName.get(instance);
}
