import type { FinishReason } from '../internal/finish-reason.ts';

/**
 * Canonical finish reason → Anthropic `stop_reason`. A context-window stop reads as `max_tokens`, the
 * value every API version and SDK knows.
 * @see https://docs.anthropic.com/en/api/handling-stop-reasons
 */
export function mapFinishReasonToAnthropic(reason: FinishReason): string {
  switch (reason) {
    case 'stop-sequence':
      return 'stop_sequence';
    case 'length':
    case 'context-window-exceeded':
      return 'max_tokens';
    case 'tool-calls':
      return 'tool_use';
    case 'content-filter':
      return 'refusal';
    case 'pause':
      return 'pause_turn';
    default:
      return 'end_turn';
  }
}
