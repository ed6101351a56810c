import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AnthropicStreamDecoder } from '../../../src/formats/anthropic/anthropic-stream-decoder.ts';
import { convertAnthropicUsage } from '../../../src/formats/anthropic/convert-anthropic-usage.ts';
import { readAnthropicStreamEvent } from '../../../src/formats/anthropic/read-anthropic-stream-event.ts';
import { readOpenAIStreamEvent } from '../../../src/formats/openai/read-openai-stream-event.ts';

describe('readOpenAIStreamEvent', () => {
  it('reads usage, finish reason and output characters whatever the spacing of the JSON', () => {
    const compact = readOpenAIStreamEvent(
      '{"id":"c","choices":[{"index":0,"delta":{"content":"Hello","tool_calls":[{"index":0,"function":{"name":"f","arguments":"{}"}}]},"finish_reason":"stop"}]}',
    );
    assert.deepEqual(compact, {
      kind: 'chunk',
      usage: undefined,
      finishReason: 'stop',
      outputChars: 8,
      usageOnly: false,
    });
    const spaced = readOpenAIStreamEvent(
      '{"id": "c", "choices": [], "usage": {"prompt_tokens": 17, "completion_tokens": 5, "total_tokens": 22}}',
    );
    assert.equal(spaced.kind, 'chunk');
    assert.equal(spaced.kind === 'chunk' && spaced.usageOnly, true);
    assert.equal(spaced.kind === 'chunk' && spaced.usage?.inputTokens, 17);
    assert.equal(spaced.kind === 'chunk' && spaced.usage?.outputTokens, 5);
  });

  it('tells [DONE], error chunks and data that is not a JSON object apart', () => {
    assert.deepEqual(readOpenAIStreamEvent('[DONE]'), { kind: 'done' });
    assert.deepEqual(readOpenAIStreamEvent('{"error": {"message": "boom"}}'), {
      kind: 'error',
      error: { message: 'boom' },
    });
    for (const garbage of ['not json', '{"cut":', '[1,2]', '42', 'null'])
      assert.deepEqual(readOpenAIStreamEvent(garbage), { kind: 'invalid' }, garbage);
  });
});

describe('readAnthropicStreamEvent', () => {
  it('reads message_start and message_delta usage, the stop reason and the output streamed', () => {
    const start = readAnthropicStreamEvent(
      '{"type": "message_start", "message": {"id": "m", "usage": {"input_tokens": 23, "output_tokens": 1}}}',
    );
    assert.equal(start.kind === 'event' && start.type, 'message_start');
    assert.deepEqual(start.kind === 'event' && start.usage, { input_tokens: 23, output_tokens: 1 });
    const delta = readAnthropicStreamEvent(
      '{"type": "message_delta", "delta": {"stop_reason": "end_turn"}, "usage": {"output_tokens": 7}}',
    );
    assert.equal(delta.kind === 'event' && delta.stopReason, 'end_turn');
    assert.deepEqual(delta.kind === 'event' && delta.usage, { output_tokens: 7 });
    const text = readAnthropicStreamEvent(
      '{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{\\"a\\":1}"}}',
    );
    assert.equal(text.kind === 'event' && text.outputChars, 7);
  });

  it('keeps nested usage (one-hour cache writes, thinking tokens): a passthrough stream is metered as a translated one', () => {
    const data =
      '{"type":"message_start","message":{"id":"m","usage":{"input_tokens":3,"cache_creation_input_tokens":40,' +
      '"cache_creation":{"ephemeral_1h_input_tokens":40,"ephemeral_5m_input_tokens":0},"output_tokens":1}}}';
    const read = readAnthropicStreamEvent(data);
    assert.deepEqual(read.kind === 'event' && read.usage, {
      input_tokens: 3,
      cache_creation_input_tokens: 40,
      cache_creation: { ephemeral_1h_input_tokens: 40, ephemeral_5m_input_tokens: 0 },
      output_tokens: 1,
    });
    const decoder = new AnthropicStreamDecoder('anthropic');
    decoder.push(data);
    decoder.push('{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":9}}');
    const finish = decoder.push('{"type":"message_stop"}').find((part) => part.type === 'finish');
    const relayed = { ...(read.kind === 'event' ? read.usage : {}), output_tokens: 9 };
    assert.deepEqual(finish?.type === 'finish' && finish.usage, convertAnthropicUsage(relayed));
    assert.equal(finish?.type === 'finish' && finish.usage.cacheWrite1hTokens, 40);
  });

  it('reads error events, passes unknown types, and refuses data that is not a typed JSON object', () => {
    const error = readAnthropicStreamEvent(
      '{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}',
    );
    assert.deepEqual(error.kind === 'event' && error.error, { type: 'overloaded_error', message: 'Overloaded' });
    assert.equal(readAnthropicStreamEvent('{"type":"some_future_event"}').kind, 'event');
    for (const garbage of ['<<<', '{"no":"type"}', '{"type":', '"message_stop"'])
      assert.deepEqual(readAnthropicStreamEvent(garbage), { kind: 'invalid' }, garbage);
  });
});
