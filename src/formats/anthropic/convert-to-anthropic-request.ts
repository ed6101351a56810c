import type {
  CacheControl,
  ChatMessage,
  ChatRequest,
  FilePart,
  ImagePart,
  ReasoningConfig,
  TextPart,
  ToolChoice,
  ToolResultPart,
} from '../internal/chat-request.ts';
import { parseToolCallArguments } from '../internal/parse-tool-call-arguments.ts';
import type { Warning } from '../internal/warning.ts';
import type {
  AnthropicCacheControl,
  AnthropicDocumentBlock,
  AnthropicImageBlock,
  AnthropicRequestBlock,
  AnthropicRequestBody,
  AnthropicRequestMessage,
  AnthropicTextBlock,
  AnthropicToolChoice,
} from './anthropic-messages-api.ts';
import { sanitizeToolId } from './sanitize-tool-id.ts';

/** The first Anthropic API version that rejects `temperature`, `top_p` and `top_k`. */
const samplingRemovedInVersion = '2026-10-21';
/** Anthropic's smallest thinking budget. */
const minThinkingBudget = 1_024;
const thinkingBudgetByEffort: Record<string, number> = {
  low: 2_048,
  medium: 8_192,
  high: 16_384,
  xhigh: 32_768,
  max: 63_999,
};

/** Added to the system prompt for OpenAI's `json_object` mode, which Anthropic has no switch for. */
const jsonObjectInstruction = 'Respond with a single valid JSON object and nothing else: no prose, no code fences.';

export interface ConvertToAnthropicOptions {
  anthropicVersion: string;
  defaultMaxTokens: number;
  stream: boolean;
  warnings: Warning[];
}

/**
 * Canonical request → Anthropic Messages body.
 * - System messages anywhere in the conversation are hoisted, in order, into `system`.
 * - Tool results become `tool_result` blocks in a user turn; consecutive same-role turns are merged.
 * - Under anthropic-version 2026-10-21 and later, sampling parameters are dropped (with a warning).
 * @see https://docs.anthropic.com/en/api/messages
 */
export function convertToAnthropicRequest(
  request: ChatRequest,
  options: ConvertToAnthropicOptions,
): AnthropicRequestBody {
  const { warnings } = options;
  const system: AnthropicTextBlock[] = [];
  const messages: AnthropicRequestMessage[] = [];
  request.messages.forEach((message, index) => {
    if (message.role === 'system') {
      for (const part of message.content) if (part.text !== '') system.push(convertText(part));
      return;
    }
    const blocks = convertBlocks(message, index);
    if (blocks.length === 0) return;
    const role = message.role === 'assistant' ? 'assistant' : 'user';
    const previous = messages.at(-1);
    if (previous?.role === role) previous.content.push(...blocks);
    else messages.push({ role, content: blocks });
  });
  for (const turn of messages) if (turn.role === 'user') moveToolResultsFirst(turn);

  const body: AnthropicRequestBody = {
    model: request.model,
    max_tokens: request.maxOutputTokens ?? options.defaultMaxTokens,
    messages,
  };
  if (request.responseFormat?.type === 'json-object') system.push({ type: 'text', text: jsonObjectInstruction });
  if (request.responseFormat?.type === 'json-schema') {
    body.output_config = { format: { type: 'json_schema', schema: request.responseFormat.schema } };
  }
  if (system.length > 0) body.system = system;
  if (options.stream) body.stream = true;
  if (request.stopSequences !== undefined && request.stopSequences.length > 0)
    body.stop_sequences = request.stopSequences;
  if (request.user !== undefined) body.metadata = { user_id: request.user };
  if (request.tools !== undefined && request.tools.length > 0) {
    body.tools = request.tools.map((tool) => ({
      name: tool.name,
      ...(tool.description === undefined ? {} : { description: tool.description }),
      input_schema: { type: 'object', ...tool.inputSchema },
      ...(tool.strict === undefined ? {} : { strict: tool.strict }),
      ...(tool.cacheControl === undefined ? {} : { cache_control: convertCacheControl(tool.cacheControl) }),
    }));
    const toolChoice = convertToolChoice(request.toolChoice, request.parallelToolCalls);
    if (toolChoice !== undefined) body.tool_choice = toolChoice;
  }
  const thinkingBudget = chooseThinkingBudget(request, body, warnings);
  if (thinkingBudget !== undefined) body.thinking = { type: 'enabled', budget_tokens: thinkingBudget };
  applySampling(request, body, options, warnings);
  for (const [parameter, value] of [
    ['presence_penalty', request.presencePenalty],
    ['frequency_penalty', request.frequencyPenalty],
    ['seed', request.seed],
  ] as const) {
    if (value !== undefined) warnings.push({ parameter, message: `Anthropic has no ${parameter}; it was not sent.` });
  }
  return body;
}

function convertBlocks(
  message: Exclude<ChatMessage, { role: 'system' }>,
  messageIndex: number,
): AnthropicRequestBlock[] {
  const blocks: AnthropicRequestBlock[] = [];
  switch (message.role) {
    case 'user':
      for (const part of message.content) {
        if (part.type === 'text') {
          if (part.text !== '') blocks.push(convertText(part));
        } else if (part.type === 'image') blocks.push(convertImage(part));
        else blocks.push(convertFile(part));
      }
      break;
    case 'assistant':
      message.content.forEach((part) => {
        switch (part.type) {
          case 'text':
            if (part.text !== '') blocks.push(convertText(part));
            break;
          case 'reasoning':
            // Thinking without a signature (from another provider) cannot be verified by Anthropic.
            if (part.signature !== undefined) {
              blocks.push({ type: 'thinking', thinking: part.text, signature: part.signature });
            }
            break;
          case 'redacted-reasoning':
            blocks.push({ type: 'redacted_thinking', data: part.data });
            break;
          case 'tool-call':
            blocks.push({
              type: 'tool_use',
              id: sanitizeToolId(part.id),
              name: part.name,
              input: parseToolCallArguments(part, { index: messageIndex, content: message.content }),
              ...(part.cacheControl === undefined ? {} : { cache_control: convertCacheControl(part.cacheControl) }),
            });
            break;
        }
      });
      break;
    case 'tool':
      for (const result of message.content) blocks.push(convertToolResult(result));
      break;
  }
  return blocks;
}

/** Anthropic wants a user turn's tool results before anything else in it. */
function moveToolResultsFirst(turn: AnthropicRequestMessage): void {
  const results = turn.content.filter((block) => block.type === 'tool_result');
  if (results.length === 0 || results.length === turn.content.length) return;
  turn.content = [...results, ...turn.content.filter((block) => block.type !== 'tool_result')];
}

function convertText(part: TextPart): AnthropicTextBlock {
  return part.cacheControl === undefined
    ? { type: 'text', text: part.text }
    : { type: 'text', text: part.text, cache_control: convertCacheControl(part.cacheControl) };
}

function convertImage(part: ImagePart): AnthropicImageBlock {
  const { source } = part;
  const block: AnthropicImageBlock = {
    type: 'image',
    source:
      source.kind === 'base64'
        ? { type: 'base64', media_type: source.mediaType, data: source.data }
        : source.kind === 'url'
          ? { type: 'url', url: source.url }
          : { type: 'file', file_id: source.fileId },
  };
  if (part.cacheControl !== undefined) block.cache_control = convertCacheControl(part.cacheControl);
  return block;
}

function convertFile(part: FilePart): AnthropicDocumentBlock {
  const { source } = part;
  const block: AnthropicDocumentBlock = {
    type: 'document',
    source:
      source.kind === 'base64' || source.kind === 'text'
        ? { type: source.kind, media_type: source.mediaType, data: source.data }
        : source.kind === 'url'
          ? { type: 'url', url: source.url }
          : { type: 'file', file_id: source.fileId },
  };
  if (part.filename !== undefined) block.title = part.filename;
  if (part.cacheControl !== undefined) block.cache_control = convertCacheControl(part.cacheControl);
  return block;
}

function convertToolResult(result: ToolResultPart): AnthropicRequestBlock {
  const content =
    typeof result.content === 'string'
      ? result.content
      : result.content.map((part) =>
          part.type === 'text' ? convertText(part) : part.type === 'image' ? convertImage(part) : convertFile(part),
        );
  return {
    type: 'tool_result',
    tool_use_id: sanitizeToolId(result.toolCallId),
    content,
    ...(result.isError === true ? { is_error: true } : {}),
    ...(result.cacheControl === undefined ? {} : { cache_control: convertCacheControl(result.cacheControl) }),
  };
}

function convertCacheControl(cacheControl: CacheControl): AnthropicCacheControl {
  return cacheControl.ttl === undefined ? { type: 'ephemeral' } : { type: 'ephemeral', ttl: cacheControl.ttl };
}

function convertToolChoice(
  choice: ToolChoice | undefined,
  parallelToolCalls: boolean | undefined,
): AnthropicToolChoice | undefined {
  const disableParallel = parallelToolCalls === false ? { disable_parallel_tool_use: true } : {};
  switch (choice?.type) {
    case undefined:
      return parallelToolCalls === false ? { type: 'auto', ...disableParallel } : undefined;
    case 'none':
      return { type: 'none' };
    case 'auto':
      return { type: 'auto', ...disableParallel };
    case 'required':
      return { type: 'any', ...disableParallel };
    case 'tool':
      return { type: 'tool', name: choice.name, ...disableParallel };
  }
}

/**
 * Decides the thinking budget, or none. Thinking needs a budget of at least 1,024 tokens below
 * `max_tokens`, is refused by Anthropic together with a forced tool choice, and — once a tool-use turn
 * is in the history — needs that turn's signed thinking block, which callers of other APIs cannot send.
 */
function chooseThinkingBudget(
  request: ChatRequest,
  body: AnthropicRequestBody,
  warnings: Warning[],
): number | undefined {
  const reasoning: ReasoningConfig | undefined = request.reasoning;
  if (reasoning === undefined || !reasoning.enabled) return undefined;
  const wanted = reasoning.budgetTokens ?? thinkingBudgetByEffort[reasoning.effort ?? 'medium'];
  if (wanted === undefined) return undefined;
  const budget = Math.min(wanted, body.max_tokens - 1);
  const drop = (reason: string): undefined => {
    warnings.push({ parameter: 'thinking', message: `Thinking was turned off: ${reason}.` });
    return undefined;
  };
  if (budget < minThinkingBudget) return drop(`max_tokens ${body.max_tokens} leaves no room for a thinking budget`);
  if (body.tool_choice?.type === 'any' || body.tool_choice?.type === 'tool') {
    return drop('Anthropic does not allow thinking with a forced tool choice');
  }
  const lastAssistant = body.messages.findLast((message) => message.role === 'assistant');
  const inToolLoop = lastAssistant?.content.some((block) => block.type === 'tool_use') ?? false;
  const hasThinking =
    lastAssistant?.content.some((block) => block.type === 'thinking' || block.type === 'redacted_thinking') ?? false;
  if (inToolLoop && !hasThinking) return drop('the last tool-use turn carries no signed thinking block');
  return budget;
}

function applySampling(
  request: ChatRequest,
  body: AnthropicRequestBody,
  options: ConvertToAnthropicOptions,
  warnings: Warning[],
): void {
  const sampling = [
    ['temperature', request.temperature],
    ['top_p', request.topP],
    ['top_k', request.topK],
  ] as const;
  for (const [parameter, value] of sampling) {
    if (value === undefined) continue;
    if (options.anthropicVersion >= samplingRemovedInVersion) {
      warnings.push({
        parameter,
        message: `anthropic-version ${options.anthropicVersion} rejects ${parameter}; it was not sent.`,
      });
      continue;
    }
    if (body.thinking !== undefined && parameter !== 'top_p') {
      warnings.push({
        parameter,
        message: `Anthropic does not allow ${parameter} with thinking; it was not sent.`,
      });
      continue;
    }
    if (parameter === 'temperature') {
      if (value > 1) {
        warnings.push({
          parameter,
          message: `Anthropic's temperature range is 0–1; ${value} was sent as 1.`,
        });
      }
      body.temperature = Math.min(value, 1);
    } else if (parameter === 'top_p') body.top_p = value;
    else body.top_k = value;
  }
}
