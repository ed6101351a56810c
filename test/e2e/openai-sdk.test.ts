import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import OpenAI from 'openai';
import { MockAnthropicUpstream } from '../support/mock-anthropic-upstream.ts';
import { MockOpenAIUpstream } from '../support/mock-openai-upstream.ts';
import { startTestGateway, type TestGateway } from '../support/start-test-gateway.ts';
import { testKeys } from '../support/test-keys.ts';

type JsonObject = Record<string, unknown>;

const openaiUpstream = new MockOpenAIUpstream(testKeys.openai);
const anthropicUpstream = new MockAnthropicUpstream(testKeys.anthropic);
const azureKey = 'azure-test-key-0123456789abcdef';
/** Azure OpenAI in its v1 URL form and in its deployment form (`api-version`), both keyed by `api-key`. */
const azureV1Upstream = new MockOpenAIUpstream(azureKey, { auth: 'api-key' });
const azureDeploymentUpstream = new MockOpenAIUpstream(azureKey, { auth: 'api-key' });

function openAIFormatTarget(label: string, model: string, upstream: MockOpenAIUpstream): Target {
  return {
    label,
    model,
    sent: () => upstream.lastRequest.body as JsonObject,
    lastHeaders: () => upstream.lastRequest.headers,
    queueToolCall: () =>
      upstream.queueTurn({
        content: null,
        toolCalls: [{ id: 'call_abc123', name: 'get_weather', arguments: '{"city":"Paris"}' }],
      }),
    queueText: (text) => upstream.queueTurn({ content: text }),
  };
}

/** One provider behind the gateway, seen through the OpenAI SDK. */
interface Target {
  label: string;
  model: string;
  /** The body the upstream last received. */
  sent(): JsonObject;
  /** The headers the upstream last received. */
  lastHeaders(): object;
  queueToolCall(): void;
  queueText(text: string): void;
}

const targets: Target[] = [
  {
    label: 'an OpenAI upstream (passthrough)',
    model: 'openai/gpt-4o',
    sent: () => openaiUpstream.lastRequest.body as JsonObject,
    lastHeaders: () => openaiUpstream.lastRequest.headers,
    queueToolCall: () =>
      openaiUpstream.queueTurn({
        content: null,
        toolCalls: [{ id: 'call_abc123', name: 'get_weather', arguments: '{"city":"Paris"}' }],
      }),
    queueText: (text) => openaiUpstream.queueTurn({ content: text }),
  },
  {
    label: 'an Anthropic upstream (translated)',
    model: 'anthropic/claude-sonnet-4-6',
    sent: () => anthropicUpstream.lastRequest.body as JsonObject,
    lastHeaders: () => anthropicUpstream.lastRequest.headers,
    queueToolCall: () =>
      anthropicUpstream.queueTurn({
        content: [
          { type: 'text', text: 'Let me check.' },
          { type: 'tool_use', id: 'toolu_abc123', name: 'get_weather', input: { city: 'Paris' } },
        ],
      }),
    queueText: (text) => anthropicUpstream.queueTurn({ content: [{ type: 'text', text }] }),
  },
  openAIFormatTarget('Azure OpenAI, v1 URL form', 'azure/gpt-4o', azureV1Upstream),
  openAIFormatTarget('Azure OpenAI, deployment URL form', 'azure-eu/my-gpt4o-deployment', azureDeploymentUpstream),
];

const weatherTool: OpenAI.Chat.ChatCompletionTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

let gateway: TestGateway;
let client: OpenAI;

before(async () => {
  await Promise.all([
    openaiUpstream.start(),
    anthropicUpstream.start(),
    azureV1Upstream.start(),
    azureDeploymentUpstream.start(),
  ]);
  gateway = await startTestGateway({
    // Retries are tested in resilience.test.ts; here one scripted failure must reach the caller as is.
    yaml: [
      'routing:\n  retries: 0\nproviders:\n  azure-eu:\n    type: azure',
      `    api_key: ${azureKey}\n    base_url: ${azureDeploymentUpstream.origin}/openai\n    api_version: "2024-10-21"\n`,
    ].join('\n'),
    env: {
      AZURE_OPENAI_API_KEY: azureKey,
      AZURE_OPENAI_BASE_URL: `${azureV1Upstream.origin}/openai/v1`,
      OPENAI_API_KEY: testKeys.openai,
      OPENAI_BASE_URL: openaiUpstream.baseUrl,
      ANTHROPIC_API_KEY: testKeys.anthropic,
      ANTHROPIC_BASE_URL: anthropicUpstream.baseUrl,
    },
  });
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'sk-caller-key-not-forwarded', maxRetries: 0 });
});
after(async () => {
  await gateway.close();
  await Promise.all([
    openaiUpstream.close(),
    anthropicUpstream.close(),
    azureV1Upstream.close(),
    azureDeploymentUpstream.close(),
  ]);
});
beforeEach(() => {
  gateway.gateway.health.reset();
  for (const upstream of [openaiUpstream, azureV1Upstream, azureDeploymentUpstream]) {
    upstream.reset();
    upstream.turns.length = 0;
  }
  anthropicUpstream.reset();
  anthropicUpstream.turns.length = 0;
});

for (const target of targets) {
  describe(`openai SDK → gateway → ${target.label}`, () => {
    it('non-stream text', async () => {
      const completion = await client.chat.completions.create({
        model: target.model,
        messages: [{ role: 'user', content: 'hello' }],
      });
      assert.equal(completion.object, 'chat.completion');
      assert.equal(completion.choices[0]?.message.content, 'You said: hello');
      assert.equal(completion.choices[0]?.finish_reason, 'stop');
      assert.ok((completion.usage?.prompt_tokens ?? 0) > 0);
      assert.equal(
        completion.usage?.total_tokens,
        (completion.usage?.prompt_tokens ?? 0) + (completion.usage?.completion_tokens ?? 0),
      );
    });

    it('stream text, chunk by chunk', async () => {
      const stream = await client.chat.completions.create({
        model: target.model,
        stream: true,
        messages: [{ role: 'user', content: 'stream please' }],
      });
      const chunks: OpenAI.Chat.ChatCompletionChunk[] = [];
      for await (const chunk of stream) chunks.push(chunk);
      assert.equal(chunks[0]?.choices[0]?.delta.role, 'assistant');
      assert.equal(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join(''), 'You said: stream please');
      assert.ok(chunks.length > 3, 'the answer arrived in several chunks');
      assert.equal(chunks.at(-1)?.choices[0]?.finish_reason, 'stop');
      assert.equal(
        chunks.some((chunk) => chunk.usage),
        false,
        'no usage chunk unless asked for',
      );
    });

    it('stream through chat.completions.stream() and finalChatCompletion()', async () => {
      const runner = client.chat.completions.stream({
        model: target.model,
        messages: [{ role: 'user', content: 'helper' }],
      });
      const deltas: string[] = [];
      runner.on('content', (delta) => deltas.push(delta));
      const final = await runner.finalChatCompletion();
      assert.equal(final.choices[0]?.message.content, 'You said: helper');
      assert.equal(final.choices[0]?.finish_reason, 'stop');
      assert.equal(deltas.join(''), 'You said: helper');
    });

    it('stream_options.include_usage adds the usage chunk before [DONE]', async () => {
      const stream = await client.chat.completions.create({
        model: target.model,
        stream: true,
        stream_options: { include_usage: true },
        messages: [{ role: 'user', content: 'count me' }],
      });
      const chunks: OpenAI.Chat.ChatCompletionChunk[] = [];
      for await (const chunk of stream) chunks.push(chunk);
      const last = chunks.at(-1);
      assert.deepEqual(last?.choices, []);
      assert.ok((last?.usage?.prompt_tokens ?? 0) > 0);
      assert.ok((last?.usage?.completion_tokens ?? 0) > 0);
    });

    it('a system prompt', async () => {
      await client.chat.completions.create({
        model: target.model,
        messages: [
          { role: 'system', content: 'You are terse.' },
          { role: 'user', content: 'hi' },
        ],
      });
      const sent = target.sent();
      if (target.model.startsWith('anthropic/')) {
        assert.deepEqual(sent['system'], [{ type: 'text', text: 'You are terse.' }]);
        assert.equal((sent['messages'] as JsonObject[]).length, 1);
      } else {
        assert.deepEqual((sent['messages'] as JsonObject[])[0], { role: 'system', content: 'You are terse.' });
      }
    });

    it('stop sequences', async () => {
      await client.chat.completions.create({
        model: target.model,
        stop: ['END', 'STOP'],
        messages: [{ role: 'user', content: 'hi' }],
      });
      const sent = target.sent();
      assert.deepEqual(target.model.startsWith('anthropic/') ? sent['stop_sequences'] : sent['stop'], ['END', 'STOP']);
    });

    it('image input (data URL and http URL)', async () => {
      const completion = await client.chat.completions.create({
        model: target.model,
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'What is in these?' },
              { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
              { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } },
            ],
          },
        ],
      });
      assert.equal(completion.choices[0]?.message.content, 'You said: What is in these?');
      const [message] = target.sent()['messages'] as Array<{ content: JsonObject[] }>;
      if (target.model.startsWith('anthropic/')) {
        assert.deepEqual(message?.content[1], {
          type: 'image',
          source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' },
        });
        assert.deepEqual(message?.content[2], {
          type: 'image',
          source: { type: 'url', url: 'https://example.com/cat.jpg' },
        });
      } else {
        assert.deepEqual(message?.content[1], {
          type: 'image_url',
          image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' },
        });
      }
    });

    it('a tool call (non-stream), then the follow-up turn with the tool result', async () => {
      target.queueToolCall();
      const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Weather in Paris?' }];
      const first = await client.chat.completions.create({ model: target.model, tools: [weatherTool], messages });
      const choice = first.choices[0];
      assert.equal(choice?.finish_reason, 'tool_calls');
      const [call] = choice?.message.tool_calls ?? [];
      assert.ok(call?.type === 'function');
      assert.equal(call.function.name, 'get_weather');
      assert.deepEqual(JSON.parse(call.function.arguments), { city: 'Paris' });
      assert.ok(call.id.length > 0);
      if (choice?.message !== undefined) messages.push(choice.message);
      messages.push({ role: 'tool', tool_call_id: call.id, content: '18°C and sunny' });
      const second = await client.chat.completions.create({ model: target.model, tools: [weatherTool], messages });
      assert.equal(second.choices[0]?.message.content, 'Tool said: 18°C and sunny');
      if (target.model.startsWith('anthropic/')) {
        const sent = target.sent()['messages'] as Array<{ role: string; content: JsonObject[] }>;
        assert.deepEqual(
          sent.map((message) => message.role),
          ['user', 'assistant', 'user'],
        );
        assert.equal(sent[2]?.content[0]?.['type'], 'tool_result');
        assert.equal(sent[2]?.content[0]?.['tool_use_id'], call.id);
        assert.deepEqual(
          (target.sent()['tools'] as JsonObject[])[0]?.['input_schema'],
          weatherTool.function.parameters,
        );
      }
    });

    it('a tool call streamed, assembled by the SDK helper, then the follow-up turn', async () => {
      target.queueToolCall();
      const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Weather in Paris?' }];
      const runner = client.chat.completions.stream({ model: target.model, tools: [weatherTool], messages });
      const final = await runner.finalChatCompletion();
      const choice = final.choices[0];
      assert.equal(choice?.finish_reason, 'tool_calls');
      const [call] = choice?.message.tool_calls ?? [];
      assert.ok(call?.type === 'function');
      assert.equal(call.function.name, 'get_weather');
      assert.deepEqual(JSON.parse(call.function.arguments), { city: 'Paris' });
      if (choice?.message !== undefined) messages.push(choice.message as OpenAI.Chat.ChatCompletionMessageParam);
      messages.push({ role: 'tool', tool_call_id: call.id, content: 'rain' });
      const second = await client.chat.completions.create({
        model: target.model,
        stream: true,
        tools: [weatherTool],
        messages,
      });
      let text = '';
      for await (const chunk of second) text += chunk.choices[0]?.delta.content ?? '';
      assert.equal(text, 'Tool said: rain');
    });

    it('tool_choice and parallel_tool_calls reach the upstream', async () => {
      await client.chat.completions.create({
        model: target.model,
        tools: [weatherTool],
        tool_choice: { type: 'function', function: { name: 'get_weather' } },
        parallel_tool_calls: false,
        messages: [{ role: 'user', content: 'hi' }],
      });
      const sent = target.sent();
      if (target.model.startsWith('anthropic/')) {
        assert.deepEqual(sent['tool_choice'], { type: 'tool', name: 'get_weather', disable_parallel_tool_use: true });
      } else {
        assert.deepEqual(sent['tool_choice'], { type: 'function', function: { name: 'get_weather' } });
        assert.equal(sent['parallel_tool_calls'], false);
      }
    });

    it('never forwards the caller’s own key', async () => {
      await client.chat.completions.create({ model: target.model, messages: [{ role: 'user', content: 'hi' }] });
      const headers = JSON.stringify(target.lastHeaders());
      assert.equal(headers.includes('sk-caller-key-not-forwarded'), false);
    });
  });
}

describe('OpenAI surface specifics', () => {
  it('passes unknown OpenAI parameters to an OpenAI upstream unchanged, rewriting only model', async () => {
    const body = {
      model: 'openai/gpt-4o',
      messages: [{ role: 'user', content: 'hi' }],
      logit_bias: { '50256': -100 },
      verbosity: 'low',
      some_future_parameter: { nested: [1, 2, 3] },
      metadata: { team: 'blue' },
      temperature: 1.7,
      n: 2,
    };
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    assert.equal(response.status, 200);
    assert.deepEqual(openaiUpstream.lastRequest.body, { ...body, model: 'gpt-4o' });
  });

  it("forwards the caller's own bytes: spacing, key order, number spellings and big integers survive", async () => {
    const text = (model: string) =>
      `{ "messages": [{"role": "user", "content": "hi"}],\n  "model" : "${model}", "temperature": 1.0, "seed": 12345678901234567890, "top_p": 1e0 }`;
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: text('openai/gpt-4o'),
    });
    assert.equal(response.status, 200);
    assert.equal(openaiUpstream.lastRequest.rawBody, text('gpt-4o'));
    // A stream gets stream_options added in front, the rest as sent.
    const streamed = `{"model":"openai/gpt-4o","stream":true,"seed":12345678901234567890,"messages":[{"role":"user","content":"x"}]}`;
    const stream = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: streamed,
    });
    await stream.text();
    assert.equal(
      openaiUpstream.lastRequest.rawBody,
      `{"stream_options":{"include_usage":true},${streamed.slice(1).replace('openai/gpt-4o', 'gpt-4o')}`,
    );
  });

  it('asks an OpenAI upstream for stream usage and strips that chunk when the caller did not ask', async () => {
    const stream = await client.chat.completions.create({
      model: 'openai/gpt-4o',
      stream: true,
      messages: [{ role: 'user', content: 'x' }],
    });
    for await (const chunk of stream) assert.notDeepEqual(chunk.choices, []);
    assert.deepEqual((openaiUpstream.lastRequest.body as JsonObject)['stream_options'], { include_usage: true });
    await new Promise((resolve) => setImmediate(resolve));
    const line = JSON.parse(gateway.logs.at(-1) ?? '{}');
    assert.ok(line.inputTokens > 0, 'usage was still read for accounting');
    assert.equal(line.passthrough, true);
  });

  it('rejects n > 1 for a translated provider with a clear 400', async () => {
    await assert.rejects(
      client.chat.completions.create({
        model: 'anthropic/claude-sonnet-4-6',
        n: 2,
        messages: [{ role: 'user', content: 'hi' }],
      }),
      (error: unknown) => {
        assert.ok(error instanceof OpenAI.BadRequestError);
        assert.equal(error.param, 'n');
        assert.equal(error.code, 'unsupported_parameter');
        return true;
      },
    );
  });

  it('an unknown model or provider is a 404 naming the model, in OpenAI’s shape', async () => {
    for (const model of ['nowhere/model-x', 'made-up-model']) {
      await assert.rejects(
        client.chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] }),
        (error: unknown) => {
          assert.ok(error instanceof OpenAI.NotFoundError);
          assert.match(error.message, new RegExp(model));
          assert.equal(error.code, 'model_not_found');
          return true;
        },
      );
    }
  });

  it('maps upstream failures to the SDK’s error classes', async () => {
    openaiUpstream.enqueue({
      status: 429,
      headers: { 'retry-after': '3' },
      body: { error: { message: 'slow down', type: 'requests', code: 'rate_limit_exceeded' } },
    });
    await assert.rejects(
      client.chat.completions.create({ model: 'openai/gpt-4o', messages: [{ role: 'user', content: 'hi' }] }),
      OpenAI.RateLimitError,
    );
    gateway.gateway.health.reset();
    anthropicUpstream.enqueue({
      status: 529,
      body: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } },
    });
    await assert.rejects(
      client.chat.completions.create({
        model: 'anthropic/claude-sonnet-4-6',
        messages: [{ role: 'user', content: 'hi' }],
      }),
      OpenAI.InternalServerError,
    );
    await assert.rejects(
      client.chat.completions.create({ model: 'openai/gpt-4o', messages: [{ role: 'user', content: 42 }] as never }),
      OpenAI.BadRequestError,
    );
  });

  it('an upstream error after the stream started reaches the SDK as an error, not a clean end', async () => {
    anthropicUpstream.enqueue({
      sse: [
        'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-6","content":[],"stop_reason":null,"usage":{"input_tokens":5,"output_tokens":1}}}\n\n',
        'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n',
        'event: ping\ndata: {"type":"ping"}\n\n',
        'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Partial"}}\n\n',
        'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n',
      ],
    });
    const stream = await client.chat.completions.create({
      model: 'anthropic/claude-sonnet-4-6',
      stream: true,
      messages: [{ role: 'user', content: 'hi' }],
    });
    let text = '';
    await assert.rejects(async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    }, /Overloaded/);
    assert.equal(text, 'Partial');
  });

  it('an upstream stream cut off mid-answer ends in an error the SDK raises', async () => {
    for (const [upstream, model, events] of [
      [
        openaiUpstream,
        'openai/gpt-4o',
        [
          'data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{"role":"assistant","content":"Hal"},"finish_reason":null}]}\n\n',
        ],
      ],
      [
        anthropicUpstream,
        'anthropic/claude-sonnet-4-6',
        [
          'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_1","model":"m","usage":{"input_tokens":1}}}\n\n',
          'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n',
          'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hal"}}\n\n',
        ],
      ],
    ] as const) {
      upstream.enqueue({ sse: [...events] });
      const stream = await client.chat.completions.create({
        model,
        stream: true,
        messages: [{ role: 'user', content: 'hi' }],
      });
      await assert.rejects(async () => {
        for await (const _chunk of stream) {
          // drain
        }
      }, /broke off|ended/);
    }
  });

  it('a stream cut off before any content is an ordinary HTTP error (nothing was sent yet, so it could be retried)', async () => {
    anthropicUpstream.enqueue({
      sse: [
        'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_1","model":"m","usage":{"input_tokens":1}}}\n\n',
      ],
    });
    await assert.rejects(
      client.chat.completions.create({
        model: 'anthropic/claude-sonnet-4-6',
        stream: true,
        messages: [{ role: 'user', content: 'hi' }],
      }),
      (error: unknown) => error instanceof OpenAI.InternalServerError && error.status === 502,
    );
  });

  it('warns, in a header, about parameters a translated provider cannot honour', async () => {
    const response = await client.chat.completions
      .create({
        model: 'anthropic/claude-sonnet-4-6',
        presence_penalty: 0.5,
        logprobs: true,
        messages: [{ role: 'user', content: 'hi' }],
      })
      .withResponse();
    const warnings = response.response.headers.get('x-llm-proxy-warnings') ?? '';
    assert.match(warnings, /presence_penalty/);
    assert.match(warnings, /logprobs/);
    assert.equal('presence_penalty' in (anthropicUpstream.lastRequest.body as JsonObject), false);
  });

  it('serves a model list with aliases and known models, and one model by id', async () => {
    const list = await client.models.list();
    const ids = list.data.map((model) => model.id);
    assert.ok(ids.includes('openai/gpt-4o'));
    assert.ok(ids.includes('anthropic/claude-sonnet-4-6'));
    assert.ok(ids.includes('mock/echo'));
    assert.equal(
      ids.some((id) => id.startsWith('deepseek/')),
      false,
      'unconfigured providers are not listed',
    );
    const one = await client.models.retrieve('openai/gpt-4o');
    assert.equal(one.owned_by, 'openai');
    await assert.rejects(client.models.retrieve('nope/nothing'), OpenAI.NotFoundError);
  });

  it('passes embeddings through to an OpenAI-format provider and refuses others', async () => {
    const result = await client.embeddings.create({ model: 'openai/text-embedding-3-small', input: ['a', 'b'] });
    assert.equal(result.data.length, 2);
    assert.equal((openaiUpstream.lastRequest.body as JsonObject)['model'], 'text-embedding-3-small');
    await assert.rejects(
      client.embeddings.create({ model: 'anthropic/claude-sonnet-4-6', input: 'a' }),
      (error: unknown) => {
        assert.ok(error instanceof OpenAI.BadRequestError);
        assert.equal(error.code, 'unsupported_operation');
        return true;
      },
    );
  });

  it('the mock provider answers through the OpenAI surface too', async () => {
    const completion = await client.chat.completions.create({
      model: 'mock/echo',
      messages: [{ role: 'user', content: 'offline' }],
    });
    assert.equal(completion.choices[0]?.message.content, 'offline');
  });
});

describe('Azure OpenAI URL forms', () => {
  it('the deployment form puts the model name in the path with api-version; the v1 form in the body', async () => {
    await client.chat.completions.create({
      model: 'azure-eu/my-gpt4o-deployment',
      messages: [{ role: 'user', content: 'a' }],
    });
    assert.equal(azureDeploymentUpstream.deployments.at(-1), 'my-gpt4o-deployment');
    assert.match(
      azureDeploymentUpstream.lastRequest.path,
      /^\/openai\/deployments\/my-gpt4o-deployment\/chat\/completions\?api-version=2024-10-21$/,
    );
    assert.equal(azureDeploymentUpstream.lastRequest.headers.authorization, undefined, 'no bearer: api-key only');
    await client.chat.completions.create({ model: 'azure/gpt-4o', messages: [{ role: 'user', content: 'b' }] });
    assert.equal(azureV1Upstream.lastRequest.path, '/openai/v1/chat/completions');
    assert.equal(azureV1Upstream.lastRequest.headers['api-key'], azureKey);
    assert.equal((azureV1Upstream.lastRequest.body as JsonObject)['model'], 'gpt-4o');
  });
});
