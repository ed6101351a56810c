import type { GatewayError } from '../../errors/gateway-error.ts';
import type { StreamPart } from '../internal/stream-part.ts';
import {
  customInputOf,
  messageItem,
  outputText,
  reasoningItem,
  redactedReasoningItem,
  toolCallItem,
} from './build-output-items.ts';
import { encodeResponsesUsage } from './encode-responses-usage.ts';
import { buildResponseObject, type ResponseEnvelope, statusFor } from './responses-envelope.ts';
import { responsesErrorCode } from './responses-error.ts';
import type { ResponsesToolNames } from './responses-tool-names.ts';
import type { MessageItem, OutputItem, ReasoningItem, ResponseObject } from './responses-types.ts';

type OpenItem =
  | { kind: 'message'; item: MessageItem; index: number; text: string }
  | { kind: 'reasoning'; item: ReasoningItem; index: number; text: string }
  | { kind: 'tool'; index: number; id: string; name: string; arguments: string };

/**
 * Canonical stream parts → the Responses event stream, in OpenAI's grammar: `response.created` and
 * `response.in_progress`, then per output item `output_item.added`, its content events and
 * `output_item.done`, then `response.completed` (or `response.incomplete`) carrying the whole
 * response; every event with its `type` and a strictly increasing `sequence_number`. An upstream
 * failure ends the stream with `response.failed`, never a silent close. Item ids and call ids are the
 * same here as in the final `output`, which `final` holds for storing.
 * @see https://platform.openai.com/docs/api-reference/responses-streaming
 */
export class ResponsesStreamEncoder {
  readonly #envelope: ResponseEnvelope;
  readonly #toolNames: ResponsesToolNames;
  readonly #output: OutputItem[] = [];
  #sequence = 0;
  #started = false;
  #open: OpenItem | undefined;
  #toolItems = new Map<number, OpenItem>();
  /** The response as it ended (completed, incomplete or failed); undefined until then. */
  final: ResponseObject | undefined;

  constructor(envelope: ResponseEnvelope, toolNames: ResponsesToolNames) {
    this.#envelope = envelope;
    this.#toolNames = toolNames;
  }

  /** The SSE text for one part; empty when the part has no Responses counterpart. */
  encode(part: StreamPart): string {
    switch (part.type) {
      case 'message-start':
        return this.#start();
      case 'text-start':
        return this.#start() + this.#openMessage();
      case 'text-delta':
        return this.#start() + this.#textDelta(part.text);
      case 'text-end':
        return this.#closeOpen();
      case 'reasoning-start':
        return this.#start() + this.#openReasoning();
      case 'reasoning-delta':
        return this.#reasoningDelta(part.text);
      case 'reasoning-end':
        return this.#closeReasoning(part.signature);
      case 'redacted-reasoning': {
        const item = redactedReasoningItem(part.data);
        const index = this.#output.length;
        this.#output.push(item);
        return (
          this.#start() +
          this.#event('response.output_item.added', { output_index: index, item: { ...item } }) +
          this.#event('response.output_item.done', { output_index: index, item })
        );
      }
      case 'tool-call-start':
        return this.#start() + this.#openTool(part.index, part.id, part.name);
      case 'tool-call-delta':
        return this.#toolDelta(part.index, part.argumentsDelta);
      case 'tool-call-end':
        return this.#closeTool(part.index);
      case 'finish':
        return this.#finish(part);
      case 'error':
        return this.#fail(part.error);
    }
  }

  #event(type: string, fields: Record<string, unknown>): string {
    const data = JSON.stringify({ type, sequence_number: this.#sequence++, ...fields });
    return `event: ${type}\ndata: ${data}\n\n`;
  }

  #start(): string {
    if (this.#started) return '';
    this.#started = true;
    const response = buildResponseObject(this.#envelope, { status: 'in_progress', output: [], usage: null });
    return this.#event('response.created', { response }) + this.#event('response.in_progress', { response });
  }

  #openMessage(): string {
    let text = this.#closeOpen();
    const item = messageItem('', 'in_progress');
    const index = this.#output.length;
    this.#output.push(item);
    this.#open = { kind: 'message', item, index, text: '' };
    text += this.#event('response.output_item.added', { output_index: index, item: { ...item, content: [] } });
    text += this.#event('response.content_part.added', {
      item_id: item.id,
      output_index: index,
      content_index: 0,
      part: outputText(''),
    });
    return text;
  }

  #textDelta(delta: string): string {
    let text = '';
    if (this.#open?.kind !== 'message') text += this.#openMessage();
    const open = this.#open;
    if (open?.kind !== 'message') return text;
    open.text += delta;
    return (
      text +
      this.#event('response.output_text.delta', {
        item_id: open.item.id,
        output_index: open.index,
        content_index: 0,
        delta,
        logprobs: [],
      })
    );
  }

  #openReasoning(): string {
    let text = this.#closeOpen();
    const item = reasoningItem('', undefined);
    const index = this.#output.length;
    this.#output.push(item);
    this.#open = { kind: 'reasoning', item, index, text: '' };
    text += this.#event('response.output_item.added', { output_index: index, item: { ...item, summary: [] } });
    return text;
  }

  #reasoningDelta(delta: string): string {
    const open = this.#open;
    if (open?.kind !== 'reasoning' || delta === '') return '';
    let text = '';
    if (open.text === '') {
      text += this.#event('response.reasoning_summary_part.added', {
        item_id: open.item.id,
        output_index: open.index,
        summary_index: 0,
        part: { type: 'summary_text', text: '' },
      });
    }
    open.text += delta;
    return (
      text +
      this.#event('response.reasoning_summary_text.delta', {
        item_id: open.item.id,
        output_index: open.index,
        summary_index: 0,
        delta,
      })
    );
  }

  #closeReasoning(signature: string | undefined): string {
    const open = this.#open;
    if (open?.kind !== 'reasoning') return '';
    this.#open = undefined;
    const done = reasoningItem(open.text, signature);
    const item: ReasoningItem = { ...done, id: open.item.id };
    this.#output[open.index] = item;
    let text = '';
    if (open.text !== '') {
      const common = { item_id: item.id, output_index: open.index, summary_index: 0 };
      text += this.#event('response.reasoning_summary_text.done', { ...common, text: open.text });
      text += this.#event('response.reasoning_summary_part.done', {
        ...common,
        part: { type: 'summary_text', text: open.text },
      });
    }
    return text + this.#event('response.output_item.done', { output_index: open.index, item });
  }

  #openTool(index: number, id: string, name: string): string {
    const text = this.#closeOpen();
    const outputIndex = this.#output.length;
    const item = toolCallItem({ id, name, arguments: '' }, this.#toolNames, 'in_progress');
    if (item.type === 'custom_tool_call') item.input = '';
    this.#output.push(item);
    this.#toolItems.set(index, { kind: 'tool', index: outputIndex, id: item.id, name, arguments: '' });
    return text + this.#event('response.output_item.added', { output_index: outputIndex, item: { ...item } });
  }

  #toolDelta(index: number, delta: string): string {
    const open = this.#toolItems.get(index);
    if (open?.kind !== 'tool') return '';
    open.arguments += delta;
    const item = this.#output[open.index];
    // A custom tool's text is inside JSON arguments: it is sent whole when the call ends.
    if (item?.type !== 'function_call' || delta === '') return '';
    return this.#event('response.function_call_arguments.delta', {
      item_id: open.id,
      output_index: open.index,
      delta,
    });
  }

  #closeTool(index: number): string {
    const open = this.#toolItems.get(index);
    if (open?.kind !== 'tool') return '';
    this.#toolItems.delete(index);
    const item = this.#output[open.index];
    if (item === undefined) return '';
    let text = '';
    if (item.type === 'function_call') {
      item.arguments = open.arguments;
      item.status = 'completed';
      text += this.#event('response.function_call_arguments.done', {
        item_id: item.id,
        output_index: open.index,
        name: item.name,
        arguments: item.arguments,
      });
    } else if (item.type === 'custom_tool_call') {
      item.input = customInputOf(open.arguments);
      item.status = 'completed';
      const common = { item_id: item.id, output_index: open.index };
      text += this.#event('response.custom_tool_call_input.delta', { ...common, delta: item.input });
      text += this.#event('response.custom_tool_call_input.done', { ...common, input: item.input });
    }
    return text + this.#event('response.output_item.done', { output_index: open.index, item: { ...item } });
  }

  /** Closes the open message or reasoning item (a block the decoder left open, or before the next one). */
  #closeOpen(): string {
    const open = this.#open;
    if (open === undefined) return '';
    if (open.kind === 'reasoning') return this.#closeReasoning(undefined);
    if (open.kind !== 'message') return '';
    this.#open = undefined;
    const part = outputText(open.text);
    const item: MessageItem = { ...open.item, status: 'completed', content: [part] };
    this.#output[open.index] = item;
    const common = { item_id: item.id, output_index: open.index, content_index: 0 };
    return (
      this.#event('response.output_text.done', { ...common, text: open.text, logprobs: [] }) +
      this.#event('response.content_part.done', { ...common, part }) +
      this.#event('response.output_item.done', { output_index: open.index, item })
    );
  }

  #closeAll(): string {
    let text = this.#closeOpen();
    for (const index of [...this.#toolItems.keys()]) text += this.#closeTool(index);
    return text;
  }

  #finish(part: Extract<StreamPart, { type: 'finish' }>): string {
    const text = this.#start() + this.#closeAll();
    const ending = statusFor(part.finishReason);
    const response = buildResponseObject(this.#envelope, {
      ...ending,
      output: this.#output,
      usage: encodeResponsesUsage(part.usage),
    });
    this.final = response;
    const type = ending.status === 'incomplete' ? 'response.incomplete' : 'response.completed';
    return text + this.#event(type, { response });
  }

  #fail(error: GatewayError): string {
    const text = this.#start() + this.#closeAll();
    const response = buildResponseObject(this.#envelope, {
      status: 'failed',
      output: this.#output,
      usage: null,
      error: { code: responsesErrorCode(error), message: error.message },
    });
    this.final = response;
    return text + this.#event('response.failed', { response });
  }
}
