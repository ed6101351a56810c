import type { Usage } from '../../formats/internal/usage.ts';
import { defaultPrices } from './default-prices.ts';
import type { Price } from './price.ts';

/** `claude-haiku-4-5-20251001` and `gpt-4o-2024-08-06` are priced as their base model. */
const dateSuffix = /-(\d{8}|\d{4}-\d{2}-\d{2})$/;

/**
 * Prices by provider and model: the built-in table, extended and overridden by the config's `pricing:`
 * (keys `instance/model`, `instance/*` or `type/model`). Lookups strip snapshot date suffixes.
 */
export class PriceTable {
  readonly #overrides: ReadonlyMap<string, Price>;

  constructor(overrides: Readonly<Record<string, Price>> = {}) {
    this.#overrides = new Map(Object.entries(overrides).map(([key, price]) => [key.toLowerCase(), price]));
  }

  /** The price for `model` at provider instance `instance` of type `type`, or undefined when unknown. */
  lookup(instance: string, type: string, model: string): Price | undefined {
    const base = model.toLowerCase().replace(dateSuffix, '');
    return (
      this.#overrides.get(`${instance}/${model.toLowerCase()}`) ??
      this.#overrides.get(`${instance}/${base}`) ??
      this.#overrides.get(`${instance}/*`) ??
      this.#overrides.get(`${type}/${base}`) ??
      defaultPrices[type]?.[base]
    );
  }
}

/**
 * The cost of a call in USD. `inputTokens` counts the whole prompt; its cache reads and writes are
 * billed at their own rates and the rest at the input rate.
 */
export function costOf(usage: Usage, price: Price): number {
  const uncached = Math.max(0, usage.inputTokens - usage.cacheReadTokens - usage.cacheWriteTokens);
  return (
    (uncached * price.input +
      usage.cacheReadTokens * price.cachedInput +
      usage.cacheWriteTokens * price.cacheWrite +
      usage.outputTokens * price.output) /
    1_000_000
  );
}
