import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AnthropicStreamDecoder } from '../../../src/formats/anthropic/anthropic-stream-decoder.ts';
import { convertToAnthropicRequest } from '../../../src/formats/anthropic/convert-to-anthropic-request.ts';
import { mapAnthropicResponse, parseAnthropicMessage } from '../../../src/formats/anthropic/map-anthropic-response.ts';
import type { ChatRequest } from '../../../src/formats/internal/chat-request.ts';
import type { StreamPart } from '../../../src/formats/internal/stream-part.ts';
import type { Warning } from '../../../src/formats/internal/warning.ts';
import { encodeOpenAIChatResponse } from '../../../src/formats/openai/encode-openai-chat-response.ts';
import { OpenAIChatStreamEncoder } from '../../../src/formats/openai/encode-openai-chat-stream.ts';
import { parseOpenAIChatRequest } from '../../../src/formats/openai/parse-openai-chat-request.ts';
import { assertGolden, readFixture, readJsonFixture, serializableParts } from '../../support/golden.ts';
import { parseSseText } from '../../support/stream-helpers.ts';

function anthropicRequestFrom(openAIBody: Record<string, unknown>, version: string) {
  const warnings: Warning[] = [];
  const canonical = parseOpenAIChatRequest(openAIBody, 'claude-sonnet-4-6', warnings);
  const body = convertToAnthropicRequest(canonical, {
    anthropicVersion: version,
    defaultMaxTokens: 4096,
    stream: false,
    warnings,
  });
  return { canonical, body, warnings };
}

describe('OpenAI request → canonical → Anthropic request', () => {
  const fixture = readJsonFixture('openai/chat-request-full.json');

  it('matches the golden canonical request and Anthropic body (2023-06-01)', () => {
    const { canonical, body, warnings } = anthropicRequestFrom(fixture, '2023-06-01');
    assertGolden(canonical, 'openai/chat-request-full.canonical.golden.json');
    assertGolden({ body, warnings }, 'anthropic/request-from-openai-full.golden.json');
  });

  it('hoists system and developer messages, merges tool results into one user turn before the text', () => {
    const { body } = anthropicRequestFrom(fixture, '2023-06-01');
    assert.deepEqual(
      body.system?.map((block) => block.text),
      ['You are a weather assistant.', 'Answer in metric units.'],
    );
    assert.deepEqual(
      body.messages.map((message) => message.role),
      ['user', 'assistant', 'user'],
    );
    assert.deepEqual(
      body.messages[2]?.content.map((block) => block.type),
      ['tool_result', 'tool_result', 'text'],
    );
  });

  it('drops sampling parameters under anthropic-version 2026-10-21, with warnings', () => {
    const { body, warnings } = anthropicRequestFrom(fixture, '2026-10-21');
    assert.equal(body.temperature, undefined);
    assert.equal(body.top_p, undefined);
    assert.deepEqual(
      warnings.map((warning) => warning.parameter).filter((name) => name === 'temperature' || name === 'top_p'),
      ['temperature', 'top_p'],
    );
  });

  it('maps json_object to a system instruction and reasoning_effort to a thinking budget below max_tokens', () => {
    const warnings: Warning[] = [];
    const canonical = parseOpenAIChatRequest(
      {
        model: 'x',
        messages: [{ role: 'user', content: 'hi' }],
        response_format: { type: 'json_object' },
        reasoning_effort: 'high',
        max_tokens: 10_000,
        temperature: 0.3,
      },
      'claude-sonnet-4-6',
      warnings,
    );
    const body = convertToAnthropicRequest(canonical, {
      anthropicVersion: '2023-06-01',
      defaultMaxTokens: 4096,
      stream: true,
      warnings,
    });
    assert.match(body.system?.at(-1)?.text ?? '', /single valid JSON object/);
    assert.deepEqual(body.thinking, { type: 'enabled', budget_tokens: 9_999 });
    assert.equal(body.temperature, undefined, 'temperature is not allowed with thinking');
    assert.equal(body.stream, true);
    assert.ok(warnings.some((warning) => warning.parameter === 'temperature'));
  });

  it('turns thinking off, with a warning, when the last tool-use turn carries no signed thinking', () => {
    const warnings: Warning[] = [];
    const request: ChatRequest = {
      model: 'claude-sonnet-4-6',
      reasoning: { enabled: true, effort: 'medium' },
      maxOutputTokens: 16_000,
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'weather?' }] },
        { role: 'assistant', content: [{ type: 'tool-call', id: 'call_1', name: 'get_weather', arguments: '{}' }] },
        { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call_1', content: 'sunny' }] },
      ],
    };
    const body = convertToAnthropicRequest(request, {
      anthropicVersion: '2023-06-01',
      defaultMaxTokens: 4096,
      stream: false,
      warnings,
    });
    assert.equal(body.thinking, undefined);
    assert.match(warnings[0]?.message ?? '', /no signed thinking/);
  });

  it('sanitises tool ids Anthropic would reject, the same way in both turns', () => {
    const warnings: Warning[] = [];
    const canonical = parseOpenAIChatRequest(
      {
        model: 'x',
        messages: [
          { role: 'user', content: 'go' },
          {
            role: 'assistant',
            content: null,
            tool_calls: [{ id: 'chatcmpl-tool.9:1', type: 'function', function: { name: 'f', arguments: '{}' } }],
          },
          { role: 'tool', tool_call_id: 'chatcmpl-tool.9:1', content: 'done' },
        ],
      },
      'm',
      warnings,
    );
    const body = convertToAnthropicRequest(canonical, {
      anthropicVersion: '2023-06-01',
      defaultMaxTokens: 4096,
      stream: false,
      warnings,
    });
    const toolUse = body.messages[1]?.content[0];
    const toolResult = body.messages[2]?.content[0];
    assert.ok(toolUse?.type === 'tool_use' && toolResult?.type === 'tool_result');
    assert.equal(toolUse.id, 'chatcmpl-tool_9_1');
    assert.equal(toolResult.tool_use_id, toolUse.id);
  });

  it('rejects what cannot be translated with a 400 naming the field', () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ messages: [{ role: 'user', content: 'hi' }], n: 3 }, 'n'],
      [{ messages: [{ role: 'wizard', content: 'hi' }] }, 'messages[0].role'],
      [
        { messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'ftp://x' } }] }] },
        'messages[0].content[0].image_url.url',
      ],
      [{ messages: [{ role: 'user', content: 'hi' }], reasoning_effort: 'extreme' }, 'reasoning_effort'],
      [{ messages: [{ role: 'tool', content: 'x' }] }, 'messages[0].tool_call_id'],
    ];
    for (const [body, param] of cases) {
      assert.throws(
        () => parseOpenAIChatRequest({ model: 'x', ...body }, 'm', []),
        (error: unknown) => (error as { param?: string }).param === param,
        `expected a 400 naming ${param}`,
      );
    }
    const invalidArguments = parseOpenAIChatRequest(
      {
        model: 'x',
        messages: [
          { role: 'user', content: 'go' },
          {
            role: 'assistant',
            content: null,
            tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{not json' } }],
          },
          { role: 'tool', tool_call_id: 'c1', content: 'done' },
        ],
      },
      'm',
      [],
    );
    assert.throws(
      () =>
        convertToAnthropicRequest(invalidArguments, {
          anthropicVersion: '2023-06-01',
          defaultMaxTokens: 1,
          stream: false,
          warnings: [],
        }),
      (error: unknown) => (error as { param?: string }).param === 'messages[1].tool_calls[0]',
    );
  });
});

describe('Anthropic response → OpenAI response', () => {
  it('matches the golden chat.completion: text joined, thinking as reasoning_content, tool_use as tool_calls, cached usage', () => {
    const message = parseAnthropicMessage(readFixture('anthropic/message-thinking-tool-use.json'), 'anthropic');
    const encoded = encodeOpenAIChatResponse(mapAnthropicResponse(message, 1_767_000_000));
    assertGolden(encoded, 'openai/response-from-anthropic-thinking-tool-use.golden.json');
  });

  for (const [stopReason, finishReason] of [
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['max_tokens', 'length'],
    ['tool_use', 'tool_calls'],
    ['refusal', 'content_filter'],
    ['pause_turn', 'stop'],
  ] as const) {
    it(`stop_reason ${stopReason} → finish_reason ${finishReason}`, () => {
      const message = parseAnthropicMessage(
        JSON.stringify({
          id: 'msg_1',
          model: 'm',
          content: [{ type: 'text', text: 'x' }],
          stop_reason: stopReason,
          usage: {},
        }),
        'anthropic',
      );
      const encoded = encodeOpenAIChatResponse(mapAnthropicResponse(message)) as {
        choices: Array<{ finish_reason: string }>;
      };
      assert.equal(encoded.choices[0]?.finish_reason, finishReason);
    });
  }
});

describe('Anthropic stream → OpenAI chunks', () => {
  async function decode(text: string): Promise<StreamPart[]> {
    const decoder = new AnthropicStreamDecoder('anthropic');
    const parts: StreamPart[] = [];
    for (const event of await parseSseText(text)) parts.push(...decoder.push(event.data));
    parts.push(...decoder.end());
    return parts;
  }

  it('decodes into the golden canonical parts (ping dropped, tool calls renumbered 0 and 1)', async () => {
    const parts = await decode(readFixture('anthropic/stream-thinking-tool-use.chunks.txt'));
    assertGolden(serializableParts(parts), 'anthropic/stream-thinking-tool-use.parts.golden.json');
  });

  it('encodes into the golden OpenAI chunk stream, with the usage chunk and [DONE]', async () => {
    const parts = await decode(readFixture('anthropic/stream-thinking-tool-use.chunks.txt'));
    const encoder = new OpenAIChatStreamEncoder({
      model: 'anthropic/claude-sonnet-4-6',
      includeUsage: true,
      created: 1_767_000_000,
    });
    assertGolden(
      parts.map((part) => encoder.encode(part)).join(''),
      'openai/stream-from-anthropic-thinking-tool-use.golden.txt',
    );
  });

  it('a stream cut before message_stop ends in an error part, not a finish', async () => {
    const full = readFixture('anthropic/stream-thinking-tool-use.chunks.txt');
    const parts = await decode(full.slice(0, full.indexOf('event: message_delta')));
    assert.equal(parts.at(-1)?.type, 'error');
    assert.equal(
      parts.some((part) => part.type === 'finish'),
      false,
    );
  });

  it('an error event mid-stream becomes an error part and then an OpenAI error chunk without [DONE]', async () => {
    const parts = await decode(
      'event: message_start\ndata: {"type":"message_start","message":{"id":"m","model":"x","usage":{"input_tokens":1}}}\n\n' +
        'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n',
    );
    const last = parts.at(-1);
    assert.ok(last?.type === 'error');
    const encoded = new OpenAIChatStreamEncoder({ model: 'm', includeUsage: false }).encode(last);
    assert.match(encoded, /^data: \{"error":\{"message":".*Overloaded.*","type":"server_error"/);
    assert.doesNotMatch(encoded, /\[DONE\]/);
  });
});
