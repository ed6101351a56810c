import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import OpenAI from 'openai';
import { MockAnthropicUpstream } from '../support/mock-anthropic-upstream.ts';
import { MockBedrockUpstream } from '../support/mock-bedrock-upstream.ts';
import { MockGeminiUpstream } from '../support/mock-gemini-upstream.ts';
import { MockOpenAIUpstream } from '../support/mock-openai-upstream.ts';
import { startTestGateway, type TestGateway } from '../support/start-test-gateway.ts';
import { testKeys } from '../support/test-keys.ts';

type JsonObject = Record<string, unknown>;

const geminiKey = 'gemini-test-key-0123456789abcdef';
// AWS's own documentation example credentials (not a real account): the mock verifies SigV4 with them.
const credentials = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  region: 'us-east-1',
};
const anthropicUpstream = new MockAnthropicUpstream(testKeys.anthropic);
const geminiUpstream = new MockGeminiUpstream(geminiKey);
const bedrockUpstream = new MockBedrockUpstream(credentials);
const deepseekUpstream = new MockOpenAIUpstream(testKeys.deepseek);

const weatherTool: OpenAI.Responses.FunctionTool = {
  type: 'function',
  name: 'get_weather',
  description: 'Current weather for a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  strict: false,
};

/** A provider without the Responses API, seen through the OpenAI SDK's `responses` resource. */
interface Target {
  label: string;
  model: string;
  queueText(text: string): void;
  queueToolCall(): void;
  sent(): JsonObject;
}

const targets: Target[] = [
  {
    label: 'Gemini',
    model: 'gemini/gemini-3-pro-preview',
    queueText: (text) => geminiUpstream.queueTurn({ text }),
    queueToolCall: () =>
      geminiUpstream.queueTurn({ functionCalls: [{ name: 'get_weather', args: { city: 'Paris' } }] }),
    sent: () => geminiUpstream.lastRequest.body as JsonObject,
  },
  {
    label: 'Bedrock',
    model: 'bedrock/anthropic.claude-sonnet-4-5-20250929-v1:0',
    queueText: (text) => bedrockUpstream.queueTurn({ text }),
    queueToolCall: () => bedrockUpstream.queueTurn({ toolUses: [{ name: 'get_weather', input: { city: 'Paris' } }] }),
    sent: () => bedrockUpstream.lastRequest.body as JsonObject,
  },
  {
    label: 'an OpenAI-compatible provider without Responses (DeepSeek, via Chat Completions)',
    model: 'deepseek/deepseek-chat',
    queueText: (text) => deepseekUpstream.queueTurn({ content: text }),
    queueToolCall: () =>
      deepseekUpstream.queueTurn({
        content: null,
        toolCalls: [{ id: 'call_ds1', name: 'get_weather', arguments: '{"city":"Paris"}' }],
      }),
    sent: () => deepseekUpstream.lastRequest.body as JsonObject,
  },
];

let gateway: TestGateway;
let client: OpenAI;

before(async () => {
  await Promise.all([
    anthropicUpstream.start(),
    geminiUpstream.start(),
    bedrockUpstream.start(),
    deepseekUpstream.start(),
  ]);
  gateway = await startTestGateway({
    yaml: 'routing:\n  retries: 0\n',
    env: {
      ANTHROPIC_API_KEY: testKeys.anthropic,
      ANTHROPIC_BASE_URL: anthropicUpstream.baseUrl,
      GEMINI_API_KEY: geminiKey,
      GEMINI_BASE_URL: geminiUpstream.baseUrl,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_REGION: credentials.region,
      BEDROCK_BASE_URL: bedrockUpstream.baseUrl,
      DEEPSEEK_API_KEY: testKeys.deepseek,
      DEEPSEEK_BASE_URL: deepseekUpstream.baseUrl,
    },
  });
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'sk-caller', maxRetries: 0 });
});
after(async () => {
  await gateway.close();
  await Promise.all([
    anthropicUpstream.close(),
    geminiUpstream.close(),
    bedrockUpstream.close(),
    deepseekUpstream.close(),
  ]);
});
beforeEach(() => {
  gateway.gateway.health.reset();
  for (const upstream of [anthropicUpstream, geminiUpstream, bedrockUpstream, deepseekUpstream]) {
    upstream.reset();
    upstream.turns.length = 0;
  }
});

for (const target of targets) {
  describe(`openai SDK responses → gateway → ${target.label}`, () => {
    it('responses.create and responses.stream answer text', async () => {
      target.queueText('Hello there');
      const response = await client.responses.create({ model: target.model, input: 'hi', store: false });
      assert.equal(response.output_text, 'Hello there');
      assert.equal(response.status, 'completed');
      target.queueText('Streamed hello');
      const stream = client.responses.stream({ model: target.model, input: 'hi', store: false });
      const final = await stream.finalResponse();
      assert.equal(final.output_text, 'Streamed hello');
    });

    it('a streamed tool loop with function_call_output, stateless', async () => {
      target.queueToolCall();
      const first = await client.responses
        .stream({ model: target.model, input: 'Weather in Paris?', tools: [weatherTool], store: false })
        .finalResponse();
      const call = first.output.find((item) => item.type === 'function_call');
      assert.ok(call !== undefined && call.type === 'function_call');
      assert.equal(call.name, 'get_weather');
      target.queueText('Sunny.');
      const second = await client.responses.create({
        model: target.model,
        input: [
          { role: 'user', content: 'Weather in Paris?' },
          ...asInput(first.output),
          { type: 'function_call_output', call_id: call.call_id, output: 'sunny, 22C' },
        ],
        tools: [weatherTool],
        store: false,
      });
      assert.equal(second.output_text, 'Sunny.');
      assert.ok(JSON.stringify(target.sent()).includes('sunny, 22C'));
    });

    it('previous_response_id works on a provider with no store of its own', async () => {
      target.queueText('Noted: 42.');
      const first = await client.responses.create({ model: target.model, input: 'Remember 42.' });
      target.queueText('It was 42.');
      await waitFor(() => client.responses.retrieve(first.id));
      const second = await client.responses.create({
        model: target.model,
        input: 'What was it?',
        previous_response_id: first.id,
      });
      assert.equal(second.output_text, 'It was 42.');
      const sent = JSON.stringify(target.sent());
      assert.ok(sent.includes('Remember 42.') && sent.includes('Noted: 42.'));
    });
  });
}

describe('reasoning signatures across a stateless tool loop', () => {
  it('an Anthropic thinking block comes back with its text and signature exactly', async () => {
    anthropicUpstream.queueTurn({
      content: [
        {
          type: 'thinking',
          thinking: 'The user wants weather; call the tool.',
          signature: 'EqQBCkgIARABGAIiQ-signature',
        },
        { type: 'tool_use', id: 'toolu_think1', name: 'get_weather', input: { city: 'Paris' } },
      ],
      stopReason: 'tool_use',
    });
    const stream = client.responses.stream({
      model: 'anthropic/claude-sonnet-4-6',
      input: 'Weather in Paris?',
      tools: [weatherTool],
      reasoning: { effort: 'medium', summary: 'auto' },
      max_output_tokens: 8000,
      include: ['reasoning.encrypted_content'],
      store: false,
    });
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    const first = await stream.finalResponse();
    assert.ok(types.includes('response.reasoning_summary_text.delta'), 'reasoning is streamed as summary events');
    const sentFirst = anthropicUpstream.lastRequest.body as JsonObject;
    assert.equal((sentFirst['thinking'] as JsonObject | undefined)?.['type'], 'enabled', 'reasoning.effort → thinking');
    const reasoning = first.output.find((item) => item.type === 'reasoning');
    assert.ok(reasoning !== undefined && reasoning.type === 'reasoning');
    assert.equal(reasoning.summary[0]?.text, 'The user wants weather; call the tool.');
    assert.equal(typeof reasoning.encrypted_content, 'string');
    const call = first.output.find((item) => item.type === 'function_call');
    assert.ok(call !== undefined && call.type === 'function_call');

    anthropicUpstream.queueTurn({ content: [{ type: 'text', text: 'Sunny.' }] });
    await client.responses.create({
      model: 'anthropic/claude-sonnet-4-6',
      input: [
        { role: 'user', content: 'Weather in Paris?' },
        ...asInput(first.output),
        { type: 'function_call_output', call_id: call.call_id, output: 'sunny' },
      ],
      tools: [weatherTool],
      reasoning: { effort: 'medium' },
      max_output_tokens: 8000,
      store: false,
    });
    const messages = (anthropicUpstream.lastRequest.body as { messages: Array<{ role: string; content: unknown }> })
      .messages;
    const assistant = messages[1]?.content as JsonObject[];
    assert.deepEqual(assistant[0], {
      type: 'thinking',
      thinking: 'The user wants weather; call the tool.',
      signature: 'EqQBCkgIARABGAIiQ-signature',
    });
    assert.equal(assistant[1]?.['type'], 'tool_use');
  });

  it('a Gemini 3 thoughtSignature survives the loop (the mock refuses a call without it)', async () => {
    geminiUpstream.queueTurn({ functionCalls: [{ name: 'get_weather', args: { city: 'Paris' } }] });
    const first = await client.responses.create({
      model: 'gemini/gemini-3-pro-preview',
      input: 'Weather in Paris?',
      tools: [weatherTool],
      reasoning: { effort: 'low' },
      store: false,
    });
    const call = first.output.find((item) => item.type === 'function_call');
    assert.ok(call !== undefined && call.type === 'function_call');
    geminiUpstream.queueTurn({ text: 'Sunny.' });
    const second = await client.responses.create({
      model: 'gemini/gemini-3-pro-preview',
      input: [
        { role: 'user', content: 'Weather in Paris?' },
        ...asInput(first.output),
        { type: 'function_call_output', call_id: call.call_id, output: 'sunny' },
      ],
      tools: [weatherTool],
      store: false,
    });
    assert.equal(second.output_text, 'Sunny.');
    assert.ok(
      JSON.stringify(geminiUpstream.lastRequest.body).includes(geminiUpstream.issuedSignatures.at(-1) ?? 'none'),
    );
  });
});

/** Stored responses are written after the answer; reads retry briefly until the write lands. */
async function waitFor<T>(read: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await read();
    } catch (error) {
      if (attempt >= 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

/** Output items sent back as input, verbatim, as stateless clients (Codex) do; the SDK types them apart. */
function asInput(output: OpenAI.Responses.Response['output']): OpenAI.Responses.ResponseInputItem[] {
  return output as unknown as OpenAI.Responses.ResponseInputItem[];
}
