import type { Redis } from 'ioredis';
import { runLua } from '../../state/run-lua.ts';
import {
  type LimitDecision,
  type Limiter,
  type LimitReason,
  type LimitRequest,
  type Reservation,
  type SpendLoader,
  toNano,
  windowMs,
  windowStartOf,
} from './limiter.ts';

/**
 * Checks every limit and, only if all pass, reserves: one atomic step for all instances.
 * KEYS: requests, tokens (of the window), parallel, spend, reserved (of the budget period).
 * ARGV: rpm, tpm, tokens, parallel limit, budget (nano-USD), cost (nano-USD), window TTL, budget TTL
 * (limits and TTLs of -1 mean none). Returns {1, requests, tokens} when admitted, {0, reason, requests,
 * tokens} when refused, {-1} when the budget's spend is not in Redis yet (the caller loads it).
 */
const acquireScript = `
local rpm, tpm, tokens = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local maxParallel, budget, cost = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local windowTtl, budgetTtl = tonumber(ARGV[7]), tonumber(ARGV[8])
if budget >= 0 and redis.call('EXISTS', KEYS[4]) == 0 then return {-1} end
local requests = tonumber(redis.call('GET', KEYS[1]) or '0')
local used = tonumber(redis.call('GET', KEYS[2]) or '0')
if rpm >= 0 and requests + 1 > rpm then return {0, 'rpm', requests, used} end
if tpm >= 0 and used + tokens > tpm then return {0, 'tpm', requests, used} end
local parallel = tonumber(redis.call('GET', KEYS[3]) or '0')
if maxParallel >= 0 and parallel + 1 > maxParallel then return {0, 'parallel', requests, used} end
if budget >= 0 then
  local spent = tonumber(redis.call('GET', KEYS[4]) or '0')
  local reserved = tonumber(redis.call('GET', KEYS[5]) or '0')
  if spent + reserved + cost > budget then return {0, 'budget', requests, used} end
  redis.call('INCRBY', KEYS[5], cost)
  if budgetTtl > 0 then redis.call('PEXPIRE', KEYS[5], budgetTtl) end
end
redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], windowTtl)
redis.call('INCRBY', KEYS[2], tokens)
redis.call('PEXPIRE', KEYS[2], windowTtl)
redis.call('INCR', KEYS[3])
redis.call('PEXPIRE', KEYS[3], 600000)
return {1, requests + 1, used + tokens}
`;

/**
 * Replaces a reservation with actual use. KEYS: tokens of the reservation's window, parallel, spend,
 * reserved. ARGV: token delta, reserved cost, actual cost (nano-USD).
 */
const settleScript = `
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('INCRBY', KEYS[1], ARGV[1]) end
if tonumber(redis.call('GET', KEYS[2]) or '0') > 0 then redis.call('DECR', KEYS[2]) end
if tonumber(ARGV[2]) > 0 or tonumber(ARGV[3]) > 0 then
  if tonumber(redis.call('GET', KEYS[4]) or '0') >= tonumber(ARGV[2]) then redis.call('DECRBY', KEYS[4], ARGV[2]) end
  if redis.call('EXISTS', KEYS[3]) == 1 then redis.call('INCRBY', KEYS[3], ARGV[3]) end
end
return 1
`;

const prefix = 'llm-proxy:limits';
const reasons = new Set<string>(['rpm', 'tpm', 'parallel', 'budget']);

function isReason(value: unknown): value is LimitReason {
  return typeof value === 'string' && reasons.has(value);
}

/**
 * Limits shared by every instance through Redis, exact under concurrency: each admission is one Lua
 * script. A budget's spend counter starts from the store's recorded spend (loaded once per period,
 * set with NX so instances agree) and expires with the period. Parallel counters expire after ten
 * minutes as a safety net should an instance die holding slots.
 */
export class RedisLimiter implements Limiter {
  readonly #redis: Redis;
  readonly #loadSpend: SpendLoader;

  constructor(redis: Redis, loadSpend: SpendLoader) {
    this.#redis = redis;
    this.#loadSpend = loadSpend;
  }

  async acquire(request: LimitRequest): Promise<LimitDecision> {
    const { limits, now } = request;
    const start = windowStartOf(now);
    const keys = this.#keys(limits.keyId, start, limits.budget?.periodStart ?? null);
    const budgetTtl = limits.budget?.periodEnd == null ? 0 : Math.max(1, limits.budget.periodEnd - now + windowMs);
    const costNano = limits.budget === null ? 0 : toNano(request.costUsd);
    const args = [
      limits.rpm ?? -1,
      limits.tpm ?? -1,
      request.tokens,
      limits.maxParallel ?? -1,
      limits.budget === null ? -1 : toNano(limits.budget.limitUsd),
      costNano,
      windowMs * 2,
      budgetTtl,
    ];
    let result = await runLua(this.#redis, acquireScript, keys, args);
    if (Array.isArray(result) && result[0] === -1 && limits.budget !== null) {
      const spent = await this.#loadSpend(limits.keyId, limits.budget.periodStart);
      if (budgetTtl > 0) await this.#redis.set(keys[3], String(toNano(spent)), 'PX', budgetTtl, 'NX');
      else await this.#redis.set(keys[3], String(toNano(spent)), 'NX');
      result = await runLua(this.#redis, acquireScript, keys, args);
    }
    if (!Array.isArray(result)) throw new Error('unexpected answer from the limits script');
    const resetAt = start + windowMs;
    if (result[0] === 1) {
      return {
        admitted: true,
        state: { requests: Number(result[1]), tokens: Number(result[2]), resetAt },
        reservation: {
          keyId: limits.keyId,
          windowStart: start,
          tokens: request.tokens,
          costNano,
          parallel: true,
          budgetPeriodStart: limits.budget?.periodStart ?? null,
          budgetPeriodEnd: limits.budget?.periodEnd ?? null,
        },
      };
    }
    const reason = isReason(result[1]) ? result[1] : 'rpm';
    const state = { requests: Number(result[2]), tokens: Number(result[3]), resetAt };
    const retryAfterSeconds =
      reason === 'parallel'
        ? 1
        : reason === 'budget'
          ? limits.budget?.periodEnd == null
            ? 0
            : Math.max(1, Math.ceil((limits.budget.periodEnd - now) / 1000))
          : Math.max(1, Math.ceil((resetAt - now) / 1000));
    return { admitted: false, reason, retryAfterSeconds, state };
  }

  async settle(reservation: Reservation, actual: { tokens: number; costUsd: number }): Promise<void> {
    const [, tokens, parallel, spend, reserved] = this.#keys(
      reservation.keyId,
      reservation.windowStart,
      reservation.budgetPeriodStart,
    );
    await runLua(
      this.#redis,
      settleScript,
      [tokens, parallel, spend, reserved],
      [
        actual.tokens - reservation.tokens,
        reservation.costNano,
        reservation.budgetPeriodStart === null ? 0 : toNano(actual.costUsd),
      ],
    );
  }

  async close(): Promise<void> {}

  #keys(keyId: string, windowStart: number, periodStart: number | null): [string, string, string, string, string] {
    const period = periodStart ?? 'none';
    return [
      `${prefix}:${keyId}:${windowStart}:requests`,
      `${prefix}:${keyId}:${windowStart}:tokens`,
      `${prefix}:${keyId}:parallel`,
      `${prefix}:${keyId}:spend:${period}`,
      `${prefix}:${keyId}:reserved:${period}`,
    ];
  }
}
