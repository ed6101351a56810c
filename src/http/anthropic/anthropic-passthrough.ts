import type { IncomingHttpHeaders } from 'node:http';
import type { EventSourceMessage } from 'eventsource-parser';
import type { GatewayError } from '../../errors/gateway-error.ts';
import { streamInterrupted } from '../../errors/upstream-error.ts';
import { convertAnthropicUsage } from '../../formats/anthropic/convert-anthropic-usage.ts';
import { encodeAnthropicStreamError } from '../../formats/anthropic/encode-anthropic-stream.ts';
import { mapAnthropicStopReason } from '../../formats/anthropic/map-anthropic-stop-reason.ts';
import {
  type AnthropicUsageFields,
  anthropicStreamError,
  readAnthropicStreamEvent,
  readAnthropicUsageFields,
  unreadableAnthropicStreamEvent,
} from '../../formats/anthropic/read-anthropic-stream-event.ts';
import type { Warning } from '../../formats/internal/warning.ts';
import type { JsonObject } from '../../formats/shared/json-reader.ts';
import type { FirstContentGate } from '../../gateway/await-first-content.ts';
import type { PassthroughBody } from '../../gateway/gateway.ts';
import type { ResolvedModel } from '../../gateway/model-resolver.ts';
import type { RequestRecord } from '../../gateway/request-record.ts';
import { toStreamReadFailure } from '../../providers/shared/send-upstream-request.ts';
import { isJsonObjectText, unreadableAnswer } from '../shared/check-json-object-text.ts';
import { readTrailingObject, readTrailingString } from '../shared/read-trailing-object.ts';
import { rewriteBodyModel } from '../shared/rewrite-body-model.ts';
import { sseData } from '../sse/send-event-stream.ts';

/** Caller headers an Anthropic upstream receives: the API version the body was shaped for, and betas. */
export function anthropicForwardedHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const forwarded: Record<string, string> = {};
  for (const name of ['anthropic-version', 'anthropic-beta']) {
    const value = headers[name];
    if (typeof value === 'string' && value !== '') forwarded[name] = value;
    else if (Array.isArray(value)) forwarded[name] = value.join(',');
  }
  return forwarded;
}

/**
 * The caller's body for an Anthropic upstream: unchanged but for `model` and an alias's output cap;
 * with it the caller's own text, rewritten the same way, when that can be done exactly.
 */
export function buildAnthropicPassthroughBody(
  body: JsonObject & { model: string },
  text: string,
  resolved: ResolvedModel,
  warnings: Warning[],
): PassthroughBody {
  const forwarded: JsonObject = { ...body, model: resolved.upstreamModel };
  const cap = resolved.maxOutputTokens;
  const maxTokens = body['max_tokens'];
  if (cap !== undefined && typeof maxTokens === 'number' && maxTokens > cap) {
    forwarded['max_tokens'] = cap;
    warnings.push({
      parameter: 'max_tokens',
      message: `${maxTokens} output tokens is above this model's limit; ${cap} was sent.`,
    });
    return { body: forwarded, text: undefined };
  }
  return { body: forwarded, text: rewriteBodyModel(text, { model: body.model, replacement: resolved.upstreamModel }) };
}

/**
 * Reads usage and the stop reason of a non-streaming Anthropic body, without parsing all of it; throws
 * the 502 for a body that is not a JSON object.
 */
export function recordAnthropicResponseUsage(body: Buffer, record: RequestRecord): void {
  const text = body.toString('utf8');
  const usage = readTrailingObject(text, 'usage');
  if (!isJsonObjectText(text, usage !== undefined)) throw unreadableAnswer(record.provider ?? 'upstream');
  if (usage !== undefined) record.usage = convertAnthropicUsage(readAnthropicUsageFields(usage));
  const stopReason = readTrailingString(text, 'stop_reason');
  if (stopReason !== undefined) record.finishReason = mapAnthropicStopReason(stopReason);
}

/**
 * Relays an Anthropic upstream stream event by event, each with its `event:` line; each event's data
 * goes to the caller untouched, read by a real parse (`readAnthropicStreamEvent`) for usage — from
 * `message_start` and the cumulative `message_delta` — the stop reason, errors, and the output
 * streamed (for an estimate should the stream end early). A stream that ends before `message_stop`,
 * or sends data that is not a JSON event, gets an `error` event so it never looks finished.
 */
export async function* relayAnthropicStream(
  events: AsyncIterable<EventSourceMessage>,
  options: { record: RequestRecord; provider: string; signal: AbortSignal },
): AsyncGenerator<string> {
  const { record } = options;
  const usage: AnthropicUsageFields = {};
  let ended = false;
  try {
    for await (const event of events) {
      const read = readAnthropicStreamEvent(event.data);
      if (read.kind === 'invalid') {
        const error = unreadableAnthropicStreamEvent(options.provider);
        record.errorCode = error.code;
        yield encodeAnthropicStreamError(error);
        return;
      }
      const name = read.type;
      if (read.usage !== undefined) {
        Object.assign(usage, read.usage);
        record.usage = convertAnthropicUsage(usage);
      }
      if (read.stopReason !== undefined) record.finishReason = mapAnthropicStopReason(read.stopReason);
      record.streamedChars += read.outputChars;
      if (name === 'message_stop') {
        ended = true;
      } else if (name === 'error') {
        ended = true;
        record.errorCode = 'upstream_error';
      }
      // An event without an `event:` line is named after its `type`, which the SDK needs to see it.
      yield `event: ${event.event ?? (eventName.test(name) ? name : 'message')}\n${sseData(event.data)}`;
    }
    if (ended) return;
    const error = streamInterrupted(options.provider, 'the stream ended before message_stop');
    record.errorCode = error.code;
    yield encodeAnthropicStreamError(error);
  } catch (error) {
    const failure = toStreamReadFailure(error, options.provider, options.signal);
    record.errorCode = failure.code;
    yield encodeAnthropicStreamError(failure);
  }
}

const eventName = /^[a-z_]+$/;

/**
 * Before its first content an Anthropic stream sends `message_start` and `ping`; an `error` event
 * there (an overload, typically) is a failure worth another attempt, and data that is not JSON a
 * failure of this target.
 */
export function anthropicPassthroughGate(provider: string): FirstContentGate<EventSourceMessage> {
  return {
    isPreamble: (event) => {
      const read = readAnthropicStreamEvent(event.data);
      return read.kind === 'event' && (read.type === 'message_start' || read.type === 'ping');
    },
    errorOf: (event): GatewayError | undefined => {
      const read = readAnthropicStreamEvent(event.data);
      if (read.kind === 'invalid') return unreadableAnthropicStreamEvent(provider);
      return read.error === undefined ? undefined : anthropicStreamError(provider, read.error);
    },
  };
}
