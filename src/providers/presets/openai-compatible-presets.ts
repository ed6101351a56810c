import { OpenAICompatibleProvider } from '../openai-compatible/openai-compatible-provider.ts';
import type { OpenAICompatibleQuirks } from '../openai-compatible/openai-compatible-quirks.ts';
import type { ProviderDefinition } from '../provider-definition.ts';

interface Preset {
  type: string;
  displayName: string;
  /** Undefined: no key (local servers); with `keyOptional`, a key is sent when one is set. */
  apiKeyEnv: string | undefined;
  keyOptional?: boolean;
  /** A local server: off until its base URL is set or the config names it (`ProviderDefinition.localServer`). */
  local?: boolean;
  baseUrlEnv: string;
  defaultBaseUrl: string;
  modelPrefixes?: readonly string[];
  quirks: Partial<OpenAICompatibleQuirks>;
}

const never = (): boolean => false;

/** Fields OpenAI documents that most compatible APIs reject with a 400. */
const logprobFields = ['logprobs', 'top_logprobs', 'logit_bias'] as const;

/**
 * OpenAI-compatible APIs: each a base URL, a key variable and its known departures from OpenAI
 * (the output-limit field, whether `stream_options` is accepted, fields it rejects). They differ in
 * data, not code: all run on `OpenAICompatibleProvider`.
 */
const presets: readonly Preset[] = [
  {
    type: 'groq',
    displayName: 'Groq',
    apiKeyEnv: 'GROQ_API_KEY',
    baseUrlEnv: 'GROQ_BASE_URL',
    defaultBaseUrl: 'https://api.groq.com/openai/v1',
    quirks: { rejectedParameters: logprobFields },
  },
  {
    type: 'mistral',
    displayName: 'Mistral',
    apiKeyEnv: 'MISTRAL_API_KEY',
    baseUrlEnv: 'MISTRAL_BASE_URL',
    defaultBaseUrl: 'https://api.mistral.ai/v1',
    modelPrefixes: ['mistral-', 'codestral-', 'magistral-', 'devstral-', 'pixtral-', 'ministral-'],
    quirks: {
      maxTokensField: 'max_tokens',
      supportsStreamUsage: false,
      rejectedParameters: [...logprobFields, 'store', 'metadata', 'service_tier'],
    },
  },
  {
    type: 'xai',
    displayName: 'xAI',
    apiKeyEnv: 'XAI_API_KEY',
    baseUrlEnv: 'XAI_BASE_URL',
    defaultBaseUrl: 'https://api.x.ai/v1',
    modelPrefixes: ['grok-'],
    quirks: { acceptsReasoningEffort: (model) => model.startsWith('grok-3-mini') },
  },
  {
    type: 'openrouter',
    displayName: 'OpenRouter',
    apiKeyEnv: 'OPENROUTER_API_KEY',
    baseUrlEnv: 'OPENROUTER_BASE_URL',
    defaultBaseUrl: 'https://openrouter.ai/api/v1',
    quirks: { maxTokensField: 'max_tokens' },
  },
  {
    type: 'together',
    displayName: 'Together AI',
    apiKeyEnv: 'TOGETHER_API_KEY',
    baseUrlEnv: 'TOGETHER_BASE_URL',
    defaultBaseUrl: 'https://api.together.xyz/v1',
    quirks: { maxTokensField: 'max_tokens', supportsStreamUsage: false },
  },
  {
    type: 'fireworks',
    displayName: 'Fireworks AI',
    apiKeyEnv: 'FIREWORKS_API_KEY',
    baseUrlEnv: 'FIREWORKS_BASE_URL',
    defaultBaseUrl: 'https://api.fireworks.ai/inference/v1',
    quirks: { maxTokensField: 'max_tokens', supportsStreamUsage: false },
  },
  {
    type: 'cerebras',
    displayName: 'Cerebras',
    apiKeyEnv: 'CEREBRAS_API_KEY',
    baseUrlEnv: 'CEREBRAS_BASE_URL',
    defaultBaseUrl: 'https://api.cerebras.ai/v1',
    quirks: {
      supportsStreamUsage: false,
      rejectedParameters: [
        'logit_bias',
        'frequency_penalty',
        'presence_penalty',
        'parallel_tool_calls',
        'service_tier',
      ],
    },
  },
  {
    type: 'perplexity',
    displayName: 'Perplexity',
    apiKeyEnv: 'PERPLEXITY_API_KEY',
    baseUrlEnv: 'PERPLEXITY_BASE_URL',
    defaultBaseUrl: 'https://api.perplexity.ai',
    modelPrefixes: ['sonar'],
    quirks: {
      maxTokensField: 'max_tokens',
      supportsStreamUsage: false,
      rejectedParameters: [...logprobFields, 'n', 'tools', 'tool_choice', 'parallel_tool_calls'],
      operations: ['chat'],
    },
  },
  {
    type: 'deepinfra',
    displayName: 'DeepInfra',
    apiKeyEnv: 'DEEPINFRA_API_KEY',
    baseUrlEnv: 'DEEPINFRA_BASE_URL',
    defaultBaseUrl: 'https://api.deepinfra.com/v1/openai',
    quirks: { maxTokensField: 'max_tokens' },
  },
  {
    type: 'ollama',
    local: true,
    displayName: 'Ollama (local)',
    apiKeyEnv: undefined,
    baseUrlEnv: 'OLLAMA_BASE_URL',
    defaultBaseUrl: 'http://127.0.0.1:11434/v1',
    quirks: { maxTokensField: 'max_tokens' },
  },
  {
    type: 'vllm',
    local: true,
    displayName: 'vLLM (local)',
    apiKeyEnv: 'VLLM_API_KEY',
    keyOptional: true,
    baseUrlEnv: 'VLLM_BASE_URL',
    defaultBaseUrl: 'http://127.0.0.1:8000/v1',
    quirks: { maxTokensField: 'max_tokens' },
  },
  {
    type: 'lmstudio',
    local: true,
    displayName: 'LM Studio (local)',
    apiKeyEnv: undefined,
    baseUrlEnv: 'LMSTUDIO_BASE_URL',
    defaultBaseUrl: 'http://127.0.0.1:1234/v1',
    quirks: { maxTokensField: 'max_tokens', supportsStreamUsage: false },
  },
];

function definitionOf(preset: Preset): ProviderDefinition {
  const quirks: OpenAICompatibleQuirks = {
    maxTokensField: 'max_completion_tokens',
    supportsStreamUsage: true,
    acceptsReasoningEffort: never,
    ...preset.quirks,
  };
  return {
    type: preset.type,
    displayName: preset.displayName,
    apiKeyEnv: preset.apiKeyEnv,
    apiKeyOptional: preset.keyOptional === true,
    baseUrlEnv: preset.baseUrlEnv,
    defaultBaseUrl: preset.defaultBaseUrl,
    ...(preset.local === true ? { localServer: true, requiresBaseUrl: true } : {}),
    wireFormat: 'openai-chat',
    modelPrefixes: preset.modelPrefixes ?? [],
    knownModels: [],
    quirks: describeQuirks(quirks),
    create: (settings, dependencies) => new OpenAICompatibleProvider(settings, dependencies, quirks),
  };
}

/** One line for the README's provider table. */
export function describeQuirks(quirks: OpenAICompatibleQuirks): string {
  const parts: string[] = [];
  if (quirks.maxTokensField === 'max_tokens') parts.push('`max_tokens`');
  if (!quirks.supportsStreamUsage) parts.push('no `stream_options`');
  if (quirks.rejectedParameters !== undefined && quirks.rejectedParameters.length > 0)
    parts.push(`drops ${quirks.rejectedParameters.map((name) => `\`${name}\``).join(', ')}`);
  if (quirks.operations !== undefined && !quirks.operations.includes('embeddings')) parts.push('no embeddings');
  return parts.join('; ');
}

export const presetDefinitions: readonly ProviderDefinition[] = presets.map(definitionOf);

/**
 * `type: openai-compatible`: any server speaking Chat Completions, given its `base_url` (and `api_key`,
 * if it takes one) in the config file. Sends `max_tokens`, the field every such server reads.
 */
export const genericOpenAICompatibleProvider: ProviderDefinition = {
  ...definitionOf({
    type: 'openai-compatible',
    displayName: 'Any OpenAI-compatible server',
    apiKeyEnv: undefined,
    baseUrlEnv: 'OPENAI_COMPATIBLE_BASE_URL',
    defaultBaseUrl: '',
    quirks: { maxTokensField: 'max_tokens' },
  }),
  requiresBaseUrl: true,
};
