import { GatewayError } from '../errors/gateway-error.ts';
import type { Provider } from '../providers/provider.ts';
import type { ProviderDefinition, ProviderSettings } from '../providers/provider-definition.ts';
import { findProviderDefinition } from '../providers/registry.ts';
import type { UpstreamPools } from '../providers/shared/upstream-pools.ts';

interface Entry {
  settings: ProviderSettings;
  definition: ProviderDefinition;
  /** Built at startup when configured; undefined when the API key is missing. */
  instance: Provider | undefined;
}

/**
 * The provider instances of this gateway, built once at startup from config. Looks providers up by
 * name, case-insensitively, and says precisely why one cannot be used.
 */
export class ProviderDirectory {
  readonly #entries = new Map<string, Entry>();

  constructor(settings: readonly ProviderSettings[], pools: UpstreamPools) {
    for (const item of settings) {
      const definition = findProviderDefinition(item.type);
      if (definition === undefined) throw new Error(`no provider definition for type ${item.type}`);
      const keyed =
        definition.apiKeyEnv === undefined || definition.apiKeyOptional === true || item.apiKey !== undefined;
      const configured =
        definition.isConfigured?.(item) ?? (keyed && (definition.requiresBaseUrl !== true || item.baseUrl !== ''));
      this.#entries.set(item.name, {
        settings: item,
        definition,
        instance: configured ? definition.create(item, { pools }) : undefined,
      });
    }
  }

  /** Every instance name, sorted. */
  names(): string[] {
    return [...this.#entries.keys()].sort();
  }

  /** Configured instances, in config order. */
  configured(): Provider[] {
    return [...this.#entries.values()].flatMap((entry) => (entry.instance === undefined ? [] : [entry.instance]));
  }

  /** `provider/model` for every known model of every configured instance, for model listings. */
  catalog(): Array<{ provider: string; model: string }> {
    return [...this.#entries.values()].flatMap((entry) =>
      entry.instance === undefined
        ? []
        : entry.definition.knownModels.map((model) => ({ provider: entry.settings.name, model })),
    );
  }

  /** Instance names whose definition claims bare model names with these prefixes, configured first. */
  ownerOfModel(model: string): Provider | undefined {
    for (const entry of this.#entries.values()) {
      if (entry.instance === undefined) continue;
      if (entry.definition.modelPrefixes.some((prefix) => model.startsWith(prefix))) return entry.instance;
    }
    return undefined;
  }

  /** The settings of an instance, for its timeouts. */
  settings(name: string): ProviderSettings | undefined {
    return this.#entries.get(name.toLowerCase())?.settings;
  }

  has(name: string): boolean {
    return this.#entries.has(name.toLowerCase());
  }

  /** The named instance; throws `unknown_provider` (400) or `provider_not_configured` (500). */
  get(name: string): Provider {
    const entry = this.#entries.get(name.toLowerCase());
    if (entry === undefined) {
      throw new GatewayError(
        'unknown_provider',
        `Unknown provider '${name}'. Available providers: ${this.names().join(', ')}.`,
        { param: 'provider' },
      );
    }
    if (entry.instance === undefined) throw notConfigured(entry);
    return entry.instance;
  }
}

function notConfigured(entry: Entry): GatewayError {
  const { settings, definition } = entry;
  if (definition.missingSetting !== undefined)
    return new GatewayError(
      'provider_not_configured',
      `Provider '${settings.name}' is not configured: set ${definition.missingSetting}.`,
    );
  if (definition.requiresBaseUrl === true && settings.baseUrl === '') {
    const where =
      settings.name === definition.type && definition.baseUrlEnv !== undefined
        ? `${definition.baseUrlEnv} (or providers.${settings.name}.base_url in the config file)`
        : `providers.${settings.name}.base_url in the config file`;
    return new GatewayError('provider_not_configured', `Provider '${settings.name}' is not configured: set ${where}.`);
  }
  const where =
    settings.name === definition.type && definition.apiKeyEnv !== undefined
      ? definition.apiKeyEnv
      : `providers.${settings.name}.api_key in the config file`;
  return new GatewayError('provider_not_configured', `Provider '${settings.name}' is not configured: set ${where}.`);
}
