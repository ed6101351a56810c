import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { MockOpenAIResponsesUpstream } from '../support/mock-openai-responses-upstream.ts';
import { postJson, startTestGateway, type TestGateway } from '../support/start-test-gateway.ts';
import { testKeys } from '../support/test-keys.ts';

type JsonObject = Record<string, unknown>;

/** An OpenAI instance with `api: responses`: a Responses-only model (`-pro`, `codex`) behind it. */
const upstream = new MockOpenAIResponsesUpstream(testKeys.openai);
const model = 'openai-pro/gpt-5.5-pro';

let gateway: TestGateway;
let openai: OpenAI;
let anthropic: Anthropic;

before(async () => {
  await upstream.start();
  gateway = await startTestGateway({
    yaml: [
      'routing:',
      '  retries: 0',
      'providers:',
      '  openai-pro:',
      '    type: openai',
      `    api_key: ${testKeys.openai}`,
      `    base_url: ${upstream.baseUrl}`,
      '    api: responses',
      'models:',
      '  codex-target:',
      '    provider: openai',
      '    model: gpt-5.1-codex',
      '    api: responses',
      '',
    ].join('\n'),
    // The plain openai instance speaks Chat Completions; only the target above is on the Responses API.
    env: { OPENAI_API_KEY: testKeys.openai, OPENAI_BASE_URL: upstream.baseUrl },
  });
  openai = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'sk-caller', maxRetries: 0 });
  anthropic = new Anthropic({ baseURL: gateway.url, apiKey: 'sk-caller', maxRetries: 0 });
});
after(async () => {
  await gateway.close();
  await upstream.close();
});
beforeEach(() => {
  gateway.gateway.health.reset();
  upstream.reset();
  upstream.turns.length = 0;
});

describe('Responses as a way out (api: responses)', () => {
  it('a Chat Completions call is made on /v1/responses, statelessly', async () => {
    upstream.queueTurn({
      text: 'From the Responses API.',
      usage: { input_tokens: 20, output_tokens: 5, cached_tokens: 4 },
    });
    const completion = await openai.chat.completions.create({
      model,
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'hi' },
      ],
      max_completion_tokens: 100,
    });
    assert.equal(completion.choices[0]?.message.content, 'From the Responses API.');
    assert.equal(completion.usage?.prompt_tokens, 20);
    assert.equal(completion.usage?.prompt_tokens_details?.cached_tokens, 4);
    const sent = upstream.lastRequest;
    assert.equal(sent.path, '/v1/responses');
    const body = sent.body as JsonObject;
    assert.equal(body['store'], false);
    assert.equal(body['max_output_tokens'], 100);
    assert.equal(body['model'], 'gpt-5.5-pro');
  });

  it('a streamed Chat Completions tool call, and its follow-up with the tool result', async () => {
    upstream.queueTurn({ toolCalls: [{ callId: 'call_w1', name: 'get_weather', arguments: '{"city":"Paris"}' }] });
    const tools: OpenAI.Chat.ChatCompletionTool[] = [
      {
        type: 'function',
        function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
      },
    ];
    const stream = await openai.chat.completions.create({
      model,
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      tools,
      stream: true,
    });
    let name = '';
    let args = '';
    let id = '';
    for await (const chunk of stream) {
      const call = chunk.choices[0]?.delta.tool_calls?.[0];
      if (call?.id !== undefined) id = call.id;
      name += call?.function?.name ?? '';
      args += call?.function?.arguments ?? '';
    }
    assert.equal(name, 'get_weather');
    assert.deepEqual(JSON.parse(args), { city: 'Paris' });
    upstream.queueTurn({ text: 'Sunny.' });
    const second = await openai.chat.completions.create({
      model,
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        { role: 'assistant', tool_calls: [{ id, type: 'function', function: { name, arguments: args } }] },
        { role: 'tool', tool_call_id: id, content: 'sunny' },
      ],
      tools,
    });
    assert.equal(second.choices[0]?.message.content, 'Sunny.');
    const input = (upstream.lastRequest.body as { input: JsonObject[] }).input;
    assert.deepEqual(
      input.map((item) => item['type']),
      ['message', 'function_call', 'function_call_output'],
    );
  });

  it('an Anthropic Messages caller reaches it, streaming', async () => {
    upstream.queueTurn({ text: 'Hello, Claude caller.' });
    const stream = anthropic.messages.stream({
      model,
      max_tokens: 200,
      messages: [{ role: 'user', content: 'hi' }],
    });
    const message = await stream.finalMessage();
    assert.deepEqual(
      message.content.map((block) => block.type === 'text' && block.text),
      ['Hello, Claude caller.'],
    );
  });

  it('/chat reaches it', async () => {
    upstream.queueTurn({ text: 'Seed answer.' });
    const response = await postJson(`${gateway.url}/chat`, {
      provider: 'openai-pro',
      model: 'gpt-5.5-pro',
      prompt: 'hi',
    });
    assert.equal(response.status, 200);
    assert.ok(response.text.includes('Seed answer.'));
  });

  it('a /v1/responses caller is passed through to it', async () => {
    upstream.queueTurn({ text: 'Passed through.' });
    const response = await openai.responses.create({ model, input: 'hi', store: false });
    assert.equal(response.output_text, 'Passed through.');
    assert.equal(upstream.lastRequest.path, '/v1/responses');
    assert.ok(response.id.startsWith('resp_mock'), 'the upstream’s own response');
  });
});

describe('a target with api: responses on a Chat Completions provider', () => {
  it('sends a Chat Completions caller (same format, so otherwise passed through) to /v1/responses', async () => {
    upstream.queueTurn({ text: 'Codex model here.' });
    const completion = await openai.chat.completions.create({
      model: 'codex-target',
      messages: [{ role: 'user', content: 'hi' }],
    });
    assert.equal(completion.choices[0]?.message.content, 'Codex model here.');
    assert.equal(upstream.lastRequest.path, '/v1/responses');
    assert.equal((upstream.lastRequest.body as JsonObject)['model'], 'gpt-5.1-codex');
  });
});
