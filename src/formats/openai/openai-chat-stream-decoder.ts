import { randomUUID } from 'node:crypto';
import type { GatewayError } from '../../errors/gateway-error.ts';
import { invalidResponse, streamInterrupted } from '../../errors/upstream-error.ts';
import type { StreamPart } from '../internal/stream-part.ts';
import { emptyUsage, type Usage } from '../internal/usage.ts';
import { compileChecker } from '../shared/json-checker.ts';
import { mapOpenAIFinishReason } from './map-openai-finish-reason.ts';
import { type OpenAIChatChunk, OpenAIChatChunkSchema, type OpenAIToolCallDelta } from './openai-chat-api.ts';
import {
  openAIStreamError,
  parseOpenAIStreamData,
  readOpenAIStreamChunk,
  unreadableOpenAIStreamEvent,
} from './read-openai-stream-event.ts';

const chunkChecker = compileChecker(OpenAIChatChunkSchema);

type OpenBlock = { kind: 'text' } | { kind: 'reasoning' } | { kind: 'tool'; index: number } | undefined;

/**
 * OpenAI `chat.completion.chunk` events → canonical stream parts. Keeps the little state the mapping
 * needs: the open block, the upstream→canonical tool-call index map, the finish reason and usage seen
 * so far. Usage arrives in its own chunk after the finish reason, so `finish` is emitted at `[DONE]`.
 * @see https://platform.openai.com/docs/api-reference/chat-streaming
 */
export class OpenAIChatStreamDecoder {
  readonly #provider: string;
  #started = false;
  #ended = false;
  #open: OpenBlock;
  readonly #toolIndexes = new Map<number | string, number>();
  #lastToolKey: number | string | undefined;
  #finishReason: string | undefined;
  #refused = false;
  #usage: Usage | undefined;

  constructor(provider: string) {
    this.#provider = provider;
  }

  get ended(): boolean {
    return this.#ended;
  }

  /**
   * Decodes one SSE `data` payload. Usage, the finish reason and errors are read as the passthrough
   * relay reads them (`read-openai-stream-event.ts`); the content, from the checked chunk.
   */
  push(data: string): StreamPart[] {
    if (this.#ended) return [];
    const value = parseOpenAIStreamData(data);
    if (value === '[DONE]') return this.#finish();
    if (value === undefined) return this.fail(unreadableOpenAIStreamEvent(this.#provider));
    const read = readOpenAIStreamChunk(value);
    if (read.kind === 'error') return this.fail(openAIStreamError(this.#provider, read.error));
    if (!chunkChecker.check(value)) {
      return this.fail(invalidResponse(this.#provider, chunkChecker.firstError(value) ?? 'unexpected chunk'));
    }
    if (read.usage !== undefined) this.#usage = read.usage;
    if (read.finishReason !== undefined) this.#finishReason = read.finishReason;
    return this.#decodeChunk(value);
  }

  /** The upstream body ended. Without `[DONE]` or a finish reason the stream is broken, not finished. */
  end(): StreamPart[] {
    if (this.#ended) return [];
    if (this.#finishReason !== undefined) return this.#finish();
    return this.fail(streamInterrupted(this.#provider, 'the stream ended without a finish reason'));
  }

  /** Ends the stream with an error part; later input is ignored. */
  fail(error: GatewayError): StreamPart[] {
    if (this.#ended) return [];
    this.#ended = true;
    return [{ type: 'error', error }];
  }

  #decodeChunk(chunk: OpenAIChatChunk): StreamPart[] {
    const parts: StreamPart[] = [];
    if (!this.#started) {
      this.#started = true;
      parts.push({ type: 'message-start', id: chunk.id ?? '', model: chunk.model ?? '', usage: {} });
    }
    for (const choice of chunk.choices ?? []) {
      if ((choice.index ?? 0) !== 0) continue;
      const delta = choice.delta;
      if (delta != null) {
        const reasoning = delta.reasoning_content ?? delta.reasoning;
        if (reasoning != null && reasoning !== '') {
          this.#openBlock({ kind: 'reasoning' }, parts);
          parts.push({ type: 'reasoning-delta', text: reasoning });
        }
        if (delta.content != null && delta.content !== '') {
          this.#openBlock({ kind: 'text' }, parts);
          parts.push({ type: 'text-delta', text: delta.content });
        }
        if (delta.refusal != null && delta.refusal !== '') {
          this.#refused = true;
          this.#openBlock({ kind: 'text' }, parts);
          parts.push({ type: 'text-delta', text: delta.refusal });
        }
        for (const call of delta.tool_calls ?? []) this.#decodeToolCall(call, parts);
      }
      if (choice.finish_reason != null) this.#closeBlock(parts);
    }
    return parts;
  }

  #decodeToolCall(call: OpenAIToolCallDelta, parts: StreamPart[]): void {
    // Compatible APIs may omit `index` (order of arrival counts) or repeat `id` on every fragment.
    const key = call.index ?? call.id ?? this.#lastToolKey ?? 0;
    this.#lastToolKey = key;
    let index = this.#toolIndexes.get(key);
    if (index === undefined) {
      index = this.#toolIndexes.size;
      this.#toolIndexes.set(key, index);
      this.#closeBlock(parts);
      this.#open = { kind: 'tool', index };
      const id = call.id ?? `call_${randomUUID().replaceAll('-', '').slice(0, 24)}`;
      parts.push({ type: 'tool-call-start', index, id, name: call.function?.name ?? '' });
    }
    const fragment = call.function?.arguments;
    if (fragment != null && fragment !== '') parts.push({ type: 'tool-call-delta', index, argumentsDelta: fragment });
  }

  #openBlock(block: { kind: 'text' } | { kind: 'reasoning' }, parts: StreamPart[]): void {
    if (this.#open?.kind === block.kind) return;
    this.#closeBlock(parts);
    this.#open = block;
    parts.push({ type: block.kind === 'text' ? 'text-start' : 'reasoning-start' });
  }

  #closeBlock(parts: StreamPart[]): void {
    const open = this.#open;
    if (open === undefined) return;
    this.#open = undefined;
    if (open.kind === 'text') parts.push({ type: 'text-end' });
    else if (open.kind === 'reasoning') parts.push({ type: 'reasoning-end', signature: undefined });
    else parts.push({ type: 'tool-call-end', index: open.index });
  }

  #finish(): StreamPart[] {
    const parts: StreamPart[] = [];
    if (!this.#started) {
      this.#started = true;
      parts.push({ type: 'message-start', id: '', model: '', usage: {} });
    }
    this.#closeBlock(parts);
    this.#ended = true;
    parts.push({
      type: 'finish',
      finishReason: this.#refused ? 'content-filter' : mapOpenAIFinishReason(this.#finishReason),
      rawFinishReason: this.#finishReason,
      stopSequence: undefined,
      usage: this.#usage ?? emptyUsage(),
    });
    return parts;
  }
}
