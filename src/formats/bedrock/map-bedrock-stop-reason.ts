import type { FinishReason } from '../internal/finish-reason.ts';

/**
 * Converse `stopReason` → canonical finish reason.
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html#API_runtime_Converse_ResponseSyntax
 */
export function mapBedrockStopReason(reason: string | undefined): FinishReason {
  switch (reason) {
    case 'end_turn':
      return 'stop';
    case 'tool_use':
      return 'tool-calls';
    case 'max_tokens':
      return 'length';
    case 'stop_sequence':
      return 'stop-sequence';
    case 'guardrail_intervened':
    case 'content_filtered':
      return 'content-filter';
    case 'model_context_window_exceeded':
      return 'context-window-exceeded';
    default:
      return 'other';
  }
}
