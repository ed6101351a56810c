import {
  type LimitDecision,
  type Limiter,
  type LimitRequest,
  type Reservation,
  type SpendLoader,
  toNano,
  windowMs,
  windowStartOf,
} from './limiter.ts';

interface Window {
  start: number;
  requests: number;
  tokens: number;
}

interface Spend {
  periodStart: number;
  spentNano: number;
  reservedNano: number;
}

/**
 * Limits held in this process: exact for one instance. Checks and reservations happen without an
 * await between them, so concurrent requests cannot both take the last unit. A budget's starting
 * spend is loaded from the store once per key and period.
 */
export class MemoryLimiter implements Limiter {
  readonly #windows = new Map<string, Window>();
  readonly #parallel = new Map<string, number>();
  readonly #spend = new Map<string, Spend>();
  readonly #loading = new Map<string, Promise<void>>();
  readonly #loadSpend: SpendLoader;

  constructor(loadSpend: SpendLoader) {
    this.#loadSpend = loadSpend;
  }

  /** Synchronous but for a budget's first request in a period, which loads the spend so far. */
  acquire(request: LimitRequest): LimitDecision | Promise<LimitDecision> {
    const { limits } = request;
    const { budget } = limits;
    if (budget !== null && this.#spend.get(limits.keyId)?.periodStart !== budget.periodStart) {
      return this.#load(limits.keyId, budget.periodStart).then(() => this.#decide(request));
    }
    return this.#decide(request);
  }

  #decide(request: LimitRequest): LimitDecision {
    const { limits, now } = request;
    const { budget } = limits;
    const start = windowStartOf(now);
    let window = this.#windows.get(limits.keyId);
    if (window === undefined || window.start !== start) {
      window = { start, requests: 0, tokens: 0 };
      this.#windows.set(limits.keyId, window);
    }
    const state = { requests: window.requests, tokens: window.tokens, resetAt: start + windowMs };
    const windowRetry = Math.max(1, Math.ceil((start + windowMs - now) / 1000));
    if (limits.rpm !== null && window.requests + 1 > limits.rpm)
      return { admitted: false, reason: 'rpm', retryAfterSeconds: windowRetry, state };
    if (limits.tpm !== null && window.tokens + request.tokens > limits.tpm) {
      return { admitted: false, reason: 'tpm', retryAfterSeconds: windowRetry, state };
    }
    const parallel = this.#parallel.get(limits.keyId) ?? 0;
    if (limits.maxParallel !== null && parallel + 1 > limits.maxParallel) {
      return { admitted: false, reason: 'parallel', retryAfterSeconds: 1, state };
    }
    const costNano = toNano(request.costUsd);
    const spend = this.#spend.get(limits.keyId);
    if (budget !== null && spend !== undefined) {
      if (spend.spentNano + spend.reservedNano + costNano > toNano(budget.limitUsd)) {
        const retry = budget.periodEnd === null ? 0 : Math.max(1, Math.ceil((budget.periodEnd - now) / 1000));
        return { admitted: false, reason: 'budget', retryAfterSeconds: retry, state };
      }
      spend.reservedNano += costNano;
    }
    window.requests += 1;
    window.tokens += request.tokens;
    this.#parallel.set(limits.keyId, parallel + 1);
    return {
      admitted: true,
      state: { requests: window.requests, tokens: window.tokens, resetAt: start + windowMs },
      reservation: {
        keyId: limits.keyId,
        windowStart: start,
        tokens: request.tokens,
        costNano: budget === null ? 0 : costNano,
        parallel: true,
        budgetPeriodStart: budget?.periodStart ?? null,
        budgetPeriodEnd: budget?.periodEnd ?? null,
      },
    };
  }

  settle(reservation: Reservation, actual: { tokens: number; costUsd: number }): void {
    const window = this.#windows.get(reservation.keyId);
    if (window !== undefined && window.start === reservation.windowStart) {
      window.tokens = Math.max(0, window.tokens + actual.tokens - reservation.tokens);
    }
    if (reservation.parallel)
      this.#parallel.set(reservation.keyId, Math.max(0, (this.#parallel.get(reservation.keyId) ?? 1) - 1));
    const spend = this.#spend.get(reservation.keyId);
    if (
      reservation.budgetPeriodStart !== null &&
      spend !== undefined &&
      spend.periodStart === reservation.budgetPeriodStart
    ) {
      spend.reservedNano = Math.max(0, spend.reservedNano - reservation.costNano);
      spend.spentNano += toNano(actual.costUsd);
    }
  }

  async close(): Promise<void> {}

  #load(keyId: string, periodStart: number): Promise<void> {
    const key = `${keyId}:${periodStart}`;
    let loading = this.#loading.get(key);
    if (loading === undefined) {
      loading = this.#loadSpend(keyId, periodStart).then(
        (spentUsd) => {
          this.#spend.set(keyId, { periodStart, spentNano: toNano(spentUsd), reservedNano: 0 });
          this.#loading.delete(key);
        },
        (error: unknown) => {
          this.#loading.delete(key);
          throw error;
        },
      );
      this.#loading.set(key, loading);
    }
    return loading;
  }
}
