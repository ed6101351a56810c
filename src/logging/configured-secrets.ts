import type { GatewayConfig } from '../config/gateway-config.ts';

/**
 * Shorter values are not redacted by value: they would cut ordinary words out of every logged body
 * (the master key has at least 16 characters; provider keys are far longer).
 */
const minSecretChars = 8;

/**
 * The credentials this gateway holds — the master key, the metrics token, every provider's key, the
 * variables a provider reads beyond it (AWS secrets) and its static headers — for body logging to
 * redact by value: a caller who pastes one into a prompt must not find it in the logs, whatever its
 * shape. Longest first, so that a secret containing another is redacted whole.
 */
export function configuredSecrets(config: GatewayConfig): string[] {
  const values = new Set<string>();
  const add = (value: string | undefined): void => {
    if (value !== undefined && value.length >= minSecretChars) values.add(value);
  };
  add(config.governance.masterKey);
  add(config.observability.metricsToken);
  for (const provider of config.providers) {
    add(provider.apiKey);
    for (const value of Object.values(provider.env ?? {})) add(value);
    for (const value of Object.values(provider.headers)) add(value);
  }
  return [...values].sort((left, right) => right.length - left.length);
}
