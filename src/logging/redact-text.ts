/** What body logging never writes: credentials by their well-known shapes, e-mail addresses, card-like numbers. */
const sensitive = [
  /\b(?:sk|rk|pk)-(?:ant-|proj-|llmp-)?[A-Za-z0-9_-]{12,}/g,
  /\bAKIA[0-9A-Z]{16}\b/g,
  /\bAIza[0-9A-Za-z_-]{35}\b/g,
  /\bgh[pousr]_[A-Za-z0-9]{20,}\b/g,
  /\bxox[abprs]-[A-Za-z0-9-]{10,}\b/g,
  /\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\b/g,
  /\bBearer\s+[A-Za-z0-9._~+/=-]{8,}/gi,
  /\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b/g,
  /\b(?:\d[ -]?){13,19}\b/g,
];

/** Largest body kept in a log line; the rest is cut with a marker. */
export const maxLoggedBodyChars = 16 * 1024;

/**
 * How much of a body to keep for redaction: past the cut, so that a secret straddling it is still
 * whole when the patterns run.
 */
export const capturedBodyChars = maxLoggedBodyChars + 512;

/**
 * A body for the log: every sensitive match replaced by `[redacted]`, then cut to `maxLoggedBodyChars`
 * (redacting first, so that the cut cannot leave the head of a secret too short to be recognised).
 * `secrets` are this gateway's own credentials (`configuredSecrets`), redacted by value whatever their
 * shape, as written and as escaped inside a JSON string.
 */
export function redactForLog(text: string, secrets: readonly string[] = []): string {
  let out = text.length > capturedBodyChars ? text.slice(0, capturedBodyChars) : text;
  for (const secret of secrets) {
    if (out.includes(secret)) out = out.replaceAll(secret, '[redacted]');
    const escaped = JSON.stringify(secret).slice(1, -1);
    if (escaped !== secret && out.includes(escaped)) out = out.replaceAll(escaped, '[redacted]');
  }
  for (const pattern of sensitive) out = out.replace(pattern, '[redacted]');
  return out.length > maxLoggedBodyChars ? `${out.slice(0, maxLoggedBodyChars)}…[truncated]` : out;
}
