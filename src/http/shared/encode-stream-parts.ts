import type { StreamPart } from '../../formats/internal/stream-part.ts';
import { emptyUsage } from '../../formats/internal/usage.ts';
import type { RequestRecord } from '../../gateway/request-record.ts';

/**
 * Runs canonical stream parts through a surface's encoder, noting usage, the finish reason, any error
 * and the output characters streamed (for an estimate should the stream end early) on the request
 * record as they pass.
 */
export async function* encodeStreamParts(
  parts: AsyncIterable<StreamPart>,
  encode: (part: StreamPart) => string,
  record: RequestRecord,
): AsyncGenerator<string> {
  for await (const part of parts) {
    if (part.type === 'message-start') {
      // The usage known so far (Anthropic reports its input here), should the stream end early.
      if (part.usage.inputTokens !== undefined) record.usage = { ...emptyUsage(), ...part.usage };
    } else if (part.type === 'text-delta' || part.type === 'reasoning-delta') {
      record.streamedChars += part.text.length;
    } else if (part.type === 'tool-call-delta') {
      record.streamedChars += part.argumentsDelta.length;
    } else if (part.type === 'finish') {
      record.usage = part.usage;
      record.finishReason = part.finishReason;
    } else if (part.type === 'error') {
      record.errorCode = part.error.code;
    }
    const text = encode(part);
    if (text !== '') yield text;
  }
}
