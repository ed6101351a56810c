import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StreamPart } from '../../../../src/formats/internal/stream-part.ts';
import { buildResponsesRequest } from '../../../../src/formats/openai-responses/build-responses-request.ts';
import { ResponsesStreamDecoder } from '../../../../src/formats/openai-responses/decode-responses-stream.ts';
import { mapResponsesResponse } from '../../../../src/formats/openai-responses/map-responses-response.ts';
import { flatToolName } from '../../../../src/formats/openai-responses/responses-tool-names.ts';
import type { ResponsesWarning } from '../../../../src/formats/openai-responses/responses-warning.ts';

function event(type: string, fields: Record<string, unknown> = {}): { event: string; data: string } {
  return { event: type, data: JSON.stringify({ type, ...fields }) };
}

describe('Responses as a way out', () => {
  it('decodes an event stream into canonical parts, OpenAI reasoning kept in the signature', () => {
    const decoder = new ResponsesStreamDecoder('openai');
    const parts: StreamPart[] = [
      event('response.created', { response: { id: 'resp_1', model: 'gpt-5.5-pro' } }),
      event('response.output_item.added', { item: { type: 'reasoning', id: 'rs_1' } }),
      event('response.reasoning_summary_text.delta', { delta: 'think' }),
      event('response.output_item.done', { item: { type: 'reasoning', id: 'rs_1', encrypted_content: 'ENC' } }),
      event('response.output_item.added', { item: { type: 'message', id: 'msg_1' } }),
      event('response.output_text.delta', { delta: 'Hi' }),
      event('response.output_item.done', { item: { type: 'message', id: 'msg_1' } }),
      event('response.output_item.added', {
        item: { type: 'function_call', id: 'fc_1', call_id: 'call_1', name: 'f' },
      }),
      event('response.function_call_arguments.delta', { delta: '{}' }),
      event('response.output_item.done', { item: { type: 'function_call', id: 'fc_1' } }),
      event('response.completed', {
        response: {
          status: 'completed',
          output: [{ type: 'function_call' }],
          usage: { input_tokens: 9, output_tokens: 4, output_tokens_details: { reasoning_tokens: 1 } },
        },
      }),
    ].flatMap((item) => decoder.push(item));
    assert.deepEqual(
      parts.map((part) => part.type),
      [
        'message-start',
        'reasoning-start',
        'reasoning-delta',
        'reasoning-end',
        'text-start',
        'text-delta',
        'text-end',
        'tool-call-start',
        'tool-call-delta',
        'tool-call-end',
        'finish',
      ],
    );
    const end = parts[3];
    assert.ok(end?.type === 'reasoning-end' && end.signature !== undefined);
    const finish = parts.at(-1);
    assert.ok(finish?.type === 'finish');
    assert.equal(finish.finishReason, 'tool-calls');
    assert.equal(finish.usage.reasoningTokens, 1);

    // The signature brings the reasoning item back on the next turn.
    const body = buildResponsesRequest(
      {
        model: 'gpt-5.5-pro',
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'q' }] },
          {
            role: 'assistant',
            content: [
              { type: 'reasoning', text: 'think', signature: end.signature },
              { type: 'tool-call', id: 'call_1', name: 'f', arguments: '{}' },
            ],
          },
          { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call_1', content: 'ok' }] },
        ],
      },
      { stream: false, warnings: [] },
    );
    assert.deepEqual(body['input'], [
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'q' }] },
      { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 'think' }], encrypted_content: 'ENC' },
      { type: 'function_call', call_id: 'call_1', name: 'f', arguments: '{}' },
      { type: 'function_call_output', call_id: 'call_1', output: 'ok' },
    ]);
    assert.equal(body['store'], false);
  });

  it('a stream that stops before its final event is an error, not a finish', () => {
    const decoder = new ResponsesStreamDecoder('openai');
    decoder.push(event('response.created', { response: { id: 'r' } }));
    const parts = decoder.end();
    assert.equal(parts[0]?.type, 'error');
  });

  it('maps a buffered answer and reports what the Responses API has no field for', () => {
    const response = mapResponsesResponse(
      JSON.stringify({
        id: 'resp_2',
        model: 'gpt-5.5-pro',
        status: 'incomplete',
        incomplete_details: { reason: 'max_output_tokens' },
        output: [{ type: 'message', content: [{ type: 'output_text', text: 'cut' }] }],
        usage: { input_tokens: 3, output_tokens: 2, input_tokens_details: { cached_tokens: 1 } },
      }),
      'openai',
    );
    assert.deepEqual(response.content, [{ type: 'text', text: 'cut' }]);
    assert.equal(response.finishReason, 'length');
    assert.equal(response.usage.cacheReadTokens, 1);
    const warnings: ResponsesWarning[] = [];
    buildResponsesRequest({ model: 'm', messages: [], stopSequences: ['x'], seed: 1 }, { stream: false, warnings });
    assert.deepEqual(
      warnings.map((warning) => warning.parameter),
      ['stop', 'seed'],
    );
  });

  it('flat tool names fit every target and stay distinct', () => {
    assert.equal(flatToolName('close_agent', 'multi_agent_v1'), 'multi_agent_v1__close_agent');
    const dotted = flatToolName('a.b', undefined);
    assert.match(dotted, /^[a-zA-Z0-9_-]{1,64}$/);
    assert.notEqual(dotted, flatToolName('a_b', undefined));
    assert.ok(flatToolName('x'.repeat(100), 'ns').length <= 64);
  });
});
