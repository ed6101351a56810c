import type { ModelAlias } from '../config/gateway-config.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import type { Provider } from '../providers/provider.ts';
import type { ProviderDirectory } from './provider-directory.ts';

/** Where a public model name leads: a provider instance and the model id to send it. */
export interface ResolvedModel {
  provider: Provider;
  upstreamModel: string;
  /** Output-token cap from the alias, if one is set. */
  maxOutputTokens: number | undefined;
}

/**
 * Resolves model names, in order: a configured alias; `provider/model` (split at the first `/`,
 * provider case-insensitive); a bare name whose prefix a configured provider claims (`gpt-…`, `claude-…`).
 */
export class ModelResolver {
  readonly #aliases: ReadonlyMap<string, ModelAlias>;
  readonly #providers: ProviderDirectory;

  constructor(aliases: readonly ModelAlias[], providers: ProviderDirectory) {
    this.#aliases = new Map(aliases.map((alias) => [alias.name, alias]));
    this.#providers = providers;
  }

  aliases(): ModelAlias[] {
    return [...this.#aliases.values()];
  }

  resolve(model: string): ResolvedModel {
    const alias = this.#aliases.get(model);
    if (alias !== undefined) {
      return {
        provider: this.#providers.get(alias.provider),
        upstreamModel: alias.model,
        maxOutputTokens: alias.maxOutputTokens,
      };
    }
    const slash = model.indexOf('/');
    if (slash > 0 && slash < model.length - 1 && this.#providers.has(model.slice(0, slash))) {
      return {
        provider: this.#providers.get(model.slice(0, slash)),
        upstreamModel: model.slice(slash + 1),
        maxOutputTokens: undefined,
      };
    }
    const owner = slash === -1 ? this.#providers.ownerOfModel(model) : undefined;
    if (owner !== undefined) return { provider: owner, upstreamModel: model, maxOutputTokens: undefined };
    throw new GatewayError(
      'model_not_found',
      `The model '${model}' does not exist: use a configured alias or 'provider/model' with one of the providers ${this.#providers.names().join(', ')}.`,
      { param: 'model' },
    );
  }

  /** The seed's `/chat` form: an explicit provider name and upstream model. */
  resolveExplicit(providerName: string, model: string): ResolvedModel {
    return { provider: this.#providers.get(providerName), upstreamModel: model, maxOutputTokens: undefined };
  }
}
