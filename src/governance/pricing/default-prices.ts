import type { Price } from './price.ts';

/** OpenAI-style pricing: cache writes cost nothing extra; cached reads at the listed rate. */
function openAI(input: number, cachedInput: number, output: number): Price {
  return { input, output, cachedInput, cacheWrite: input };
}

/** Anthropic pricing: 5-minute cache writes at 1.25× input, cache hits at 0.1× input. */
function anthropic(input: number, output: number): Price {
  return { input, output, cachedInput: input / 10, cacheWrite: input * 1.25 };
}

/**
 * Standard-tier list prices of the built-in providers' current models, USD per million tokens, by
 * provider type. Sources, checked 2026-11-27: OpenAI's pricing page as quoted by several 2026 price
 * guides (GPT-5.5/5.4 family) and its long-standing GPT-4.1/4o/o-series rates; Anthropic's pricing
 * page (platform.claude.com/docs/en/about-claude/pricing); DeepSeek's V3.2 pricing. Models without a
 * known price (gpt-5.6-*) are left out and priced through `pricing:` in the config.
 */
export const defaultPrices: Readonly<Record<string, Readonly<Record<string, Price>>>> = {
  openai: {
    'gpt-5.5': openAI(5, 0.5, 30),
    'gpt-5.4': openAI(2.5, 0.25, 15),
    'gpt-5.4-mini': openAI(0.75, 0.075, 4.5),
    'gpt-5.4-nano': openAI(0.2, 0.02, 1.25),
    'gpt-5': openAI(1.25, 0.125, 10),
    'gpt-5-mini': openAI(0.25, 0.025, 2),
    'gpt-5-nano': openAI(0.05, 0.005, 0.4),
    'gpt-4.1': openAI(2, 0.5, 8),
    'gpt-4.1-mini': openAI(0.4, 0.1, 1.6),
    'gpt-4.1-nano': openAI(0.1, 0.025, 0.4),
    'gpt-4o': openAI(2.5, 1.25, 10),
    'gpt-4o-mini': openAI(0.15, 0.075, 0.6),
    o3: openAI(2, 0.5, 8),
    'o4-mini': openAI(1.1, 0.275, 4.4),
    'text-embedding-3-small': openAI(0.02, 0.02, 0),
    'text-embedding-3-large': openAI(0.13, 0.13, 0),
  },
  anthropic: {
    'claude-opus-4-7': anthropic(5, 25),
    'claude-opus-4-6': anthropic(5, 25),
    'claude-opus-4-5': anthropic(5, 25),
    'claude-opus-4-1': anthropic(15, 75),
    'claude-sonnet-4-6': anthropic(3, 15),
    'claude-sonnet-4-5': anthropic(3, 15),
    'claude-haiku-4-5': anthropic(1, 5),
  },
  deepseek: {
    'deepseek-chat': { input: 0.28, output: 0.42, cachedInput: 0.028, cacheWrite: 0.28 },
    'deepseek-reasoner': { input: 0.28, output: 0.42, cachedInput: 0.028, cacheWrite: 0.28 },
  },
};
