import { randomBytes } from 'node:crypto';

const signatureMarker = '__ts_';

/**
 * Gemini 3 rejects a follow-up turn whose function calls lack the `thoughtSignature` they came with,
 * and callers in other formats carry nothing back but the tool call's id. So the signature travels
 * inside the id the caller sees (`call_<random>__ts_<signature, base64url>`), which OpenAI and
 * Anthropic clients return unchanged; ids stay within `[A-Za-z0-9_-]`.
 */
export function toolCallIdWithSignature(signature: string | undefined): string {
  const base = `call_${randomBytes(9).toString('base64url')}`;
  return signature === undefined
    ? base
    : `${base}${signatureMarker}${Buffer.from(signature, 'base64').toString('base64url')}`;
}

/** The `thoughtSignature` an id carries (standard base64, as Gemini sent it), if any. */
export function signatureFromToolCallId(id: string): string | undefined {
  const at = id.indexOf(signatureMarker);
  if (at === -1) return undefined;
  return Buffer.from(id.slice(at + signatureMarker.length), 'base64url').toString('base64');
}
