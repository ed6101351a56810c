import type {
  ChatMessage,
  ChatRequest,
  ImagePart,
  ReasoningConfig,
  ResponseFormat,
  ToolChoice,
  UserContentPart,
} from '../internal/chat-request.ts';
import type { Warning } from '../internal/warning.ts';
import type {
  OpenAIChatRequestBody,
  OpenAIContentPart,
  OpenAIMessage,
  OpenAIToolCall,
  OpenAIToolChoice,
} from './openai-chat-api.ts';
import type { OpenAIChatDialect } from './openai-chat-dialect.ts';

/** OpenAI accepts at most four stop sequences. */
const maxStopSequences = 4;

export interface ConvertToOpenAIOptions {
  quirks: OpenAIChatDialect;
  stream: boolean;
  warnings: Warning[];
}

/**
 * Canonical request → OpenAI Chat Completions body. Reasoning parts are not sent back (OpenAI-format
 * APIs take no reasoning input); prompt-cache markers are dropped (these APIs cache on their own).
 * @see https://platform.openai.com/docs/api-reference/chat/create
 */
export function convertToOpenAIChatRequest(
  request: ChatRequest,
  options: ConvertToOpenAIOptions,
): OpenAIChatRequestBody {
  const { quirks, warnings } = options;
  const body: OpenAIChatRequestBody = {
    model: request.model,
    messages: request.messages.flatMap((message) => convertMessage(message, warnings)),
  };
  if (options.stream) {
    body.stream = true;
    if (quirks.supportsStreamUsage) body.stream_options = { include_usage: true };
  }
  if (request.maxOutputTokens !== undefined) body[quirks.maxTokensField] = request.maxOutputTokens;
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.topP !== undefined) body.top_p = request.topP;
  if (request.topK !== undefined) {
    warnings.push({ parameter: 'top_k', message: 'OpenAI-format APIs have no top_k; it was not sent.' });
  }
  if (request.presencePenalty !== undefined) body.presence_penalty = request.presencePenalty;
  if (request.frequencyPenalty !== undefined) body.frequency_penalty = request.frequencyPenalty;
  if (request.seed !== undefined) body.seed = request.seed;
  if (request.user !== undefined) body.user = request.user;
  if (request.stopSequences !== undefined && request.stopSequences.length > 0) {
    body.stop = request.stopSequences.slice(0, maxStopSequences);
    if (request.stopSequences.length > maxStopSequences) {
      warnings.push({
        parameter: 'stop_sequences',
        message: `OpenAI-format APIs take at most ${maxStopSequences} stop sequences; the rest were not sent.`,
      });
    }
  }
  if (request.tools !== undefined && request.tools.length > 0) {
    body.tools = request.tools.map((tool) => ({
      type: 'function',
      function: {
        name: tool.name,
        ...(tool.description === undefined ? {} : { description: tool.description }),
        parameters: tool.inputSchema,
        ...(tool.strict === undefined ? {} : { strict: tool.strict }),
      },
    }));
    if (request.parallelToolCalls !== undefined) body.parallel_tool_calls = request.parallelToolCalls;
  }
  if (request.toolChoice !== undefined) body.tool_choice = convertToolChoice(request.toolChoice);
  const responseFormat = convertResponseFormat(request.responseFormat);
  if (responseFormat !== undefined) body.response_format = responseFormat;
  const effort = reasoningEffort(request.reasoning);
  if (effort !== undefined) {
    if (quirks.acceptsReasoningEffort(request.model)) body.reasoning_effort = effort;
    else {
      warnings.push({
        parameter: 'thinking',
        message: `Model ${request.model} takes no reasoning_effort; reasoning settings were not sent.`,
      });
    }
  }
  return body;
}

function convertMessage(message: ChatMessage, warnings: Warning[]): OpenAIMessage[] {
  switch (message.role) {
    case 'system':
      return [{ role: 'system', content: message.content.map((part) => part.text).join('\n\n') }];
    case 'user':
      return [{ role: 'user', content: convertUserContent(message.content, warnings) }];
    case 'assistant': {
      const text = message.content
        .filter((part) => part.type === 'text')
        .map((part) => part.text)
        .join('');
      const toolCalls: OpenAIToolCall[] = message.content
        .filter((part) => part.type === 'tool-call')
        .map((part) => ({
          id: part.id,
          type: 'function',
          function: { name: part.name, arguments: part.arguments },
        }));
      return [
        toolCalls.length > 0
          ? { role: 'assistant', content: text === '' ? null : text, tool_calls: toolCalls }
          : { role: 'assistant', content: text },
      ];
    }
    case 'tool':
      return message.content.map((result) => ({
        role: 'tool',
        tool_call_id: result.toolCallId,
        content: (result.isError ? '[tool error] ' : '') + toolResultText(result.content, warnings),
      }));
  }
}

function convertUserContent(parts: UserContentPart[], warnings: Warning[]): string | OpenAIContentPart[] {
  const [only] = parts;
  if (parts.length === 1 && only?.type === 'text') return only.text;
  const converted: OpenAIContentPart[] = [];
  for (const part of parts) {
    switch (part.type) {
      case 'text':
        converted.push({ type: 'text', text: part.text });
        break;
      case 'image': {
        const image = convertImage(part, warnings);
        if (image !== undefined) converted.push(image);
        break;
      }
      case 'file': {
        const { source } = part;
        if (source.kind === 'text') converted.push({ type: 'text', text: source.data });
        else if (source.kind === 'base64') {
          converted.push({
            type: 'file',
            file: {
              file_data: `data:${source.mediaType};base64,${source.data}`,
              ...(part.filename === undefined ? {} : { filename: part.filename }),
            },
          });
        } else if (source.kind === 'file-id') converted.push({ type: 'file', file: { file_id: source.fileId } });
        else
          warnings.push({
            parameter: 'document',
            message: 'Documents by URL cannot be sent to OpenAI-format APIs.',
          });
        break;
      }
    }
  }
  return converted;
}

function convertImage(part: ImagePart, warnings: Warning[]): OpenAIContentPart | undefined {
  const { source } = part;
  const detail = part.detail === undefined ? {} : { detail: part.detail };
  if (source.kind === 'base64') {
    return {
      type: 'image_url',
      image_url: { url: `data:${source.mediaType};base64,${source.data}`, ...detail },
    };
  }
  if (source.kind === 'url') return { type: 'image_url', image_url: { url: source.url, ...detail } };
  warnings.push({ parameter: 'image', message: 'Images by file id cannot be sent to OpenAI-format APIs.' });
  return undefined;
}

function toolResultText(content: string | Array<{ type: string; text?: string }>, warnings: Warning[]): string {
  if (typeof content === 'string') return content;
  const texts: string[] = [];
  for (const part of content) {
    if (part.type === 'text' && part.text !== undefined) texts.push(part.text);
    else
      warnings.push({
        parameter: 'tool_result',
        message: 'OpenAI tool messages take text only; other parts were left out.',
      });
  }
  return texts.join('\n');
}

function convertToolChoice(choice: ToolChoice): OpenAIToolChoice {
  switch (choice.type) {
    case 'auto':
    case 'none':
    case 'required':
      return choice.type;
    case 'tool':
      return { type: 'function', function: { name: choice.name } };
  }
}

function convertResponseFormat(format: ResponseFormat | undefined): OpenAIChatRequestBody['response_format'] {
  switch (format?.type) {
    case undefined:
    case 'text':
      return undefined;
    case 'json-object':
      return { type: 'json_object' };
    case 'json-schema':
      return {
        type: 'json_schema',
        json_schema: {
          name: format.name ?? 'response',
          schema: format.schema,
          ...(format.description === undefined ? {} : { description: format.description }),
          ...(format.strict === undefined ? {} : { strict: format.strict }),
        },
      };
  }
}

/** A thinking budget becomes the nearest effort level. */
function reasoningEffort(reasoning: ReasoningConfig | undefined): string | undefined {
  if (reasoning === undefined) return undefined;
  if (!reasoning.enabled) return undefined;
  if (reasoning.effort !== undefined) return reasoning.effort;
  const budget = reasoning.budgetTokens;
  if (budget === undefined) return 'medium';
  if (budget <= 2_048) return 'low';
  if (budget <= 16_384) return 'medium';
  return 'high';
}
