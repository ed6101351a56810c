import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { Agent, OpenAIProvider, Runner, setTracingDisabled, tool } from '@openai/agents';
import OpenAI from 'openai';
import { z } from 'zod';
import { MockAnthropicUpstream, textOf } from '../support/mock-anthropic-upstream.ts';
import { startTestGateway, type TestGateway } from '../support/start-test-gateway.ts';
import { testKeys } from '../support/test-keys.ts';

type JsonObject = Record<string, unknown>;

// No trace export: it would go to OpenAI's tracing endpoint.
setTracingDisabled(true);

/**
 * An OpenAI Agents SDK agent with one tool, on its default model class (the Responses API), through the gateway
 * to an Anthropic model: the model calls the tool, the SDK runs it and sends the output back, and the model
 * answers from it. Plain and streamed runs.
 */
describe('OpenAI Agents SDK agent → gateway /v1/responses → Anthropic', () => {
  const anthropicUpstream = new MockAnthropicUpstream(testKeys.anthropic);
  let gateway: TestGateway;
  let runner: Runner;
  const calls: string[] = [];

  const agent = new Agent({
    name: 'Weather helper',
    instructions: 'Answer from the weather tool.',
    model: 'anthropic/claude-sonnet-4-6',
    tools: [
      tool({
        name: 'weather',
        description: 'Current weather for a city',
        parameters: z.object({ city: z.string() }),
        execute: async ({ city }) => {
          calls.push(city);
          return `sunny in ${city}`;
        },
      }),
    ],
  });

  before(async () => {
    await anthropicUpstream.start();
    gateway = await startTestGateway({
      yaml: 'routing:\n  retries: 0\n',
      env: { ANTHROPIC_API_KEY: testKeys.anthropic, ANTHROPIC_BASE_URL: anthropicUpstream.baseUrl },
    });
    const openAIClient = new OpenAI({
      baseURL: `${gateway.url}/v1`,
      apiKey: 'sk-agents-caller-not-forwarded',
      maxRetries: 0,
    });
    runner = new Runner({ modelProvider: new OpenAIProvider({ openAIClient }), tracingDisabled: true });
  });
  after(async () => {
    await gateway.close();
    await anthropicUpstream.close();
  });
  beforeEach(() => {
    anthropicUpstream.reset();
    anthropicUpstream.turns.length = 0;
    calls.length = 0;
    anthropicUpstream.queueTurn({
      content: [{ type: 'tool_use', id: 'toolu_agent1', name: 'weather', input: { city: 'Paris' } }],
    });
  });

  function assertToolLoop(): void {
    assert.deepEqual(calls, ['Paris'], 'the SDK ran the tool once');
    const [first, second, ...more] = anthropicUpstream.requests.map((request) => request.body as JsonObject);
    assert.ok(first && second && more.length === 0, 'two Messages calls');
    assert.match(JSON.stringify(first['system']), /Answer from the weather tool\./, 'instructions → system');
    assert.deepEqual(
      (first['tools'] as JsonObject[]).map((declared) => declared['name']),
      ['weather'],
    );
    const messages = second['messages'] as JsonObject[];
    assert.equal(textOf(messages[0]?.['content']), 'Weather in Paris?');
    const toolResult = ((messages.at(-1) as JsonObject)['content'] as JsonObject[])[0];
    assert.equal(toolResult?.['tool_use_id'], 'toolu_agent1');
    assert.match(JSON.stringify(toolResult?.['content']), /sunny in Paris/);
  }

  it('runs the tool and answers', async () => {
    const result = await runner.run(agent, 'Weather in Paris?');
    assert.equal(result.finalOutput, 'Tool said: sunny in Paris');
    assertToolLoop();
  });

  it('runs the tool and answers, streamed', async () => {
    const result = await runner.run(agent, 'Weather in Paris?', { stream: true });
    let text = '';
    for await (const delta of result.toStream()) {
      if (delta.type === 'raw_model_stream_event' && delta.data.type === 'output_text_delta') text += delta.data.delta;
    }
    await result.completed;
    assert.equal(result.finalOutput, 'Tool said: sunny in Paris');
    assert.equal(text, 'Tool said: sunny in Paris', 'text arrived as deltas');
    assertToolLoop();
  });

  it('continues a conversation with previousResponseId (the stored response)', async () => {
    const first = await runner.run(agent, 'Weather in Paris?');
    assert.ok(first.lastResponseId, 'the gateway gave a response id');
    anthropicUpstream.reset();
    const second = await runner.run(agent, 'And tomorrow?', { previousResponseId: first.lastResponseId });
    assert.equal(second.finalOutput, 'You said: And tomorrow?');
    const [body] = anthropicUpstream.requests.map((request) => request.body as JsonObject);
    const messages = (body?.['messages'] as JsonObject[] | undefined) ?? [];
    assert.deepEqual(
      messages.map((message) => message['role']),
      ['user', 'assistant', 'user', 'assistant', 'user'],
      'the stored turn (question, tool call, tool result, answer) came before the new question',
    );
    assert.equal(textOf(messages.at(-1)?.['content']), 'And tomorrow?');
  });
});
