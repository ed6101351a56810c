/**
 * The wire formats the gateway speaks on either side. A provider whose native format equals the
 * caller's takes the passthrough path: the body is forwarded with only `model` rewritten.
 */
export type WireFormat = 'openai-chat' | 'openai-responses' | 'anthropic-messages' | 'gemini';
