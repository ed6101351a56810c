import type { FinishReason } from '../internal/finish-reason.ts';

/**
 * The canonical finish reason as Gemini's `FinishReason`. Gemini ends a turn of function calls with
 * `STOP` too.
 * @see https://ai.google.dev/api/generate-content#FinishReason
 */
export function mapFinishReasonToGemini(reason: FinishReason): string {
  switch (reason) {
    case 'stop':
    case 'stop-sequence':
    case 'tool-calls':
    case 'pause':
      return 'STOP';
    case 'length':
    case 'context-window-exceeded':
      return 'MAX_TOKENS';
    case 'content-filter':
      return 'SAFETY';
    case 'other':
      return 'OTHER';
  }
}
