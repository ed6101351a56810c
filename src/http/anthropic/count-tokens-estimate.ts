import type { ChatRequest } from '../../formats/internal/chat-request.ts';

/** Tokens per image when its size is unknown; Anthropic bills about 1,600 for a 1.15-megapixel image. */
const imageTokens = 1_600;
/** Framing tokens per message (role and separators), as OpenAI's published counting recipe uses. */
const perMessageTokens = 3;

type CountTokens = (text: string) => number;
let tokenizer: Promise<CountTokens> | undefined;

/**
 * The longest run of non-space (or of space) characters tokenized in one piece. BPE merges within a
 * pre-tokenized word cost time quadratic in the word's length (100,000 characters without a space:
 * 9 s with the event loop frozen); no real word comes near this, so ordinary text counts exactly.
 */
export const maxRunLength = 256;
/** A run at least `maxRunLength` long, split off (the capture keeps it in `split`'s result). */
const longRun = new RegExp(`(\\S{${maxRunLength}}|\\s{${maxRunLength}})`, 'u');

/**
 * Counts `text` in pieces that hold no run longer than `maxRunLength`, so the cost is linear in the
 * text's length; a long run's tokens are counted per piece (a slight overestimate, never more than a
 * token per piece).
 */
export function countInBoundedRuns(text: string, count: CountTokens): number {
  if (text.length < maxRunLength) return count(text);
  let tokens = 0;
  for (const piece of text.split(longRun)) if (piece !== '') tokens += count(piece);
  return tokens;
}

/** The o200k tokenizer, loaded on first use only: its tables cost memory the hot path never needs. */
function loadTokenizer(): Promise<CountTokens> {
  tokenizer ??= import('gpt-tokenizer').then(
    (module) => (text: string) => countInBoundedRuns(text, (piece) => module.countTokens(piece)),
  );
  return tokenizer;
}

/**
 * An offline estimate of a request's input tokens with an OpenAI tokenizer (o200k_base). Other models
 * tokenize differently, so this is documented, and marked in the response, as an estimate.
 */
export async function countTokensEstimate(request: ChatRequest): Promise<number> {
  const count = await loadTokenizer();
  let tokens = 0;
  for (const message of request.messages) {
    tokens += perMessageTokens;
    for (const part of message.content) {
      switch (part.type) {
        case 'text':
        case 'reasoning':
          tokens += count(part.text);
          break;
        case 'tool-call':
          tokens += count(part.name) + count(part.arguments);
          break;
        case 'tool-result':
          tokens += count(typeof part.content === 'string' ? part.content : JSON.stringify(part.content));
          break;
        case 'image':
          tokens += imageTokens;
          break;
        case 'file':
          tokens += part.source.kind === 'text' ? count(part.source.data) : imageTokens;
          break;
        default:
          break;
      }
    }
  }
  for (const tool of request.tools ?? [])
    tokens += count(JSON.stringify({ name: tool.name, description: tool.description, input_schema: tool.inputSchema }));
  return tokens;
}
