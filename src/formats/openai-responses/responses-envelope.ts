import type { FinishReason } from '../internal/finish-reason.ts';
import type { JsonObject } from '../shared/json-reader.ts';
import type { OutputItem, ResponseObject, ResponseStatus, ResponsesUsage } from './responses-types.ts';

/** What a response object says besides its output: its id, the caller's model name, the echoed settings. */
export interface ResponseEnvelope {
  id: string;
  createdAt: number;
  model: string;
  /** The request body, whose settings the response echoes (`instructions`, `tools`, `metadata`, …). */
  body: JsonObject;
  /** `previous_response_id` as the caller sent it. */
  previousResponseId: string | null;
}

/** The request settings a response object repeats, with OpenAI's defaults for those not sent. */
function echoedSettings(body: JsonObject): JsonObject {
  const pick = (field: string, fallback: unknown): unknown => body[field] ?? fallback;
  return {
    instructions: pick('instructions', null),
    max_output_tokens: pick('max_output_tokens', null),
    metadata: pick('metadata', {}),
    parallel_tool_calls: pick('parallel_tool_calls', true),
    reasoning: pick('reasoning', { effort: null, summary: null }),
    service_tier: pick('service_tier', 'default'),
    store: pick('store', true),
    temperature: pick('temperature', 1),
    text: pick('text', { format: { type: 'text' } }),
    tool_choice: pick('tool_choice', 'auto'),
    tools: pick('tools', []),
    top_p: pick('top_p', 1),
    truncation: pick('truncation', 'disabled'),
    user: pick('user', null),
    prompt_cache_key: pick('prompt_cache_key', null),
  };
}

/** A response object: `in_progress` with no output while streaming, then its final state. */
export function buildResponseObject(
  envelope: ResponseEnvelope,
  state: {
    status: ResponseStatus;
    output: OutputItem[];
    usage: ResponsesUsage | null;
    error?: { code: string; message: string };
    incompleteReason?: string;
  },
): ResponseObject {
  const finished = state.status !== 'in_progress';
  return {
    id: envelope.id,
    object: 'response',
    created_at: envelope.createdAt,
    status: state.status,
    completed_at: state.status === 'completed' ? Math.floor(Date.now() / 1000) : null,
    error: state.error ?? null,
    incomplete_details: state.incompleteReason === undefined ? null : { reason: state.incompleteReason },
    model: envelope.model,
    output: state.output,
    previous_response_id: envelope.previousResponseId,
    ...echoedSettings(envelope.body),
    usage: finished ? state.usage : null,
  };
}

/** How a finished response ends: `completed`, or `incomplete` with OpenAI's reason. */
export function statusFor(finishReason: FinishReason): { status: ResponseStatus; incompleteReason?: string } {
  switch (finishReason) {
    case 'length':
    case 'context-window-exceeded':
      return { status: 'incomplete', incompleteReason: 'max_output_tokens' };
    case 'content-filter':
      return { status: 'incomplete', incompleteReason: 'content_filter' };
    default:
      return { status: 'completed' };
  }
}
