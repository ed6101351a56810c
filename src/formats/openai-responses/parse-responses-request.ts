import { invalidRequest } from '../../errors/gateway-error.ts';
import type { ChatMessage, ChatRequest, ResponseFormat } from '../internal/chat-request.ts';
import {
  isObject,
  type JsonObject,
  optionalBoolean,
  optionalInteger,
  optionalNumber,
  optionalString,
  readObject,
  readString,
} from '../shared/json-reader.ts';
import { readJsonSchemaFormat } from '../shared/read-json-schema-format.ts';
import { readOpenAIReasoningEffort } from '../shared/read-openai-reasoning-effort.ts';
import { parseResponsesInput } from './parse-responses-input.ts';
import { parseResponsesToolChoice, parseResponsesTools } from './parse-responses-tools.ts';
import type { ResponsesToolNames } from './responses-tool-names.ts';
import type { ResponsesWarning } from './responses-warning.ts';

/** A Responses request as canonical: the chat request and the tool names to restore on the way back. */
export interface ParsedResponsesRequest {
  request: ChatRequest;
  toolNames: ResponsesToolNames;
}

/** Fields read here, or with no meaning off OpenAI but harmless to accept; any other is reported. */
const understoodFields = new Set([
  'model',
  'input',
  'instructions',
  'stream',
  'stream_options',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'text',
  'reasoning',
  'max_output_tokens',
  'temperature',
  'top_p',
  'user',
  'safety_identifier',
  'store',
  'include',
  'previous_response_id',
  'metadata',
  'client_metadata',
  'prompt_cache_key',
  'prompt_cache_retention',
  'service_tier',
  'truncation',
  'background',
]);

/**
 * A Responses API body → the canonical request for `upstreamModel`. Validates as it reads (a 400
 * naming the field); what a non-OpenAI target cannot carry goes to `warnings`.
 * @see https://platform.openai.com/docs/api-reference/responses/create
 */
export function parseResponsesRequest(
  body: JsonObject,
  upstreamModel: string,
  warnings: ResponsesWarning[],
): ParsedResponsesRequest {
  if (body['messages'] !== undefined) {
    throw invalidRequest("The Responses API takes 'input', not 'messages'.", 'messages');
  }
  if (body['max_tokens'] !== undefined) {
    throw invalidRequest("The Responses API takes 'max_output_tokens', not 'max_tokens'.", 'max_tokens');
  }
  const messages: ChatMessage[] = [];
  const instructions = optionalString(body['instructions'], 'instructions');
  if (instructions !== undefined && instructions !== '') {
    messages.push({ role: 'system', content: [{ type: 'text', text: instructions }] });
  }
  if (body['input'] === undefined || body['input'] === null) throw invalidRequest('input is required.', 'input');
  messages.push(...parseResponsesInput(body['input'], warnings));
  const tools = parseResponsesTools(body['tools'], warnings);
  const request: ChatRequest = { model: upstreamModel, messages };
  if (tools.tools.length > 0) request.tools = tools.tools;
  assign(request, 'toolChoice', parseResponsesToolChoice(body['tool_choice'], warnings));
  assign(request, 'parallelToolCalls', optionalBoolean(body['parallel_tool_calls'], 'parallel_tool_calls'));
  assign(request, 'maxOutputTokens', optionalInteger(body['max_output_tokens'], 'max_output_tokens', 1));
  assign(request, 'temperature', optionalNumber(body['temperature'], 'temperature'));
  assign(request, 'topP', optionalNumber(body['top_p'], 'top_p'));
  assign(
    request,
    'user',
    optionalString(body['safety_identifier'], 'safety_identifier') ?? optionalString(body['user'], 'user'),
  );
  assign(request, 'responseFormat', parseTextFormat(body['text']));
  assign(request, 'reasoning', parseReasoning(body['reasoning']));
  noteUncarried(body, warnings);
  return { request, toolNames: tools.names };
}

function assign<K extends keyof ChatRequest>(request: ChatRequest, key: K, value: ChatRequest[K] | undefined): void {
  if (value !== undefined) request[key] = value;
}

/** `text.format` → the canonical response format. */
function parseTextFormat(value: unknown): ResponseFormat | undefined {
  if (value === undefined || value === null) return undefined;
  const text = readObject(value, 'text');
  if (text['format'] === undefined || text['format'] === null) return undefined;
  const format = readObject(text['format'], 'text.format');
  const type = readString(format['type'], 'text.format.type');
  switch (type) {
    case 'text':
      return { type: 'text' };
    case 'json_object':
      return { type: 'json-object' };
    case 'json_schema': {
      return readJsonSchemaFormat(format, readObject(format['schema'], 'text.format.schema'), 'text.format');
    }
    default:
      throw invalidRequest('text.format.type must be text, json_object or json_schema.', 'text.format.type');
  }
}

/** `reasoning.effort` → the canonical reasoning settings (Anthropic thinking, Gemini thinkingConfig). */
function parseReasoning(value: unknown): ChatRequest['reasoning'] {
  if (value === undefined || value === null) return undefined;
  const reasoning = readObject(value, 'reasoning');
  return readOpenAIReasoningEffort(reasoning['effort'], 'reasoning.effort');
}

/** Settings only OpenAI acts on, and unknown fields: said, not silently dropped. */
function noteUncarried(body: JsonObject, warnings: ResponsesWarning[]): void {
  for (const field of ['service_tier', 'prompt_cache_key', 'prompt_cache_retention', 'background'] as const) {
    if (body[field] !== undefined && body[field] !== null && body[field] !== false) {
      warnings.push({ parameter: field, message: `${field} has no equivalent on this model; it was not sent.` });
    }
  }
  if (body['truncation'] === 'auto') {
    warnings.push({ parameter: 'truncation', message: "truncation 'auto' is not carried; the input is sent whole." });
  }
  if (isObject(body['text']) && body['text']['verbosity'] !== undefined) {
    warnings.push({ parameter: 'text.verbosity', message: 'text.verbosity has no equivalent on this model.' });
  }
  for (const field in body) {
    if (!understoodFields.has(field)) {
      warnings.push({ parameter: field, message: `${field} is not supported on this model and was ignored.` });
    }
  }
}
