import type { GatewayError } from '../../errors/gateway-error.ts';
import { streamInterrupted, UpstreamError } from '../../errors/upstream-error.ts';
import type { StreamPart } from '../internal/stream-part.ts';
import { emptyUsage } from '../internal/usage.ts';
import { isObject, type JsonObject } from '../shared/json-reader.ts';
import { signatureOfReasoningItem } from './openai-reasoning-signature.ts';
import { mapResponsesFinishReason, readResponsesUsage } from './read-responses-usage.ts';

type OpenBlock =
  | { kind: 'text'; itemId: string }
  | { kind: 'reasoning'; itemId: string }
  | { kind: 'tool'; itemId: string; index: number; custom: boolean; input: string };

/**
 * A Responses API event stream → canonical stream parts, for upstreams reached on `/v1/responses`.
 * Text deltas become a text block per message item, reasoning summary deltas a reasoning block
 * (the item's `encrypted_content` carried in its signature), calls numbered 0, 1, 2… in order;
 * `response.completed`/`incomplete` ends with `finish`, `response.failed` and `error` with an error part.
 * @see https://platform.openai.com/docs/api-reference/responses-streaming
 */
export class ResponsesStreamDecoder {
  readonly #provider: string;
  #started = false;
  #ended = false;
  #open: OpenBlock | undefined;
  #tools = 0;

  constructor(provider: string) {
    this.#provider = provider;
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** Decodes one SSE event (its `event` name and `data`). */
  push(event: { event?: string | undefined; data: string }): StreamPart[] {
    if (this.#ended) return [];
    let value: unknown;
    try {
      value = JSON.parse(event.data);
    } catch {
      return this.fail(this.#unreadable('an event is not JSON'));
    }
    if (!isObject(value)) return this.fail(this.#unreadable('an event is not an object'));
    const type = typeof value['type'] === 'string' ? value['type'] : (event.event ?? '');
    return this.#handle(type, value);
  }

  #handle(type: string, event: JsonObject): StreamPart[] {
    switch (type) {
      case 'response.created':
      case 'response.in_progress':
        return this.#start(event['response']);
      case 'response.output_item.added':
        return [...this.#start(undefined), ...this.#added(event['item'])];
      case 'response.output_text.delta':
      case 'response.refusal.delta':
        return this.#textDelta(event);
      case 'response.reasoning_summary_text.delta':
      case 'response.reasoning_text.delta':
        return this.#open?.kind === 'reasoning' && typeof event['delta'] === 'string'
          ? [{ type: 'reasoning-delta', text: event['delta'] }]
          : [];
      case 'response.function_call_arguments.delta': {
        const open = this.#open;
        return open?.kind === 'tool' && typeof event['delta'] === 'string'
          ? [{ type: 'tool-call-delta', index: open.index, argumentsDelta: event['delta'] }]
          : [];
      }
      case 'response.custom_tool_call_input.delta':
        if (this.#open?.kind === 'tool' && typeof event['delta'] === 'string') this.#open.input += event['delta'];
        return [];
      case 'response.output_item.done':
        return this.#done(event['item']);
      case 'response.completed':
      case 'response.incomplete':
        return this.#finish(event['response']);
      case 'response.failed':
        return this.fail(this.#failure(isObject(event['response']) ? event['response']['error'] : undefined));
      case 'error':
        return this.fail(this.#failure(event));
      default:
        return [];
    }
  }

  #start(response: unknown): StreamPart[] {
    if (this.#started) return [];
    this.#started = true;
    const id = isObject(response) && typeof response['id'] === 'string' ? response['id'] : '';
    const model = isObject(response) && typeof response['model'] === 'string' ? response['model'] : '';
    return [{ type: 'message-start', id, model, usage: {} }];
  }

  #added(item: unknown): StreamPart[] {
    if (!isObject(item)) return [];
    const parts = this.#close();
    const itemId = typeof item['id'] === 'string' ? item['id'] : '';
    switch (item['type']) {
      case 'message':
        this.#open = { kind: 'text', itemId };
        parts.push({ type: 'text-start' });
        break;
      case 'reasoning':
        this.#open = { kind: 'reasoning', itemId };
        parts.push({ type: 'reasoning-start' });
        break;
      case 'function_call':
      case 'custom_tool_call': {
        const index = this.#tools++;
        this.#open = { kind: 'tool', itemId, index, custom: item['type'] === 'custom_tool_call', input: '' };
        parts.push({
          type: 'tool-call-start',
          index,
          id: String(item['call_id'] ?? ''),
          name: String(item['name'] ?? ''),
        });
        break;
      }
    }
    return parts;
  }

  #textDelta(event: JsonObject): StreamPart[] {
    if (typeof event['delta'] !== 'string') return [];
    const parts: StreamPart[] = [];
    if (this.#open?.kind !== 'text') {
      parts.push(...this.#close());
      this.#open = { kind: 'text', itemId: String(event['item_id'] ?? '') };
      parts.push({ type: 'text-start' });
    }
    parts.push({ type: 'text-delta', text: event['delta'] });
    return parts;
  }

  #done(item: unknown): StreamPart[] {
    const open = this.#open;
    if (open === undefined || !isObject(item)) return [];
    this.#open = undefined;
    if (open.kind === 'text') return [{ type: 'text-end' }];
    if (open.kind === 'reasoning') {
      const encrypted = item['encrypted_content'];
      const signature =
        typeof encrypted === 'string' && encrypted !== ''
          ? signatureOfReasoningItem(open.itemId, encrypted)
          : undefined;
      return [{ type: 'reasoning-end', signature }];
    }
    const parts: StreamPart[] = [];
    if (open.custom) {
      const input = typeof item['input'] === 'string' ? item['input'] : open.input;
      parts.push({ type: 'tool-call-delta', index: open.index, argumentsDelta: JSON.stringify({ input }) });
    }
    parts.push({ type: 'tool-call-end', index: open.index });
    return parts;
  }

  /** Ends the open block as it stands (an item the upstream never closed). */
  #close(): StreamPart[] {
    const open = this.#open;
    this.#open = undefined;
    if (open === undefined) return [];
    if (open.kind === 'text') return [{ type: 'text-end' }];
    if (open.kind === 'reasoning') return [{ type: 'reasoning-end', signature: undefined }];
    return [{ type: 'tool-call-end', index: open.index }];
  }

  #finish(response: unknown): StreamPart[] {
    const parts = [...this.#start(response), ...this.#close()];
    this.#ended = true;
    const object = isObject(response) ? response : {};
    parts.push({
      type: 'finish',
      finishReason: mapResponsesFinishReason(object),
      rawFinishReason: typeof object['status'] === 'string' ? object['status'] : undefined,
      stopSequence: undefined,
      usage: readResponsesUsage(object['usage']) ?? emptyUsage(),
    });
    return parts;
  }

  /** The upstream closed the stream: without a final event, that is an interrupted answer. */
  end(): StreamPart[] {
    if (this.#ended) return [];
    return this.fail(streamInterrupted(this.#provider, 'the stream ended before it finished'));
  }

  fail(error: GatewayError): StreamPart[] {
    if (this.#ended) return [];
    this.#ended = true;
    return [{ type: 'error', error }];
  }

  #failure(value: unknown): UpstreamError {
    const message = isObject(value) && typeof value['message'] === 'string' ? value['message'] : 'the response failed';
    const code = isObject(value) && typeof value['code'] === 'string' ? value['code'] : undefined;
    return new UpstreamError({
      provider: this.#provider,
      upstreamStatus: code === 'rate_limit_exceeded' ? 429 : 500,
      upstreamMessage: message,
      upstreamType: code,
    });
  }

  #unreadable(message: string): UpstreamError {
    return new UpstreamError({
      provider: this.#provider,
      upstreamStatus: 200,
      upstreamMessage: `unreadable Responses event: ${message}`,
      failure: 'invalid-response',
    });
  }
}
