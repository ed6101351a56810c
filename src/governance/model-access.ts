import type { ModelGroup } from '../gateway/model-group.ts';

/**
 * Whether a key's `models` list admits a request: an exact model name (alias or `provider/model`, the
 * provider in any case, as routing takes it), `*`, or a `provider/*` pattern that every target of the
 * resolved group matches.
 */
export function isModelAllowed(allowed: readonly string[] | null, requested: string, group: ModelGroup): boolean {
  if (allowed === null) return true;
  if (allowed.includes('*') || allowed.includes(requested)) return true;
  const canonical = canonicalName(requested, group);
  if (canonical !== requested && allowed.includes(canonical)) return true;
  const patterns = allowed.filter((entry) => entry.endsWith('/*')).map((entry) => entry.slice(0, -1).toLowerCase());
  if (patterns.length === 0) return false;
  return group.targets.every((target) =>
    patterns.some((pattern) => `${target.provider}/${target.model}`.startsWith(pattern)),
  );
}

/**
 * `OpenAI/gpt-4o` as `openai/gpt-4o` when it names the group's one target: provider names are
 * case-insensitive (as `/chat`'s `provider` always was), model ids are not.
 */
function canonicalName(requested: string, group: ModelGroup): string {
  const [target] = group.targets;
  if (target === undefined || group.targets.length !== 1) return requested;
  const { provider, model } = target;
  const named =
    requested.length === provider.length + 1 + model.length &&
    requested.charAt(provider.length) === '/' &&
    requested.endsWith(model) &&
    requested.slice(0, provider.length).toLowerCase() === provider;
  return named ? `${provider}/${model}` : requested;
}
