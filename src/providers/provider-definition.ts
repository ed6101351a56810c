import type { WireFormat } from '../formats/internal/wire-format.ts';
import type { Provider } from './provider.ts';
import type { UpstreamPools } from './shared/upstream-pools.ts';
import type { UpstreamTimeouts } from './shared/upstream-timeouts.ts';

/** Settings of one provider instance, resolved from env and the YAML config at startup. */
export interface ProviderSettings {
  /** Instance name (lower case). */
  name: string;
  type: string;
  apiKey: string | undefined;
  /** Base URL as the official SDK means it (OpenAI's includes `/v1`, Anthropic's does not). */
  baseUrl: string;
  /** Extra static headers sent on every upstream call. */
  headers: Readonly<Record<string, string>>;
  timeouts: UpstreamTimeouts;
  /** Anthropic only: the `anthropic-version` sent upstream; requests are shaped for it. */
  anthropicVersion: string | undefined;
  /** Azure OpenAI only: an `api-version` selects the deployment URL form; unset, the v1 form. */
  apiVersion?: string | undefined;
  /** AWS only: the region (`region` in the config file, else `AWS_REGION` / `AWS_DEFAULT_REGION`). */
  region?: string | undefined;
  /** The variables the definition's `readsEnv` names, as set (AWS credentials). */
  env?: Readonly<Record<string, string>>;
  /** Output-token limit sent when a caller gives none (required by Anthropic). */
  defaultMaxTokens: number;
  /** OpenAI only: the API translated calls use, Chat Completions (default) or Responses. */
  api?: 'chat' | 'responses' | undefined;
}

export interface ProviderDependencies {
  pools: UpstreamPools;
}

/**
 * A provider type the gateway knows: how to configure it and how to build an instance. The registry
 * (`registry.ts`) lists one per folder under `src/providers/`.
 */
export interface ProviderDefinition {
  type: string;
  displayName: string;
  /** Env var holding the API key (`OPENAI_API_KEY`); undefined for providers that need none. */
  apiKeyEnv: string | undefined;
  baseUrlEnv: string | undefined;
  /** A key is sent when set, but the provider is usable without one (local servers). */
  apiKeyOptional?: boolean;
  /** No usable default: the instance is not configured until a base URL is given. */
  requiresBaseUrl?: boolean;
  /** Env var holding the API version (Azure OpenAI). */
  apiVersionEnv?: string;
  /** More variables this provider reads (AWS credentials), passed in `settings.env`. */
  readsEnv?: readonly string[];
  /** Whether an instance can be used; default: it has its key (when one is required). */
  isConfigured?(settings: ProviderSettings): boolean;
  /** What to set, when `isConfigured` says no. */
  missingSetting?: string;
  defaultBaseUrl: string;
  /** Its departures from the wire format it speaks, in a line (for the README's provider table). */
  quirks?: string;
  wireFormat: WireFormat | undefined;
  /** Bare model names with these prefixes (`gpt-`, `claude-`) are routed here when no alias matches. */
  modelPrefixes: readonly string[];
  /** Current model ids listed by `GET /v1/models` (from the providers' published specs); any id may be used. */
  knownModels: readonly string[];
  create(settings: ProviderSettings, dependencies: ProviderDependencies): Provider;
}
