import { OpenAICompatibleProvider } from '../openai-compatible/openai-compatible-provider.ts';
import type { ProviderDefinition } from '../provider-definition.ts';

/** DeepSeek: OpenAI-compatible, with the older `max_tokens` field and no `reasoning_effort`. */
export const deepSeekProvider: ProviderDefinition = {
  type: 'deepseek',
  displayName: 'DeepSeek',
  quirks: '`max_tokens`; no `reasoning_effort`',
  apiKeyEnv: 'DEEPSEEK_API_KEY',
  baseUrlEnv: 'DEEPSEEK_BASE_URL',
  defaultBaseUrl: 'https://api.deepseek.com',
  wireFormat: 'openai-chat',
  modelPrefixes: ['deepseek-'],
  knownModels: ['deepseek-chat', 'deepseek-reasoner'],
  create: (settings, dependencies) =>
    new OpenAICompatibleProvider(settings, dependencies, {
      maxTokensField: 'max_tokens',
      supportsStreamUsage: true,
      acceptsReasoningEffort: () => false,
    }),
};
