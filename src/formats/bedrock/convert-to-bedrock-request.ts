import type {
  CacheControl,
  ChatMessage,
  ChatRequest,
  FilePart,
  ImagePart,
  TextPart,
} from '../internal/chat-request.ts';
import { parseToolCallArguments } from '../internal/parse-tool-call-arguments.ts';
import type { Warning } from '../internal/warning.ts';
import { bedrockToolId } from './bedrock-tool-id.ts';

type Block = Record<string, unknown>;
interface BedrockMessage {
  role: 'user' | 'assistant';
  content: Block[];
}

const imageFormats: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpeg',
  'image/gif': 'gif',
  'image/webp': 'webp',
};

function mediaBlock(part: ImagePart | FilePart, warnings: Warning[]): Block | undefined {
  const source = part.source;
  if (source.kind === 'text') return { text: source.data };
  if (source.kind !== 'base64') {
    warnings.push({
      parameter: 'messages',
      message: 'Bedrock takes images and documents inline only; a URL or file id was left out.',
    });
    return undefined;
  }
  if (part.type === 'image') {
    const format = imageFormats[source.mediaType];
    if (format === undefined) {
      warnings.push({ parameter: 'messages', message: `Bedrock does not take ${source.mediaType} images; left out.` });
      return undefined;
    }
    return { image: { format, source: { bytes: source.data } } };
  }
  const name = (part.filename ?? 'document').replace(/[^a-zA-Z0-9 ()[\]-]/g, ' ').slice(0, 200) || 'document';
  return {
    document: { format: source.mediaType === 'application/pdf' ? 'pdf' : 'txt', name, source: { bytes: source.data } },
  };
}

function resultText(content: string | Array<TextPart | ImagePart | FilePart>): string {
  return typeof content === 'string'
    ? content
    : content.map((part) => (part.type === 'text' ? part.text : '')).join('');
}

/**
 * An Anthropic `cache_control` marker as Converse writes it: a `cachePoint` block after the content it
 * closes. Converse takes no TTL there, so a requested one is removed, and said so.
 * @see https://docs.aws.amazon.com/bedrock/latest/userguide/prompt-caching.html
 */
function cachePointAfter(part: { cacheControl?: CacheControl }, warnings: Warning[]): Block[] {
  if (part.cacheControl === undefined) return [];
  if (part.cacheControl.ttl !== undefined && !warnings.some((warning) => warning.parameter === 'cache_control.ttl')) {
    warnings.push({
      parameter: 'cache_control.ttl',
      message: `Bedrock's cachePoint takes no TTL; '${part.cacheControl.ttl}' was removed (the default applies).`,
    });
  }
  return [{ cachePoint: { type: 'default' } }];
}

function convertMessages(messages: readonly ChatMessage[], warnings: Warning[]) {
  const system: Block[] = [];
  const out: BedrockMessage[] = [];
  let toolBlocks = false;
  const push = (role: BedrockMessage['role'], content: Block[]): void => {
    if (content.length === 0) return;
    const last = out.at(-1);
    if (last?.role === role) last.content.push(...content);
    else out.push({ role, content });
  };
  for (const [index, message] of messages.entries()) {
    switch (message.role) {
      case 'system':
        for (const part of message.content) system.push({ text: part.text }, ...cachePointAfter(part, warnings));
        break;
      case 'user':
        push(
          'user',
          message.content.flatMap((part) => {
            const block = part.type === 'text' ? { text: part.text } : mediaBlock(part, warnings);
            return block === undefined ? [] : [block, ...cachePointAfter(part, warnings)];
          }),
        );
        break;
      case 'assistant':
        push(
          'assistant',
          message.content.flatMap((part): Block[] => {
            if (part.type === 'text') return part.text === '' ? [] : [{ text: part.text }];
            if (part.type === 'reasoning')
              return part.signature === undefined
                ? []
                : [{ reasoningContent: { reasoningText: { text: part.text, signature: part.signature } } }];
            if (part.type === 'redacted-reasoning') return [{ reasoningContent: { redactedContent: part.data } }];
            toolBlocks = true;
            const input = parseToolCallArguments(part, { index, content: message.content });
            return [{ toolUse: { toolUseId: bedrockToolId(part.id), name: part.name, input } }];
          }),
        );
        break;
      case 'tool':
        toolBlocks = true;
        push(
          'user',
          message.content.map((part) => ({
            toolResult: {
              toolUseId: bedrockToolId(part.toolCallId),
              content: [{ text: resultText(part.content) }],
              status: part.isError === true ? 'error' : 'success',
            },
          })),
        );
        break;
    }
  }
  return { system, messages: out, toolBlocks };
}

/**
 * Canonical request → Bedrock `ConverseRequest` (the model goes in the path). What Converse cannot
 * take is reported in `warnings`.
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html
 */
export function convertToBedrockRequest(request: ChatRequest, warnings: Warning[]): Record<string, unknown> {
  const { system, messages, toolBlocks } = convertMessages(request.messages, warnings);
  const body: Record<string, unknown> = { messages };
  if (system.length > 0) body['system'] = system;
  const inference: Record<string, unknown> = {};
  if (request.maxOutputTokens !== undefined) inference['maxTokens'] = request.maxOutputTokens;
  if (request.temperature !== undefined) inference['temperature'] = request.temperature;
  if (request.topP !== undefined) inference['topP'] = request.topP;
  if (request.stopSequences !== undefined && request.stopSequences.length > 0)
    inference['stopSequences'] = request.stopSequences;
  if (Object.keys(inference).length > 0) body['inferenceConfig'] = inference;
  const additional: Record<string, unknown> = {};
  if (request.topK !== undefined) additional['top_k'] = request.topK;
  if (request.reasoning?.enabled === true && request.reasoning.budgetTokens !== undefined)
    additional['thinking'] = { type: 'enabled', budget_tokens: request.reasoning.budgetTokens };
  if (Object.keys(additional).length > 0) body['additionalModelRequestFields'] = additional;
  const tools = request.tools ?? [];
  const choice = request.toolChoice;
  // Converse has no "none": tools are left out then — unless the history holds tool blocks, which need them.
  if (tools.length > 0 && (choice?.type !== 'none' || toolBlocks)) {
    const toolConfig: Record<string, unknown> = {
      tools: tools.flatMap((tool) => [
        {
          toolSpec: {
            name: tool.name,
            ...(tool.description === undefined ? {} : { description: tool.description }),
            inputSchema: { json: tool.inputSchema },
          },
        },
        ...cachePointAfter(tool, warnings),
      ]),
    };
    if (choice?.type === 'auto') toolConfig['toolChoice'] = { auto: {} };
    if (choice?.type === 'required') toolConfig['toolChoice'] = { any: {} };
    if (choice?.type === 'tool') toolConfig['toolChoice'] = { tool: { name: choice.name } };
    if (choice?.type === 'none')
      warnings.push({
        parameter: 'tool_choice',
        message: 'Bedrock has no "none"; tools were sent since the history uses them.',
      });
    body['toolConfig'] = toolConfig;
  }
  for (const [parameter, value] of [
    ['presence_penalty', request.presencePenalty],
    ['frequency_penalty', request.frequencyPenalty],
    ['seed', request.seed],
  ] as const)
    if (value !== undefined) warnings.push({ parameter, message: 'Converse has no such parameter; not sent.' });
  return body;
}
