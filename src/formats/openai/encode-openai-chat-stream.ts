import type { GatewayError } from '../../errors/gateway-error.ts';
import type { StreamPart } from '../internal/stream-part.ts';
import { openAICompletionId } from './encode-openai-chat-response.ts';
import { encodeOpenAIUsage } from './encode-openai-usage.ts';
import { mapFinishReasonToOpenAI } from './map-finish-reason-to-openai.ts';
import { renderOpenAIError } from './render-openai-error.ts';

/**
 * Canonical stream parts → OpenAI `chat.completion.chunk` SSE text. The first chunk carries the role;
 * tool calls carry `id` and `name` in their first delta, then argument fragments under the same
 * `index`; the finish chunk is followed by a usage chunk when the caller asked for one, then
 * `data: [DONE]`. An error becomes `data: {"error": …}` and ends the stream without `[DONE]`.
 * @see https://platform.openai.com/docs/api-reference/chat-streaming
 */
export class OpenAIChatStreamEncoder {
  readonly #includeUsage: boolean;
  readonly #created: number;
  #id = 'chatcmpl-gateway';
  #model: string;
  #started = false;

  constructor(options: { model: string; includeUsage: boolean; created?: number }) {
    this.#created = options.created ?? Math.floor(Date.now() / 1000);
    this.#model = options.model;
    this.#includeUsage = options.includeUsage;
  }

  /** The SSE text for one part; empty when the part has no OpenAI counterpart. */
  encode(part: StreamPart): string {
    switch (part.type) {
      case 'message-start':
        if (part.id !== '') this.#id = openAICompletionId(part.id);
        if (part.model !== '') this.#model = part.model;
        return this.#start();
      case 'text-delta':
        return this.#start() + this.#delta({ content: part.text });
      case 'reasoning-delta':
        return this.#start() + this.#delta({ reasoning_content: part.text });
      case 'tool-call-start':
        return (
          this.#start() +
          this.#delta({
            tool_calls: [
              { index: part.index, id: part.id, type: 'function', function: { name: part.name, arguments: '' } },
            ],
          })
        );
      case 'tool-call-delta':
        return this.#delta({ tool_calls: [{ index: part.index, function: { arguments: part.argumentsDelta } }] });
      case 'finish': {
        let text =
          this.#start() +
          this.#chunk([
            { index: 0, delta: {}, logprobs: null, finish_reason: mapFinishReasonToOpenAI(part.finishReason) },
          ]);
        if (this.#includeUsage) text += this.#chunk([], encodeOpenAIUsage(part.usage));
        return `${text}data: [DONE]\n\n`;
      }
      case 'error':
        return encodeOpenAIStreamError(part.error);
      default:
        return '';
    }
  }

  #start(): string {
    if (this.#started) return '';
    this.#started = true;
    return this.#delta({ role: 'assistant', content: '' });
  }

  #delta(delta: Record<string, unknown>): string {
    return this.#chunk([{ index: 0, delta, logprobs: null, finish_reason: null }]);
  }

  #chunk(choices: unknown[], usage?: unknown): string {
    const chunk: Record<string, unknown> = {
      id: this.#id,
      object: 'chat.completion.chunk',
      created: this.#created,
      model: this.#model,
      choices,
    };
    if (this.#includeUsage) chunk['usage'] = usage ?? null;
    return `data: ${JSON.stringify(chunk)}\n\n`;
  }
}

/** `data: {"error": {…}}`: the OpenAI SDK raises an APIError on it. */
export function encodeOpenAIStreamError(error: GatewayError): string {
  return `data: ${JSON.stringify(renderOpenAIError(error))}\n\n`;
}
