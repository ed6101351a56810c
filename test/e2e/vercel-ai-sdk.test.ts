import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { createOpenAI } from '@ai-sdk/openai';
import { generateText, type ModelMessage, Output, stepCountIs, streamText, tool } from 'ai';
import { z } from 'zod';
import { MockAnthropicUpstream, textOf } from '../support/mock-anthropic-upstream.ts';
import { startTestGateway, type TestGateway } from '../support/start-test-gateway.ts';
import { testKeys } from '../support/test-keys.ts';

type JsonObject = Record<string, unknown>;

/**
 * The Vercel AI SDK's default OpenAI provider, `openai(model)`, which speaks the Responses API, through the
 * gateway to an Anthropic model: text, streamed text, a tool loop, and a conversation continued with
 * `response.messages` (which the SDK sends back as `item_reference`s to the stored response).
 */
describe('Vercel AI SDK openai(model) → gateway /v1/responses → Anthropic', () => {
  const anthropicUpstream = new MockAnthropicUpstream(testKeys.anthropic);
  let gateway: TestGateway;
  let openai: ReturnType<typeof createOpenAI>;
  const model = 'anthropic/claude-sonnet-4-6';

  const weather = tool({
    description: 'Current weather for a city',
    inputSchema: z.object({ city: z.string() }),
    execute: async ({ city }) => `sunny in ${city}`,
  });
  const queueWeatherCall = (): void =>
    anthropicUpstream.queueTurn({
      content: [
        { type: 'text', text: 'Let me check.' },
        { type: 'tool_use', id: 'toolu_weather1', name: 'weather', input: { city: 'Paris' } },
      ],
    });

  before(async () => {
    await anthropicUpstream.start();
    gateway = await startTestGateway({
      yaml: 'routing:\n  retries: 0\n',
      env: { ANTHROPIC_API_KEY: testKeys.anthropic, ANTHROPIC_BASE_URL: anthropicUpstream.baseUrl },
    });
    openai = createOpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'sk-ai-sdk-caller-not-forwarded' });
  });
  after(async () => {
    await gateway.close();
    await anthropicUpstream.close();
  });
  beforeEach(() => {
    anthropicUpstream.reset();
    anthropicUpstream.turns.length = 0;
  });

  const sent = (): JsonObject[] => anthropicUpstream.requests.map((request) => request.body as JsonObject);

  it('generateText', async () => {
    const result = await generateText({ model: openai(model), system: 'Be brief.', prompt: 'hello' });
    assert.equal(result.text, 'You said: hello');
    assert.equal(result.finishReason, 'stop');
    assert.ok((result.usage.inputTokens ?? 0) > 0, 'usage is read');
    assert.equal(result.usage.outputTokens, 7);
    const [body] = sent();
    assert.equal(body?.['model'], 'claude-sonnet-4-6');
    assert.match(JSON.stringify(body?.['system']), /Be brief\./);
    const messages = body?.['messages'] as JsonObject[];
    assert.deepEqual(
      messages.map((message) => [message['role'], textOf(message['content'])]),
      [['user', 'hello']],
    );
  });

  it('streamText', async () => {
    const result = streamText({ model: openai(model), prompt: 'hello stream' });
    let text = '';
    for await (const delta of result.textStream) text += delta;
    assert.equal(text, 'You said: hello stream');
    assert.equal(await result.finishReason, 'stop');
    assert.equal((await result.usage).outputTokens, 7);
    assert.equal(sent()[0]?.['stream'], true);
  });

  it('structured output (Output.object → text.format json_schema)', async () => {
    anthropicUpstream.queueTurn({ content: [{ type: 'text', text: '{"city":"Paris","temperature":21}' }] });
    const result = await generateText({
      model: openai(model),
      prompt: 'Weather in Paris as JSON.',
      output: Output.object({ schema: z.object({ city: z.string(), temperature: z.number() }) }),
    });
    assert.deepEqual(result.output, { city: 'Paris', temperature: 21 });
    const format = (sent()[0]?.['output_config'] as JsonObject | undefined)?.['format'] as JsonObject | undefined;
    assert.equal(format?.['type'], 'json_schema', "the schema reached Anthropic's structured output");
    assert.deepEqual((format?.['schema'] as JsonObject | undefined)?.['required'], ['city', 'temperature']);
  });

  it('a tool call: the SDK runs the tool and the model answers from its output', async () => {
    queueWeatherCall();
    const result = await generateText({
      model: openai(model),
      prompt: 'Weather in Paris?',
      tools: { weather },
      stopWhen: stepCountIs(3),
    });
    assert.equal(result.steps.length, 2);
    assert.deepEqual(
      result.steps[0]?.toolCalls.map((call) => [call.toolName, call.input]),
      [['weather', { city: 'Paris' }]],
    );
    assert.equal(result.text, 'Tool said: sunny in Paris');
    const [first, second] = sent();
    assert.ok(first && second);
    assert.deepEqual(
      (first['tools'] as JsonObject[]).map((declared) => declared['name']),
      ['weather'],
    );
    const answer = (second['messages'] as JsonObject[]).at(-1) as JsonObject;
    const toolResult = (answer['content'] as JsonObject[])[0];
    assert.equal(toolResult?.['type'], 'tool_result');
    assert.equal(toolResult?.['tool_use_id'], 'toolu_weather1');
    assert.match(JSON.stringify(toolResult?.['content']), /sunny in Paris/);
  });

  it('a tool call with store: false (every item sent in full, no item_reference)', async () => {
    queueWeatherCall();
    const result = await generateText({
      model: openai(model),
      prompt: 'Weather in Paris?',
      tools: { weather },
      stopWhen: stepCountIs(3),
      providerOptions: { openai: { store: false } },
    });
    assert.equal(result.text, 'Tool said: sunny in Paris');
    const answer = (sent()[1]?.['messages'] as JsonObject[] | undefined)?.at(-1);
    assert.match(JSON.stringify(answer), /"tool_use_id":"toolu_weather1"/);
    const kept = await fetch(`${gateway.url}/v1/responses/${result.response.id}`);
    assert.equal(kept.status, 404, 'store: false keeps nothing');
    await kept.body?.cancel();
  });

  it('a tool call, streamed', async () => {
    queueWeatherCall();
    const result = streamText({
      model: openai(model),
      prompt: 'Weather in Paris?',
      tools: { weather },
      stopWhen: stepCountIs(3),
    });
    let text = '';
    for await (const part of result.fullStream) {
      if (part.type === 'error') throw part.error;
      if (part.type === 'text-delta') text += part.text;
    }
    assert.equal(text, 'Let me check.Tool said: sunny in Paris');
    const steps = await result.steps;
    assert.deepEqual(
      steps[0]?.toolCalls.map((call) => [call.toolName, call.input]),
      [['weather', { city: 'Paris' }]],
    );
  });

  it('a conversation continued with response.messages (item_reference to the stored response)', async () => {
    const messages: ModelMessage[] = [{ role: 'user', content: 'first question' }];
    const first = await generateText({ model: openai(model), messages });
    messages.push(...first.response.messages, { role: 'user', content: 'second question' });
    const second = await generateText({ model: openai(model), messages });
    assert.equal(second.text, 'You said: second question');
    const kept = await fetch(`${gateway.url}/v1/responses/${first.response.id}`);
    assert.equal(kept.status, 200, 'store absent: the response is kept');
    assert.equal(((await kept.json()) as JsonObject)['id'], first.response.id);
    const history = sent()[1]?.['messages'] as JsonObject[];
    assert.deepEqual(
      history.map((message) => [message['role'], textOf(message['content'])]),
      [
        ['user', 'first question'],
        ['assistant', 'You said: first question'],
        ['user', 'second question'],
      ],
      'the referenced assistant message was restored from the store',
    );
  });
});
