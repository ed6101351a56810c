import type { GatewayError } from '../../errors/gateway-error.ts';
import { invalidResponse, streamInterrupted, UpstreamError } from '../../errors/upstream-error.ts';
import type { StreamPart } from '../internal/stream-part.ts';
import { convertGeminiUsage } from './convert-gemini-usage.ts';
import type { GeminiResponse, GeminiUsageMetadata } from './gemini-api.ts';
import { toolCallIdWithSignature } from './gemini-tool-call-id.ts';
import { mapGeminiFinishReason } from './map-gemini-finish-reason.ts';
import { readGeminiStreamEvent } from './read-gemini-stream-event.ts';

/**
 * Gemini `alt=sse` chunks → canonical stream parts. Each chunk is a whole `GenerateContentResponse`
 * with incremental parts; function calls arrive whole; `finishReason` is on the last chunk and
 * usage on many (the last holds the totals). There is no `[DONE]`: a stream that closes without a
 * finish reason was cut off. An `{"error": …}` chunk mid-stream becomes an error part.
 * @see https://ai.google.dev/api/generate-content#method:-models.streamgeneratecontent
 */
export class GeminiStreamDecoder {
  readonly #provider: string;
  readonly #model: string;
  #started = false;
  #ended = false;
  #open: 'text' | 'reasoning' | undefined;
  #toolCalls = 0;
  #finishReason: string | undefined;
  #usage: GeminiUsageMetadata | undefined;

  constructor(provider: string, model: string) {
    this.#provider = provider;
    this.#model = model;
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** Decodes one chunk, read as the passthrough relay reads it (`read-gemini-stream-event.ts`). */
  push(data: string): StreamPart[] {
    if (this.#ended) return [];
    const read = readGeminiStreamEvent(data);
    if (read.kind === 'invalid') return this.fail(invalidResponse(this.#provider, read.detail));
    if (read.kind === 'error') {
      return this.fail(
        new UpstreamError({
          provider: this.#provider,
          upstreamStatus: read.code,
          upstreamMessage: read.message ?? 'error event in the stream',
          failure: 'interrupted',
        }),
      );
    }
    return this.#decodeChunk(read.response);
  }

  /** The upstream closed the stream. */
  end(): StreamPart[] {
    if (this.#ended) return [];
    if (this.#finishReason === undefined) {
      return this.fail(streamInterrupted(this.#provider, 'the stream ended without a finish reason'));
    }
    this.#ended = true;
    const parts: StreamPart[] = [];
    this.#close(parts);
    parts.push({
      type: 'finish',
      finishReason: mapGeminiFinishReason(this.#finishReason, this.#toolCalls > 0),
      rawFinishReason: this.#finishReason,
      stopSequence: undefined,
      usage: convertGeminiUsage(this.#usage),
    });
    return parts;
  }

  fail(error: GatewayError): StreamPart[] {
    if (this.#ended) return [];
    this.#ended = true;
    return [{ type: 'error', error }];
  }

  #decodeChunk(chunk: GeminiResponse): StreamPart[] {
    const parts: StreamPart[] = [];
    if (!this.#started) {
      this.#started = true;
      parts.push({
        type: 'message-start',
        id: chunk.responseId ?? '',
        model: chunk.modelVersion ?? this.#model,
        usage: {},
      });
    }
    if (chunk.usageMetadata !== undefined) this.#usage = chunk.usageMetadata;
    const candidate = chunk.candidates?.[0];
    for (const part of candidate?.content?.parts ?? []) {
      if (part.functionCall !== undefined) {
        this.#close(parts);
        const index = this.#toolCalls++;
        parts.push(
          {
            type: 'tool-call-start',
            index,
            id: toolCallIdWithSignature(part.thoughtSignature),
            name: part.functionCall.name,
          },
          { type: 'tool-call-delta', index, argumentsDelta: JSON.stringify(part.functionCall.args ?? {}) },
          { type: 'tool-call-end', index },
        );
      } else if (typeof part.text === 'string' && part.text !== '') {
        const kind = part.thought === true ? 'reasoning' : 'text';
        if (this.#open !== kind) {
          this.#close(parts);
          this.#open = kind;
          parts.push({ type: kind === 'text' ? 'text-start' : 'reasoning-start' });
        }
        parts.push(
          kind === 'text' ? { type: 'text-delta', text: part.text } : { type: 'reasoning-delta', text: part.text },
        );
      }
    }
    if (candidate?.finishReason !== undefined && candidate.finishReason !== '')
      this.#finishReason = candidate.finishReason;
    else if (candidate === undefined && chunk.promptFeedback?.blockReason !== undefined)
      this.#finishReason = chunk.promptFeedback.blockReason;
    return parts;
  }

  #close(parts: StreamPart[]): void {
    if (this.#open === 'text') parts.push({ type: 'text-end' });
    if (this.#open === 'reasoning') parts.push({ type: 'reasoning-end', signature: undefined });
    this.#open = undefined;
  }
}
