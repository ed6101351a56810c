import { OpenAICompatibleProvider } from '../openai-compatible/openai-compatible-provider.ts';
import { openAIQuirks } from '../openai-compatible/openai-compatible-quirks.ts';
import type { ProviderDefinition } from '../provider-definition.ts';

/** OpenAI Chat Completions and Embeddings. */
export const openAIProvider: ProviderDefinition = {
  type: 'openai',
  displayName: 'OpenAI',
  quirks: 'the reference; same-format calls passed through untouched but for `model`',
  apiKeyEnv: 'OPENAI_API_KEY',
  baseUrlEnv: 'OPENAI_BASE_URL',
  defaultBaseUrl: 'https://api.openai.com/v1',
  wireFormat: 'openai-chat',
  modelPrefixes: ['gpt-', 'chatgpt-', 'o1', 'o3', 'o4', 'text-embedding-'],
  knownModels: [
    'gpt-5.6-sol',
    'gpt-5.6-terra',
    'gpt-5.6-luna',
    'gpt-5.5',
    'gpt-5.4',
    'gpt-5.4-mini',
    'gpt-5.4-nano',
    'gpt-4.1',
    'gpt-4.1-mini',
    'gpt-4o',
    'gpt-4o-mini',
    'o3',
    'o4-mini',
    'text-embedding-3-small',
    'text-embedding-3-large',
  ],
  create: (settings, dependencies) => new OpenAICompatibleProvider(settings, dependencies, openAIQuirks),
};
