import type {
  ChatMessage,
  ChatRequest,
  FilePart,
  ImagePart,
  ReasoningEffort,
  TextPart,
  ToolChoice,
} from '../internal/chat-request.ts';
import { parseToolCallArguments } from '../internal/parse-tool-call-arguments.ts';
import type { Warning } from '../internal/warning.ts';
import type { GeminiContent, GeminiPart, GeminiRequest } from './gemini-api.ts';
import { signatureFromToolCallId } from './gemini-tool-call-id.ts';
import { sanitizeGeminiSchema } from './sanitize-gemini-schema.ts';

/** Gemini takes at most five stop sequences. */
const maxStopSequences = 5;

/** Thinking budgets for effort levels (tokens), within what Gemini 2.5 and 3 accept. */
const budgetByEffort: Partial<Record<ReasoningEffort, number>> = {
  minimal: 512,
  low: 1024,
  medium: 8192,
  high: 24576,
  xhigh: 32768,
  max: 32768,
};

const mimeByExtension: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  pdf: 'application/pdf',
};

function mediaPart(part: ImagePart | FilePart): GeminiPart {
  const source = part.source;
  switch (source.kind) {
    case 'base64':
      return { inlineData: { mimeType: source.mediaType, data: source.data } };
    case 'text':
      return { text: source.data };
    case 'file-id':
      return { fileData: { fileUri: source.fileId } };
    case 'url': {
      const extension = /\.([a-z0-9]+)(?:[?#].*)?$/i.exec(source.url)?.[1]?.toLowerCase() ?? '';
      const mimeType = mimeByExtension[extension];
      return { fileData: { fileUri: source.url, ...(mimeType === undefined ? {} : { mimeType }) } };
    }
  }
}

function textOf(content: string | Array<TextPart | ImagePart | FilePart>): string {
  return typeof content === 'string'
    ? content
    : content.map((part) => (part.type === 'text' ? part.text : '')).join('');
}

/** Contents in Gemini's two roles, neighbours of one role merged (Gemini wants them alternating). */
function convertMessages(messages: readonly ChatMessage[]): { contents: GeminiContent[]; system: string[] } {
  const contents: GeminiContent[] = [];
  const system: string[] = [];
  const toolNames = new Map<string, string>();
  const push = (role: GeminiContent['role'], parts: GeminiPart[]): void => {
    if (parts.length === 0) return;
    const last = contents.at(-1);
    if (last?.role === role) last.parts.push(...parts);
    else contents.push({ role, parts });
  };
  for (const [index, message] of messages.entries()) {
    switch (message.role) {
      case 'system':
        system.push(message.content.map((part) => part.text).join(''));
        break;
      case 'user':
        push(
          'user',
          message.content.map((part) => (part.type === 'text' ? { text: part.text } : mediaPart(part))),
        );
        break;
      case 'assistant': {
        const parts: GeminiPart[] = [];
        for (const part of message.content) {
          if (part.type === 'text' && part.text !== '') parts.push({ text: part.text });
          else if (part.type === 'tool-call') {
            toolNames.set(part.id, part.name);
            const args = parseToolCallArguments(part, { index, content: message.content });
            const signature = signatureFromToolCallId(part.id);
            parts.push({
              functionCall: { name: part.name, args },
              ...(signature === undefined ? {} : { thoughtSignature: signature }),
            });
          }
          // Reasoning text is not sent back: Gemini keeps its thinking in the signatures.
        }
        push('model', parts);
        break;
      }
      case 'tool':
        push(
          'user',
          message.content.map((part) => ({
            functionResponse: {
              name: toolNames.get(part.toolCallId) ?? 'tool',
              response: part.isError === true ? { error: textOf(part.content) } : { result: textOf(part.content) },
            },
          })),
        );
        break;
    }
  }
  return { contents, system };
}

function toolConfig(choice: ToolChoice): NonNullable<GeminiRequest['toolConfig']> {
  switch (choice.type) {
    case 'auto':
      return { functionCallingConfig: { mode: 'AUTO' } };
    case 'none':
      return { functionCallingConfig: { mode: 'NONE' } };
    case 'required':
      return { functionCallingConfig: { mode: 'ANY' } };
    case 'tool':
      return { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [choice.name] } };
  }
}

/**
 * Canonical request → Gemini `GenerateContentRequest`. Everything Gemini cannot take is reported in
 * `warnings`, never dropped silently.
 * @see https://ai.google.dev/api/generate-content
 */
export function convertToGeminiRequest(request: ChatRequest, warnings: Warning[]): GeminiRequest {
  const { contents, system } = convertMessages(request.messages);
  const body: GeminiRequest = { contents };
  if (system.length > 0) body.systemInstruction = { parts: [{ text: system.join('\n\n') }] };
  if (request.tools !== undefined && request.tools.length > 0) {
    body.tools = [
      {
        functionDeclarations: request.tools.map((tool) => ({
          name: tool.name,
          ...(tool.description === undefined ? {} : { description: tool.description }),
          parameters: sanitizeGeminiSchema(tool.inputSchema),
        })),
      },
    ];
  }
  if (request.toolChoice !== undefined && body.tools !== undefined) body.toolConfig = toolConfig(request.toolChoice);
  const generation: Record<string, unknown> = {};
  if (request.maxOutputTokens !== undefined) generation['maxOutputTokens'] = request.maxOutputTokens;
  if (request.temperature !== undefined) generation['temperature'] = request.temperature;
  if (request.topP !== undefined) generation['topP'] = request.topP;
  if (request.topK !== undefined) generation['topK'] = request.topK;
  if (request.presencePenalty !== undefined) generation['presencePenalty'] = request.presencePenalty;
  if (request.frequencyPenalty !== undefined) generation['frequencyPenalty'] = request.frequencyPenalty;
  if (request.seed !== undefined) generation['seed'] = request.seed;
  if (request.stopSequences !== undefined && request.stopSequences.length > 0) {
    if (request.stopSequences.length > maxStopSequences)
      warnings.push({
        parameter: 'stop',
        message: `Gemini takes at most ${maxStopSequences} stop sequences; the first ${maxStopSequences} were sent.`,
      });
    generation['stopSequences'] = request.stopSequences.slice(0, maxStopSequences);
  }
  const format = request.responseFormat;
  if (format?.type === 'json-object') generation['responseMimeType'] = 'application/json';
  if (format?.type === 'json-schema') {
    generation['responseMimeType'] = 'application/json';
    generation['responseSchema'] = sanitizeGeminiSchema(format.schema);
  }
  const reasoning = request.reasoning;
  if (reasoning?.enabled === true) {
    const budget =
      reasoning.budgetTokens ?? (reasoning.effort === undefined ? undefined : budgetByEffort[reasoning.effort]);
    generation['thinkingConfig'] = {
      includeThoughts: true,
      ...(budget === undefined ? {} : { thinkingBudget: budget }),
    };
  }
  if (request.parallelToolCalls === false)
    warnings.push({
      parameter: 'parallel_tool_calls',
      message: 'Gemini has no switch for parallel function calls; not sent.',
    });
  if (Object.keys(generation).length > 0) body.generationConfig = generation;
  return body;
}
