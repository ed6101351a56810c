import type { ProviderSettings } from '../providers/provider-definition.ts';
import { findProviderDefinition } from '../providers/registry.ts';

/**
 * Which providers can serve a call, for the start-up line: a provider needs its key (when its type has
 * one) and an address — a local server (Ollama, vLLM, LM Studio) or the generic OpenAI-compatible type
 * with no base URL configured has none, and is listed as not configured.
 */
export function providerReadiness(providers: readonly ProviderSettings[]): {
  configured: string[];
  notConfigured: string[];
} {
  const configured: string[] = [];
  const notConfigured: string[] = [];
  for (const settings of providers) {
    const keyEnv = findProviderDefinition(settings.type)?.apiKeyEnv;
    const ready = settings.baseUrl !== '' && (keyEnv === undefined || settings.apiKey !== undefined);
    (ready ? configured : notConfigured).push(settings.name);
  }
  return { configured, notConfigured };
}
