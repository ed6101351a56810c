import type { FinishReason } from '../internal/finish-reason.ts';

/**
 * OpenAI `finish_reason` → canonical. Compatible APIs send extra values (`eos`, `end_turn`); anything
 * unknown counts as a normal stop.
 * @see https://platform.openai.com/docs/api-reference/chat/object
 */
export function mapOpenAIFinishReason(reason: string | null | undefined): FinishReason {
  switch (reason) {
    case 'length':
      return 'length';
    case 'tool_calls':
    case 'function_call':
      return 'tool-calls';
    case 'content_filter':
      return 'content-filter';
    default:
      return 'stop';
  }
}
