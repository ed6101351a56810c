import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeAnthropicMessage } from '../../../src/formats/anthropic/encode-anthropic-message.ts';
import { AnthropicStreamEncoder } from '../../../src/formats/anthropic/encode-anthropic-stream.ts';
import { parseAnthropicMessagesRequest } from '../../../src/formats/anthropic/parse-anthropic-messages-request.ts';
import type { StreamPart } from '../../../src/formats/internal/stream-part.ts';
import type { Warning } from '../../../src/formats/internal/warning.ts';
import { convertToOpenAIChatRequest } from '../../../src/formats/openai/convert-to-openai-chat-request.ts';
import {
  mapOpenAIChatResponse,
  parseOpenAIChatResponse,
} from '../../../src/formats/openai/map-openai-chat-response.ts';
import { OpenAIChatStreamDecoder } from '../../../src/formats/openai/openai-chat-stream-decoder.ts';
import { openAIQuirks } from '../../../src/providers/openai-compatible/openai-compatible-quirks.ts';
import { assertGolden, readFixture, readJsonFixture, serializableParts, sseEvents } from '../../support/golden.ts';
import { parseSseText } from '../../support/stream-helpers.ts';

type JsonObject = Record<string, unknown>;

async function decodeOpenAI(text: string): Promise<StreamPart[]> {
  const decoder = new OpenAIChatStreamDecoder('openai');
  const parts: StreamPart[] = [];
  for (const event of await parseSseText(text)) parts.push(...decoder.push(event.data));
  parts.push(...decoder.end());
  return parts;
}

function encodeAnthropic(parts: StreamPart[], estimatedInputTokens = 0): string {
  const encoder = new AnthropicStreamEncoder({ model: 'openai/gpt-4o', estimatedInputTokens });
  return parts.map((part) => encoder.encode(part)).join('');
}

/** Checks the Anthropic event grammar: named events, one block open at a time, indexes 0, 1, 2…, deltas of the block's kind. */
function assertAnthropicEventGrammar(text: string): void {
  const events = sseEvents(text);
  let open: { index: number; type: string } | undefined;
  let nextIndex = 0;
  for (const [position, event] of events.entries()) {
    assert.ok(event.event !== undefined, `event ${position} has no event: line`);
    const data = JSON.parse(event.data) as JsonObject;
    assert.equal(data['type'], event.event, 'the event name repeats data.type');
    if (event.event === 'content_block_start') {
      assert.equal(open, undefined, 'a block opened while another was open');
      assert.equal(data['index'], nextIndex);
      open = { index: nextIndex, type: String((data['content_block'] as JsonObject)['type']) };
    } else if (event.event === 'content_block_delta') {
      assert.equal(data['index'], open?.index);
      const kind = String((data['delta'] as JsonObject)['type']);
      const allowed: Record<string, string[]> = {
        text: ['text_delta'],
        thinking: ['thinking_delta', 'signature_delta'],
        tool_use: ['input_json_delta'],
      };
      assert.ok(allowed[open?.type ?? '']?.includes(kind), `${kind} inside a ${open?.type} block`);
    } else if (event.event === 'content_block_stop') {
      assert.equal(data['index'], open?.index);
      open = undefined;
      nextIndex += 1;
    }
  }
  assert.equal(events[0]?.event, 'message_start');
}

describe('Anthropic request (Claude Code) → canonical → OpenAI request', () => {
  const { body } = readJsonFixture<{ body: JsonObject }>('anthropic/claude-code-conversation.json');

  function convert() {
    const warnings: Warning[] = [];
    const canonical = parseAnthropicMessagesRequest(body, 'gpt-5.4', warnings);
    const openai = convertToOpenAIChatRequest(canonical, { quirks: openAIQuirks, stream: true, warnings });
    return { canonical, openai, warnings };
  }

  it('matches the golden canonical request and OpenAI body', () => {
    const { canonical, openai, warnings } = convert();
    assertGolden(canonical, 'anthropic/claude-code-conversation.canonical.golden.json');
    assertGolden({ body: openai, warnings }, 'openai/request-from-claude-code.golden.json');
  });

  it('keeps the mid-conversation system message in place and multi-block user turns in order', () => {
    const { openai } = convert();
    const roles = openai.messages.map((message) => message.role);
    assert.deepEqual(roles, ['system', 'user', 'assistant', 'tool', 'tool', 'user', 'system', 'assistant', 'tool']);
    const [, firstUser] = openai.messages;
    assert.ok(firstUser?.role === 'user' && Array.isArray(firstUser.content));
    assert.deepEqual(
      firstUser.content.map((part) => (part.type === 'text' ? part.text.slice(0, 17) : part.type)),
      ['<system-reminder>', 'Fix the failing t'],
    );
  });

  it('marks an is_error tool result, drops cache_control and thinking input, reports context_management', () => {
    const { openai, warnings } = convert();
    const errorResult = openai.messages[3];
    assert.ok(errorResult?.role === 'tool');
    assert.match(errorResult.content, /^\[tool error\] FAIL/);
    assert.equal(JSON.stringify(openai).includes('cache_control'), false);
    assert.equal(
      JSON.stringify(openai).includes('EuYBCkQYAiJA0xLm7kQ0'),
      false,
      'Anthropic thinking signatures are not sent to OpenAI',
    );
    assert.ok(warnings.some((warning) => warning.parameter === 'context_management'));
    assert.equal(openai.reasoning_effort, 'medium');
    assert.equal(openai.max_completion_tokens, 64000);
    assert.deepEqual(openai.stream_options, { include_usage: true });
  });
});

describe('OpenAI response → Anthropic message', () => {
  it('matches the golden message: tool_calls as tool_use with parsed input, usage without cached tokens', () => {
    const response = mapOpenAIChatResponse(
      parseOpenAIChatResponse(readFixture('openai/response-tool-calls.json'), 'openai'),
      'openai',
    );
    assertGolden(encodeAnthropicMessage(response, []), 'anthropic/message-from-openai-tool-calls.golden.json');
  });

  it('keeps arguments that are not a JSON object visible, with a warning', () => {
    const warnings: Warning[] = [];
    const message = encodeAnthropicMessage(
      {
        id: 'x',
        model: 'm',
        created: 0,
        content: [{ type: 'tool-call', id: 'call.1:a', name: 'f', arguments: '{"broken' }],
        finishReason: 'tool-calls',
        rawFinishReason: 'tool_calls',
        stopSequence: undefined,
        usage: { inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 },
      },
      warnings,
    ) as { content: JsonObject[] };
    assert.deepEqual(message.content[0], {
      type: 'tool_use',
      id: 'call_1_a',
      name: 'f',
      input: { invalid_json_arguments: '{"broken' },
    });
    assert.equal(warnings.length, 1);
  });
});

describe('OpenAI stream → Anthropic events (the stream state machine)', () => {
  it('parallel tool calls: golden parts and golden event stream, each call its own block', async () => {
    const parts = await decodeOpenAI(readFixture('openai/stream-parallel-tool-calls.chunks.txt'));
    assertGolden(serializableParts(parts), 'openai/stream-parallel-tool-calls.parts.golden.json');
    const events = encodeAnthropic(parts, 50);
    assertGolden(events, 'anthropic/stream-from-openai-parallel-tool-calls.golden.txt');
    assertAnthropicEventGrammar(events);
  });

  it('reasoning, then text, then a tool call: thinking deltas only in a thinking block, text closed before the tool opens', async () => {
    const parts = await decodeOpenAI(readFixture('openai/stream-reasoning-text-tool.chunks.txt'));
    const events = encodeAnthropic(parts);
    assertGolden(events, 'anthropic/stream-from-openai-reasoning-text-tool.golden.txt');
    assertAnthropicEventGrammar(events);
    const starts = sseEvents(events)
      .filter((event) => event.event === 'content_block_start')
      .map((event) => ((JSON.parse(event.data) as JsonObject)['content_block'] as JsonObject)['type']);
    assert.deepEqual(starts, ['thinking', 'text', 'tool_use']);
    const delta = sseEvents(events).find((event) => event.event === 'message_delta');
    assert.deepEqual((JSON.parse(delta?.data ?? '{}') as JsonObject)['usage'], {
      input_tokens: 176,
      output_tokens: 60,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 1024,
    });
  });

  it('message_start carries the estimated input usage when the upstream reports it only at the end', async () => {
    const parts = await decodeOpenAI(readFixture('openai/stream-parallel-tool-calls.chunks.txt'));
    const [start] = sseEvents(encodeAnthropic(parts, 321));
    const usage = ((JSON.parse(start?.data ?? '{}') as JsonObject)['message'] as JsonObject)['usage'] as JsonObject;
    assert.equal(usage['input_tokens'], 321);
  });

  it('a stream cut before its finish ends in an error event, never message_stop', async () => {
    const full = readFixture('openai/stream-parallel-tool-calls.chunks.txt');
    const parts = await decodeOpenAI(full.slice(0, full.indexOf('"finish_reason":"tool_calls"') - 200));
    const events = sseEvents(encodeAnthropic(parts));
    assert.equal(events.at(-1)?.event, 'error');
    assert.equal(
      events.some((event) => event.event === 'message_stop'),
      false,
    );
  });

  it('an error chunk mid-stream becomes an error part', async () => {
    const parts = await decodeOpenAI(
      'data: {"id":"c","choices":[{"index":0,"delta":{"content":"Hi"}}]}\n\ndata: {"error":{"message":"upstream overloaded","type":"server_error"}}\n\n',
    );
    const last = parts.at(-1);
    assert.ok(last?.type === 'error');
    assert.match(last.error.message, /upstream overloaded/);
  });

  it('copes with compatible-API quirks: no index, repeated ids, whole arguments in one chunk, no [DONE]', async () => {
    const chunk = (delta: JsonObject, finish: string | null = null) =>
      `data: ${JSON.stringify({ id: 'q', model: 'local', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
    const parts = await decodeOpenAI(
      chunk({
        role: 'assistant',
        tool_calls: [{ id: 'a1', type: 'function', function: { name: 'f', arguments: '{"x":' } }],
      }) +
        chunk({ tool_calls: [{ id: 'a1', function: { arguments: '1}' } }] }) +
        chunk({ tool_calls: [{ id: 'b2', type: 'function', function: { name: 'g', arguments: '{}' } }] }) +
        chunk({}, 'tool_calls'),
    );
    const calls = parts.filter((part) => part.type === 'tool-call-start');
    assert.deepEqual(
      calls.map((part) => [part.index, part.id, part.name]),
      [
        [0, 'a1', 'f'],
        [1, 'b2', 'g'],
      ],
    );
    const firstArguments = parts
      .filter((part) => part.type === 'tool-call-delta' && part.index === 0)
      .map((part) => (part.type === 'tool-call-delta' ? part.argumentsDelta : ''))
      .join('');
    assert.equal(firstArguments, '{"x":1}');
    assert.equal(parts.at(-1)?.type, 'finish', 'a finished stream without [DONE] still finishes');
  });
});
