import type { RequestRecord } from '../../gateway/request-record.ts';

/** Characters per token for estimates: the rule of thumb OpenAI publishes for English text. */
const charactersPerToken = 4;

/**
 * Fills in the usage of a stream that ended without the upstream's final count — broken off upstream,
 * or abandoned by its caller — so that what was streamed (and billed by the provider) is metered.
 * Counts the upstream reported (Anthropic's `message_start` input tokens) are kept; the rest is
 * estimated at four characters a token: the output from the characters streamed to the caller, the
 * input from the request body's size (as admission estimated it). Streams that sent nothing are left
 * alone: their upstream never began an answer.
 */
export function estimateStreamUsage(record: RequestRecord, requestBytes: number): void {
  if (record.firstByteAt === undefined) return;
  if (record.finishReason !== undefined && record.usage !== undefined) return;
  const reported = record.usage;
  const output = Math.ceil(record.streamedChars / charactersPerToken);
  record.usage = {
    inputTokens:
      reported !== undefined && reported.inputTokens > 0
        ? reported.inputTokens
        : Math.ceil(requestBytes / charactersPerToken),
    outputTokens: Math.max(reported?.outputTokens ?? 0, output),
    cacheReadTokens: reported?.cacheReadTokens ?? 0,
    cacheWriteTokens: reported?.cacheWriteTokens ?? 0,
    reasoningTokens: reported?.reasoningTokens ?? 0,
  };
}
