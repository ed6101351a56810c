import type { IncomingHttpHeaders } from 'node:http';
import type { EventSourceMessage } from 'eventsource-parser';
import type { GatewayError } from '../../errors/gateway-error.ts';
import { UpstreamError } from '../../errors/upstream-error.ts';
import { convertAnthropicUsage } from '../../formats/anthropic/convert-anthropic-usage.ts';
import { mapAnthropicStopReason } from '../../formats/anthropic/map-anthropic-stop-reason.ts';
import type { FirstContentGate } from '../../gateway/await-first-content.ts';
import type { PassthroughBody } from '../../gateway/gateway.ts';
import type { ResolvedModel } from '../../gateway/model-resolver.ts';
import type { RequestRecord } from '../../gateway/request-record.ts';
import type { Warning } from '../../providers/provider.ts';
import { toStreamReadFailure } from '../../providers/shared/send-upstream-request.ts';
import { isObject, type JsonObject } from '../shared/json-reader.ts';
import { readTrailingObject, readTrailingString } from '../shared/read-trailing-object.ts';
import { rewriteBodyModel } from '../shared/rewrite-body-model.ts';
import { sseData } from '../sse/send-event-stream.ts';
import { encodeAnthropicStreamError } from './encode-anthropic-stream.ts';

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

/** Reads usage and the stop reason of a non-streaming Anthropic body, without parsing all of it. */
export function recordAnthropicResponseUsage(body: Buffer, record: RequestRecord): void {
  const text = body.toString('utf8');
  const usage = readTrailingObject(text, 'usage');
  if (usage !== undefined) record.usage = convertAnthropicUsage(numericFields(usage));
  const stopReason = readTrailingString(text, 'stop_reason');
  if (stopReason !== undefined) record.finishReason = mapAnthropicStopReason(stopReason);
}

/**
 * Relays an Anthropic upstream stream event by event, each with its `event:` line. Reads usage from
 * `message_start` and the cumulative `message_delta`; a stream that ends before `message_stop` gets an
 * `error` event so it never looks finished.
 */
export async function* relayAnthropicStream(
  events: AsyncIterable<EventSourceMessage>,
  options: { record: RequestRecord; provider: string; signal: AbortSignal },
): AsyncGenerator<string> {
  const { record } = options;
  const usage: UsageFields = {};
  let ended = false;
  try {
    for await (const event of events) {
      const name = event.event ?? eventTypeOf(event.data);
      if (name === 'message_start' || name === 'message_delta') {
        const data = parse(event.data);
        const reported =
          name === 'message_start' && isObject(data?.['message']) ? data['message']['usage'] : data?.['usage'];
        if (isObject(reported)) Object.assign(usage, numericFields(reported));
        record.usage = convertAnthropicUsage(usage);
        const delta = data?.['delta'];
        if (isObject(delta) && typeof delta['stop_reason'] === 'string')
          record.finishReason = mapAnthropicStopReason(delta['stop_reason']);
      } else if (name === 'message_stop') {
        ended = true;
      } else if (name === 'error') {
        ended = true;
        record.errorCode = 'upstream_error';
      }
      yield `event: ${name}\n${sseData(event.data)}`;
    }
    if (ended) return;
    const error = new UpstreamError({
      provider: options.provider,
      upstreamStatus: undefined,
      upstreamMessage: 'the stream ended before message_stop',
      failure: 'interrupted',
    });
    record.errorCode = error.code;
    yield encodeAnthropicStreamError(error);
  } catch (error) {
    const failure = toStreamReadFailure(error, options.provider, options.signal);
    record.errorCode = failure.code;
    yield encodeAnthropicStreamError(failure);
  }
}

/**
 * Before its first content an Anthropic stream sends `message_start` and `ping`; an `error` event
 * there (an overload, typically) is a failure worth another attempt.
 */
export function anthropicPassthroughGate(provider: string): FirstContentGate<EventSourceMessage> {
  return {
    isPreamble: (event) => {
      const name = event.event ?? eventTypeOf(event.data);
      return name === 'message_start' || name === 'ping';
    },
    errorOf: (event): GatewayError | undefined => {
      if ((event.event ?? eventTypeOf(event.data)) !== 'error') return undefined;
      const error = parse(event.data)?.['error'];
      const type = isObject(error) && typeof error['type'] === 'string' ? error['type'] : undefined;
      const message =
        isObject(error) && typeof error['message'] === 'string' ? error['message'] : 'error event in stream';
      return new UpstreamError({
        provider,
        upstreamStatus: type === 'overloaded_error' ? 529 : 500,
        upstreamMessage: message,
        upstreamType: type,
      });
    },
  };
}

function parse(data: string): JsonObject | undefined {
  try {
    const value: unknown = JSON.parse(data);
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** An event without an `event:` line is named after its `type`, which the SDK needs to see it. */
function eventTypeOf(data: string): string {
  const type = parse(data)?.['type'];
  return typeof type === 'string' && /^[a-z_]+$/.test(type) ? type : 'message';
}

type UsageFields = Record<string, number | Record<string, number>>;

/** The usage's numbers, and one level of nested numbers (`cache_creation`'s split of the writes by TTL). */
function numericFields(value: JsonObject): UsageFields {
  const result: UsageFields = {};
  for (const [key, item] of Object.entries(value)) {
    if (typeof item === 'number') result[key] = item;
    else if (isObject(item)) result[key] = numbersOf(item);
  }
  return result;
}

function numbersOf(value: JsonObject): Record<string, number> {
  const result: Record<string, number> = {};
  for (const [key, item] of Object.entries(value)) if (typeof item === 'number') result[key] = item;
  return result;
}
