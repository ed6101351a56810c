import type { EventSourceMessage } from 'eventsource-parser';
import type { GatewayError } from '../../errors/gateway-error.ts';
import { UpstreamError } from '../../errors/upstream-error.ts';
import { readOpenAIUsage } from '../../formats/openai/convert-openai-usage.ts';
import { mapOpenAIFinishReason } from '../../formats/openai/map-openai-finish-reason.ts';
import { extractOpenAIError } from '../../formats/openai/openai-error.ts';
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
import { encodeOpenAIStreamError } from './encode-openai-chat-stream.ts';

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

/** Reads usage and the finish reason of a non-streaming OpenAI body, without parsing all of it. */
export function recordOpenAIResponseUsage(body: Buffer, record: RequestRecord): void {
  const text = body.toString('utf8');
  record.usage = readOpenAIUsage(readTrailingObject(text, 'usage')) ?? record.usage;
  const finishReason = readTrailingString(text, 'finish_reason');
  if (finishReason !== undefined) record.finishReason = mapOpenAIFinishReason(finishReason);
}

/**
 * Relays an OpenAI-format upstream stream event by event, as it arrives. Reads usage on the way;
 * drops the usage chunk the gateway asked for on the caller's behalf; and ends a stream that breaks
 * off with an error event rather than letting it look finished.
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
      if (data === '[DONE]') {
        yield 'data: [DONE]\n\n';
        return;
      }
      // Only the chunks that can carry usage, a finish reason or an error are parsed.
      if (data.includes('"usage":{') || data.includes('"finish_reason":"') || data.includes('"error"')) {
        const chunk = parseChunk(data);
        if (chunk !== undefined) {
          const usage = readOpenAIUsage(chunk['usage']);
          if (usage !== undefined) {
            record.usage = usage;
            const choices = chunk['choices'];
            if (options.stripUsageChunk && Array.isArray(choices) && choices.length === 0) continue;
          }
          const [choice] = Array.isArray(chunk['choices']) ? chunk['choices'] : [];
          if (isObject(choice) && typeof choice['finish_reason'] === 'string') {
            finished = true;
            record.finishReason = mapOpenAIFinishReason(choice['finish_reason']);
          }
          if (chunk['error'] !== undefined && chunk['error'] !== null) record.errorCode = 'upstream_error';
        }
      }
      yield sseData(data);
    }
    // Some compatible APIs omit [DONE]; a stream that did finish gets one, a broken one an error.
    if (finished) {
      yield 'data: [DONE]\n\n';
      return;
    }
    const error = new UpstreamError({
      provider: options.provider,
      upstreamStatus: undefined,
      upstreamMessage: 'the stream ended before it finished',
      failure: 'interrupted',
    });
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
 * is a failure worth another attempt.
 */
export function openAIPassthroughGate(provider: string): FirstContentGate<EventSourceMessage> {
  return {
    isPreamble: (event) => {
      if (!event.data.includes('"role"')) return false;
      const delta = readFirstDelta(parseChunk(event.data));
      return (
        delta !== undefined &&
        Object.entries(delta).every(([key, value]) => key === 'role' || value === '' || value === null)
      );
    },
    errorOf: (event): GatewayError | undefined => {
      if (!event.data.includes('"error"')) return undefined;
      const chunk = parseChunk(event.data);
      if (chunk?.['error'] === undefined || chunk['error'] === null) return undefined;
      const details = extractOpenAIError(chunk);
      return new UpstreamError({
        provider,
        upstreamStatus: 500,
        upstreamMessage: details.message,
        upstreamType: details.type,
      });
    },
  };
}

function readFirstDelta(chunk: JsonObject | undefined): JsonObject | undefined {
  const [choice] = Array.isArray(chunk?.['choices']) ? chunk['choices'] : [];
  return isObject(choice) && isObject(choice['delta']) ? choice['delta'] : undefined;
}

function parseChunk(data: string): JsonObject | undefined {
  try {
    const value: unknown = JSON.parse(data);
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
