import type { FinishReason } from '../internal/finish-reason.ts';

/**
 * Anthropic `stop_reason` → canonical.
 * @see https://docs.anthropic.com/en/api/handling-stop-reasons
 */
export function mapAnthropicStopReason(reason: string | null | undefined): FinishReason {
  switch (reason) {
    case 'end_turn':
      return 'stop';
    case 'stop_sequence':
      return 'stop-sequence';
    case 'max_tokens':
      return 'length';
    case 'tool_use':
      return 'tool-calls';
    case 'refusal':
      return 'content-filter';
    case 'pause_turn':
      return 'pause';
    case 'model_context_window_exceeded':
      return 'context-window-exceeded';
    default:
      return 'other';
  }
}
