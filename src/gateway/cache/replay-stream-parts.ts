import type { ChatResponse } from '../../formats/internal/chat-response.ts';
import type { StreamPart } from '../../formats/internal/stream-part.ts';

/**
 * A stored answer as the canonical stream a provider would have sent: `message-start`, one block per
 * content part, then `finish`. Fed to a surface's own stream encoder, it gives that API's full event
 * grammar whether the entry was stored from a stream or not.
 */
export async function* replayStreamParts(response: ChatResponse): AsyncGenerator<StreamPart> {
  yield { type: 'message-start', id: response.id, model: response.model, usage: {} };
  let toolIndex = 0;
  for (const part of response.content) {
    switch (part.type) {
      case 'text':
        yield { type: 'text-start' };
        yield { type: 'text-delta', text: part.text };
        yield { type: 'text-end' };
        break;
      case 'reasoning':
        yield { type: 'reasoning-start' };
        yield { type: 'reasoning-delta', text: part.text };
        yield { type: 'reasoning-end', signature: part.signature };
        break;
      case 'redacted-reasoning':
        yield { type: 'redacted-reasoning', data: part.data };
        break;
      case 'tool-call': {
        const index = toolIndex++;
        yield { type: 'tool-call-start', index, id: part.id, name: part.name };
        yield { type: 'tool-call-delta', index, argumentsDelta: part.arguments };
        yield { type: 'tool-call-end', index };
        break;
      }
    }
  }
  yield {
    type: 'finish',
    finishReason: response.finishReason,
    rawFinishReason: response.rawFinishReason,
    stopSequence: response.stopSequence,
    usage: response.usage,
  };
}
