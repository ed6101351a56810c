import type { ProviderDefinition } from './provider-definition.ts';
import { providerDefinitions } from './registry.ts';

function keyCell(definition: ProviderDefinition): string {
  if (definition.apiKeyEnv === undefined) return 'none';
  return definition.apiKeyOptional === true ? `\`${definition.apiKeyEnv}\` (optional)` : `\`${definition.apiKeyEnv}\``;
}

function baseUrlCell(definition: ProviderDefinition): string {
  const variable = definition.baseUrlEnv === undefined ? '' : `\`${definition.baseUrlEnv}\``;
  const fallback =
    definition.defaultBaseUrl === ''
      ? 'required'
      : definition.localServer === true
        ? `off until set or named in the config; then ${definition.defaultBaseUrl}`
        : definition.defaultBaseUrl;
  return variable === '' ? fallback : `${variable} (${fallback})`;
}

/**
 * The README's provider table, from the registry: one row per provider type, with its key and base
 * URL variables and what departs from its wire format. A test keeps README.md in step with it.
 */
export function renderProvidersTable(definitions: readonly ProviderDefinition[] = providerDefinitions): string {
  const rows = definitions.map(
    (definition) =>
      `| \`${definition.type}\` | ${definition.displayName} | ${keyCell(definition)} | ${baseUrlCell(definition)} | ${definition.quirks ?? ''} |`,
  );
  return ['| type | provider | key | base URL (default) | notes |', '| --- | --- | --- | --- | --- |', ...rows].join(
    '\n',
  );
}
