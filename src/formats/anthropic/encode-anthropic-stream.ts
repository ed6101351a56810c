import type { GatewayError } from '../../errors/gateway-error.ts';
import type { StreamPart } from '../internal/stream-part.ts';
import { emptyUsage, type Usage } from '../internal/usage.ts';
import { anthropicMessageId } from './encode-anthropic-message.ts';
import { encodeAnthropicUsage } from './encode-anthropic-usage.ts';
import { mapFinishReasonToAnthropic } from './map-finish-reason-to-anthropic.ts';
import { renderAnthropicError } from './render-anthropic-error.ts';
import { sanitizeToolId } from './sanitize-tool-id.ts';

type OpenBlock = 'text' | 'thinking' | 'tool_use';

/**
 * Canonical stream parts → the exact Anthropic event sequence: `message_start` (with input usage as
 * known), then one block at a time — `content_block_start`, deltas of the block's own kind
 * (`text_delta`, `thinking_delta` only inside thinking blocks, `input_json_delta`), `content_block_stop`
 * — with indexes 0, 1, 2…; then `message_delta` (stop reason and full usage) and `message_stop`. Every
 * event has its `event:` line, which the official SDK requires. An error becomes an `error` event.
 * @see https://docs.anthropic.com/en/docs/build-with-claude/streaming
 */
export class AnthropicStreamEncoder {
  #model: string;
  readonly #estimatedInputTokens: number;
  #started = false;
  #nextIndex = 0;
  #open: OpenBlock | undefined;

  /** `estimatedInputTokens` fills `message_start` when the upstream reports input usage only at the end. */
  constructor(options: { model: string; estimatedInputTokens: number }) {
    this.#model = options.model;
    this.#estimatedInputTokens = options.estimatedInputTokens;
  }

  /** The SSE text for one part (possibly several events, possibly none). */
  encode(part: StreamPart): string {
    switch (part.type) {
      case 'message-start':
        if (part.model !== '') this.#model = part.model;
        return this.#messageStart(part.id, part.usage);
      case 'text-start':
        return this.#openBlock('text', { type: 'text', text: '' });
      case 'text-delta':
        return this.#ensureOpen('text') + this.#delta({ type: 'text_delta', text: part.text });
      case 'text-end':
      case 'tool-call-end':
        return this.#closeBlock();
      case 'reasoning-start':
        return this.#openBlock('thinking', { type: 'thinking', thinking: '', signature: '' });
      case 'reasoning-delta':
        return this.#ensureOpen('thinking') + this.#delta({ type: 'thinking_delta', thinking: part.text });
      case 'reasoning-end': {
        const signature =
          part.signature === undefined || this.#open !== 'thinking'
            ? ''
            : this.#delta({ type: 'signature_delta', signature: part.signature });
        return signature + this.#closeBlock();
      }
      case 'redacted-reasoning':
        return this.#openBlock('thinking', { type: 'redacted_thinking', data: part.data }) + this.#closeBlock();
      case 'tool-call-start':
        return this.#openBlock('tool_use', {
          type: 'tool_use',
          id: sanitizeToolId(part.id),
          name: part.name,
          input: {},
        });
      case 'tool-call-delta':
        return (
          this.#ensureOpen('tool_use') + this.#delta({ type: 'input_json_delta', partial_json: part.argumentsDelta })
        );
      case 'finish':
        return (
          this.#messageStart('', {}) +
          this.#closeBlock() +
          event('message_delta', {
            type: 'message_delta',
            delta: {
              stop_reason: mapFinishReasonToAnthropic(part.finishReason),
              stop_sequence: part.stopSequence ?? null,
            },
            usage: encodeAnthropicUsage(part.usage),
          }) +
          event('message_stop', { type: 'message_stop' })
        );
      case 'error':
        return encodeAnthropicStreamError(part.error);
    }
  }

  #messageStart(id: string, known: Partial<Usage>): string {
    if (this.#started) return '';
    this.#started = true;
    const usage: Usage = { ...emptyUsage(), ...known };
    if (known.inputTokens === undefined || known.inputTokens === 0) usage.inputTokens = this.#estimatedInputTokens;
    return event('message_start', {
      type: 'message_start',
      message: {
        id: anthropicMessageId(id === '' ? `gateway_${Date.now().toString(36)}` : id),
        type: 'message',
        role: 'assistant',
        model: this.#model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { ...encodeAnthropicUsage(usage), output_tokens: known.outputTokens ?? 0 },
      },
    });
  }

  #openBlock(kind: OpenBlock, block: Record<string, unknown>): string {
    const close = this.#closeBlock();
    this.#open = kind;
    return (
      this.#messageStart('', {}) +
      close +
      event('content_block_start', { type: 'content_block_start', index: this.#nextIndex, content_block: block })
    );
  }

  /** Decoders emit well-formed blocks; this keeps the output well-formed even if one does not. */
  #ensureOpen(kind: OpenBlock): string {
    if (this.#open === kind) return '';
    const initial: Record<OpenBlock, Record<string, unknown>> = {
      text: { type: 'text', text: '' },
      thinking: { type: 'thinking', thinking: '', signature: '' },
      tool_use: { type: 'tool_use', id: 'toolu_gateway', name: '', input: {} },
    };
    return this.#openBlock(kind, initial[kind]);
  }

  #delta(delta: Record<string, unknown>): string {
    return event('content_block_delta', { type: 'content_block_delta', index: this.#nextIndex, delta });
  }

  #closeBlock(): string {
    if (this.#open === undefined) return '';
    this.#open = undefined;
    const index = this.#nextIndex;
    this.#nextIndex += 1;
    return event('content_block_stop', { type: 'content_block_stop', index });
  }
}

function event(name: string, data: unknown): string {
  return `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** `event: error` with Anthropic's error body: the official SDK raises on it. */
export function encodeAnthropicStreamError(error: GatewayError): string {
  const { type, error: detail } = renderAnthropicError(error, '');
  return event('error', { type, error: detail });
}
