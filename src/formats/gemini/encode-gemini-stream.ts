import type { StreamPart } from '../internal/stream-part.ts';
import { encodeGeminiUsage } from './encode-gemini-usage.ts';
import { functionCallArgs } from './function-call-args.ts';
import type { GeminiPart } from './gemini-api.ts';
import { mapFinishReasonToGemini } from './map-finish-reason-to-gemini.ts';

/** An error chunk's body, `{error: {code, message, status}}`, built by the HTTP layer's error renderer. */
export type GeminiStreamErrorBody = (error: Extract<StreamPart, { type: 'error' }>['error']) => Record<string, unknown>;

/**
 * Canonical stream parts → Gemini `GenerateContentResponse` chunks (each a whole response object with
 * the new parts). Text and thoughts go out as they arrive; a function call goes out whole once its
 * arguments are complete (Gemini never splits one); the last chunk carries `finishReason` and the
 * usage. An error ends the stream with an `{error}` chunk. Framing (SSE or a JSON array) is the
 * caller's.
 * @see https://ai.google.dev/api/generate-content#method:-models.streamgeneratecontent
 */
export class GeminiStreamEncoder {
  readonly #renderError: GeminiStreamErrorBody;
  #model: string;
  #id = '';
  readonly #calls = new Map<number, { id: string; name: string; arguments: string }>();

  constructor(options: { model: string; renderError: GeminiStreamErrorBody }) {
    this.#model = options.model;
    this.#renderError = options.renderError;
  }

  /** The chunk for one part, or undefined when it adds nothing a Gemini caller sees. */
  encode(part: StreamPart): Record<string, unknown> | undefined {
    switch (part.type) {
      case 'message-start':
        this.#id = part.id;
        if (part.model !== '') this.#model = part.model;
        return undefined;
      case 'text-delta':
        return part.text === '' ? undefined : this.#chunk([{ text: part.text }]);
      case 'reasoning-delta':
        return part.text === '' ? undefined : this.#chunk([{ text: part.text, thought: true }]);
      case 'tool-call-start':
        this.#calls.set(part.index, { id: part.id, name: part.name, arguments: '' });
        return undefined;
      case 'tool-call-delta': {
        const call = this.#calls.get(part.index);
        if (call !== undefined) call.arguments += part.argumentsDelta;
        return undefined;
      }
      case 'tool-call-end': {
        const call = this.#calls.get(part.index);
        if (call === undefined) return undefined;
        this.#calls.delete(part.index);
        return this.#chunk([
          { functionCall: { id: call.id, name: call.name, args: functionCallArgs(call.arguments) } },
        ]);
      }
      case 'finish':
        return this.#chunk([], {
          finishReason: mapFinishReasonToGemini(part.finishReason),
          usageMetadata: encodeGeminiUsage(part.usage),
        });
      case 'error':
        return this.#renderError(part.error);
      default:
        return undefined;
    }
  }

  #chunk(parts: GeminiPart[], end?: { finishReason: string; usageMetadata: object }): Record<string, unknown> {
    const candidate: Record<string, unknown> = { content: { role: 'model', parts }, index: 0 };
    if (end !== undefined) candidate['finishReason'] = end.finishReason;
    return {
      candidates: [candidate],
      ...(end === undefined ? {} : { usageMetadata: end.usageMetadata }),
      modelVersion: this.#model,
      responseId: this.#id,
    };
  }
}
