import type { FinishReason } from '../internal/finish-reason.ts';

export type OpenAIFinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

/**
 * Canonical finish reason → OpenAI `finish_reason`. OpenAI has no value for a matched stop sequence, a
 * paused server-tool turn or an unknown stop; they read as `stop`.
 * @see https://platform.openai.com/docs/api-reference/chat/object
 */
export function mapFinishReasonToOpenAI(reason: FinishReason): OpenAIFinishReason {
  switch (reason) {
    case 'length':
    case 'context-window-exceeded':
      return 'length';
    case 'tool-calls':
      return 'tool_calls';
    case 'content-filter':
      return 'content_filter';
    default:
      return 'stop';
  }
}
