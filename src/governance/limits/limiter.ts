/** The limits of one key, as admission needs them. */
export interface KeyLimits {
  keyId: string;
  rpm: number | null;
  tpm: number | null;
  maxParallel: number | null;
  /** The budget of the current period; `periodEnd` is null for a lifetime budget. */
  budget: { limitUsd: number; periodStart: number; periodEnd: number | null } | null;
}

export interface LimitRequest {
  limits: KeyLimits;
  /** Tokens reserved for the request: estimated input plus the most it may output. */
  tokens: number;
  /** Cost reserved for the request, in USD, at the dearest target's prices. */
  costUsd: number;
  now: number;
}

/** What an admitted request holds until it settles. */
export interface Reservation {
  keyId: string;
  windowStart: number;
  tokens: number;
  costNano: number;
  parallel: boolean;
  budgetPeriodStart: number | null;
  budgetPeriodEnd: number | null;
}

/** Where a key stands in the current window, for `x-ratelimit-*` headers. */
export interface RateState {
  requests: number;
  tokens: number;
  /** Epoch ms when the window resets. */
  resetAt: number;
}

export type LimitReason = 'rpm' | 'tpm' | 'parallel' | 'budget';

export type LimitDecision =
  | { admitted: true; reservation: Reservation; state: RateState }
  | { admitted: false; reason: LimitReason; retryAfterSeconds: number; state: RateState };

/**
 * Admission against a key's limits. `acquire` checks and reserves atomically — RPM and TPM in fixed
 * one-minute windows, parallel requests, and budget (spend plus in-flight reservations) — and `settle`
 * replaces the reservation with what the request really used.
 */
export interface Limiter {
  /** Synchronous where the state is local (the in-memory limiter); a promise where it is remote (Redis). */
  acquire(request: LimitRequest): LimitDecision | Promise<LimitDecision>;
  settle(reservation: Reservation, actual: { tokens: number; costUsd: number }): void | Promise<void>;
  close(): Promise<void>;
}

/** A key's recorded spend since a time, from the store: the starting point of a budget. */
export type SpendLoader = (keyId: string, since: number) => Promise<number>;

export const windowMs = 60_000;

export function windowStartOf(now: number): number {
  return Math.floor(now / windowMs) * windowMs;
}

/** Money is counted in integer nano-dollars so that many small costs add up exactly. */
export function toNano(usd: number): number {
  return Math.ceil(usd * 1e9);
}
