import { anthropicProvider } from './anthropic/index.ts';
import { azureOpenAIProvider } from './azure/index.ts';
import { bedrockProvider } from './bedrock/index.ts';
import { deepSeekProvider } from './deepseek/index.ts';
import { geminiProvider } from './gemini/index.ts';
import { mockProvider } from './mock/index.ts';
import { openAIProvider } from './openai/index.ts';
import { genericOpenAICompatibleProvider, presetDefinitions } from './presets/openai-compatible-presets.ts';
import type { ProviderDefinition } from './provider-definition.ts';

/**
 * Every provider type the gateway knows. Adding a provider is one folder under `src/providers/` and
 * one line here.
 */
export const providerDefinitions: readonly ProviderDefinition[] = [
  openAIProvider,
  anthropicProvider,
  deepSeekProvider,
  geminiProvider,
  bedrockProvider,
  azureOpenAIProvider,
  ...presetDefinitions,
  genericOpenAICompatibleProvider,
  mockProvider,
];

/** The definition for a type name (case-insensitive), or undefined. */
export function findProviderDefinition(type: string): ProviderDefinition | undefined {
  const wanted = type.toLowerCase();
  return providerDefinitions.find((definition) => definition.type === wanted);
}
