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

/** A body for the log: cut to `maxLoggedBodyChars`, then every sensitive match replaced by `[redacted]`. */
export function redactForLog(text: string): string {
  let out = text.length > maxLoggedBodyChars ? `${text.slice(0, maxLoggedBodyChars)}…[truncated]` : text;
  for (const pattern of sensitive) out = out.replace(pattern, '[redacted]');
  return out;
}
