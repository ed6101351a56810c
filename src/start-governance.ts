import type { Logger } from 'pino';
import type { GatewayConfig } from './config/gateway-config.ts';
import type { Gateway } from './gateway/gateway.ts';
import { Authenticator } from './governance/authenticator.ts';
import { Governance } from './governance/governance.ts';
import { KeyAdmin } from './governance/key-admin.ts';
import type { Limiter } from './governance/limits/limiter.ts';
import { MemoryLimiter } from './governance/limits/memory-limiter.ts';
import { RedisLimiter } from './governance/limits/redis-limiter.ts';
import { PriceTable } from './governance/pricing/price-table.ts';
import { replayUsageJournals } from './governance/replay-usage-journals.ts';
import { UsageJournal } from './governance/usage-journal.ts';
import { UsageRecorder } from './governance/usage-recorder.ts';
import { UsageRetention } from './governance/usage-retention.ts';
import { closeRedis, connectRedis } from './state/redis-client.ts';
import { RedisKeyInvalidation } from './state/redis-key-invalidation.ts';
import { openStore } from './store/open-store.ts';
import type { GovernanceStore } from './store/store-records.ts';

export interface GovernanceStack {
  governance: Governance;
  keyAdmin: KeyAdmin | undefined;
  store: GovernanceStore | undefined;
  recorder: UsageRecorder | undefined;
  /** PINGs Redis on the limits connection (for readiness); undefined without Redis. */
  pingRedis: (() => Promise<void>) | undefined;
  /** Writes the queued usage rows and closes connections: part of a graceful shutdown. */
  close(): Promise<void>;
}

/**
 * Builds governance from config: the store (when keys or usage records need one), limits in memory or
 * in Redis, the key cache with Redis invalidation, the price table and the usage recorder.
 */
export async function startGovernance(
  config: GatewayConfig,
  gateway: Gateway,
  logger: Logger,
): Promise<GovernanceStack> {
  const settings = config.governance;
  const needsStore = settings.masterKey !== undefined || settings.usageRecords;
  const store = needsStore ? await openStore(settings.databaseUrl) : undefined;
  const onError = (error: unknown, context = 'governance'): void => {
    logger.warn({ err: error }, `${context} failed`);
  };
  const loadSpend = (keyId: string, since: number): Promise<number> =>
    store?.spendSince(keyId, since) ?? Promise.resolve(0);
  const redis =
    config.redisUrl === undefined
      ? undefined
      : await connectRedis(config.redisUrl, { name: 'limits', autoPipelining: true });
  redis?.on('error', (error: unknown) => onError(error, 'redis (limits)'));
  const limiter: Limiter = redis === undefined ? new MemoryLimiter(loadSpend) : new RedisLimiter(redis, loadSpend);
  const authenticator = new Authenticator({ masterKey: settings.masterKey, store, cacheTtlMs: settings.keyCacheTtlMs });
  const invalidation =
    config.redisUrl === undefined
      ? undefined
      : await RedisKeyInvalidation.connect(
          config.redisUrl,
          (keyHash) => authenticator.invalidate(keyHash),
          (error) => onError(error, 'redis (key invalidation)'),
        );
  const recorder =
    store !== undefined && settings.usageRecords
      ? new UsageRecorder({
          store,
          queueSize: settings.usageQueueSize,
          batchSize: settings.usageBatchSize,
          flushIntervalMs: settings.usageFlushIntervalMs,
          stallAfterMs: settings.usageStallMs,
          journal: await openUsageJournal(settings.usageJournal, store, logger),
          onError: (error) => onError(error, 'writing usage rows'),
        })
      : undefined;
  const governance = new Governance({
    authenticator,
    limiter,
    prices: new PriceTable(config.pricing),
    recorder,
    models: gateway.models,
    providers: gateway.providers,
    defaultOutputTokens: settings.defaultOutputTokens,
    unpricedModels: settings.unpricedModels,
    onError,
    onUnpriced: (instance, model) =>
      logger.warn(
        { provider: instance, model },
        `no price for ${instance}/${model}: priced $0, and keys with a budget may not call it; price it under pricing: "${instance}/${model}"`,
      ),
  });
  const keyAdmin =
    store === undefined
      ? undefined
      : new KeyAdmin(store, (keyHash) => {
          authenticator.invalidate(keyHash);
          invalidation?.publish(keyHash);
        });
  // The requests' attempts go with their usage rows; their bodies (user data) usually sooner.
  const retentions =
    store === undefined
      ? []
      : [
          new UsageRetention({
            store,
            tables: [
              (before, limit) => store.deleteUsageBefore(before, limit),
              (before, limit) => store.deleteDetailsBefore('request_attempts', before, limit),
            ],
            retentionDays: settings.usageRetentionDays,
            onError: (error) => onError(error, 'deleting old usage rows'),
          }),
          new UsageRetention({
            store,
            tables: [(before, limit) => store.deleteDetailsBefore('request_bodies', before, limit)],
            retentionDays: settings.bodyRetentionDays,
            onError: (error) => onError(error, 'deleting old request bodies'),
          }),
        ];
  for (const retention of retentions) void retention.run();
  if (settings.masterKey === undefined) {
    logger.warn(
      '!!! LLM_PROXY_MASTER_KEY is not set: every API route is OPEN to anyone who can reach this port, and the admin API is off. Set it before exposing the gateway. !!!',
    );
  }
  return {
    governance,
    keyAdmin,
    store,
    recorder,
    pingRedis:
      redis === undefined
        ? undefined
        : async () => {
            await redis.ping();
          },
    async close() {
      for (const retention of retentions) retention.close();
      await recorder?.close();
      await limiter.close();
      await invalidation?.close();
      if (redis !== undefined) await closeRedis(redis);
      await store?.close();
    },
  };
}

/**
 * Replays what crashed processes left in the usage journal (before serving, so budgets count those
 * calls), then opens this process's own journal; undefined when there is none.
 */
async function openUsageJournal(
  directory: string | undefined,
  store: GovernanceStore,
  logger: Logger,
): Promise<UsageJournal | undefined> {
  if (directory === undefined) return undefined;
  const onError = (error: unknown): void => logger.warn({ err: error }, 'usage journal failed');
  try {
    const replayed = await replayUsageJournals({ directory, store, onError });
    if (replayed.files > 0) logger.info({ directory, ...replayed }, 'usage journal replayed into the store');
  } catch (error) {
    logger.warn({ err: error, directory }, 'usage journal not replayed; it will be at the next start');
  }
  try {
    return new UsageJournal({ directory, onError });
  } catch (error) {
    logger.warn({ err: error, directory }, 'usage journal off: a crash may lose the last second of usage rows');
    return undefined;
  }
}
