import { EventStreamCodec } from '@smithy/core/event-streams';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import type { GatewayError } from '../../errors/gateway-error.ts';
import { invalidResponse, streamInterrupted, UpstreamError } from '../../errors/upstream-error.ts';
import type { StreamPart } from '../internal/stream-part.ts';
import { compileChecker } from '../shared/json-checker.ts';
import {
  BedrockExceptionSchema,
  type BedrockStreamPayload,
  BedrockStreamPayloadSchema,
  type BedrockUsage,
} from './bedrock-converse-api.ts';
import { convertBedrockUsage } from './convert-bedrock-usage.ts';
import { mapBedrockStopReason } from './map-bedrock-stop-reason.ts';

const codec = new EventStreamCodec(toUtf8, fromUtf8);
const payloadChecker = compileChecker(BedrockStreamPayloadSchema);
const exceptionChecker = compileChecker(BedrockExceptionSchema);

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
      return this.fail(
        invalidResponse(
          this.#provider,
          `bad event-stream frame: ${error instanceof Error ? error.message : String(error)}`,
        ),
      );
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
        const parsed: unknown = JSON.parse(text);
        if (exceptionChecker.check(parsed) && parsed.message !== undefined) detail = parsed.message;
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
    let payload: unknown;
    try {
      payload = JSON.parse(text);
    } catch {
      return this.fail(invalidResponse(this.#provider, 'event payload is not JSON'));
    }
    if (!payloadChecker.check(payload))
      return this.fail(invalidResponse(this.#provider, payloadChecker.firstError(payload) ?? 'unexpected event'));
    return this.#event(header(':event-type'), payload);
  }

  end(): StreamPart[] {
    if (this.#ended) return [];
    if (this.#stopReason === undefined)
      return this.fail(streamInterrupted(this.#provider, 'the stream ended without messageStop'));
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

  #event(type: string | undefined, payload: BedrockStreamPayload): StreamPart[] {
    const parts: StreamPart[] = [];
    if (!this.#started) {
      this.#started = true;
      parts.push({ type: 'message-start', id: '', model: this.#model, usage: {} });
    }
    const index = payload.contentBlockIndex ?? 0;
    switch (type) {
      case 'contentBlockStart': {
        const { start } = payload;
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
        const delta = payload.delta ?? {};
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
        this.#stopReason = payload.stopReason ?? 'end_turn';
        break;
      case 'metadata':
        this.#usage = payload.usage;
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
