import { EventStreamCodec } from '@smithy/core/event-streams';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import type { GatewayError } from '../../errors/gateway-error.ts';
import { UpstreamError } from '../../errors/upstream-error.ts';
import type { StreamPart } from '../../formats/internal/stream-part.ts';
import { invalidResponse } from '../../formats/shared/parse-upstream-json.ts';
import { driveStreamDecoder } from '../shared/drive-stream-decoder.ts';
import { type BedrockUsage, convertBedrockUsage, mapBedrockStopReason } from './map-bedrock-response.ts';

const codec = new EventStreamCodec(toUtf8, fromUtf8);

/** Whole event-stream messages out of arbitrary byte chunks: each starts with its total length. */
export async function* splitEventStreamMessages(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  let buffer = Buffer.alloc(0);
  for await (const chunk of chunks) {
    buffer = buffer.length === 0 ? Buffer.from(chunk) : Buffer.concat([buffer, chunk]);
    while (buffer.length >= 4) {
      const length = buffer.readUInt32BE(0);
      if (length < 16) throw new Error(`event-stream message of ${length} bytes`);
      if (buffer.length < length) break;
      yield buffer.subarray(0, length);
      buffer = buffer.subarray(length);
    }
  }
  if (buffer.length > 0) throw new Error('the event stream ended inside a message');
}

type Block = { kind: 'text' } | { kind: 'reasoning' } | { kind: 'tool'; index: number };

/**
 * ConverseStream events → canonical stream parts. Blocks are keyed by `contentBlockIndex`; text and
 * reasoning blocks often come with no `contentBlockStart`, so a delta opens its block. Usage arrives
 * in `metadata`, after `messageStop`, so `finish` is emitted at the end of the stream. Exceptions
 * inside the 200 stream (`:message-type: exception`) become an error part, never a silent end.
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ConverseStream.html
 * @see https://docs.aws.amazon.com/transcribe/latest/dg/event-stream.html
 */
export class BedrockStreamDecoder {
  readonly #provider: string;
  readonly #model: string;
  readonly #blocks = new Map<number, Block>();
  #tools = 0;
  #started = false;
  #ended = false;
  #stopReason: string | undefined;
  #usage: BedrockUsage | undefined;

  constructor(provider: string, model: string) {
    this.#provider = provider;
    this.#model = model;
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** One whole event-stream message (CRCs checked by the codec). */
  push(bytes: Uint8Array): StreamPart[] {
    if (this.#ended) return [];
    let message: ReturnType<typeof codec.decode>;
    try {
      message = codec.decode(bytes);
    } catch (error) {
      return this.fail(invalidResponse(this.#provider, `bad event-stream frame: ${(error as Error).message}`));
    }
    const header = (name: string): string | undefined => {
      const value = message.headers[name];
      return value?.type === 'string' ? value.value : undefined;
    };
    const messageType = header(':message-type');
    const text = toUtf8(message.body);
    if (messageType === 'exception' || messageType === 'error') {
      let detail = header(':error-message') ?? text;
      try {
        const parsed = JSON.parse(text) as { message?: unknown };
        if (typeof parsed.message === 'string') detail = parsed.message;
      } catch {
        // The message is the raw text.
      }
      const kind = header(':exception-type') ?? header(':error-code') ?? 'error';
      return this.fail(
        new UpstreamError({
          provider: this.#provider,
          upstreamStatus: kind === 'throttlingException' ? 429 : undefined,
          upstreamMessage: `${kind}: ${detail}`,
          failure: 'interrupted',
        }),
      );
    }
    let payload: Record<string, unknown>;
    try {
      payload = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return this.fail(invalidResponse(this.#provider, 'event payload is not JSON'));
    }
    return this.#event(header(':event-type'), payload);
  }

  end(): StreamPart[] {
    if (this.#ended) return [];
    if (this.#stopReason === undefined)
      return this.fail(
        new UpstreamError({
          provider: this.#provider,
          upstreamStatus: undefined,
          upstreamMessage: 'the stream ended without messageStop',
          failure: 'interrupted',
        }),
      );
    this.#ended = true;
    const parts: StreamPart[] = [];
    for (const index of [...this.#blocks.keys()]) this.#close(index, parts);
    parts.push({
      type: 'finish',
      finishReason: mapBedrockStopReason(this.#stopReason),
      rawFinishReason: this.#stopReason,
      stopSequence: undefined,
      usage: convertBedrockUsage(this.#usage),
    });
    return parts;
  }

  fail(error: GatewayError): StreamPart[] {
    if (this.#ended) return [];
    this.#ended = true;
    return [{ type: 'error', error }];
  }

  #event(type: string | undefined, payload: Record<string, unknown>): StreamPart[] {
    const parts: StreamPart[] = [];
    if (!this.#started) {
      this.#started = true;
      parts.push({ type: 'message-start', id: '', model: this.#model, usage: {} });
    }
    const index = typeof payload['contentBlockIndex'] === 'number' ? payload['contentBlockIndex'] : 0;
    switch (type) {
      case 'contentBlockStart': {
        const start = payload['start'] as { toolUse?: { toolUseId?: string; name?: string } } | undefined;
        if (start?.toolUse !== undefined) {
          const tool = this.#tools++;
          this.#blocks.set(index, { kind: 'tool', index: tool });
          parts.push({
            type: 'tool-call-start',
            index: tool,
            id: start.toolUse.toolUseId ?? '',
            name: start.toolUse.name ?? '',
          });
        }
        break;
      }
      case 'contentBlockDelta': {
        const delta = (payload['delta'] ?? {}) as {
          text?: string;
          toolUse?: { input?: string };
          reasoningContent?: { text?: string };
        };
        if (typeof delta.text === 'string') {
          this.#open(index, 'text', parts);
          parts.push({ type: 'text-delta', text: delta.text });
        } else if (delta.toolUse !== undefined) {
          const block = this.#blocks.get(index);
          if (block?.kind === 'tool')
            parts.push({ type: 'tool-call-delta', index: block.index, argumentsDelta: delta.toolUse.input ?? '' });
        } else if (typeof delta.reasoningContent?.text === 'string') {
          this.#open(index, 'reasoning', parts);
          parts.push({ type: 'reasoning-delta', text: delta.reasoningContent.text });
        }
        break;
      }
      case 'contentBlockStop':
        this.#close(index, parts);
        break;
      case 'messageStop':
        this.#stopReason = typeof payload['stopReason'] === 'string' ? payload['stopReason'] : 'end_turn';
        break;
      case 'metadata':
        this.#usage = payload['usage'] as BedrockUsage | undefined;
        break;
      default:
        // messageStart and anything newer carry nothing the canonical stream needs.
        break;
    }
    return parts;
  }

  #open(index: number, kind: 'text' | 'reasoning', parts: StreamPart[]): void {
    if (this.#blocks.has(index)) return;
    this.#blocks.set(index, { kind });
    parts.push({ type: kind === 'text' ? 'text-start' : 'reasoning-start' });
  }

  #close(index: number, parts: StreamPart[]): void {
    const block = this.#blocks.get(index);
    if (block === undefined) return;
    this.#blocks.delete(index);
    if (block.kind === 'text') parts.push({ type: 'text-end' });
    else if (block.kind === 'reasoning') parts.push({ type: 'reasoning-end', signature: undefined });
    else parts.push({ type: 'tool-call-end', index: block.index });
  }
}

export function decodeBedrockStream(
  body: AsyncIterable<Uint8Array>,
  options: { provider: string; model: string; signal: AbortSignal },
): AsyncGenerator<StreamPart> {
  const decoder = new BedrockStreamDecoder(options.provider, options.model);
  return driveStreamDecoder(splitEventStreamMessages(body), decoder, (message) => decoder.push(message), options);
}
