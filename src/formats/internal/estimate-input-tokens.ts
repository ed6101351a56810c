import type { ChatRequest } from './chat-request.ts';

/** Tokens for an image when its size is unknown (Anthropic bills about 1,600 for a 1.15-megapixel image). */
const imageTokens = 1_600;

/**
 * A cheap estimate of a request's input tokens (four characters a token, images at a flat rate), for
 * places that need a number before the upstream reports one — never for billing.
 */
export function estimateInputTokens(request: ChatRequest): number {
  let characters = 0;
  let images = 0;
  for (const message of request.messages) {
    for (const part of message.content) {
      switch (part.type) {
        case 'text':
        case 'reasoning':
          characters += part.text.length;
          break;
        case 'tool-call':
          characters += part.name.length + part.arguments.length;
          break;
        case 'tool-result':
          characters += typeof part.content === 'string' ? part.content.length : JSON.stringify(part.content).length;
          break;
        case 'image':
          images += 1;
          break;
        default:
          break;
      }
    }
  }
  for (const tool of request.tools ?? [])
    characters += JSON.stringify(tool.inputSchema).length + (tool.description?.length ?? 0);
  return Math.ceil(characters / 4) + images * imageTokens;
}
