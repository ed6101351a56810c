const invalidToolIdCharacters = /[^a-zA-Z0-9_-]/g;

/**
 * Anthropic tool ids must match `^[a-zA-Z0-9_-]+$`; ids from other providers may hold `.` or `:`.
 * The mapping is deterministic, so the id a caller sends back maps to the same value again.
 */
export function sanitizeToolId(id: string): string {
  const sanitized = id.replace(invalidToolIdCharacters, '_');
  return sanitized === '' ? 'tool' : sanitized;
}
