import type { ChatMessage, ChatRequest } from '../../formats/internal/chat-request.ts';
import type { ChatResponse } from '../../formats/internal/chat-response.ts';
import type { StreamPart } from '../../formats/internal/stream-part.ts';
import type { Usage } from '../../formats/internal/usage.ts';
import type { CallContext, ForwardRequest, ForwardResponse, Provider } from '../provider.ts';
import { unsupportedOperation } from '../shared/unsupported-operation.ts';

/**
 * An offline provider that answers with the last user message echoed back, the same way every time.
 * For trying the gateway without keys and for users' own tests. Streams split the echo into words.
 */
export class MockProvider implements Provider {
  readonly name: string;
  readonly type = 'mock';
  readonly wireFormat = undefined;

  constructor(name: string) {
    this.name = name;
  }

  /** The mock speaks no wire format: every call is translated. */
  forwards(): boolean {
    return false;
  }

  forward(request: ForwardRequest): Promise<ForwardResponse> {
    return Promise.reject(unsupportedOperation(this.name, request.operation));
  }

  async chat(request: ChatRequest, context: CallContext): Promise<ChatResponse> {
    const text = lastUserText(request.messages);
    return {
      id: `mock-${context.requestId}`,
      model: request.model,
      created: Math.floor(Date.now() / 1000),
      content: [{ type: 'text', text }],
      finishReason: 'stop',
      rawFinishReason: 'stop',
      stopSequence: undefined,
      usage: estimateUsage(request.messages, text),
    };
  }

  async streamChat(request: ChatRequest, context: CallContext): Promise<AsyncIterable<StreamPart>> {
    const response = await this.chat(request, context);
    const text = lastUserText(request.messages);
    const parts: StreamPart[] = [
      {
        type: 'message-start',
        id: response.id,
        model: response.model,
        usage: { inputTokens: response.usage.inputTokens },
      },
      { type: 'text-start' },
      ...(text.match(/\S+\s*|\s+/g) ?? []).map((piece): StreamPart => ({ type: 'text-delta', text: piece })),
      { type: 'text-end' },
      {
        type: 'finish',
        finishReason: 'stop',
        rawFinishReason: 'stop',
        stopSequence: undefined,
        usage: response.usage,
      },
    ];
    return toAsyncIterable(parts);
  }
}

function lastUserText(messages: ChatMessage[]): string {
  const last = messages.findLast((message) => message.role === 'user');
  if (last === undefined) return '';
  return last.content
    .filter((part) => part.type === 'text')
    .map((part) => part.text)
    .join('\n');
}

/** Roughly four characters per token, the usual rule of thumb; enough for a mock. */
function estimateUsage(messages: ChatMessage[], output: string): Usage {
  let inputCharacters = 0;
  for (const message of messages) {
    for (const part of message.content) if (part.type === 'text') inputCharacters += part.text.length;
  }
  return {
    inputTokens: Math.ceil(inputCharacters / 4),
    outputTokens: Math.ceil(output.length / 4),
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
  };
}

async function* toAsyncIterable<T>(items: readonly T[]): AsyncGenerator<T> {
  yield* items;
}
