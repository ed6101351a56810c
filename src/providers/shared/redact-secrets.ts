/**
 * Replaces every occurrence of a secret in `text` with `[redacted]`. Upstream error messages sometimes
 * echo part of the key they were sent; nothing an upstream says reaches a caller or a log unscrubbed.
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) {
    if (secret.length >= 8 && result.includes(secret)) result = result.split(secret).join('[redacted]');
  }
  return result;
}
