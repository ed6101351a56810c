import type { RoutingPolicy } from '../config/gateway-config.ts';

interface TargetState {
  /** Failure times within the current window. */
  failures: number[];
  /** Epoch ms until which the target is skipped; 0 when closed. */
  openUntil: number;
  /** A half-open probe is under way: everyone else keeps skipping the target. */
  probing: boolean;
  inFlight: number;
  /** Exponentially weighted mean time to first content, in ms; undefined until measured. */
  latencyMs: number | undefined;
}

/** How cool-downs reach the other gateway instances; the Redis implementation is `shared-cooldowns.ts`. */
export interface CooldownChannel {
  /** Tells the other instances that `key` is skipped until `until` (epoch ms). */
  publish(key: string, until: number): void;
  /** Claims the single half-open probe of `key` across instances. */
  claimProbe(key: string, ttlMs: number): Promise<boolean>;
}

export type Availability = 'available' | 'probe' | 'cooling';

/** Weight of the newest latency sample in the moving average. */
const latencySmoothing = 0.2;

/**
 * Per-target health: a circuit breaker (closed → open after N failures in a window, or at once on a
 * 429 → half-open with a single probe after the cool-down → closed on success), in-flight counts and a
 * latency average for the routing strategies. All reads are local and synchronous; with a
 * `CooldownChannel` a tripped breaker is announced to other instances and probes are claimed across them.
 */
export class TargetHealth {
  readonly #states = new Map<string, TargetState>();
  readonly #policy: RoutingPolicy;
  readonly #now: () => number;
  #channel: CooldownChannel | undefined;
  readonly #onCooldown: (key: string, local: boolean) => void;

  constructor(
    policy: RoutingPolicy,
    now: () => number = Date.now,
    onCooldown: (key: string, local: boolean) => void = () => {},
  ) {
    this.#policy = policy;
    this.#now = now;
    this.#onCooldown = onCooldown;
  }

  useChannel(channel: CooldownChannel): void {
    this.#channel = channel;
  }

  /** Whether `key` may be tried: closed, the half-open probe (granted to this caller), or cooling. */
  availability(key: string): Availability {
    const state = this.#states.get(key);
    if (state === undefined || state.openUntil === 0) return 'available';
    if (this.#now() < state.openUntil || state.probing) return 'cooling';
    return 'probe';
  }

  /** Takes the half-open probe; false when another request (or instance) already has it. */
  async claimProbe(key: string): Promise<boolean> {
    const state = this.#state(key);
    if (state.probing) return false;
    state.probing = true;
    if (this.#channel === undefined) return true;
    const claimed = await this.#channel.claimProbe(key, this.#policy.cooldownMs).catch(() => true);
    if (!claimed) state.probing = false;
    return claimed;
  }

  /** Epoch ms when the first of `keys` stops cooling, for a Retry-After. */
  reopensAt(keys: readonly string[]): number {
    let earliest = Number.POSITIVE_INFINITY;
    for (const key of keys) earliest = Math.min(earliest, this.#states.get(key)?.openUntil ?? 0);
    return Number.isFinite(earliest) ? earliest : this.#now();
  }

  inFlight(key: string): number {
    return this.#states.get(key)?.inFlight ?? 0;
  }

  latency(key: string): number | undefined {
    return this.#states.get(key)?.latencyMs;
  }

  begin(key: string): void {
    this.#state(key).inFlight += 1;
  }

  end(key: string): void {
    const state = this.#state(key);
    state.inFlight = Math.max(0, state.inFlight - 1);
  }

  /** A successful attempt closes the breaker and feeds the latency average. */
  succeeded(key: string, latencyMs: number): void {
    const state = this.#state(key);
    state.failures.length = 0;
    state.openUntil = 0;
    state.probing = false;
    state.latencyMs =
      state.latencyMs === undefined ? latencyMs : state.latencyMs + latencySmoothing * (latencyMs - state.latencyMs);
  }

  /**
   * A failed attempt. A 429 (or a failed probe) opens the breaker at once — for the upstream's
   * `Retry-After` when it gives one — otherwise it opens after N failures within the window.
   */
  failed(key: string, options: { rateLimited: boolean; retryAfterMs: number | undefined }): void {
    const now = this.#now();
    const state = this.#state(key);
    const wasProbe = state.probing;
    state.probing = false;
    state.failures = state.failures.filter((time) => now - time < this.#policy.cooldownWindowMs);
    state.failures.push(now);
    if (options.rateLimited || wasProbe || state.failures.length >= this.#policy.cooldownFailures) {
      const until =
        now +
        (options.rateLimited && options.retryAfterMs !== undefined ? options.retryAfterMs : this.#policy.cooldownMs);
      this.#open(key, until);
      this.#onCooldown(key, true);
      this.#channel?.publish(key, until);
    }
  }

  /** An attempt that ended without saying anything about the target's health (the caller left): frees its probe. */
  abandoned(key: string): void {
    const state = this.#states.get(key);
    if (state !== undefined) state.probing = false;
  }

  /** Forgets every target's history: closes all breakers (an operator's reset, and tests). */
  reset(): void {
    this.#states.clear();
  }

  /** Applies a cool-down announced by another instance. */
  applyRemoteCooldown(key: string, until: number): void {
    if (until <= this.#now()) return;
    this.#open(key, until);
    this.#onCooldown(key, false);
  }

  #open(key: string, until: number): void {
    const state = this.#state(key);
    state.openUntil = Math.max(state.openUntil, until);
    state.failures.length = 0;
  }

  #state(key: string): TargetState {
    let state = this.#states.get(key);
    if (state === undefined) {
      state = { failures: [], openUntil: 0, probing: false, inFlight: 0, latencyMs: undefined };
      this.#states.set(key, state);
    }
    return state;
  }
}
