import type {
  AssistantContentPart,
  ChatMessage,
  ChatRequest,
  FilePart,
  ImagePart,
  TextPart,
  ToolResultPart,
  UserContentPart,
} from '../internal/chat-request.ts';
import type { JsonObject } from '../shared/json-reader.ts';
import { reasoningItemOfSignature } from './openai-reasoning-signature.ts';
import type { ResponsesWarning } from './responses-warning.ts';

/**
 * The canonical request → a Responses API body, for upstreams reached on `/v1/responses` (`api: responses`).
 * Stateless: `store: false`, the whole conversation in `input`, OpenAI's own reasoning carried back from
 * its signature with `include: ["reasoning.encrypted_content"]`. What Responses has no field for
 * (stop sequences, top_k, penalties, seed) is reported, not sent.
 * @see https://platform.openai.com/docs/api-reference/responses/create
 */
export function buildResponsesRequest(
  request: ChatRequest,
  options: { stream: boolean; warnings: ResponsesWarning[] },
): JsonObject {
  const body: JsonObject = {
    model: request.model,
    input: request.messages.flatMap(toInputItems),
    store: false,
    stream: options.stream,
  };
  if (request.maxOutputTokens !== undefined) body['max_output_tokens'] = request.maxOutputTokens;
  if (request.temperature !== undefined) body['temperature'] = request.temperature;
  if (request.topP !== undefined) body['top_p'] = request.topP;
  if (request.user !== undefined) body['safety_identifier'] = request.user;
  if (request.parallelToolCalls !== undefined) body['parallel_tool_calls'] = request.parallelToolCalls;
  if (request.tools !== undefined && request.tools.length > 0) {
    body['tools'] = request.tools.map((tool) => ({
      type: 'function',
      name: tool.name,
      ...(tool.description === undefined ? {} : { description: tool.description }),
      parameters: tool.inputSchema,
      strict: tool.strict ?? false,
    }));
  }
  if (request.toolChoice !== undefined) {
    body['tool_choice'] =
      request.toolChoice.type === 'tool'
        ? { type: 'function', name: request.toolChoice.name }
        : request.toolChoice.type;
  }
  const format = request.responseFormat;
  if (format !== undefined && format.type !== 'text') {
    body['text'] = {
      format:
        format.type === 'json-object'
          ? { type: 'json_object' }
          : {
              type: 'json_schema',
              name: format.name ?? 'response',
              schema: format.schema,
              ...(format.description === undefined ? {} : { description: format.description }),
              ...(format.strict === undefined ? {} : { strict: format.strict }),
            },
    };
  }
  if (request.reasoning?.enabled === true && request.reasoning.effort !== undefined) {
    body['reasoning'] = { effort: request.reasoning.effort, summary: 'auto' };
  }
  if (request.reasoning?.enabled !== false) body['include'] = ['reasoning.encrypted_content'];
  for (const [field, value] of [
    ['stop', request.stopSequences],
    ['top_k', request.topK],
    ['presence_penalty', request.presencePenalty],
    ['frequency_penalty', request.frequencyPenalty],
    ['seed', request.seed],
  ] as const) {
    if (value !== undefined) {
      options.warnings.push({ parameter: field, message: `The Responses API has no ${field}; it was not sent.` });
    }
  }
  return body;
}

function toInputItems(message: ChatMessage): JsonObject[] {
  switch (message.role) {
    case 'system':
      return [{ type: 'message', role: 'developer', content: message.content.map(inputText) }];
    case 'user':
      return [{ type: 'message', role: 'user', content: message.content.map(userPart) }];
    case 'assistant':
      return assistantItems(message.content);
    case 'tool':
      return message.content.map(toolOutput);
  }
}

function inputText(part: TextPart): JsonObject {
  return { type: 'input_text', text: part.text };
}

function userPart(part: UserContentPart): JsonObject {
  switch (part.type) {
    case 'text':
      return inputText(part);
    case 'image':
      return inputImage(part);
    case 'file':
      return inputFile(part);
  }
}

function inputImage(part: ImagePart): JsonObject {
  const detail = part.detail ?? 'auto';
  const { source } = part;
  if (source.kind === 'file-id') return { type: 'input_image', file_id: source.fileId, detail };
  const url = source.kind === 'url' ? source.url : `data:${source.mediaType};base64,${source.data}`;
  return { type: 'input_image', image_url: url, detail };
}

function inputFile(part: FilePart): JsonObject {
  const { source } = part;
  const named = part.filename === undefined ? {} : { filename: part.filename };
  if (source.kind === 'file-id') return { type: 'input_file', file_id: source.fileId, ...named };
  if (source.kind === 'url') return { type: 'input_file', file_url: source.url, ...named };
  if (source.kind === 'text') return { type: 'input_text', text: source.data };
  return {
    type: 'input_file',
    file_data: `data:${source.mediaType};base64,${source.data}`,
    filename: part.filename ?? 'document.pdf',
  };
}

/** Assistant parts in order: text as assistant messages, calls as `function_call`, OpenAI reasoning restored. */
function assistantItems(parts: AssistantContentPart[]): JsonObject[] {
  const items: JsonObject[] = [];
  for (const part of parts) {
    switch (part.type) {
      case 'text':
        items.push({ type: 'message', role: 'assistant', content: part.text });
        break;
      case 'tool-call':
        items.push({ type: 'function_call', call_id: part.id, name: part.name, arguments: part.arguments });
        break;
      case 'reasoning': {
        // Only OpenAI's own reasoning can go back: another provider's thinking is not OpenAI's to read.
        const carried = part.signature === undefined ? undefined : reasoningItemOfSignature(part.signature);
        if (carried !== undefined) {
          items.push({
            type: 'reasoning',
            id: carried.id,
            summary: part.text === '' ? [] : [{ type: 'summary_text', text: part.text }],
            encrypted_content: carried.encrypted,
          });
        }
        break;
      }
      case 'redacted-reasoning':
        break;
    }
  }
  return items;
}

function toolOutput(part: ToolResultPart): JsonObject {
  const output =
    typeof part.content === 'string'
      ? part.content
      : part.content.map((content) => (content.type === 'text' ? inputText(content) : userPart(content)));
  return { type: 'function_call_output', call_id: part.toolCallId, output };
}
