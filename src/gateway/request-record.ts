import type { FinishReason } from '../formats/internal/finish-reason.ts';
import type { Usage } from '../formats/internal/usage.ts';
import type { Warning } from '../formats/internal/warning.ts';

/** One upstream attempt, as the attempt runner saw it. */
export interface AttemptNote {
  provider: string;
  model: string;
  latencyMs: number;
  /** `RequestRecord.fallbacks` when it was made: a later note with more entered a fallback group. */
  fallbacks: number;
  /** Why it failed; undefined for the attempt that succeeded. */
  error: unknown;
}

/**
 * What the gateway learns about one request while serving it: filled in along the pipeline, logged
 * once when the response ends, and (with governance) priced and stored.
 */
export interface RequestRecord {
  requestId: string;
  /** `performance.now()` when the request arrived. */
  startedAt: number;
  /** Epoch ms when the request arrived. */
  startedAtEpoch: number;
  /** The gateway key that made the request (its id, never the key); null for the master key or an open gateway. */
  keyId: string | null;
  /** Cost of the call in USD, once its usage is known and the model has a price. */
  costUsd: number | undefined;
  /** The model name the caller asked for. */
  model: string | undefined;
  provider: string | undefined;
  upstreamModel: string | undefined;
  stream: boolean;
  /** Same-format traffic forwarded without translation. */
  passthrough: boolean;
  attempts: number;
  /**
   * Each upstream attempt, kept only from the first failure on (the successful one after it included): the
   * common single successful attempt allocates nothing. Stored for the dashboard's detail view.
   */
  attemptNotes: AttemptNote[] | undefined;
  /** Fallback groups entered. */
  fallbacks: number;
  /** Time spent waiting on upstream attempts, in ms (for the gateway's own overhead). */
  upstreamMs: number;
  /** Time spent in backoff between attempts, in ms. */
  backoffMs: number;
  usage: Usage | undefined;
  finishReason: FinishReason | undefined;
  warnings: Warning[];
  errorCode: string | undefined;
  /** `performance.now()` when the first response byte (or stream event) went to the caller. */
  firstByteAt: number | undefined;
  /** The answer as sent, kept only when body logging is on (bounded); undefined otherwise. */
  responseLog: string | undefined;
  /**
   * Characters of output (text, reasoning, tool arguments) streamed to the caller: the basis of the
   * output estimate when a stream ends without the upstream's own count (interrupted or abandoned).
   */
  streamedChars: number;
  /** True once the request has been settled (limits released, usage row queued, line logged): exactly once. */
  settled: boolean;
  /** The response cache's part: `HIT` (answered from it, free), `MISS`, `BYPASS`; undefined when it is off. */
  cache: 'HIT' | 'MISS' | 'BYPASS' | undefined;
  /** A hit's age in seconds (the `Age` header). */
  cacheAgeSeconds: number | undefined;
}

export function createRequestRecord(requestId: string): RequestRecord {
  return {
    requestId,
    startedAt: performance.now(),
    startedAtEpoch: Date.now(),
    keyId: null,
    costUsd: undefined,
    model: undefined,
    provider: undefined,
    upstreamModel: undefined,
    stream: false,
    passthrough: false,
    attempts: 0,
    attemptNotes: undefined,
    fallbacks: 0,
    upstreamMs: 0,
    backoffMs: 0,
    usage: undefined,
    finishReason: undefined,
    warnings: [],
    errorCode: undefined,
    firstByteAt: undefined,
    responseLog: undefined,
    streamedChars: 0,
    settled: false,
    cache: undefined,
    cacheAgeSeconds: undefined,
  };
}
