import type { GatewayError } from '../../errors/gateway-error.ts';
import type { FinishReason } from './finish-reason.ts';
import type { Usage } from './usage.ts';

/**
 * One typed event of a canonical chat stream. Provider decoders emit well-formed sequences:
 * `message-start`, then blocks (`*-start`, `*-delta`…, `*-end`, never interleaved), then exactly one of
 * `finish` or `error`. Tool calls are numbered 0, 1, 2… in order of appearance.
 */
export type StreamPart =
  | { type: 'message-start'; id: string; model: string; usage: Partial<Usage> }
  | { type: 'text-start' }
  | { type: 'text-delta'; text: string }
  | { type: 'text-end' }
  | { type: 'reasoning-start' }
  | { type: 'reasoning-delta'; text: string }
  | { type: 'reasoning-end'; signature: string | undefined }
  | { type: 'redacted-reasoning'; data: string }
  | { type: 'tool-call-start'; index: number; id: string; name: string }
  | { type: 'tool-call-delta'; index: number; argumentsDelta: string }
  | { type: 'tool-call-end'; index: number }
  | {
      type: 'finish';
      finishReason: FinishReason;
      rawFinishReason: string | undefined;
      stopSequence: string | undefined;
      usage: Usage;
    }
  | { type: 'error'; error: GatewayError };
