import type { FinishReason } from '../formats/internal/finish-reason.ts';
import type { Usage } from '../formats/internal/usage.ts';
import type { Warning } from '../providers/provider.ts';

/**
 * What the gateway learns about one request while serving it: filled in along the pipeline, logged
 * once when the response ends, and (with governance) priced and stored.
 */
export interface RequestRecord {
  requestId: string;
  /** The model name the caller asked for. */
  model: string | undefined;
  provider: string | undefined;
  upstreamModel: string | undefined;
  stream: boolean;
  /** Same-format traffic forwarded without translation. */
  passthrough: boolean;
  attempts: number;
  usage: Usage | undefined;
  finishReason: FinishReason | undefined;
  warnings: Warning[];
  errorCode: string | undefined;
  /** `performance.now()` when the first response byte (or stream event) went to the caller. */
  firstByteAt: number | undefined;
}

export function createRequestRecord(requestId: string): RequestRecord {
  return {
    requestId,
    model: undefined,
    provider: undefined,
    upstreamModel: undefined,
    stream: false,
    passthrough: false,
    attempts: 0,
    usage: undefined,
    finishReason: undefined,
    warnings: [],
    errorCode: undefined,
    firstByteAt: undefined,
  };
}
