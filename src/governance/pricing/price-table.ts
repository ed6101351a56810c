import type { Usage } from '../../formats/internal/usage.ts';
import { listPriceOf } from './list-prices.ts';
import { type Price, rateAt } from './price.ts';

/** `claude-haiku-4-5-20251001` and `gpt-4o-2024-08-06` are priced as their base model. */
const dateSuffix = /-(\d{8}|\d{4}-\d{2}-\d{2})$/;

/** Where prices come from when the config names none: the maintained list prices by default. */
export type ListPrices = (type: string, model: string) => Price | undefined;

/**
 * Prices by provider and model: the config's `pricing:` (keys `instance/model`, `instance/*` or
 * `type/model`) first, then the list prices of `@pydantic/genai-prices` for the instance's provider type.
 * Override lookups strip snapshot date suffixes; the package matches snapshots itself.
 */
export class PriceTable {
  readonly #overrides: ReadonlyMap<string, Price>;
  readonly #listPrices: ListPrices;

  constructor(overrides: Readonly<Record<string, Price>> = {}, listPrices: ListPrices = listPriceOf) {
    this.#overrides = new Map(Object.entries(overrides).map(([key, price]) => [key.toLowerCase(), price]));
    this.#listPrices = listPrices;
  }

  /** The price for `model` at provider instance `instance` of type `type`, or undefined when unknown. */
  lookup(instance: string, type: string, model: string): Price | undefined {
    const lower = model.toLowerCase();
    const base = lower.replace(dateSuffix, '');
    return (
      this.#overrides.get(`${instance}/${lower}`) ??
      this.#overrides.get(`${instance}/${base}`) ??
      this.#overrides.get(`${instance}/*`) ??
      this.#overrides.get(`${type}/${lower}`) ??
      this.#overrides.get(`${type}/${base}`) ??
      this.#listPrices(type, model)
    );
  }
}

/**
 * The cost of a call in USD. `inputTokens` counts the whole prompt; its cache reads and writes are
 * billed at their own rates and the rest at the input rate, each at the tier the whole prompt reaches.
 */
export function costOf(usage: Usage, price: Price): number {
  const prompt = usage.inputTokens;
  const uncached = Math.max(0, prompt - usage.cacheReadTokens - usage.cacheWriteTokens);
  const oneHour = usage.cacheWrite1hTokens ?? 0;
  return (
    (uncached * rateAt(price.input, prompt) +
      usage.cacheReadTokens * rateAt(price.cachedInput, prompt) +
      (usage.cacheWriteTokens - oneHour) * rateAt(price.cacheWrite, prompt) +
      oneHour * rateAt(price.cacheWrite1h ?? price.cacheWrite, prompt) +
      usage.outputTokens * rateAt(price.output, prompt)) /
    1_000_000
  );
}
