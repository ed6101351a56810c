import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { codexVersion, installCodexCli, runCodexExec } from '../support/codex-cli.ts';
import { MockAnthropicUpstream } from '../support/mock-anthropic-upstream.ts';
import { MockGeminiUpstream } from '../support/mock-gemini-upstream.ts';
import { MockOpenAIResponsesUpstream } from '../support/mock-openai-responses-upstream.ts';
import { MockOpenAIUpstream } from '../support/mock-openai-upstream.ts';
import { assistantMessage, responsesStream } from '../support/responses-event-stream.ts';
import { postJson, startTestGateway, type TestGateway } from '../support/start-test-gateway.ts';
import { testKeys } from '../support/test-keys.ts';

type JsonObject = Record<string, unknown>;

/**
 * The real Codex CLI (`codex exec`, installed from npm on first use into a cache directory) against the gateway
 * on an OpenAI-format and an Anthropic-format model: the mock model asks for a shell command through Codex's
 * `exec_command` function, Codex runs it and sends the output back, and the mock answers with the final text.
 * Skipped, with the reason, when the CLI cannot be installed.
 */
const codex = await installCodexCli();
if (codex.skip !== false) console.log(`# skipping the Codex CLI tests: ${codex.skip}`);

const command = 'printf "codex-%s" ok > proof.txt && cat proof.txt';
const finalAnswer = 'The command printed codex-ok.';
const callerKey = 'sk-codex-caller-not-forwarded';
const geminiKey = 'AIzaTestKey0123456789abcdefghijklmnopqrs';

describe(`Codex CLI ${codexVersion} → gateway`, () => {
  /** OpenAI's Responses API, as strict as the real one (function_call_output pairing, tool types). */
  const openaiUpstream = new MockOpenAIResponsesUpstream(testKeys.openai);
  const anthropicUpstream = new MockAnthropicUpstream(testKeys.anthropic);
  const geminiUpstream = new MockGeminiUpstream(geminiKey);
  /** An OpenAI-compatible provider without the Responses API: Chat Completions only. */
  const deepseekUpstream = new MockOpenAIUpstream(testKeys.deepseek);
  let gateway: TestGateway;
  let workdir: string;

  before(async () => {
    await Promise.all([
      openaiUpstream.start(),
      anthropicUpstream.start(),
      geminiUpstream.start(),
      deepseekUpstream.start(),
    ]);
    gateway = await startTestGateway({
      yaml: 'routing:\n  retries: 0\n',
      env: {
        OPENAI_API_KEY: testKeys.openai,
        OPENAI_BASE_URL: openaiUpstream.baseUrl,
        ANTHROPIC_API_KEY: testKeys.anthropic,
        ANTHROPIC_BASE_URL: anthropicUpstream.baseUrl,
        GEMINI_API_KEY: geminiKey,
        GEMINI_BASE_URL: geminiUpstream.baseUrl,
        DEEPSEEK_API_KEY: testKeys.deepseek,
        DEEPSEEK_BASE_URL: deepseekUpstream.baseUrl,
      },
    });
  });
  after(async () => {
    await gateway.close();
    await Promise.all([
      openaiUpstream.close(),
      anthropicUpstream.close(),
      geminiUpstream.close(),
      deepseekUpstream.close(),
    ]);
  });
  beforeEach(() => {
    openaiUpstream.reset();
    openaiUpstream.turns.length = 0;
    anthropicUpstream.reset();
    anthropicUpstream.turns.length = 0;
    geminiUpstream.reset();
    geminiUpstream.turns.length = 0;
    deepseekUpstream.reset();
    deepseekUpstream.turns.length = 0;
    workdir = mkdtempSync(join(tmpdir(), 'llm-proxy-codex-work-'));
  });

  async function codexExec(model: string, config: string[] = []): Promise<void> {
    if (codex.skip !== false) return;
    const result = await runCodexExec({
      entryPoint: codex.entryPoint,
      baseUrl: `${gateway.url}/v1`,
      model,
      config,
      prompt: 'Write codex-ok to proof.txt with the shell, then tell me what it printed.',
      workdir,
      apiKey: callerKey,
    });
    const transcript = `exit ${result.exitCode}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`;
    assert.equal(result.exitCode, 0, transcript);
    assert.equal(readFileSync(join(workdir, 'proof.txt'), 'utf8'), 'codex-ok', 'Codex ran the command');
    assert.match(result.stdout, /The command printed codex-ok\./, transcript);
    rmSync(workdir, { recursive: true, force: true });
  }

  it('runs a shell command in a two-turn task on an OpenAI-format model (Responses passed through)', {
    skip: codex.skip,
  }, async () => {
    openaiUpstream.queueTurn(
      {
        reasoning: { summary: 'Run it.', encryptedContent: 'enc-openai-reasoning-1' },
        toolCalls: [{ callId: 'call_codex1', name: 'exec_command', arguments: JSON.stringify({ cmd: command }) }],
      },
      { text: finalAnswer },
    );
    await codexExec('gpt-5.5');

    const sent = openaiUpstream.requests;
    assert.deepEqual(
      sent.map((request) => `${request.method} ${request.path}`),
      ['POST /v1/responses', 'POST /v1/responses'],
    );
    for (const request of sent) {
      assert.equal(request.headers.authorization, `Bearer ${testKeys.openai}`, 'the gateway key, not the caller key');
      assert.equal((request.body as JsonObject)['model'], 'gpt-5.5');
    }
    const second = sent[1];
    assert.ok(second);
    const secondInput = (second.body as JsonObject)['input'] as JsonObject[];
    const output = secondInput.find((item) => item['type'] === 'function_call_output');
    assert.equal(output?.['call_id'], 'call_codex1');
    assert.match(String(output?.['output']), /codex-ok/);
    const reasoning = secondInput.find((item) => item['type'] === 'reasoning');
    assert.equal(reasoning?.['encrypted_content'], 'enc-openai-reasoning-1', 'passed through both ways untouched');
  });

  it('runs a shell command in a two-turn task on an Anthropic-format model (Responses translated)', {
    skip: codex.skip,
  }, async () => {
    anthropicUpstream.queueTurn(
      {
        content: [
          { type: 'text', text: 'Running it.' },
          { type: 'tool_use', id: 'toolu_codex1', name: 'exec_command', input: { cmd: command } },
        ],
      },
      { content: [{ type: 'text', text: finalAnswer }] },
    );
    await codexExec('claude-sonnet-4-6');

    const sent = anthropicUpstream.requests.map((request) => request.body as JsonObject);
    assert.equal(sent.length, 2, 'one Messages call per Codex turn');
    const first = sent[0] as JsonObject;
    assert.match(JSON.stringify(first['system']), /Codex/, "Codex's developer messages became the system prompt");
    const toolNames = (first['tools'] as JsonObject[]).map((tool) => tool['name']);
    assert.ok(toolNames.includes('exec_command'), `tools sent: ${toolNames.join(', ')}`);
    const lastMessage = ((sent[1] as JsonObject)['messages'] as JsonObject[]).at(-1) as JsonObject;
    const result = (lastMessage['content'] as JsonObject[]).find((block) => block['type'] === 'tool_result');
    assert.equal(result?.['tool_use_id'], 'toolu_codex1');
    assert.match(JSON.stringify(result?.['content']), /codex-ok/);
  });

  it('runs a shell command on a Chat-Completions-only provider (Responses translated to Chat Completions)', {
    skip: codex.skip,
  }, async () => {
    deepseekUpstream.queueTurn(
      {
        content: null,
        toolCalls: [{ id: 'call_deepseek1', name: 'exec_command', arguments: JSON.stringify({ cmd: command }) }],
      },
      { content: finalAnswer },
    );
    await codexExec('deepseek/deepseek-chat');

    const [first, second, ...more] = deepseekUpstream.requests.map((request) => request.body as JsonObject);
    assert.ok(first && second && more.length === 0, 'two Chat Completions calls');
    assert.equal(deepseekUpstream.requests[0]?.path, '/v1/chat/completions');
    assert.equal((first['messages'] as JsonObject[])[0]?.['role'], 'system', "Codex's developer messages → system");
    const toolMessage = (second['messages'] as JsonObject[]).find((message) => message['role'] === 'tool');
    assert.equal(toolMessage?.['tool_call_id'], 'call_deepseek1');
    assert.match(String(toolMessage?.['content']), /codex-ok/);
  });

  it('runs a shell command on a Gemini 3 model, its thoughtSignature kept across the stateless loop', {
    skip: codex.skip,
  }, async () => {
    if (codex.skip !== false) return;
    geminiUpstream.queueTurn({
      thought: 'Write the file.',
      functionCalls: [{ name: 'exec_command', args: { cmd: command } }],
    });
    const result = await runCodexExec({
      entryPoint: codex.entryPoint,
      baseUrl: `${gateway.url}/v1`,
      model: 'gemini/gemini-3-pro-preview',
      prompt: 'Write codex-ok to proof.txt with the shell.',
      workdir,
      apiKey: callerKey,
    });
    const transcript = `exit ${result.exitCode}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`;
    assert.equal(result.exitCode, 0, transcript);
    assert.equal(readFileSync(join(workdir, 'proof.txt'), 'utf8'), 'codex-ok');
    // The mock answers "Tool said: <the function response>" and, like Gemini 3, refuses a history whose
    // functionCall lost the thoughtSignature it was issued with.
    assert.match(result.stdout, /Tool said: .*codex-ok/s, transcript);
    assert.equal(geminiUpstream.requests.length, 2);
    const [signature] = geminiUpstream.issuedSignatures;
    assert.ok(signature !== undefined, 'the mock issued a signature with its function call');
    assert.ok(
      geminiUpstream.requests[1]?.rawBody.includes(signature),
      'the first turn’s signature went back to Gemini',
    );
  });

  it('reports an upstream stream cut mid-answer as an error and exits, on both formats', {
    skip: codex.skip,
  }, async () => {
    if (codex.skip !== false) return;
    const cut = (sse: string[]) => ({ sse, reset: true });
    openaiUpstream.enqueue(
      cut(responsesStream('resp_cut', 'gpt-5.5', [assistantMessage('msg_cut', finalAnswer)]).slice(0, 4)),
    );
    anthropicUpstream.enqueue(
      cut([
        `event: message_start\ndata: ${JSON.stringify({ type: 'message_start', message: { id: 'msg_cut', type: 'message', role: 'assistant', model: 'claude-sonnet-4-6', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 10, output_tokens: 1 } } })}\n\n`,
        `event: content_block_start\ndata: ${JSON.stringify({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } })}\n\n`,
        `event: content_block_delta\ndata: ${JSON.stringify({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'The comm' } })}\n\n`,
      ]),
    );
    for (const model of ['gpt-5.5', 'claude-sonnet-4-6']) {
      const result = await runCodexExec({
        entryPoint: codex.entryPoint,
        baseUrl: `${gateway.url}/v1`,
        model,
        prompt: 'Say something.',
        workdir,
        apiKey: callerKey,
      });
      const transcript = `${model}: exit ${result.exitCode}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`;
      assert.notEqual(result.exitCode, 0, transcript);
      // The gateway's `response.failed` message, as Codex shows it: not a silent close, not a hang.
      assert.match(
        result.stderr,
        /ERROR: .*upstream stream was interrupted: it broke off before it finished/,
        transcript,
      );
    }
  });

  it('keeps an Anthropic thinking signature across the stateless tool loop (reasoning.encrypted_content)', {
    skip: codex.skip,
  }, async () => {
    anthropicUpstream.queueTurn(
      {
        content: [
          { type: 'thinking', thinking: 'The user wants a file written.', signature: 'sig-codex-thinking-1' },
          { type: 'tool_use', id: 'toolu_codex2', name: 'exec_command', input: { cmd: command } },
        ],
      },
      { content: [{ type: 'text', text: finalAnswer }] },
    );
    await codexExec('claude-sonnet-4-6', ['model_reasoning_effort="high"']);

    const [first, second, ...more] = anthropicUpstream.requests.map((request) => request.body as JsonObject);
    assert.ok(first && second && more.length === 0, 'two Messages calls');
    assert.equal((first['thinking'] as JsonObject | undefined)?.['type'], 'enabled', 'reasoning.effort → thinking');
    const assistant = (second['messages'] as JsonObject[]).find((message) => message['role'] === 'assistant');
    assert.ok(assistant);
    assert.deepEqual(
      (assistant['content'] as JsonObject[]).map((block) => [block['type'], block['signature'] ?? block['id']]),
      [
        ['thinking', 'sig-codex-thinking-1'],
        ['tool_use', 'toolu_codex2'],
      ],
      'the thinking block came back from Codex with its signature, before the tool call',
    );
  });
});

describe(`Codex CLI ${codexVersion} → gateway, apply_patch`, () => {
  const anthropicUpstream = new MockAnthropicUpstream(testKeys.anthropic);
  let gateway: TestGateway;

  before(async () => {
    await anthropicUpstream.start();
    // `gpt-5.5` is in Codex's own catalogue, so Codex sends its full tool set for it, the `custom` (free-form)
    // apply_patch tool among them; this alias serves that name from Claude.
    gateway = await startTestGateway({
      yaml: 'routing:\n  retries: 0\nmodels:\n  gpt-5.5:\n    provider: anthropic\n    model: claude-sonnet-4-6\n',
      env: { ANTHROPIC_API_KEY: testKeys.anthropic, ANTHROPIC_BASE_URL: anthropicUpstream.baseUrl },
    });
  });
  after(async () => {
    await gateway.close();
    await anthropicUpstream.close();
  });

  it('edits a file with the custom apply_patch tool on an Anthropic model', { skip: codex.skip }, async () => {
    if (codex.skip !== false) return;
    const workdir = mkdtempSync(join(tmpdir(), 'llm-proxy-codex-work-'));
    const patch = '*** Begin Patch\n*** Add File: hello.txt\n+patched by claude\n*** End Patch\n';
    anthropicUpstream.queueTurn(
      { content: [{ type: 'tool_use', id: 'toolu_patch1', name: 'apply_patch', input: { input: patch } }] },
      { content: [{ type: 'text', text: 'Patched.' }] },
    );
    const result = await runCodexExec({
      entryPoint: codex.entryPoint,
      baseUrl: `${gateway.url}/v1`,
      model: 'gpt-5.5',
      prompt: 'Create hello.txt.',
      workdir,
      apiKey: callerKey,
    });
    const transcript = `exit ${result.exitCode}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`;
    assert.equal(result.exitCode, 0, transcript);
    assert.equal(readFileSync(join(workdir, 'hello.txt'), 'utf8'), 'patched by claude\n', transcript);
    rmSync(workdir, { recursive: true, force: true });

    const [first, second, ...more] = anthropicUpstream.requests.map((request) => request.body as JsonObject);
    assert.ok(first && second && more.length === 0, 'two Messages calls');
    const applyPatch = (first['tools'] as JsonObject[]).find((tool) => tool['name'] === 'apply_patch');
    assert.deepEqual(
      (applyPatch?.['input_schema'] as JsonObject | undefined)?.['required'],
      ['input'],
      'the free-form tool is one string argument',
    );
    const answer = (second['messages'] as JsonObject[]).at(-1) as JsonObject;
    const toolResult = (answer['content'] as JsonObject[])[0];
    assert.equal(toolResult?.['tool_use_id'], 'toolu_patch1');
    assert.match(JSON.stringify(toolResult?.['content']), /Success/);
  });
});

describe(`Codex CLI ${codexVersion} → gateway with keys`, () => {
  const anthropicUpstream = new MockAnthropicUpstream(testKeys.anthropic);
  const masterKey = 'mk-codex-test-master-key-0123456789';
  let gateway: TestGateway;

  before(async () => {
    await anthropicUpstream.start();
    gateway = await startTestGateway({
      yaml: 'routing:\n  retries: 0\n',
      env: {
        LLM_PROXY_MASTER_KEY: masterKey,
        ANTHROPIC_API_KEY: testKeys.anthropic,
        ANTHROPIC_BASE_URL: anthropicUpstream.baseUrl,
      },
    });
  });
  after(async () => {
    await gateway.close();
    await anthropicUpstream.close();
  });

  it('sends the env_key as the gateway key: a valid key is served, a wrong one refused', {
    skip: codex.skip,
  }, async () => {
    if (codex.skip !== false) return;
    const created = await postJson(
      `${gateway.url}/admin/keys`,
      { name: 'codex' },
      { authorization: `Bearer ${masterKey}` },
    );
    assert.equal(created.status, 201, created.text);
    const workdir = mkdtempSync(join(tmpdir(), 'llm-proxy-codex-work-'));
    const run = (apiKey: string) =>
      runCodexExec({
        entryPoint: codex.entryPoint,
        baseUrl: `${gateway.url}/v1`,
        model: 'claude-sonnet-4-6',
        prompt: 'Say hello.',
        workdir,
        apiKey,
      });

    const served = await run(String(created.json['key']));
    assert.equal(served.exitCode, 0, served.stderr);
    assert.match(served.stdout, /You said: /);
    assert.equal(anthropicUpstream.requests.length, 1);

    const refused = await run('sk-llmp-not-a-key');
    assert.notEqual(refused.exitCode, 0);
    assert.match(refused.stderr, /401 Unauthorized: The gateway key is not valid/, refused.stderr);
    assert.equal(anthropicUpstream.requests.length, 1, 'nothing reached the provider');
    rmSync(workdir, { recursive: true, force: true });
  });
});
