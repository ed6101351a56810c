import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GatewayError } from '../../../src/errors/gateway-error.ts';
import { encodeGeminiResponse } from '../../../src/formats/gemini/encode-gemini-response.ts';
import { GeminiStreamEncoder } from '../../../src/formats/gemini/encode-gemini-stream.ts';
import { parseGeminiRequest } from '../../../src/formats/gemini/parse-gemini-request.ts';
import type { ChatResponse } from '../../../src/formats/internal/chat-response.ts';
import type { StreamPart } from '../../../src/formats/internal/stream-part.ts';
import type { Warning } from '../../../src/formats/internal/warning.ts';

describe('parseGeminiRequest', () => {
  it('contents, system instruction, tool calls and responses paired by id', () => {
    const warnings: Warning[] = [];
    const request = parseGeminiRequest(
      {
        systemInstruction: { parts: [{ text: 'Be brief.' }] },
        contents: [
          {
            role: 'user',
            parts: [{ text: 'Look' }, { inlineData: { mimeType: 'image/png', data: 'iVBOR' } }],
          },
          {
            role: 'model',
            parts: [
              { text: 'thinking…', thought: true },
              { functionCall: { id: 'fc-1', name: 'get_weather', args: { city: 'Paris' } } },
              { functionCall: { name: 'get_time', args: {} } },
            ],
          },
          {
            role: 'user',
            parts: [
              { functionResponse: { name: 'get_time', response: { output: '12:00' } } },
              { functionResponse: { id: 'fc-1', name: 'get_weather', response: { city: 'Paris', sky: 'clear' } } },
              { fileData: { mimeType: 'application/pdf', fileUri: 'https://example.com/a.pdf' } },
            ],
          },
        ],
      },
      'gpt-4o',
      warnings,
    );
    assert.deepEqual(warnings, []);
    assert.deepEqual(request.messages[0], { role: 'system', content: [{ type: 'text', text: 'Be brief.' }] });
    assert.deepEqual(request.messages[1], {
      role: 'user',
      content: [
        { type: 'text', text: 'Look' },
        { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'iVBOR' } },
      ],
    });
    const assistant = request.messages[2];
    assert.equal(assistant?.role, 'assistant');
    const calls = assistant?.content.filter((part) => part.type === 'tool-call') ?? [];
    assert.equal(calls[0]?.type === 'tool-call' && calls[0].id, 'fc-1');
    const timeId = calls[1]?.type === 'tool-call' ? calls[1].id : '';
    assert.deepEqual(request.messages[3], {
      role: 'tool',
      content: [
        { type: 'tool-result', toolCallId: timeId, content: '12:00' },
        { type: 'tool-result', toolCallId: 'fc-1', content: '{"city":"Paris","sky":"clear"}' },
      ],
    });
    assert.deepEqual(request.messages[4], {
      role: 'user',
      content: [{ type: 'file', source: { kind: 'url', url: 'https://example.com/a.pdf' } }],
    });
  });

  it('function declarations in Gemini Schema (upper-case types, nullable) and parametersJsonSchema', () => {
    const request = parseGeminiRequest(
      {
        contents: [{ role: 'user', parts: [{ text: 'hi' }] }],
        tools: [
          {
            functionDeclarations: [
              {
                name: 'a',
                parameters: {
                  type: 'OBJECT',
                  properties: {
                    city: { type: 'STRING', nullable: true },
                    days: { type: 'ARRAY', items: { type: 'INTEGER' } },
                  },
                  required: ['city'],
                  propertyOrdering: ['city', 'days'],
                },
              },
              { name: 'b', parametersJsonSchema: { type: 'object', additionalProperties: false } },
            ],
          },
        ],
        toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['b'] } },
      },
      'm',
      [],
    );
    assert.deepEqual(request.tools?.[0]?.inputSchema, {
      type: 'object',
      properties: { city: { type: ['string', 'null'] }, days: { type: 'array', items: { type: 'integer' } } },
      required: ['city'],
    });
    assert.deepEqual(request.tools?.[1]?.inputSchema, { type: 'object', additionalProperties: false });
    assert.deepEqual(request.toolChoice, { type: 'tool', name: 'b' });
  });

  it('generationConfig: sampling, stops, JSON schema output, thinking; the rest warned about', () => {
    const warnings: Warning[] = [];
    const request = parseGeminiRequest(
      {
        contents: [{ parts: [{ text: 'hi' }] }],
        generationConfig: {
          temperature: 0.3,
          topP: 0.9,
          topK: 40,
          candidateCount: 2,
          maxOutputTokens: 256,
          stopSequences: ['END'],
          responseMimeType: 'application/json',
          responseSchema: { type: 'OBJECT', properties: { ok: { type: 'BOOLEAN' } } },
          thinkingConfig: { thinkingBudget: 1024, includeThoughts: true },
          responseModalities: ['TEXT'],
        },
        safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }],
      },
      'm',
      warnings,
    );
    assert.equal(request.temperature, 0.3);
    assert.equal(request.topP, 0.9);
    assert.equal(request.topK, 40);
    assert.equal(request.maxOutputTokens, 256);
    assert.deepEqual(request.stopSequences, ['END']);
    assert.deepEqual(request.responseFormat, {
      type: 'json-schema',
      name: 'response',
      schema: { type: 'object', properties: { ok: { type: 'boolean' } } },
    });
    assert.deepEqual(request.reasoning, { enabled: true, budgetTokens: 1024 });
    assert.deepEqual(
      warnings.map((warning) => warning.parameter),
      ['candidateCount', 'generationConfig.responseModalities', 'safetySettings'],
    );
  });

  it('a part without a known data field is the caller’s 400, naming it', () => {
    assert.throws(
      () => parseGeminiRequest({ contents: [{ role: 'user', parts: [{ nope: 1 }] }] }, 'm', []),
      (error: Error & { param?: string }) => error.param === 'contents[0].parts[0]',
    );
  });
});

const usage = { inputTokens: 10, outputTokens: 8, cacheReadTokens: 4, cacheWriteTokens: 0, reasoningTokens: 3 };

describe('encodeGeminiResponse', () => {
  it('parts, finish reason and usageMetadata with thoughts and cached tokens', () => {
    const response: ChatResponse = {
      id: 'r1',
      model: 'gpt-4o',
      created: 0,
      content: [
        { type: 'reasoning', text: 'hmm' },
        { type: 'text', text: 'Hi' },
        { type: 'tool-call', id: 'call_1', name: 'f', arguments: '{"x":1}' },
      ],
      finishReason: 'tool-calls',
      rawFinishReason: 'tool_calls',
      stopSequence: undefined,
      usage,
    };
    assert.deepEqual(encodeGeminiResponse(response, 'alias'), {
      candidates: [
        {
          content: {
            role: 'model',
            parts: [
              { text: 'hmm', thought: true },
              { text: 'Hi' },
              { functionCall: { id: 'call_1', name: 'f', args: { x: 1 } } },
            ],
          },
          finishReason: 'STOP',
          index: 0,
        },
      ],
      usageMetadata: {
        promptTokenCount: 10,
        candidatesTokenCount: 5,
        totalTokenCount: 18,
        cachedContentTokenCount: 4,
        thoughtsTokenCount: 3,
      },
      modelVersion: 'alias',
      responseId: 'r1',
    });
  });
});

describe('GeminiStreamEncoder', () => {
  it('text as it comes, a function call whole, then finish with usage', () => {
    const encoder = new GeminiStreamEncoder({
      model: 'alias',
      renderError: (error) => ({ error: { code: error.status, message: error.message, status: 'X' } }),
    });
    const parts: StreamPart[] = [
      { type: 'message-start', id: 'r1', model: 'gpt-4o', usage: {} },
      { type: 'text-start' },
      { type: 'text-delta', text: 'Hel' },
      { type: 'text-delta', text: 'lo' },
      { type: 'text-end' },
      { type: 'tool-call-start', index: 0, id: 'call_1', name: 'f' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: '{"x"' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: ':1}' },
      { type: 'tool-call-end', index: 0 },
      { type: 'finish', finishReason: 'length', rawFinishReason: 'length', stopSequence: undefined, usage },
    ];
    const chunks = parts.map((part) => encoder.encode(part)).filter((chunk) => chunk !== undefined);
    const partsOf = (chunk: Record<string, unknown>) =>
      (chunk['candidates'] as Array<{ content: { parts: unknown[] }; finishReason?: string }>)[0];
    assert.deepEqual(
      chunks.map((chunk) => partsOf(chunk)?.content.parts),
      [[{ text: 'Hel' }], [{ text: 'lo' }], [{ functionCall: { id: 'call_1', name: 'f', args: { x: 1 } } }], []],
    );
    assert.equal(partsOf(chunks[3] ?? {})?.finishReason, 'MAX_TOKENS');
    assert.equal((chunks[3]?.['usageMetadata'] as { thoughtsTokenCount?: number } | undefined)?.thoughtsTokenCount, 3);
    assert.equal(chunks[0]?.['modelVersion'], 'gpt-4o');
  });

  it('an error part becomes an {error} chunk rendered in Google’s shape', () => {
    const encoder = new GeminiStreamEncoder({
      model: 'alias',
      renderError: (error) => ({ error: { code: error.status, message: error.message, status: 'UNAVAILABLE' } }),
    });
    const chunk = encoder.encode({
      type: 'error',
      error: new GatewayError('upstream_stream_interrupted', 'The upstream stream broke.'),
    });
    assert.deepEqual(chunk, { error: { code: 502, message: 'The upstream stream broke.', status: 'UNAVAILABLE' } });
  });
});
