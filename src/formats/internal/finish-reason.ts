/**
 * Why the model stopped, unified across providers. Adapters keep the provider's own value beside it
 * (`rawFinishReason`) so nothing is lost in translation.
 */
export type FinishReason =
  | 'stop'
  | 'stop-sequence'
  | 'length'
  | 'tool-calls'
  | 'content-filter'
  | 'context-window-exceeded'
  | 'pause'
  | 'other';
