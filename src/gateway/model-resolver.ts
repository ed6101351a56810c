import type { ModelGroupConfig, RoutingPolicy } from '../config/gateway-config.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import type { Provider } from '../providers/provider.ts';
import { type ModelGroup, routeTarget } from './model-group.ts';
import type { ProviderDirectory } from './provider-directory.ts';

/** Where one attempt goes: a provider instance and the model id to send it. */
export interface ResolvedModel {
  provider: Provider;
  upstreamModel: string;
  /** Output-token cap of the target, if one is set. */
  maxOutputTokens: number | undefined;
}

/**
 * Resolves model names to groups, in order: a configured group or alias; `provider/model` (split at the
 * first `/`, provider case-insensitive); a bare name whose prefix a configured provider claims
 * (`gpt-…`, `claude-…`). The last two are groups of one target with the default policy.
 */
export class ModelResolver {
  readonly #groups: ReadonlyMap<string, ModelGroup>;
  readonly #providers: ProviderDirectory;
  readonly #routing: RoutingPolicy;
  /** Groups made for `provider/model` and bare names, kept: each name is resolved twice per request. */
  readonly #adHoc = new Map<string, ModelGroup>();

  constructor(groups: readonly ModelGroupConfig[], providers: ProviderDirectory, routing: RoutingPolicy) {
    this.#groups = new Map(groups.map((group) => [group.name, { ...group, targets: group.targets.map(routeTarget) }]));
    this.#providers = providers;
    this.#routing = routing;
  }

  /** Configured groups, for model listings. */
  groups(): ModelGroup[] {
    return [...this.#groups.values()];
  }

  resolve(model: string): ModelGroup {
    // A name resolved before is answered from the ad-hoc cache without slicing it again (every request
    // resolves its model twice: for admission and for routing).
    const group = this.#groups.get(model) ?? this.#adHoc.get(model);
    if (group !== undefined) return group;
    const slash = model.indexOf('/');
    if (slash > 0 && slash < model.length - 1 && this.#providers.has(model.slice(0, slash))) {
      return this.#single(model, model.slice(0, slash).toLowerCase(), model.slice(slash + 1));
    }
    const owner = slash === -1 ? this.#providers.ownerOfModel(model) : undefined;
    if (owner !== undefined) return this.#single(model, owner.name, model);
    throw new GatewayError(
      'model_not_found',
      `The model '${model}' does not exist: use a configured alias or 'provider/model' with one of the providers ${this.#providers.names().join(', ')}.`,
      { param: 'model' },
    );
  }

  /** The seed's `/chat` form: an explicit provider name and upstream model. */
  resolveExplicit(providerName: string, model: string): ModelGroup {
    this.#providers.get(providerName);
    return this.#single(`${providerName}/${model}`, providerName.toLowerCase(), model);
  }

  /** The attempt's provider instance (throws `provider_not_configured` for a target without its key). */
  provider(name: string): Provider {
    return this.#providers.get(name);
  }

  #single(name: string, provider: string, model: string): ModelGroup {
    const cached = this.#adHoc.get(name);
    if (cached !== undefined) return cached;
    const group: ModelGroup = {
      name,
      targets: [
        routeTarget({ provider, model, weight: 1, maxOutputTokens: undefined, timeouts: undefined, params: undefined }),
      ],
      strategy: this.#routing.strategy,
      retries: this.#routing.retries,
      fallbacks: [],
      contextWindowFallbacks: [],
      rpmLimit: null,
      tpmLimit: null,
    };
    // Bounded: names come from callers.
    if (this.#adHoc.size >= 10_000) this.#adHoc.clear();
    this.#adHoc.set(name, group);
    return group;
  }
}
