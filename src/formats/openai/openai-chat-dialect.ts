/**
 * How an OpenAI-format API's request body departs from OpenAI's own, as far as building the body goes.
 * A provider's quirks (`providers/openai-compatible/openai-compatible-quirks.ts`) extend it with what
 * only the client needs (paths, credentials, rejected fields).
 */
export interface OpenAIChatDialect {
  /** The output-token limit field: OpenAI's current `max_completion_tokens`, or the older `max_tokens`. */
  maxTokensField: 'max_completion_tokens' | 'max_tokens';
  /** Whether the API accepts `stream_options.include_usage` (needed to know a stream's usage). */
  supportsStreamUsage: boolean;
  /** Whether `reasoning_effort` may be sent for `model`. */
  acceptsReasoningEffort(model: string): boolean;
}
