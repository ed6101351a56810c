import type { EventSourceMessage } from 'eventsource-parser';
import type { GatewayError } from '../../errors/gateway-error.ts';
import { streamInterrupted, UpstreamError } from '../../errors/upstream-error.ts';
import { mapResponsesFinishReason, readResponsesUsage } from '../../formats/openai-responses/read-responses-usage.ts';
import { carriedReasoningPrefix, decodeCarriedReasoning } from '../../formats/openai-responses/reasoning-carrier.ts';
import { responsesErrorCode } from '../../formats/openai-responses/responses-error.ts';
import { isObject, type JsonObject } from '../../formats/shared/json-reader.ts';
import type { FirstContentGate } from '../../gateway/await-first-content.ts';
import type { PassthroughBody } from '../../gateway/gateway.ts';
import type { ResolvedModel } from '../../gateway/model-resolver.ts';
import type { RequestRecord } from '../../gateway/request-record.ts';
import { toStreamReadFailure } from '../../providers/shared/send-upstream-request.ts';
import { rewriteBodyModel } from '../shared/rewrite-body-model.ts';
import { sseData } from '../sse/send-event-stream.ts';

/**
 * The caller's Responses body for an upstream that speaks it: unchanged but for `model` — and for
 * reasoning items another provider made through the gateway (a conversation that moved to OpenAI),
 * whose `encrypted_content` OpenAI cannot read and would refuse; those are left out.
 */
export function buildResponsesPassthroughBody(
  body: JsonObject & { model: string },
  text: string | undefined,
  resolved: ResolvedModel,
): PassthroughBody {
  const forwarded: JsonObject = { ...body, model: resolved.upstreamModel };
  const input = body['input'];
  // The marker check on the text first: the common body has none, and is not walked.
  if (Array.isArray(input) && (text === undefined || text.includes(carriedReasoningPrefix))) {
    const kept = input.filter((item) => !isCarriedReasoning(item));
    if (kept.length !== input.length) {
      forwarded['input'] = kept;
      return { body: forwarded, text: undefined };
    }
  }
  return {
    body: forwarded,
    text:
      text === undefined
        ? undefined
        : rewriteBodyModel(text, { model: body.model, replacement: resolved.upstreamModel }),
  };
}

function isCarriedReasoning(item: unknown): boolean {
  return (
    isObject(item) &&
    item['type'] === 'reasoning' &&
    typeof item['encrypted_content'] === 'string' &&
    decodeCarriedReasoning(item['encrypted_content']) !== undefined
  );
}

/** Notes usage and the finish reason of a finished response object on the record. */
export function recordResponseObject(response: unknown, record: RequestRecord): void {
  if (!isObject(response)) return;
  record.usage = readResponsesUsage(response['usage']) ?? record.usage;
  record.finishReason = mapResponsesFinishReason(response);
}

/** Events that end a Responses stream. */
const terminalEvents = new Set(['response.completed', 'response.incomplete', 'response.failed', 'error']);

/**
 * Relays an upstream Responses stream event by event, as it arrives, reading usage from its terminal
 * event; `onFinal` receives the final response object (for storing). A stream that breaks off before
 * a terminal event is ended with `response.failed`, numbered after the last event, never a silent close.
 */
export async function* relayResponsesStream(
  events: AsyncIterable<EventSourceMessage>,
  options: {
    record: RequestRecord;
    provider: string;
    signal: AbortSignal;
    onFinal: (response: JsonObject) => void;
    /**
     * The caller's `previous_response_id`, which the gateway expanded and did not send: put back into the
     * response objects the events carry, as the caller expects to see it.
     */
    previousResponseId: string | null;
    /** Where the relay has got to, kept up to date so that an error event written after it continues the numbering. */
    progress: RelayProgress;
  },
): AsyncGenerator<string> {
  const { previousResponseId, progress } = options;
  const { record } = options;
  try {
    for await (const event of events) {
      const type = event.event ?? '';
      let text = `event: ${type}\n${sseData(event.data)}`;
      if (terminalEvents.has(type) || type === 'response.created' || type === 'response.in_progress') {
        const data = parseEvent(event.data);
        if (previousResponseId !== null && isObject(data?.['response'])) {
          data['response']['previous_response_id'] = previousResponseId;
          text = `event: ${type}\n${sseData(JSON.stringify(data))}`;
        }
        if (typeof data?.['sequence_number'] === 'number') progress.sequence = data['sequence_number'];
        const response = data?.['response'];
        if (isObject(response)) progress.lastResponse = response;
        if (terminalEvents.has(type)) {
          if (type === 'error' || type === 'response.failed') record.errorCode = 'upstream_error';
          if (isObject(response)) {
            recordResponseObject(response, record);
            if (type !== 'response.failed') options.onFinal(response);
          }
          yield text;
          return;
        }
      } else {
        progress.sequence = readSequence(event.data, progress.sequence);
      }
      yield text;
    }
    const error = streamInterrupted(options.provider, 'the stream ended before it finished');
    record.errorCode = error.code;
    yield encodeRelayFailure(error, progress);
  } catch (error) {
    const failure = toStreamReadFailure(error, options.provider, options.signal);
    record.errorCode = failure.code;
    yield encodeRelayFailure(failure, progress);
  }
}

/** The last `sequence_number` relayed and the last response object an event carried. */
export interface RelayProgress {
  sequence: number;
  lastResponse: JsonObject | undefined;
}

/**
 * `response.failed` after a broken (or cut: too long) upstream stream, numbered after the last event
 * relayed, on the response the upstream had announced.
 */
export function encodeRelayFailure(error: GatewayError, progress: RelayProgress): string {
  progress.sequence += 1;
  const data = {
    type: 'response.failed',
    sequence_number: progress.sequence,
    response: {
      ...(progress.lastResponse ?? { id: 'resp_failed', object: 'response', output: [] }),
      status: 'failed',
      error: { code: responsesErrorCode(error), message: error.message },
    },
  };
  return `event: response.failed\ndata: ${JSON.stringify(data)}\n\n`;
}

/** `"sequence_number":N` read without parsing the event (deltas are most of a stream). */
function readSequence(data: string, previous: number): number {
  const at = data.indexOf('"sequence_number":');
  if (at === -1) return previous;
  const value = Number.parseInt(data.slice(at + 18, at + 30), 10);
  return Number.isFinite(value) ? value : previous;
}

/**
 * Before its first content a Responses stream sends `response.created` and `response.in_progress`;
 * an `error` or `response.failed` event there is a failure worth another attempt.
 */
export function responsesPassthroughGate(provider: string): FirstContentGate<EventSourceMessage> {
  return {
    isPreamble: (event) => event.event === 'response.created' || event.event === 'response.in_progress',
    errorOf: (event): GatewayError | undefined => {
      if (event.event !== 'error' && event.event !== 'response.failed') return undefined;
      const data = parseEvent(event.data);
      const nested = isObject(data?.['response']) ? data['response']['error'] : undefined;
      const message =
        (isObject(nested) && typeof nested['message'] === 'string' ? nested['message'] : undefined) ??
        (typeof data?.['message'] === 'string' ? data['message'] : 'the upstream response failed');
      return new UpstreamError({ provider, upstreamStatus: 500, upstreamMessage: message });
    },
  };
}

function parseEvent(data: string): JsonObject | undefined {
  try {
    const value: unknown = JSON.parse(data);
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
