import type { AssistantContentPart } from '../../formats/internal/chat-request.ts';
import type { ChatResponse } from '../../formats/internal/chat-response.ts';
import type { StreamPart } from '../../formats/internal/stream-part.ts';

/**
 * Builds the whole answer from a canonical stream as it passes. `done` is the answer once `finish` has
 * been seen; undefined while it has not, and forever after an `error` part (a cut stream is never stored).
 */
export class StreamPartCollector {
  #id = '';
  #model = '';
  readonly #content: AssistantContentPart[] = [];
  #open: { type: 'text' | 'reasoning'; text: string } | undefined;
  readonly #tools = new Map<number, { id: string; name: string; arguments: string }>();
  #failed = false;
  done: ChatResponse | undefined;

  push(part: StreamPart): void {
    if (this.#failed) return;
    switch (part.type) {
      case 'message-start':
        this.#id = part.id;
        this.#model = part.model;
        return;
      case 'text-start':
      case 'reasoning-start':
        this.#open = { type: part.type === 'text-start' ? 'text' : 'reasoning', text: '' };
        return;
      case 'text-delta':
      case 'reasoning-delta':
        if (this.#open !== undefined) this.#open.text += part.text;
        return;
      case 'text-end':
        if (this.#open !== undefined) this.#content.push({ type: 'text', text: this.#open.text });
        this.#open = undefined;
        return;
      case 'reasoning-end':
        if (this.#open !== undefined) {
          this.#content.push({
            type: 'reasoning',
            text: this.#open.text,
            ...(part.signature === undefined ? {} : { signature: part.signature }),
          });
        }
        this.#open = undefined;
        return;
      case 'redacted-reasoning':
        this.#content.push({ type: 'redacted-reasoning', data: part.data });
        return;
      case 'tool-call-start':
        this.#tools.set(part.index, { id: part.id, name: part.name, arguments: '' });
        return;
      case 'tool-call-delta': {
        const tool = this.#tools.get(part.index);
        if (tool !== undefined) tool.arguments += part.argumentsDelta;
        return;
      }
      case 'tool-call-end': {
        const tool = this.#tools.get(part.index);
        if (tool !== undefined) this.#content.push({ type: 'tool-call', ...tool });
        return;
      }
      case 'finish':
        this.done = {
          id: this.#id,
          model: this.#model,
          created: Math.floor(Date.now() / 1000),
          content: this.#content,
          finishReason: part.finishReason,
          rawFinishReason: part.rawFinishReason,
          stopSequence: part.stopSequence,
          usage: part.usage,
        };
        return;
      case 'error':
        this.#failed = true;
        this.done = undefined;
        return;
    }
  }
}

/** Passes parts on unchanged, and hands the whole answer to `onComplete` once the stream finished well. */
export async function* collectStreamParts(
  parts: AsyncIterable<StreamPart>,
  onComplete: (response: ChatResponse) => void,
): AsyncGenerator<StreamPart> {
  const collector = new StreamPartCollector();
  for await (const part of parts) {
    collector.push(part);
    yield part;
  }
  if (collector.done !== undefined) onComplete(collector.done);
}
