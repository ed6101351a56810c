import { calcPrice, type ModelPrice } from '@pydantic/genai-prices';
import type { Price, Rate } from './price.ts';
import { providerPriceIds } from './provider-price-ids.ts';

const probe = { input_tokens: 1 };

/**
 * The list price of `model` at a provider of type `type`, from the price data bundled in
 * `@pydantic/genai-prices` (maintained from the providers' pricing pages; loaded with the module, never
 * fetched): its own model matching, snapshot dates and regional Bedrock ids included. Undefined when the
 * package does not know the model. The caller caches the answer: the lookup scans the provider's list.
 */
export function listPriceOf(type: string, model: string): Price | undefined {
  const providerId = providerPriceIds[type];
  if (providerId === undefined) return undefined;
  const found = calcPrice(probe, model, { providerId });
  if (found === null) return undefined;
  return toPrice(found.model_price);
}

/** A missing cache rate is billed as input, as the package itself does. */
function toPrice(prices: ModelPrice): Price | undefined {
  const input = rateOf(prices['input_mtok']);
  const output = rateOf(prices['output_mtok']) ?? 0;
  if (input === undefined && output === 0) return undefined;
  const inputRate = input ?? 0;
  const price: Price = {
    input: inputRate,
    output,
    cachedInput: rateOf(prices['cache_read_mtok']) ?? inputRate,
    cacheWrite: rateOf(prices['cache_write_mtok']) ?? inputRate,
  };
  const oneHour = rateOf(prices['cache_write_1h_mtok']);
  if (oneHour !== undefined) price.cacheWrite1h = oneHour;
  return price;
}

function rateOf(value: ModelPrice[string]): Rate | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number') return value;
  return { base: value.base, tiers: value.tiers.map((tier) => ({ start: tier.start, price: tier.price })) };
}
