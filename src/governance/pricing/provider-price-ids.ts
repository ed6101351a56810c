/**
 * The `@pydantic/genai-prices` provider id of each provider type whose list prices it keeps. Types absent
 * here (local servers, `openai-compatible`, `mock`) have no list price: price them under `pricing:`.
 * @see https://github.com/pydantic/genai-prices/tree/main/prices/providers
 */
export const providerPriceIds: Readonly<Record<string, string>> = {
  openai: 'openai',
  azure: 'azure',
  anthropic: 'anthropic',
  bedrock: 'aws',
  gemini: 'google',
  deepseek: 'deepseek',
  groq: 'groq',
  mistral: 'mistral',
  xai: 'x-ai',
  openrouter: 'openrouter',
  together: 'together',
  fireworks: 'fireworks',
  cerebras: 'cerebras',
  perplexity: 'perplexity',
};
