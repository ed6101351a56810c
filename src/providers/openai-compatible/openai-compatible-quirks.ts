/** How one OpenAI-compatible API departs from OpenAI's own. Presets set these; the defaults are OpenAI's. */
export interface OpenAICompatibleQuirks {
  /** The output-token limit field: OpenAI's current `max_completion_tokens`, or the older `max_tokens`. */
  maxTokensField: 'max_completion_tokens' | 'max_tokens';
  /** Whether the API accepts `stream_options.include_usage` (needed to know a stream's usage). */
  supportsStreamUsage: boolean;
  /** Whether `reasoning_effort` may be sent for `model`. */
  acceptsReasoningEffort(model: string): boolean;
}

/** OpenAI's reasoning models take `reasoning_effort`; others reject it with a 400. */
const openAIReasoningModel = /^(o\d|gpt-[5-9]|gpt-\d{2,})/;

export const openAIQuirks: OpenAICompatibleQuirks = {
  maxTokensField: 'max_completion_tokens',
  supportsStreamUsage: true,
  acceptsReasoningEffort: (model) => openAIReasoningModel.test(model),
};
