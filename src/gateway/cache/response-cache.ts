import type { EventSourceMessage } from 'eventsource-parser';
import type { ChatResponse } from '../../formats/internal/chat-response.ts';
import type { StreamPart } from '../../formats/internal/stream-part.ts';
import type { WireFormat } from '../../formats/internal/wire-format.ts';
import type { RequestRecord } from '../request-record.ts';
import { readCacheControl } from './cache-control.ts';
import { cacheKeyOf } from './cache-key.ts';
import type { CacheEvents, CacheStore } from './cache-store.ts';
import { canonicalOfBody, canonicalOfEvents } from './canonical-of-forward.ts';
import { collectStreamParts } from './collect-stream-parts.ts';
import { replayStreamParts } from './replay-stream-parts.ts';

/** What a route hands the cache: the caller's parsed body and its `Cache-Control` header. */
export interface CacheRequest {
  body: Readonly<Record<string, unknown>>;
  control: string | undefined;
}

/** A stored answer: the canonical response, and a same-format non-streaming caller's exact bytes. */
interface CachedAnswer {
  response?: ChatResponse;
  raw?: string;
}

/** Everything the cache needs to know of a call's outcome, kept loose so the gateway's types stay its own. */
export type CacheableOutcome =
  | { kind: 'forwarded'; response: { statusCode: number; body: Buffer } }
  | { kind: 'forwarded-stream'; events: AsyncIterable<EventSourceMessage> }
  | { kind: 'response'; response: ChatResponse }
  | { kind: 'stream'; parts: AsyncIterable<StreamPart> };

export interface ResponseCacheOptions {
  store: CacheStore;
  scope: 'key' | 'global';
  events: CacheEvents;
  onError: (error: unknown) => void;
  now?: () => number;
}

/** A lookup's answer: a hit to replay, or the key to store the fresh answer under (undefined: do not). */
export interface CacheLookup {
  hit: CachedAnswer | undefined;
  /** Where to store the fresh answer; undefined: do not (`no-store`). */
  key: string | undefined;
}

/**
 * The exact response cache (docs/caching.md): one lookup before a call's attempts and one store after a
 * complete, successful answer, both at the gateway's dispatch. Entries are canonical responses, so a hit
 * is answered by the caller's own encoders in its own mode; a same-format non-streaming answer also keeps
 * its bytes. Hits are marked on the request record (`cache`, `cacheAgeSeconds`).
 */
export class ResponseCache {
  readonly #options: ResponseCacheOptions;
  readonly #now: () => number;

  constructor(options: ResponseCacheOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  get store(): CacheStore {
    return this.#options.store;
  }

  async lookup(request: CacheRequest, api: string, group: string, record: RequestRecord): Promise<CacheLookup> {
    const directive = readCacheControl(request.control);
    if (!directive.lookup && !directive.store) {
      record.cache = 'BYPASS';
      return { hit: undefined, key: undefined };
    }
    const scope = this.#options.scope === 'key' ? (record.keyId ?? '') : '';
    const key = cacheKeyOf({ api, group, scope, body: request.body });
    record.cache = 'MISS';
    if (!directive.lookup) return { hit: undefined, key };
    let entry: Awaited<ReturnType<CacheStore['get']>>;
    try {
      entry = await this.#options.store.get(key);
    } catch (error) {
      this.#options.onError(error);
      return { hit: undefined, key: directive.store ? key : undefined };
    }
    const ageSeconds = entry === undefined ? 0 : Math.max(0, Math.floor((this.#now() - entry.storedAt) / 1000));
    if (entry === undefined || (directive.maxAgeSeconds !== undefined && ageSeconds > directive.maxAgeSeconds)) {
      this.#options.events.lookup('miss');
      return { hit: undefined, key: directive.store ? key : undefined };
    }
    this.#options.events.lookup('hit');
    record.cache = 'HIT';
    record.cacheAgeSeconds = ageSeconds;
    return { hit: JSON.parse(entry.value) as CachedAnswer, key: directive.store ? key : undefined };
  }

  /** A hit as the outcome its caller's mode needs; undefined when the entry cannot serve that mode. */
  replay(answer: CachedAnswer, stream: boolean): CacheableOutcome | undefined {
    if (!stream && answer.raw !== undefined)
      return { kind: 'forwarded', response: { statusCode: 200, body: Buffer.from(answer.raw) } };
    if (answer.response === undefined) return undefined;
    return stream
      ? { kind: 'stream', parts: replayStreamParts(answer.response) }
      : { kind: 'response', response: answer.response };
  }

  /** An embeddings-style answer kept as bytes only. */
  storeRaw(key: string, body: Buffer): void {
    this.#put(key, { raw: body.toString('utf8') });
  }

  /**
   * The outcome, unchanged for the caller, with its complete answer stored under `key` once known: a
   * stream only when it finished well, a passthrough answer decoded after it has gone.
   */
  capture<Outcome extends CacheableOutcome>(
    outcome: Outcome,
    key: string,
    format: WireFormat | 'simple',
    provider: string,
  ): Outcome {
    switch (outcome.kind) {
      case 'response':
        this.#put(key, { response: outcome.response });
        return outcome;
      case 'stream':
        return {
          ...outcome,
          parts: collectStreamParts(outcome.parts, (response) => this.#put(key, { response })),
        };
      case 'forwarded': {
        const { body, statusCode } = outcome.response;
        if (statusCode < 200 || statusCode >= 300 || format === 'simple') return outcome;
        setImmediate(() => {
          try {
            const text = body.toString('utf8');
            const response = canonicalOfBody(format, text, provider);
            // A Responses answer is replayed under a new id (the route's envelope), never the stored one's.
            this.#put(key, format === 'openai-responses' ? { response } : { response, raw: text });
          } catch (error) {
            this.#options.onError(error);
          }
        });
        return outcome;
      }
      case 'forwarded-stream':
        if (format === 'simple') return outcome;
        return { ...outcome, events: this.#keepEvents(outcome.events, key, format, provider) };
    }
    return outcome;
  }

  async *#keepEvents(
    events: AsyncIterable<EventSourceMessage>,
    key: string,
    format: WireFormat,
    provider: string,
  ): AsyncGenerator<EventSourceMessage> {
    const kept: EventSourceMessage[] = [];
    try {
      for await (const event of events) {
        kept.push(event);
        yield event;
      }
    } finally {
      // The relay stops reading at its format's last event (`[DONE]`), so completeness is decided by
      // decoding what came: a stream the caller or the upstream cut has no finish and is not stored.
      canonicalOfEvents(format, kept, provider).then(
        (response) => {
          if (response !== undefined) this.#put(key, { response });
        },
        (error: unknown) => this.#options.onError(error),
      );
    }
  }

  #put(key: string, answer: CachedAnswer): void {
    const value = JSON.stringify(answer);
    this.#options.events.stored(value.length);
    this.#options.store.set(key, { storedAt: this.#now(), value }).catch(this.#options.onError);
  }
}
