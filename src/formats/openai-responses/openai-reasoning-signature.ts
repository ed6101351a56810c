/**
 * OpenAI reasoning read through another API: a reasoning item's `id` and `encrypted_content` travel as
 * the canonical reasoning part's `signature` (what Anthropic-format and Chat callers carry back), and
 * become the reasoning item again on the next turn to a Responses upstream.
 */
const prefix = 'openai-reasoning.';

export function signatureOfReasoningItem(id: string, encrypted: string): string {
  return `${prefix}${Buffer.from(JSON.stringify({ id, e: encrypted }), 'utf8').toString('base64url')}`;
}

/** The reasoning item a signature carries, or undefined when it is another provider's signature. */
export function reasoningItemOfSignature(signature: string): { id: string; encrypted: string } | undefined {
  if (!signature.startsWith(prefix)) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(signature.slice(prefix.length), 'base64url').toString('utf8'));
    if (typeof value !== 'object' || value === null || !('id' in value) || !('e' in value)) return undefined;
    const { id, e } = value;
    return typeof id === 'string' && typeof e === 'string' ? { id, encrypted: e } : undefined;
  } catch {
    return undefined;
  }
}
