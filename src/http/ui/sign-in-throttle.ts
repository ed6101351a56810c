/**
 * Sign-in attempts per client address in a fixed window: guessing the master key through the form costs
 * a wait after a few tries.
 */
export class SignInThrottle {
  readonly #attempts = new Map<string, { count: number; windowStart: number }>();
  readonly #max: number;
  readonly #windowMs: number;
  readonly #now: () => number;

  constructor(options: { max: number; windowMs: number; now?: () => number }) {
    this.#max = options.max;
    this.#windowMs = options.windowMs;
    this.#now = options.now ?? Date.now;
  }

  /** Counts an attempt; returns the seconds to wait when over the limit, else 0. */
  attempt(address: string): number {
    const now = this.#now();
    let entry = this.#attempts.get(address);
    if (entry === undefined || now - entry.windowStart >= this.#windowMs) {
      if (this.#attempts.size > 10_000) this.#attempts.clear();
      entry = { count: 0, windowStart: now };
      this.#attempts.set(address, entry);
    }
    entry.count += 1;
    return entry.count > this.#max ? Math.ceil((entry.windowStart + this.#windowMs - now) / 1000) : 0;
  }
}
