import { OpenAICompatibleProvider } from '../openai-compatible/openai-compatible-provider.ts';
import { type OpenAICompatibleQuirks, openAIQuirks } from '../openai-compatible/openai-compatible-quirks.ts';
import type { ProviderDefinition } from '../provider-definition.ts';

/**
 * Azure OpenAI, in its two URL forms, both with the `api-key` header:
 * - v1 (`api_version` unset): base URL `https://RESOURCE.openai.azure.com/openai/v1`, the model in the
 *   body, OpenAI's own paths;
 * - deployment (`api_version` set, e.g. `2024-10-21`): base URL `https://RESOURCE.openai.azure.com/openai`,
 *   the model name is the deployment: `/deployments/{model}/chat/completions?api-version=…`.
 */
export const azureOpenAIProvider: ProviderDefinition = {
  type: 'azure',
  displayName: 'Azure OpenAI',
  apiKeyEnv: 'AZURE_OPENAI_API_KEY',
  baseUrlEnv: 'AZURE_OPENAI_BASE_URL',
  apiVersionEnv: 'AZURE_OPENAI_API_VERSION',
  defaultBaseUrl: '',
  requiresBaseUrl: true,
  wireFormat: 'openai-chat',
  modelPrefixes: [],
  knownModels: [],
  quirks: '`api-key` header; the deployment URL form when `api_version` is set',
  create: (settings, dependencies) => {
    const apiVersion = settings.apiVersion;
    const quirks: OpenAICompatibleQuirks = {
      ...openAIQuirks,
      authHeaders: (apiKey) => ({ 'api-key': apiKey }),
      ...(apiVersion === undefined
        ? {}
        : {
            // The deployment form has no Responses path; Responses calls are translated to Chat there.
            operations: ['chat', 'embeddings'] as const,
            pathFor: (operation, model) =>
              `/deployments/${encodeURIComponent(model)}/${operation === 'chat' ? 'chat/completions' : 'embeddings'}?api-version=${encodeURIComponent(apiVersion)}`,
          }),
    };
    return new OpenAICompatibleProvider(settings, dependencies, quirks);
  },
};
