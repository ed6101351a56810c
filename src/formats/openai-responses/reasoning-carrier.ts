/**
 * Reasoning carried across turns without a server-side store: an Anthropic thinking block's text and
 * signature (or a redacted block's data) travel to the caller inside the reasoning item's
 * `encrypted_content`, and come back on the next turn exactly. The prefix tells our own payloads
 * apart from OpenAI's opaque ones, which only OpenAI can read.
 * (Gemini's `thoughtSignature` travels in the call id, where the Gemini provider puts it.)
 */
/** Marks the gateway's own `encrypted_content`. */
export const carriedReasoningPrefix = 'llmproxy.r1.';
const prefix = carriedReasoningPrefix;

export type CarriedReasoning =
  | { kind: 'thinking'; text: string; signature: string }
  | { kind: 'redacted'; data: string };

/** The `encrypted_content` for reasoning a target returned. */
export function encodeCarriedReasoning(reasoning: CarriedReasoning): string {
  const payload = reasoning.kind === 'thinking' ? { t: reasoning.text, s: reasoning.signature } : { r: reasoning.data };
  return prefix + Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
}

/** The reasoning an `encrypted_content` carries, or undefined when it is not ours (OpenAI's own). */
export function decodeCarriedReasoning(encrypted: string): CarriedReasoning | undefined {
  if (!encrypted.startsWith(prefix)) return undefined;
  try {
    const payload: unknown = JSON.parse(Buffer.from(encrypted.slice(prefix.length), 'base64url').toString('utf8'));
    if (typeof payload !== 'object' || payload === null) return undefined;
    const { t, s, r } = payload as { t?: unknown; s?: unknown; r?: unknown };
    if (typeof t === 'string' && typeof s === 'string') return { kind: 'thinking', text: t, signature: s };
    if (typeof r === 'string') return { kind: 'redacted', data: r };
    return undefined;
  } catch {
    return undefined;
  }
}
