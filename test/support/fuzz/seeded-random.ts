/**
 * A small seeded PRNG (mulberry32): the same seed gives the same campaign, so a failure found once is
 * found again with `FUZZ_SEED=<seed>`.
 * @see https://gist.github.com/tommyettinger/46a874533244883189143505d203312c
 */
export class SeededRandom {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }

  /** An integer in [min, max]. */
  integer(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** True with the given probability. */
  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** Picks by weight: `[[weight, value], …]`. */
  weighted<T>(entries: ReadonlyArray<readonly [number, T]>): T {
    const total = entries.reduce((sum, [weight]) => sum + weight, 0);
    let point = this.next() * total;
    for (const [weight, value] of entries) {
      point -= weight;
      if (point < 0) return value;
    }
    const last = entries.at(-1);
    if (last === undefined) throw new Error('weighted pick from an empty list');
    return last[1];
  }
}

/** The seed from `FUZZ_SEED` (decimal or 0x…), else a fresh one. */
export function seedFromEnvironment(value: string | undefined): number {
  if (value !== undefined && value.trim() !== '') {
    const seed = Number(value.trim());
    if (!Number.isInteger(seed)) throw new Error(`FUZZ_SEED must be an integer, got ${value}`);
    return seed >>> 0;
  }
  return Math.floor(Math.random() * 4_294_967_296);
}
