import type { ProviderDefinition } from '../provider-definition.ts';
import { AnthropicProvider } from './anthropic-provider.ts';

/** Anthropic Messages and token counting. */
export const anthropicProvider: ProviderDefinition = {
  type: 'anthropic',
  displayName: 'Anthropic',
  quirks: 'Anthropic Messages (same-format calls passed through); `count_tokens`; no embeddings',
  apiKeyEnv: 'ANTHROPIC_API_KEY',
  baseUrlEnv: 'ANTHROPIC_BASE_URL',
  defaultBaseUrl: 'https://api.anthropic.com',
  wireFormat: 'anthropic-messages',
  modelPrefixes: ['claude-'],
  knownModels: [
    'claude-opus-4-7',
    'claude-opus-4-6',
    'claude-sonnet-4-6',
    'claude-haiku-4-5',
    'claude-opus-4-5',
    'claude-sonnet-4-5',
  ],
  create: (settings, dependencies) => new AnthropicProvider(settings, dependencies),
};
