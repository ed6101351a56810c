/**
 * A per-million-token rate: flat, or tiered by the size of the prompt — the tier whose `start` the call's
 * whole input passes applies to all of its tokens, as Gemini and Anthropic bill long contexts.
 */
export type Rate = number | TieredRate;

export interface TieredRate {
  base: number;
  tiers: readonly { start: number; price: number }[];
}

/** Prices of one model in USD per million tokens. */
export interface Price {
  input: Rate;
  output: Rate;
  /** Input read from a prompt cache. */
  cachedInput: Rate;
  /** Input written to a prompt cache (Anthropic bills 1.25× input for 5-minute writes). */
  cacheWrite: Rate;
  /** Input written to a one-hour prompt cache (Anthropic: 2× input); absent: `cacheWrite`. */
  cacheWrite1h?: Rate;
}

/** The rate that applies to a call whose prompt holds `inputTokens` tokens. */
export function rateAt(rate: Rate, inputTokens: number): number {
  if (typeof rate === 'number') return rate;
  let price = rate.base;
  for (const tier of rate.tiers) if (inputTokens > tier.start) price = tier.price;
  return price;
}
