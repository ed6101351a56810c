import type { EventSourceMessage } from 'eventsource-parser';
import type { GatewayError } from '../../errors/gateway-error.ts';
import { streamInterrupted, UpstreamError } from '../../errors/upstream-error.ts';
import { convertGeminiUsage } from '../../formats/gemini/convert-gemini-usage.ts';
import type { GeminiResponse } from '../../formats/gemini/gemini-api.ts';
import { mapGeminiFinishReason } from '../../formats/gemini/map-gemini-finish-reason.ts';
import { readGeminiStreamEvent } from '../../formats/gemini/read-gemini-stream-event.ts';
import { renderGoogleError } from '../../formats/gemini/render-google-error.ts';
import type { FirstContentGate } from '../../gateway/await-first-content.ts';
import type { RequestRecord } from '../../gateway/request-record.ts';
import { toStreamReadFailure } from '../../providers/shared/send-upstream-request.ts';

/** Notes the usage and finish reason a Gemini answer (whole or one chunk) reports on the record. */
function recordGeminiUsage(response: GeminiResponse, record: RequestRecord): boolean {
  if (response.usageMetadata !== undefined) record.usage = convertGeminiUsage(response.usageMetadata);
  const candidate = response.candidates?.[0];
  const reason = candidate?.finishReason;
  if (typeof reason !== 'string' || reason === '') return false;
  const calls = candidate?.content?.parts?.some((part) => part.functionCall !== undefined) === true;
  record.finishReason = mapGeminiFinishReason(reason, calls);
  return true;
}

/** A forwarded non-streaming Gemini body: usage and finish reason read, bytes kept. */
export function recordGeminiResponseUsage(body: Buffer, record: RequestRecord): void {
  const read = readGeminiStreamEvent(body.toString('utf8'));
  if (read.kind === 'chunk') recordGeminiUsage(read.response, record);
}

/**
 * Relays a Gemini upstream's `alt=sse` chunks as they came (the JSON text of each), noting usage and
 * the finish reason. A stream that closes without a finish reason gets an error chunk, so it never
 * looks complete.
 */
export async function* relayGeminiStream(
  events: AsyncIterable<EventSourceMessage>,
  options: { record: RequestRecord; provider: string; signal: AbortSignal },
): AsyncGenerator<string> {
  const { record } = options;
  let ended = false;
  try {
    for await (const event of events) {
      const read = readGeminiStreamEvent(event.data);
      if (read.kind === 'error') {
        ended = true;
        record.errorCode = 'upstream_error';
      } else if (read.kind === 'chunk' && recordGeminiUsage(read.response, record)) ended = true;
      yield event.data;
    }
    if (ended) return;
    const error = streamInterrupted(options.provider, 'the stream ended without a finish reason');
    record.errorCode = error.code;
    yield JSON.stringify(renderGoogleError(error));
  } catch (error) {
    const failure = toStreamReadFailure(error, options.provider, options.signal);
    record.errorCode = failure.code;
    yield JSON.stringify(renderGoogleError(failure));
  }
}

/** Gemini streams have no preamble; an `{error}` chunk before any content is worth another attempt. */
export function geminiPassthroughGate(provider: string): FirstContentGate<EventSourceMessage> {
  return {
    isPreamble: () => false,
    errorOf: (event): GatewayError | undefined => {
      const read = readGeminiStreamEvent(event.data);
      if (read.kind !== 'error') return undefined;
      return new UpstreamError({
        provider,
        upstreamStatus: read.code ?? 500,
        upstreamMessage: read.message ?? 'error chunk in the stream',
        upstreamType: read.status,
      });
    },
  };
}
