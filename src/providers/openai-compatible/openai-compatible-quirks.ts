import type { Warning } from '../../formats/internal/warning.ts';
import type { OpenAIChatDialect } from '../../formats/openai/openai-chat-dialect.ts';

export type OpenAICompatibleOperation = 'chat' | 'embeddings' | 'responses';

/** How one OpenAI-compatible API departs from OpenAI's own. Presets set these; the defaults are OpenAI's. */
export interface OpenAICompatibleQuirks extends OpenAIChatDialect {
  /** Request fields the API rejects: removed before sending, with a warning. */
  rejectedParameters?: readonly string[];
  /** The credential headers (default `Authorization: Bearer`). */
  authHeaders?(apiKey: string): Record<string, string>;
  /** The path below the base URL, query included (default `/chat/completions`, `/embeddings`). */
  pathFor?(operation: OpenAICompatibleOperation, model: string): string;
  /** Operations the API offers (default chat and embeddings; only OpenAI itself offers `responses`). */
  operations?: readonly OpenAICompatibleOperation[];
}

/** OpenAI's reasoning models take `reasoning_effort`; others reject it with a 400. */
const openAIReasoningModel = /^(o\d|gpt-[5-9]|gpt-\d{2,})/;

export const openAIQuirks: OpenAICompatibleQuirks = {
  maxTokensField: 'max_completion_tokens',
  supportsStreamUsage: true,
  acceptsReasoningEffort: (model) => openAIReasoningModel.test(model),
  operations: ['chat', 'embeddings', 'responses'],
};

/**
 * Makes an OpenAI-format body (built by the gateway, or the caller's own on a same-format call) fit an
 * API's quirks: no `stream_options` where it is rejected, the output limit under the field the API
 * reads, `reasoning_effort` only where accepted (gateway-built bodies), rejected fields removed. Each change the caller would
 * notice is reported as a warning. Returns the body itself when nothing needs changing.
 */
export function applyQuirks(
  body: Record<string, unknown>,
  quirks: OpenAICompatibleQuirks,
  warnings: Warning[],
  options: { forwarding: boolean } = { forwarding: false },
): Record<string, unknown> {
  let out = body;
  const edit = (): Record<string, unknown> => {
    if (out === body) out = { ...body };
    return out;
  };
  if (!quirks.supportsStreamUsage && 'stream_options' in body) delete edit()['stream_options'];
  const otherLimit = quirks.maxTokensField === 'max_tokens' ? 'max_completion_tokens' : 'max_tokens';
  if (quirks.maxTokensField === 'max_tokens' && body[otherLimit] !== undefined) {
    const value = body[otherLimit];
    delete edit()[otherLimit];
    if (body['max_tokens'] === undefined) out['max_tokens'] = value;
  }
  const model = typeof body['model'] === 'string' ? body['model'] : '';
  // A caller's own body keeps its `reasoning_effort`: the upstream's answer to it is theirs to see.
  if (!options.forwarding && body['reasoning_effort'] !== undefined && !quirks.acceptsReasoningEffort(model)) {
    delete edit()['reasoning_effort'];
    warnings.push({ parameter: 'reasoning_effort', message: `Not accepted for ${model}; not sent.` });
  }
  for (const parameter of quirks.rejectedParameters ?? []) {
    if (body[parameter] === undefined) continue;
    delete edit()[parameter];
    warnings.push({ parameter, message: 'Not supported by this provider; not sent.' });
  }
  return out;
}
