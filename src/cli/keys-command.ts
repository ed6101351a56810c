import { parseArgs } from 'node:util';
import type { GatewayConfig } from '../config/gateway-config.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import { KeyAdmin, type NewKey } from '../governance/key-admin.ts';
import { keyValueRanges } from '../governance/key-value-ranges.ts';
import { closeRedis, connectRedis } from '../state/redis-client.ts';
import { openStore } from '../store/open-store.ts';
import type { ApiKeyRecord, BudgetPeriod } from '../store/store-records.ts';

export const keysUsage = `Usage:
  llm-proxy keys create --name NAME [--models a,b] [--rpm N] [--tpm N] [--budget USD]
                        [--period daily|weekly|monthly] [--parallel N] [--expires ISO-DATE]
  llm-proxy keys list [--limit N]
  llm-proxy keys revoke KEY_ID

Works on the configured store (DATABASE_URL); with REDIS_URL, running gateways drop a changed key at once.`;

const periods: readonly BudgetPeriod[] = ['daily', 'weekly', 'monthly'];

function isBudgetPeriod(value: string): value is BudgetPeriod {
  return (periods as readonly string[]).includes(value);
}

/** `llm-proxy keys …`: key management from the shell. Prints JSON; the new secret is shown once. */
export async function runKeysCommand(args: string[], config: GatewayConfig): Promise<number> {
  const [action, ...rest] = args;
  if (action !== 'create' && action !== 'list' && action !== 'revoke') {
    console.error(keysUsage);
    return 2;
  }
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    strict: true,
    options: {
      name: { type: 'string' },
      models: { type: 'string' },
      rpm: { type: 'string' },
      tpm: { type: 'string' },
      budget: { type: 'string' },
      period: { type: 'string' },
      parallel: { type: 'string' },
      expires: { type: 'string' },
      limit: { type: 'string' },
    },
  });
  const store = await openStore(config.governance.databaseUrl);
  const redis =
    config.redisUrl === undefined
      ? undefined
      : await connectRedis(config.redisUrl, { name: 'cli' }).catch(() => undefined);
  const keys = new KeyAdmin(store, (keyHash) => void redis?.publish('llm-proxy:keys', keyHash));
  try {
    switch (action) {
      case 'create': {
        if (values.name === undefined) return fail('keys create needs --name');
        const input: NewKey = { name: values.name };
        if (values.models !== undefined)
          input.models = values.models
            .split(',')
            .map((model) => model.trim())
            .filter(Boolean);
        if (values.rpm !== undefined) input.rpmLimit = positiveInteger(values.rpm, '--rpm', keyValueRanges.int32Max);
        if (values.tpm !== undefined)
          input.tpmLimit = positiveInteger(values.tpm, '--tpm', keyValueRanges.safeIntegerMax);
        if (values.parallel !== undefined)
          input.maxParallel = positiveInteger(values.parallel, '--parallel', keyValueRanges.int32Max);
        if (values.budget !== undefined) {
          const budget = Number(values.budget);
          if (!(budget >= keyValueRanges.budgetMin && budget < keyValueRanges.budgetBelow))
            return fail(
              `--budget must be a number of USD from ${keyValueRanges.budgetMin} to below ${keyValueRanges.budgetBelow}`,
            );
          input.maxBudgetUsd = budget;
        }
        if (values.period !== undefined) {
          if (!isBudgetPeriod(values.period)) return fail('--period must be daily, weekly or monthly');
          input.budgetPeriod = values.period;
        }
        if (values.expires !== undefined) {
          const expires = Date.parse(values.expires);
          if (Number.isNaN(expires)) return fail('--expires must be an ISO 8601 date');
          input.expiresAt = expires;
        }
        const { record, key } = await keys.create(input);
        console.log(JSON.stringify({ ...describe(record), key }, null, 2));
        console.error('Store the key now: it is not shown again.');
        return 0;
      }
      case 'list': {
        const limit =
          values.limit === undefined ? 100 : positiveInteger(values.limit, '--limit', keyValueRanges.int32Max);
        for (const record of await keys.list({ limit })) console.log(JSON.stringify(describe(record)));
        return 0;
      }
      case 'revoke': {
        const [id] = positionals;
        if (id === undefined) return fail('keys revoke needs a KEY_ID');
        console.log(JSON.stringify(describe(await keys.revoke(id))));
        return 0;
      }
      default:
        return action satisfies never;
    }
  } catch (error) {
    if (error instanceof GatewayError || error instanceof RangeError) return fail(error.message);
    throw error;
  } finally {
    if (redis !== undefined) await closeRedis(redis);
    await store.close();
  }
}

function fail(message: string): number {
  console.error(`llm-proxy: ${message}`);
  return 1;
}

/** A positive integer up to `max`: the stores hold no larger (see `keyValueRanges`). */
function positiveInteger(value: string, flag: string, max: number): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1 || number > max)
    throw new RangeError(`${flag} must be an integer from 1 to ${max}`);
  return number;
}

function describe(record: ApiKeyRecord) {
  const iso = (epoch: number | null) => (epoch === null ? null : new Date(epoch).toISOString());
  return {
    id: record.id,
    name: record.name,
    key_prefix: record.keyPrefix,
    models: record.models,
    rpm_limit: record.rpmLimit,
    tpm_limit: record.tpmLimit,
    max_budget_usd: record.maxBudgetUsd,
    budget_period: record.budgetPeriod,
    max_parallel: record.maxParallel,
    expires_at: iso(record.expiresAt),
    created_at: iso(record.createdAt),
    revoked_at: iso(record.revokedAt),
  };
}
