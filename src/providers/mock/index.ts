import type { ProviderDefinition } from '../provider-definition.ts';
import { MockProvider } from './mock-provider.ts';

/** The offline echo provider; always configured. */
export const mockProvider: ProviderDefinition = {
  type: 'mock',
  displayName: 'Mock (offline echo)',
  quirks: 'no network: echoes the prompt; for tests and trials',
  apiKeyEnv: undefined,
  baseUrlEnv: undefined,
  defaultBaseUrl: 'mock://local',
  wireFormat: undefined,
  modelPrefixes: [],
  knownModels: ['echo'],
  create: (settings) => new MockProvider(settings.name),
};
