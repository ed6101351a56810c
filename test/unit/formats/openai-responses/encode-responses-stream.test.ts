import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GatewayError } from '../../../../src/errors/gateway-error.ts';
import type { StreamPart } from '../../../../src/formats/internal/stream-part.ts';
import { emptyUsage } from '../../../../src/formats/internal/usage.ts';
import { ResponsesStreamEncoder } from '../../../../src/formats/openai-responses/encode-responses-stream.ts';
import { decodeCarriedReasoning } from '../../../../src/formats/openai-responses/reasoning-carrier.ts';
import type { ResponsesToolNames } from '../../../../src/formats/openai-responses/responses-tool-names.ts';

type Json = Record<string, unknown>;

const envelope = { id: 'resp_1', createdAt: 1, model: 'claude', body: {}, previousResponseId: null };
const toolNames: ResponsesToolNames = new Map([
  ['ns__close', { kind: 'function', name: 'close', namespace: 'ns' }],
  ['apply_patch', { kind: 'custom', name: 'apply_patch' }],
]);

function run(parts: StreamPart[]): { events: Array<{ event: string; data: Json }>; encoder: ResponsesStreamEncoder } {
  const encoder = new ResponsesStreamEncoder(envelope, toolNames);
  const text = parts.map((part) => encoder.encode(part)).join('');
  const events = text
    .split('\n\n')
    .filter((block) => block !== '')
    .map((block) => {
      const [eventLine = '', dataLine = ''] = block.split('\n');
      return { event: eventLine.replace('event: ', ''), data: JSON.parse(dataLine.replace('data: ', '')) as Json };
    });
  return { events, encoder };
}

const finish: StreamPart = {
  type: 'finish',
  finishReason: 'tool-calls',
  rawFinishReason: 'tool_use',
  stopSequence: undefined,
  usage: { ...emptyUsage(), inputTokens: 10, outputTokens: 5, cacheReadTokens: 3, reasoningTokens: 2 },
};

describe('ResponsesStreamEncoder', () => {
  it('follows OpenAI’s grammar for reasoning, text and calls, with ids equal in events and final output', () => {
    const { events, encoder } = run([
      { type: 'message-start', id: 'x', model: 'claude', usage: {} },
      { type: 'reasoning-start' },
      { type: 'reasoning-delta', text: 'thinking' },
      { type: 'reasoning-end', signature: 'sig' },
      { type: 'text-start' },
      { type: 'text-delta', text: 'Hel' },
      { type: 'text-delta', text: 'lo' },
      { type: 'text-end' },
      { type: 'tool-call-start', index: 0, id: 'call_1', name: 'ns__close' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: '{"a":' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: '1}' },
      { type: 'tool-call-end', index: 0 },
      { type: 'tool-call-start', index: 1, id: 'call_2', name: 'apply_patch' },
      { type: 'tool-call-delta', index: 1, argumentsDelta: '{"input":"*** Begin"}' },
      { type: 'tool-call-end', index: 1 },
      finish,
    ]);
    assert.deepEqual(
      events.map((entry) => entry.event),
      [
        'response.created',
        'response.in_progress',
        'response.output_item.added',
        'response.reasoning_summary_part.added',
        'response.reasoning_summary_text.delta',
        'response.reasoning_summary_text.done',
        'response.reasoning_summary_part.done',
        'response.output_item.done',
        'response.output_item.added',
        'response.content_part.added',
        'response.output_text.delta',
        'response.output_text.delta',
        'response.output_text.done',
        'response.content_part.done',
        'response.output_item.done',
        'response.output_item.added',
        'response.function_call_arguments.delta',
        'response.function_call_arguments.delta',
        'response.function_call_arguments.done',
        'response.output_item.done',
        'response.output_item.added',
        'response.custom_tool_call_input.delta',
        'response.custom_tool_call_input.done',
        'response.output_item.done',
        'response.completed',
      ],
    );
    events.forEach((entry, index) => {
      assert.equal(entry.data['type'], entry.event);
      assert.equal(entry.data['sequence_number'], index);
    });
    const created = events[0]?.data['response'] as Json;
    assert.equal(created['status'], 'in_progress');
    assert.deepEqual(created['output'], []);
    const completed = events.at(-1)?.data['response'] as Json;
    const output = completed['output'] as Json[];
    assert.equal(JSON.stringify(completed), JSON.stringify(encoder.final), 'the final response is what was sent');
    const doneItems = events
      .filter((entry) => entry.event === 'response.output_item.done')
      .map((entry) => entry.data['item']);
    assert.deepEqual(output, doneItems);
    assert.deepEqual(decodeCarriedReasoning(String(output[0]?.['encrypted_content'])), {
      kind: 'thinking',
      text: 'thinking',
      signature: 'sig',
    });
    assert.deepEqual((output[1]?.['content'] as Json[] | undefined)?.[0], {
      type: 'output_text',
      text: 'Hello',
      annotations: [],
      logprobs: [],
    });
    assert.equal(output[2]?.['name'], 'close');
    assert.equal(output[2]?.['namespace'], 'ns');
    assert.equal(output[2]?.['arguments'], '{"a":1}');
    assert.equal(output[3]?.['type'], 'custom_tool_call');
    assert.equal(output[3]?.['input'], '*** Begin');
    assert.deepEqual(completed['usage'], {
      input_tokens: 10,
      input_tokens_details: { cached_tokens: 3 },
      output_tokens: 5,
      output_tokens_details: { reasoning_tokens: 2 },
      total_tokens: 15,
    });
    const textDelta = events.find((entry) => entry.event === 'response.output_text.delta')?.data;
    assert.deepEqual(textDelta?.['logprobs'], []);
    assert.equal(textDelta?.['item_id'], output[1]?.['id']);
    assert.equal(textDelta?.['output_index'], 1);
    assert.equal(textDelta?.['content_index'], 0);
  });

  it('a cut-off answer ends with response.incomplete; an error with response.failed after closing open items', () => {
    const cut = run([{ type: 'text-start' }, { type: 'text-delta', text: 'a' }, { ...finish, finishReason: 'length' }]);
    assert.equal(cut.events.at(-1)?.event, 'response.incomplete');
    assert.deepEqual((cut.events.at(-1)?.data['response'] as Json | undefined)?.['incomplete_details'], {
      reason: 'max_output_tokens',
    });
    const failed = run([
      { type: 'message-start', id: 'x', model: 'm', usage: {} },
      { type: 'text-start' },
      { type: 'text-delta', text: 'a' },
      { type: 'error', error: new GatewayError('upstream_error', 'the stream broke') },
    ]);
    assert.deepEqual(
      failed.events.slice(-4).map((entry) => entry.event),
      ['response.output_text.done', 'response.content_part.done', 'response.output_item.done', 'response.failed'],
    );
    const response = failed.events.at(-1)?.data['response'] as Json;
    assert.equal(response['status'], 'failed');
    assert.deepEqual(response['error'], { code: 'server_error', message: 'the stream broke' });
  });
});
