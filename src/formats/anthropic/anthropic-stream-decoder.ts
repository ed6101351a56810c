import type { GatewayError } from '../../errors/gateway-error.ts';
import { invalidResponse, streamInterrupted } from '../../errors/upstream-error.ts';
import type { StreamPart } from '../internal/stream-part.ts';
import { compileChecker } from '../shared/json-checker.ts';
import { type AnthropicStreamEvent, AnthropicStreamEventSchema } from './anthropic-messages-api.ts';
import { convertAnthropicUsage } from './convert-anthropic-usage.ts';
import { mapAnthropicStopReason } from './map-anthropic-stop-reason.ts';
import {
  type AnthropicUsageFields,
  anthropicStreamError,
  parseAnthropicStreamData,
  readAnthropicStreamValue,
  unreadableAnthropicStreamEvent,
} from './read-anthropic-stream-event.ts';

const eventChecker = compileChecker(AnthropicStreamEventSchema);

type OpenBlock =
  | { kind: 'text' }
  | { kind: 'reasoning'; signature: string | undefined }
  | { kind: 'tool'; index: number }
  | { kind: 'skipped' };

/**
 * Anthropic Messages SSE events → canonical stream parts. Block indexes map to the open block; tool
 * calls are renumbered 0, 1, 2… (the canonical index ignores text and thinking blocks). Usage is the
 * input side of `message_start` merged with the cumulative `message_delta` counts.
 * @see https://docs.anthropic.com/en/docs/build-with-claude/streaming
 */
export class AnthropicStreamDecoder {
  readonly #provider: string;
  #ended = false;
  readonly #blocks = new Map<number, OpenBlock>();
  #toolCount = 0;
  readonly #usage: AnthropicUsageFields = {};
  #stopReason: string | undefined;
  #stopSequence: string | undefined;

  constructor(provider: string) {
    this.#provider = provider;
  }

  get ended(): boolean {
    return this.#ended;
  }

  /**
   * Decodes one SSE event. Usage, the stop reason and errors are read as the passthrough relay reads
   * them (`read-anthropic-stream-event.ts`); the content, from the checked event.
   */
  push(data: string): StreamPart[] {
    if (this.#ended) return [];
    const value = parseAnthropicStreamData(data);
    if (value === undefined) return this.fail(unreadableAnthropicStreamEvent(this.#provider));
    const read = readAnthropicStreamValue(value);
    if (read.error !== undefined) return this.fail(anthropicStreamError(this.#provider, read.error));
    if (!eventChecker.check(value)) {
      return this.fail(invalidResponse(this.#provider, eventChecker.firstError(value) ?? 'unexpected event'));
    }
    if (read.usage !== undefined) Object.assign(this.#usage, read.usage);
    if (read.stopReason !== undefined) this.#stopReason = read.stopReason;
    return this.#decodeEvent(value);
  }

  /** The upstream body ended; without `message_stop` the stream is broken, not finished. */
  end(): StreamPart[] {
    if (this.#ended) return [];
    return this.fail(streamInterrupted(this.#provider, 'the stream ended before message_stop'));
  }

  fail(error: GatewayError): StreamPart[] {
    if (this.#ended) return [];
    this.#ended = true;
    return [{ type: 'error', error }];
  }

  #decodeEvent(event: AnthropicStreamEvent): StreamPart[] {
    switch (event.type) {
      case 'message_start': {
        const message = event.message;
        return [
          {
            type: 'message-start',
            id: message?.id ?? '',
            model: message?.model ?? '',
            usage: convertAnthropicUsage(message?.usage),
          },
        ];
      }
      case 'content_block_start':
        return this.#startBlock(event);
      case 'content_block_delta':
        return this.#decodeDelta(event);
      case 'content_block_stop':
        return this.#stopBlock(event.index ?? 0);
      case 'message_delta':
        if (event.delta?.stop_sequence != null) this.#stopSequence = event.delta.stop_sequence;
        return [];
      case 'message_stop':
        return this.#finish();
      default:
        // `ping` and event types added later are ignored, as the API documentation asks.
        return [];
    }
  }

  #startBlock(event: AnthropicStreamEvent): StreamPart[] {
    const index = event.index ?? 0;
    const block = event.content_block;
    switch (block?.type) {
      case 'text': {
        this.#blocks.set(index, { kind: 'text' });
        const parts: StreamPart[] = [{ type: 'text-start' }];
        if (block.text !== undefined && block.text !== '') parts.push({ type: 'text-delta', text: block.text });
        return parts;
      }
      case 'thinking':
        this.#blocks.set(index, { kind: 'reasoning', signature: block.signature || undefined });
        return [{ type: 'reasoning-start' }];
      case 'redacted_thinking':
        this.#blocks.set(index, { kind: 'skipped' });
        return [{ type: 'redacted-reasoning', data: block.data ?? '' }];
      case 'tool_use': {
        const toolIndex = this.#toolCount++;
        this.#blocks.set(index, { kind: 'tool', index: toolIndex });
        return [{ type: 'tool-call-start', index: toolIndex, id: block.id ?? '', name: block.name ?? '' }];
      }
      default:
        this.#blocks.set(index, { kind: 'skipped' });
        return [];
    }
  }

  #decodeDelta(event: AnthropicStreamEvent): StreamPart[] {
    const block = this.#blocks.get(event.index ?? 0);
    const delta = event.delta;
    if (block === undefined || delta === undefined) return [];
    switch (delta.type) {
      case 'text_delta':
        return block.kind === 'text' && delta.text ? [{ type: 'text-delta', text: delta.text }] : [];
      case 'thinking_delta':
        return block.kind === 'reasoning' && delta.thinking ? [{ type: 'reasoning-delta', text: delta.thinking }] : [];
      case 'signature_delta':
        if (block.kind === 'reasoning') block.signature = (block.signature ?? '') + (delta.signature ?? '');
        return [];
      case 'input_json_delta':
        return block.kind === 'tool' && delta.partial_json
          ? [{ type: 'tool-call-delta', index: block.index, argumentsDelta: delta.partial_json }]
          : [];
      default:
        return [];
    }
  }

  #stopBlock(index: number): StreamPart[] {
    const block = this.#blocks.get(index);
    this.#blocks.delete(index);
    switch (block?.kind) {
      case 'text':
        return [{ type: 'text-end' }];
      case 'reasoning':
        return [{ type: 'reasoning-end', signature: block.signature }];
      case 'tool':
        return [{ type: 'tool-call-end', index: block.index }];
      default:
        return [];
    }
  }

  #finish(): StreamPart[] {
    const parts: StreamPart[] = [];
    for (const index of [...this.#blocks.keys()]) parts.push(...this.#stopBlock(index));
    this.#ended = true;
    parts.push({
      type: 'finish',
      finishReason: mapAnthropicStopReason(this.#stopReason),
      rawFinishReason: this.#stopReason,
      stopSequence: this.#stopSequence,
      usage: convertAnthropicUsage(this.#usage),
    });
    return parts;
  }
}
