import { OpenAICompatibleProvider } from '../openai-compatible/openai-compatible-provider.ts';
import { openAIQuirks } from '../openai-compatible/openai-compatible-quirks.ts';
import type { ProviderDefinition } from '../provider-definition.ts';

/** OpenAI Chat Completions and Embeddings. */
export const openAIProvider: ProviderDefinition = {
  type: 'openai',
  displayName: 'OpenAI',
  apiKeyEnv: 'OPENAI_API_KEY',
  baseUrlEnv: 'OPENAI_BASE_URL',
  defaultBaseUrl: 'https://api.openai.com/v1',
  wireFormat: 'openai-chat',
  modelPrefixes: ['gpt-', 'chatgpt-', 'o1', 'o3', 'o4', 'text-embedding-'],
  create: (settings, dependencies) => new OpenAICompatibleProvider(settings, dependencies, openAIQuirks),
};
