import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { geminiCliVersion, installGeminiCli, runGeminiPrompt } from '../support/gemini-cli.ts';
import { MockAnthropicUpstream } from '../support/mock-anthropic-upstream.ts';
import { MockOpenAIUpstream } from '../support/mock-openai-upstream.ts';
import { startTestGateway, type TestGateway } from '../support/start-test-gateway.ts';
import { testKeys } from '../support/test-keys.ts';

/**
 * The real Gemini CLI (`gemini -p`, installed from npm on first use into a cache directory) through the
 * gateway, its Gemini model names aliased to an OpenAI-format and an Anthropic model, as
 * docs/gemini-compatibility.md sets it up. It reaches nothing but the gateway: telemetry, usage
 * statistics and update checks are off. Skipped, with the reason, when the CLI cannot be installed.
 */
const cli = await installGeminiCli();
if (cli.skip !== false) console.log(`# skipping the Gemini CLI tests: ${cli.skip}`);

const gatewayKey = 'sk-gateway-master-gemini-cli-0123456789';

describe(`Gemini CLI ${geminiCliVersion} → gateway`, () => {
  const openai = new MockOpenAIUpstream(testKeys.openai);
  const anthropic = new MockAnthropicUpstream(testKeys.anthropic);
  let gateway: TestGateway;
  let scratch: string;

  before(async () => {
    await Promise.all([openai.start(), anthropic.start()]);
    gateway = await startTestGateway({
      yaml: [
        'routing:',
        '  retries: 0',
        'models:',
        '  gemini-2.5-pro: openai/gpt-4o-mini',
        '  gemini-2.5-flash: anthropic/claude-sonnet-4-5',
        '  gemini-2.5-flash-lite: openai/gpt-4o-mini',
        '',
      ].join('\n'),
      env: {
        LLM_PROXY_MASTER_KEY: gatewayKey,
        OPENAI_API_KEY: testKeys.openai,
        OPENAI_BASE_URL: openai.baseUrl,
        ANTHROPIC_API_KEY: testKeys.anthropic,
        ANTHROPIC_BASE_URL: anthropic.baseUrl,
      },
    });
  });
  after(async () => {
    await gateway.close();
    await Promise.all([openai.close(), anthropic.close()]);
  });
  beforeEach(() => {
    openai.reset();
    anthropic.reset();
    scratch = mkdtempSync(join(tmpdir(), 'llm-proxy-gemini-cli-'));
  });

  async function ask(model: string, prompt: string): Promise<string> {
    if (cli.skip !== false) return '';
    const result = await runGeminiPrompt({
      entryPoint: cli.entryPoint,
      baseUrl: gateway.url,
      apiKey: gatewayKey,
      model,
      prompt,
      home: join(scratch, 'home'),
      workdir: scratch,
    });
    rmSync(scratch, { recursive: true, force: true });
    const transcript = `exit ${result.exitCode}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`;
    assert.equal(result.exitCode, 0, transcript);
    return result.stdout;
  }

  it('answers from an OpenAI-format model through the gemini-2.5-pro alias', { skip: cli.skip }, async () => {
    openai.queueTurn({ content: 'Hello from the OpenAI-format model.' });
    const answer = await ask('gemini-2.5-pro', 'Say hello.');
    assert.match(answer, /Hello from the OpenAI-format model\./);
    assert.ok(openai.requests.some((request) => request.path === '/v1/chat/completions'));
    const served = gateway.logs.map((line) => JSON.parse(line) as { route?: string; status?: number });
    const routes = served.filter((line) => line.route !== undefined);
    assert.ok(routes.length > 0);
    for (const line of routes) assert.deepEqual([line.route, line.status], ['/v1beta/models/*', 200]);
    for (const request of openai.requests) assert.equal(JSON.stringify(request.headers).includes(gatewayKey), false);
  });

  it('answers from an Anthropic model through the gemini-2.5-flash alias', { skip: cli.skip }, async () => {
    anthropic.queueTurn({ content: [{ type: 'text', text: 'Hello from the Anthropic model.' }] });
    const answer = await ask('gemini-2.5-flash', 'Say hello.');
    assert.match(answer, /Hello from the Anthropic model\./);
    assert.ok(anthropic.requests.some((request) => request.path === '/v1/messages'));
  });
});
