import type { ModelGroup } from '../gateway/model-group.ts';

/**
 * Whether a key's `models` list admits a request: an exact model name (alias or `provider/model`),
 * `*`, or a `provider/*` pattern that every target of the resolved group matches.
 */
export function isModelAllowed(allowed: readonly string[] | null, requested: string, group: ModelGroup): boolean {
  if (allowed === null) return true;
  if (allowed.includes('*') || allowed.includes(requested)) return true;
  const patterns = allowed.filter((entry) => entry.endsWith('/*')).map((entry) => entry.slice(0, -1).toLowerCase());
  if (patterns.length === 0) return false;
  return group.targets.every((target) =>
    patterns.some((pattern) => `${target.provider}/${target.model}`.startsWith(pattern)),
  );
}
