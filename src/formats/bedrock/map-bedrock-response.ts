import { randomUUID } from 'node:crypto';
import type { AssistantContentPart } from '../internal/chat-request.ts';
import type { ChatResponse } from '../internal/chat-response.ts';
import { compileChecker } from '../shared/json-checker.ts';
import { parseUpstreamJson } from '../shared/parse-upstream-json.ts';
import { BedrockConverseResponseSchema } from './bedrock-converse-api.ts';
import { convertBedrockUsage } from './convert-bedrock-usage.ts';
import { mapBedrockStopReason } from './map-bedrock-stop-reason.ts';

const responseChecker = compileChecker(BedrockConverseResponseSchema);

/** A `ConverseResponse` body → canonical response; an unreadable body is a 502 saying what was wrong. */
export function mapBedrockResponse(text: string, model: string, provider: string): ChatResponse {
  const body = parseUpstreamJson(text, responseChecker, provider);
  const content: AssistantContentPart[] = [];
  for (const block of body.output.message.content) {
    if (block.text !== undefined) content.push({ type: 'text', text: block.text });
    const { toolUse } = block;
    if (toolUse !== undefined)
      content.push({
        type: 'tool-call',
        id: toolUse.toolUseId,
        name: toolUse.name,
        arguments: JSON.stringify(toolUse.input ?? {}),
      });
    const reasoning = block.reasoningContent?.reasoningText;
    if (reasoning !== undefined) {
      const { signature } = reasoning;
      content.push({
        type: 'reasoning',
        text: reasoning.text ?? '',
        ...(signature !== undefined ? { signature } : {}),
      });
    }
  }
  return {
    id: `bedrock-${randomUUID()}`,
    model,
    created: Math.floor(Date.now() / 1000),
    content,
    finishReason: mapBedrockStopReason(body.stopReason),
    rawFinishReason: body.stopReason,
    stopSequence: undefined,
    usage: convertBedrockUsage(body.usage),
  };
}
