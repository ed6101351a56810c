import type { ProviderDefinition } from '../provider-definition.ts';
import { BedrockProvider } from './bedrock-provider.ts';

/** AWS Bedrock Runtime (Converse). The model name is the Bedrock model or inference-profile id. */
export const bedrockProvider: ProviderDefinition = {
  type: 'bedrock',
  displayName: 'AWS Bedrock (Converse)',
  quirks:
    'SigV4 from `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`[/`AWS_SESSION_TOKEN`] and `AWS_REGION`; tool ids fitted to 64 `[a-zA-Z0-9_-]`; no embeddings',
  apiKeyEnv: 'AWS_BEARER_TOKEN_BEDROCK',
  apiKeyOptional: true,
  baseUrlEnv: 'BEDROCK_BASE_URL',
  defaultBaseUrl: '',
  readsEnv: ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'],
  isConfigured: (settings) =>
    settings.apiKey !== undefined ||
    (settings.env?.['AWS_ACCESS_KEY_ID'] !== undefined && settings.env['AWS_SECRET_ACCESS_KEY'] !== undefined),
  missingSetting: 'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_REGION), or AWS_BEARER_TOKEN_BEDROCK',
  wireFormat: undefined,
  modelPrefixes: ['anthropic.', 'us.', 'eu.', 'apac.', 'amazon.', 'meta.', 'mistral.'],
  knownModels: [],
  create: (settings, dependencies) => new BedrockProvider(settings, dependencies),
};
