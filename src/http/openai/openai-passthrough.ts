import type { EventSourceMessage } from 'eventsource-parser';
import type { GatewayError } from '../../errors/gateway-error.ts';
import { streamInterrupted } from '../../errors/upstream-error.ts';
import type { Warning } from '../../formats/internal/warning.ts';
import { readOpenAIUsage } from '../../formats/openai/convert-openai-usage.ts';
import { encodeOpenAIStreamError } from '../../formats/openai/encode-openai-chat-stream.ts';
import { mapOpenAIFinishReason } from '../../formats/openai/map-openai-finish-reason.ts';
import {
  openAIStreamError,
  parseOpenAIStreamData,
  readOpenAIStreamEvent,
  unreadableOpenAIStreamEvent,
} from '../../formats/openai/read-openai-stream-event.ts';
import { isObject, type JsonObject } from '../../formats/shared/json-reader.ts';
import type { FirstContentGate } from '../../gateway/await-first-content.ts';
import type { PassthroughBody } from '../../gateway/gateway.ts';
import type { ResolvedModel } from '../../gateway/model-resolver.ts';
import type { RequestRecord } from '../../gateway/request-record.ts';
import { toStreamReadFailure } from '../../providers/shared/send-upstream-request.ts';
import { isJsonObjectText, unreadableAnswer } from '../shared/check-json-object-text.ts';
import { readTrailingObject, readTrailingString } from '../shared/read-trailing-object.ts';
import { rewriteBodyModel } from '../shared/rewrite-body-model.ts';
import { sseData } from '../sse/send-event-stream.ts';

/** Whether the caller asked for the final usage chunk of a stream. */
export function callerWantsStreamUsage(body: JsonObject): boolean {
  return isObject(body['stream_options']) && body['stream_options']['include_usage'] === true;
}

/**
 * The caller's body for an OpenAI-format upstream: unchanged but for `model`, an alias's output cap,
 * and — on streams — `stream_options.include_usage`, so that usage is known even when the caller did
 * not ask for it (its chunk is then removed again on the way back). With it the caller's own text,
 * rewritten the same way, when that can be done exactly (`rewriteBodyModel`).
 */
export function buildOpenAIPassthroughBody(
  body: JsonObject & { model: string },
  text: string,
  resolved: ResolvedModel,
  stream: boolean,
  warnings: Warning[],
): PassthroughBody {
  const forwarded: JsonObject = { ...body, model: resolved.upstreamModel };
  let keepText = true;
  let prepend: string | undefined;
  if (stream && !callerWantsStreamUsage(body)) {
    if ('stream_options' in body) keepText = false;
    else prepend = includeUsageMember;
    forwarded['stream_options'] = {
      ...(isObject(body['stream_options']) ? body['stream_options'] : {}),
      include_usage: true,
    };
  }
  const cap = resolved.maxOutputTokens;
  if (cap !== undefined) {
    for (const field of ['max_completion_tokens', 'max_tokens']) {
      const value = body[field];
      if (typeof value === 'number' && value > cap) {
        forwarded[field] = cap;
        keepText = false;
        warnings.push({
          parameter: field,
          message: `${value} output tokens is above this model's limit; ${cap} was sent.`,
        });
      }
    }
  }
  return {
    body: forwarded,
    text: keepText
      ? rewriteBodyModel(text, { model: body.model, replacement: resolved.upstreamModel, prepend })
      : undefined,
  };
}

const includeUsageMember = '"stream_options":{"include_usage":true}';

/**
 * Reads usage and the finish reason of a non-streaming OpenAI body, without parsing all of it; throws
 * the 502 for a body that is not a JSON object.
 */
export function recordOpenAIResponseUsage(body: Buffer, record: RequestRecord): void {
  const text = body.toString('utf8');
  const usage = readOpenAIUsage(readTrailingObject(text, 'usage'));
  if (!isJsonObjectText(text, usage !== undefined)) throw unreadableAnswer(record.provider ?? 'upstream');
  record.usage = usage ?? record.usage;
  const finishReason = readTrailingString(text, 'finish_reason');
  if (finishReason !== undefined) record.finishReason = mapOpenAIFinishReason(finishReason);
}

/**
 * Relays an OpenAI-format upstream stream event by event, as it arrives: each event's bytes go to the
 * caller untouched, while its usage, finish reason and errors are read by a real parse
 * (`readOpenAIStreamEvent`). Drops the usage chunk the gateway asked for on the caller's behalf;
 * counts the output streamed, for an estimate should the stream end early; and ends a stream that
 * breaks off, or sends data that is not JSON, with an error event rather than letting it look finished.
 */
export async function* relayOpenAIStream(
  events: AsyncIterable<EventSourceMessage>,
  options: { record: RequestRecord; stripUsageChunk: boolean; provider: string; signal: AbortSignal },
): AsyncGenerator<string> {
  const { record } = options;
  let finished = false;
  try {
    for await (const event of events) {
      const { data } = event;
      const read = readOpenAIStreamEvent(data);
      if (read.kind === 'done') {
        yield 'data: [DONE]\n\n';
        return;
      }
      if (read.kind === 'invalid') {
        const error = unreadableOpenAIStreamEvent(options.provider);
        record.errorCode = error.code;
        yield encodeOpenAIStreamError(error);
        return;
      }
      if (read.kind === 'error') {
        // Already in the caller's format: relayed as it is, and the stream ends there.
        record.errorCode = 'upstream_error';
        yield sseData(data);
        return;
      }
      record.streamedChars += read.outputChars;
      if (read.finishReason !== undefined) {
        finished = true;
        record.finishReason = mapOpenAIFinishReason(read.finishReason);
      }
      if (read.usage !== undefined) {
        record.usage = read.usage;
        if (read.usageOnly && options.stripUsageChunk) continue;
      }
      yield sseData(data);
    }
    // Some compatible APIs omit [DONE]; a stream that did finish gets one, a broken one an error.
    if (finished) {
      yield 'data: [DONE]\n\n';
      return;
    }
    const error = streamInterrupted(options.provider, 'the stream ended before it finished');
    record.errorCode = error.code;
    yield encodeOpenAIStreamError(error);
  } catch (error) {
    const failure = toStreamReadFailure(error, options.provider, options.signal);
    record.errorCode = failure.code;
    yield encodeOpenAIStreamError(failure);
  }
}

/**
 * Before its first content an OpenAI stream may send a role-only chunk; an `{"error": …}` chunk there
 * is a failure worth another attempt, and data that is not JSON a failure of this target.
 */
export function openAIPassthroughGate(provider: string): FirstContentGate<EventSourceMessage> {
  return {
    isPreamble: (event) => {
      if (!event.data.includes('"role"')) return false;
      const chunk = parseOpenAIStreamData(event.data);
      const delta = readFirstDelta(chunk === '[DONE]' ? undefined : chunk);
      return (
        delta !== undefined &&
        Object.entries(delta).every(([key, value]) => key === 'role' || value === '' || value === null)
      );
    },
    errorOf: (event): GatewayError | undefined => {
      const read = readOpenAIStreamEvent(event.data);
      if (read.kind === 'invalid') return unreadableOpenAIStreamEvent(provider);
      return read.kind === 'error' ? openAIStreamError(provider, read.error) : undefined;
    },
  };
}

function readFirstDelta(chunk: JsonObject | undefined): JsonObject | undefined {
  const [choice] = Array.isArray(chunk?.['choices']) ? chunk['choices'] : [];
  return isObject(choice) && isObject(choice['delta']) ? choice['delta'] : undefined;
}
