import type { ProviderDefinition } from '../provider-definition.ts';
import { GeminiProvider } from './gemini-provider.ts';

/** Google Gemini through the Generative Language API. */
export const geminiProvider: ProviderDefinition = {
  type: 'gemini',
  displayName: 'Google Gemini',
  quirks:
    'translated (contents/parts); tool schemas cut to Gemini’s subset; `thoughtSignature` carried in tool-call ids; embeddings via `batchEmbedContents`',
  apiKeyEnv: 'GEMINI_API_KEY',
  baseUrlEnv: 'GEMINI_BASE_URL',
  defaultBaseUrl: 'https://generativelanguage.googleapis.com/v1beta',
  wireFormat: undefined,
  modelPrefixes: ['gemini-'],
  knownModels: [
    'gemini-3-pro-preview',
    'gemini-2.5-pro',
    'gemini-2.5-flash',
    'gemini-2.5-flash-lite',
    'gemini-embedding-001',
  ],
  create: (settings, dependencies) => new GeminiProvider(settings, dependencies),
};
